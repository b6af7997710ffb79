//! Render tests of every screen at 80x24 on ratatui's TestBackend: the app
//! is driven by key events exactly as the event loop drives it (a key, then
//! `settle`), drawn, and the buffer read back as text.
//!
//! Whole screens are kept as insta snapshots (tests/it/snapshots/); after an
//! intended change of a screen, review and accept them with
//! `INSTA_UPDATE=always cargo test --test it render` (or `cargo insta review`).
//! Each test also asserts the specific content it is about.

use crate::common::desk::Desk;
use crate::common::{ctrl, demo_store, key, shift_tab};
use crossterm::event::KeyCode;
use orderdesk::store::Store;
use orderdesk::tui::app::Step;
use orderdesk::tui::theme::Theme;

const CARD: &str = "4111111111111111";

#[test]
fn find_customer_lists_recent_customers_and_marks_the_selection() {
    let mut d = Desk::new();
    let s = d.screen();
    assert!(s.contains("Find customer"), "{s}");
    assert!(s.contains("recent customers"), "{s}");
    // Rows under the header; the first is selected with a `>` marker.
    let (row, line) = d.row_with("> Doe, Jane").expect("selected first row");
    assert!(line.starts_with("> Doe, Jane"), "{line}");
    assert!(d.reversed_at(row, 0, 11), "selection in reverse video");
    assert!(s.contains("  Smith, John"), "{s}");
    // Header, step bar with the current step marked, key bar.
    let lines = d.lines();
    assert!(lines[0].contains("op alice"), "{}", lines[0]);
    assert!(lines[1].contains(">F2 Find"), "{}", lines[1]);
    assert!(lines[23].contains("Enter Pick"), "{}", lines[23]);
    assert!(lines[23].contains("F1/? Help"), "{}", lines[23]);
    insta::assert_snapshot!("find_customer", s);
}

#[test]
fn a_disabled_customer_is_marked_in_words_in_the_results() {
    let (dir, path, store) = demo_store();
    let id = store
        .search_customers(
            &orderdesk::store::CustomerQuery {
                logon: "jsmith".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap()[0]
        .id;
    let base = store.load_customer_draft(id).unwrap().unwrap();
    let mut off = base.clone();
    off.enabled = false;
    store.update_customer(id, &base, &off, "alice").unwrap();
    // Monochrome: nothing but the words can say it.
    let mut d = Desk::on(dir, path, store, Theme { mono: true });
    let row = d.list_row("Smith, John").expect("listed");
    assert!(row.ends_with("DISABLED"), "{row}");
    let row = d.list_row("Doe, Jane").expect("listed");
    assert!(!row.contains("DISABLED"), "{row}");
    // Selected, it still says so.
    d.type_text("smith");
    d.code(KeyCode::Down);
    let row = d.list_row("Smith, John").expect("listed");
    assert!(row.starts_with("> Smith, John"), "{row}");
    assert!(row.contains("DISABLED"), "{row}");
}

#[test]
fn typing_a_name_filters_and_down_moves_the_marker() {
    let mut d = Desk::new();
    d.type_text("smi");
    let s = d.screen();
    assert!(s.contains("3 matches"), "{s}");
    // Same last name: in first-name order.
    assert!(s.contains("> Smith, Aaron"), "{s}");
    assert!(s.contains("  Smith, John"), "{s}");
    assert!(s.contains("  Smith, Maria"), "{s}");
    assert!(
        s.find("Smith, Aaron") < s.find("Smith, John")
            && s.find("Smith, John") < s.find("Smith, Maria"),
        "{s}"
    );
    assert!(!s.contains("Doe, Jane"), "filtered out: {s}");
    let (_, field) = d.row_with(">Say it").expect("the first field focused");
    assert!(field.contains(" smi_"), "typed into the field: {field}");
    d.code(KeyCode::Down);
    let s = d.screen();
    assert!(s.contains("  Smith, Aaron"), "{s}");
    assert!(s.contains("> Smith, John"), "{s}");
    insta::assert_snapshot!("find_customer_filtered", s);

    // Accents and case fold: "NUNEZ" finds Nuñez.
    d.code(KeyCode::Esc);
    d.type_text("NUNEZ");
    let s = d.screen();
    assert!(s.contains("> Nuñez, Carlos"), "{s}");
    assert!(s.contains("1 match"), "{s}");

    // Nothing found: the screen says what to do.
    d.code(KeyCode::Esc);
    d.type_text("zzzq");
    let s = d.screen();
    assert!(s.contains("0 matches"), "{s}");
    assert!(
        s.contains("No customer matches: ^N new customer or ^D guest order, with what you typed."),
        "{s}"
    );
}

#[test]
fn customer_record_shows_the_picked_customer() {
    let mut d = Desk::new();
    d.pick("doe");
    d.code(KeyCode::F(3));
    let s = d.screen();
    assert!(s.contains("Customer record — Jane Doe"), "{s}");
    assert!(s.contains("Logon ID   jdoe"), "{s}");
    assert!(s.contains("jane.doe@example.com"), "{s}");
    assert!(s.contains("Currency   USD"), "{s}");
    assert!(
        s.contains("Home [ship+bill]: Jane Doe, 12 Elm Street"),
        "{s}"
    );
    assert!(
        s.contains("Work: Jane Doe, 400 S 5th Street, Suite 210"),
        "{s}"
    );
    assert!(
        d.lines()[0].contains("Jane Doe (USD)"),
        "header names the customer"
    );
    insta::assert_snapshot!("customer_record", s);
}

#[test]
fn guest_form_shows_messages_next_to_the_fields() {
    let mut d = Desk::new();
    d.press(ctrl('d'));
    assert_eq!(d.app.step, Step::Customer);
    let s = d.screen();
    assert!(s.contains("Guest order"), "{s}");
    for label in ["First name", "Last name", "Phone", "E-mail", "Country (2)"] {
        assert!(s.contains(label), "{label} missing: {s}");
    }
    // Enter on the last field (Shift+Tab wraps to it) checks the form;
    // elsewhere it goes on to the next empty field.
    d.press(shift_tab());
    d.code(KeyCode::Enter);
    let (_, first) = d.row_with("First name").unwrap();
    assert!(first.contains("! enter the first name"), "{first}");
    let (_, phone) = d.row_with("Phone").unwrap();
    assert!(phone.contains("! a phone or an e-mail"), "{phone}");
    let (_, city) = d.row_with("City").unwrap();
    assert!(city.contains("! enter the city"), "{city}");
    let s = d.screen();
    assert!(s.contains("! the guest form has problems"), "{s}");
    assert_eq!(
        d.app.step,
        Step::Customer,
        "no order starts from an empty form"
    );
    insta::assert_snapshot!("guest_form_errors", s);

    // A bad e-mail and country are named, the rest cleared as fixed.
    d.type_text("Ann");
    d.code(KeyCode::Tab);
    d.type_text("Lee");
    d.code(KeyCode::Tab);
    d.code(KeyCode::Tab);
    d.type_text("ann.example.com");
    d.code(KeyCode::Tab);
    d.type_text("1 Main St");
    d.code(KeyCode::Tab);
    d.code(KeyCode::Tab);
    d.type_text("Austin");
    d.code(KeyCode::Tab);
    d.type_text("TX");
    d.code(KeyCode::Tab);
    d.type_text("78701");
    d.code(KeyCode::Tab);
    d.type_text("U1");
    d.code(KeyCode::Enter);
    let (_, email) = d.row_with("E-mail").unwrap();
    assert!(email.contains("! e-mail needs an @"), "{email}");
    let (_, country) = d.row_with("Country (2)").unwrap();
    assert!(
        country.contains("! ") && country.contains("letters"),
        "{country}"
    );
    let (_, first) = d.row_with("First name").unwrap();
    assert!(!first.contains('!'), "fixed field cleared: {first}");

    // The focus went to the first marked field; fix it and the country.
    assert!(d.row_with(">E-mail").is_some(), "focus on the e-mail");
    d.press(ctrl('u'));
    d.type_text("ann@example.com");
    for _ in 0..6 {
        d.code(KeyCode::Tab);
    }
    assert!(d.row_with(">Country (2)").is_some(), "focus on the country");
    d.press(ctrl('u'));
    d.type_text("US");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.step, Step::Catalog, "{s}");
    assert!(
        d.lines()[0].contains("Guest: Ann Lee (USD)"),
        "{}",
        d.lines()[0]
    );
}

#[test]
fn catalog_shows_prices_and_availability() {
    let mut d = Desk::new();
    d.pick("doe");
    let s = d.screen();
    assert!(s.contains("Catalog — prices in USD"), "{s}");
    assert!(s.contains("Availability"), "{s}");
    d.type_text("TNT-2001");
    let row = d.list_row("TNT-2001").unwrap();
    assert!(row.starts_with("> TNT-2001"), "{row}");
    assert!(row.contains("Ridgeline 2-Person Tent"), "{row}");
    assert!(row.contains("189.00"), "{row}");
    assert!(row.contains("in stock"), "{row}");
    // The selected item's description is shown under the list.
    let s = d.screen();
    assert!(s.contains("A freestanding three-season tent"), "{s}");
    insta::assert_snapshot!("catalog", s);

    // Scarce and out-of-stock items say so (their dates: the next test).
    for (sku, text) in [("PCK-2007", "3 available"), ("TNT-2011", "backorder")] {
        d.code(KeyCode::Esc);
        d.type_text(sku);
        let row = d.list_row(sku).unwrap();
        assert!(row.contains(text), "{sku}: {row}");
    }

    // Words of the name find items too.
    d.code(KeyCode::Esc);
    d.type_text("ridgeline tent");
    let s = d.screen();
    assert!(s.contains("Ridgeline 2-Person Tent"), "{s}");
    assert!(s.contains("Ridgeline 3-Person Tent"), "{s}");
    assert!(!s.contains("Summit Ultralight"), "{s}");

    // A bad quantity is named next to the field and nothing is added.
    d.code(KeyCode::Tab);
    d.press(ctrl('u'));
    d.type_text("0");
    d.code(KeyCode::Enter);
    let (_, qty) = d.row_with(">Qty").expect("focus on the quantity");
    assert!(qty.contains("0_____ !"), "marked next to the field: {qty}");
    let s = d.screen();
    assert!(s.contains("! quantity must be at least 1"), "{s}");
    assert!(d.app.order().lines.is_empty());
}

/// docs/design.md step 3: "backorder with date". The date must be
/// readable on an 80-column screen, not cut off.
#[test]
fn catalog_backorder_dates_are_readable_at_80_columns() {
    let mut d = Desk::new();
    d.pick("doe");
    for (sku, text) in [
        ("TNT-2011", "backorder, date unknown"),
        ("SLP-1025", "backorder, due 2026-12-05"),
    ] {
        d.code(KeyCode::Esc);
        d.type_text(sku);
        let row = d.list_row(sku).unwrap();
        assert!(row.contains(text), "{sku}: {row}");
    }
}

#[test]
fn catalog_prices_follow_the_customer_currency() {
    let mut d = Desk::new();
    d.pick("tanaka");
    d.type_text("TNT-2001");
    let s = d.screen();
    assert!(s.contains("Catalog — prices in JPY"), "{s}");
    let row = d.list_row("TNT-2001").unwrap();
    assert!(row.contains("28,400"), "{row}");
    assert!(!row.contains("28,400."), "no decimals in yen: {row}");
}

#[test]
fn cart_shows_line_totals() {
    let mut d = Desk::new();
    d.pick("doe");
    d.add("TNT-2001", 2);
    d.add("TNT-2023", 3);
    d.code(KeyCode::F(5));
    let s = d.screen();
    assert!(s.contains("Cart — 2 lines, USD"), "{s}");
    let tent = d.list_row("TNT-2001").unwrap();
    assert!(tent.starts_with("> TNT-2001"), "{tent}");
    assert!(tent.contains(" 2 "), "{tent}");
    assert!(tent.contains("189.00"), "{tent}");
    // Tents 10 % off (37.80 and 4.335 -> 4.34), then 5 % of 379.21 = 18.96
    // spread over the lines by value: 17.01 and 1.95.
    assert!(tent.contains(" 54.81 "), "{tent}");
    assert!(tent.ends_with("323.19"), "{tent}");
    let kit = d.list_row("TNT-2023").unwrap();
    assert!(kit.contains("14.45"), "{kit}");
    assert!(kit.contains(" 6.29 "), "{kit}");
    assert!(kit.ends_with("37.06"), "{kit}");
    let (_, merch) = d.row_with("Merchandise").unwrap();
    assert!(merch.ends_with("421.35"), "{merch}");
    assert!(d.lines()[0].contains("Total"), "header shows the total");
    insta::assert_snapshot!("cart", s);

    // Change a quantity in place.
    d.code(KeyCode::Down);
    d.code(KeyCode::Enter);
    assert!(d.screen().contains("Quantity"), "quantity field opens");
    d.press(ctrl('u'));
    d.type_text("1");
    d.code(KeyCode::Enter);
    // 14.45 - 1.45 (10 %) = 13.00, less its share of 5 % of 353.20 (0.65)
    let kit = d.list_row("TNT-2023").unwrap();
    assert!(kit.ends_with("12.35"), "{kit}");
    // Remove it and put it back.
    d.code(KeyCode::Delete);
    assert!(d.list_row("TNT-2023").is_none());
    let s = d.screen();
    assert!(s.contains("Cart — 1 line,"), "{s}");
    assert!(s.contains("Removed TNT-2023 (^Y puts it back)"), "{s}");
    d.press(ctrl('y'));
    assert!(d.list_row("TNT-2023").is_some());
}

#[test]
fn empty_cart_says_where_to_go() {
    let mut d = Desk::new();
    d.code(KeyCode::F(5));
    let s = d.screen();
    assert!(
        s.contains("The cart is empty: type a SKU above, or F4 opens the catalog."),
        "{s}"
    );
}

#[test]
fn fulfillment_lists_methods_and_shows_the_chosen_one() {
    let mut d = Desk::new();
    d.pick("doe");
    d.add("TNT-2001", 2);
    d.code(KeyCode::F(6));
    let s = d.screen();
    assert!(s.contains("Fulfillment"), "{s}");
    let line = d.list_row("TNT-2001").unwrap();
    assert!(line.starts_with("> TNT-2001"), "{line}");
    assert!(line.contains("#1"), "{line}");
    // The store's default method is there already (no earlier order).
    assert!(line.contains("GROUND"), "the default method: {line}");

    // Enter lists the methods covering the ship-to, with their charge.
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(
        s.contains("Method for ship-to 1: Jane Doe, 12 Elm Street"),
        "{s}"
    );
    // Ground: 5.95 + 2 x 0.50 + 4.2 kg x 0.40 = 8.63
    let ground = d.list_row("Ground").unwrap();
    assert!(ground.starts_with("> Ground"), "{ground}");
    assert!(ground.ends_with("8.63"), "{ground}");
    assert!(d.list_row("Express").is_some(), "{s}");
    insta::assert_snapshot!("fulfillment_methods", s);

    d.code(KeyCode::Enter);
    let line = d.list_row("TNT-2001").unwrap();
    assert!(line.ends_with("GROUND"), "chosen: {line}");
    let s = d.screen();
    let shipments = s.split("Shipments").nth(1).unwrap_or_default();
    // Ground is 8.63; free shipping over 150 makes the charge 0.00.
    assert!(
        shipments.lines().any(|l| l.contains("GROUND 0.00")),
        "the shipment with its method and charge: {s}"
    );
    assert!(
        !d.lines()[1].contains("F6 Ship!"),
        "step complete: {}",
        d.lines()[1]
    );
    insta::assert_snapshot!("fulfillment_chosen", s);

    // Opening the methods again starts on the chosen one; another moves it.
    d.code(KeyCode::Enter);
    assert!(d.list_row("Ground").unwrap().starts_with("> "));
    d.code(KeyCode::Down);
    d.code(KeyCode::Enter);
    let line = d.list_row("TNT-2001").unwrap();
    assert!(line.ends_with("EXPRESS"), "{line}");
}

#[test]
fn fulfillment_without_customer_says_so() {
    let mut d = Desk::new();
    d.code(KeyCode::F(6));
    let s = d.screen();
    assert!(
        s.contains("The cart is empty: F4 opens the catalog."),
        "{s}"
    );
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("no ship-to address yet"), "{s}");
}

#[test]
fn payment_checks_the_card_and_keeps_only_the_last_four() {
    let mut d = Desk::jane_with_tents();
    d.payment_list();
    let s = d.screen();
    assert!(s.contains("Billing and payment"), "{s}");
    assert!(s.contains("Bill to: Jane Doe, 12 Elm Street"), "{s}");
    // Her default card is preselected; its challenge waits (Esc left it).
    assert!(
        s.contains("Payment: VISA ending 1111, exp 12/29 (stored)"),
        "{s}"
    );
    assert!(s.contains("> New card"), "{s}");
    assert!(s.contains("Stored: VISA ending 1111, exp 12/29"), "{s}");
    assert!(s.contains("Cash on delivery"), "{s}");
    insta::assert_snapshot!("payment_choices", s);

    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(
        s.contains("only brand, last four and expiry are kept"),
        "{s}"
    );
    assert!(s.contains("Card number"), "{s}");
    assert!(s.contains("Expiry MM/YY"), "{s}");
    assert!(s.contains("Security code"), "{s}");

    // A mistyped digit: the message stands next to the number.
    d.type_text("4111111111111112");
    d.code(KeyCode::Tab);
    d.type_text("12/30");
    d.code(KeyCode::Tab);
    d.type_text("123");
    let (_, cvc) = d.row_with("Security code").unwrap();
    assert!(cvc.contains("•••"), "code masked: {cvc}");
    assert!(!cvc.contains("123"), "code masked: {cvc}");
    d.code(KeyCode::Enter);
    let (_, number) = d.row_with("Card number").unwrap();
    assert!(
        number.contains("! card number: check digit wrong"),
        "{number}"
    );
    // Refused: the payment is still the default card preselected at the pick.
    assert!(matches!(
        d.app.order().payment,
        Some(orderdesk::domain::order::Payment::StoredCard(_))
    ));
    insta::assert_snapshot!("payment_bad_card", d.screen());

    // Fixed: only the brand and last four remain anywhere on screen.
    d.press(ctrl('u'));
    d.type_text(CARD);
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("Payment: VISA ending 1111, exp 12/30"), "{s}");
    assert!(!s.contains(CARD), "full number on screen: {s}");
    assert!(!s.contains("Card number"), "form closed: {s}");
    // And nowhere in the review or the saved draft.
    d.code(KeyCode::F(9));
    let s = d.screen();
    assert!(s.contains("Payment   VISA ending 1111, exp 12/30"), "{s}");
    assert!(!s.contains(CARD), "{s}");
    for entry in std::fs::read_dir(d.path.parent().unwrap()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(CARD.len()).any(|w| w == CARD.as_bytes()),
            "card number written to disk"
        );
    }

    // An expired card names the expiry.
    d.payment_list();
    d.code(KeyCode::Enter);
    d.type_text(CARD);
    d.code(KeyCode::Tab);
    d.type_text("10/26");
    d.code(KeyCode::Tab);
    d.type_text("123");
    d.code(KeyCode::Enter);
    let (_, exp) = d.row_with("Expiry MM/YY").unwrap();
    assert!(exp.contains("! expiry: this card has expired"), "{exp}");
    // Esc leaves the form and clears it.
    d.code(KeyCode::Esc);
    let s = d.screen();
    assert!(!s.contains(CARD), "{s}");
    assert!(
        s.contains("Payment: VISA ending 1111, exp 12/30"),
        "unchanged: {s}"
    );
}

#[test]
fn adjustments_keep_the_comments() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(8));
    let s = d.screen();
    assert!(
        s.contains("Adjustments — discounts, coupons, overrides, comments"),
        "{s}"
    );
    assert!(s.contains(" For the customer"), "{s}");
    assert!(s.contains("For the warehouse"), "{s}");
    insta::assert_snapshot!("adjustments", s);
    // The list has the keys first; Tab goes to the coupon code, then the comments.
    d.code(KeyCode::Tab);
    d.code(KeyCode::Tab);
    assert!(d.screen().contains(">For the customer"), "{}", d.screen());
    d.type_text("Gift, no invoice");
    d.code(KeyCode::Tab);
    d.type_text("Leave at back door");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("Comments saved."), "{s}");
    assert_eq!(d.app.order().comment_customer, "Gift, no invoice");
    d.code(KeyCode::F(9));
    let s = d.screen();
    assert!(s.contains("Comment (customer)  Gift, no invoice"), "{s}");
    assert!(s.contains("Comment (warehouse) Leave at back door"), "{s}");
    // Back on the screen, the fields show the saved comments.
    d.code(KeyCode::F(8));
    assert!(d.screen().contains("Gift, no invoice"));
}

#[test]
fn review_shows_totals_and_names_what_is_missing() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(9));
    let s = d.screen();
    assert!(s.contains("Review"), "{s}");
    // The default card is the payment; its challenge is what is missing.
    assert!(
        s.contains("! a stored card needs the challenge question answered first — F7"),
        "{s}"
    );
    assert!(s.contains("Customer  Jane Doe"), "{s}");
    // 2 x 189.00 = 378.00; tents 10 % off: -37.80 = 340.20; 5 % off over
    // 250: -17.01 = 323.19; Ground 8.63 made free (over 150);
    // Illinois 6.25 % of 323.19 = 20.199 -> 20.20; total 343.39
    let (_, m) = d.row_with("Merchandise").unwrap();
    assert!(m.ends_with("378.00"), "{m}");
    let (_, p) = d.row_with("10% off all tents and shelters").unwrap();
    assert!(p.ends_with("-37.80"), "{p}");
    let (_, p) = d.row_with("5% off orders over $250.00").unwrap();
    assert!(p.ends_with("-17.01"), "{p}");
    let (_, sh) = d.row_with("Shipping #1 GROUND computed").unwrap();
    assert!(sh.ends_with("8.63"), "{sh}");
    let (_, free) = d
        .row_with("free: Free Ground shipping on orders over $150.00")
        .unwrap();
    assert!(free.ends_with("-8.63"), "{free}");
    let (_, tax) = d.row_with("Tax Illinois 6.25%").unwrap();
    assert!(tax.ends_with("20.20"), "{tax}");
    let (_, total) = d.row_with("TOTAL USD").unwrap();
    assert!(total.ends_with("343.39"), "{total}");
    // The step bar marks the payment step as missing something.
    assert!(d.lines()[1].contains("F7 Pay!"), "{}", d.lines()[1]);
    insta::assert_snapshot!("review_missing_payment", s);

    // Enter with something missing: nothing placed, the problem named on
    // the status line, and the console on the step that fixes it (the
    // challenge asked there at once).
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.step, Step::Payment);
    assert!(
        s.contains("! a stored card needs the challenge question answered first (F7 goes there)"),
        "{s}"
    );
    assert!(s.contains("Stored card: ask the challenge"), "{s}");
    assert_eq!(d.app.session.store().order_count().unwrap(), 0);
}

#[test]
fn confirmation_shows_the_order_number() {
    let mut d = Desk::jane_with_tents();
    d.pay_by_card();
    d.code(KeyCode::F(9));
    let s = d.screen();
    assert!(!s.contains("! "), "nothing missing: {s}");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.step, Step::Confirmation);
    let s = d.screen();
    assert!(s.contains("Order placed"), "{s}");
    assert!(s.contains("Order number  100001"), "{s}");
    assert!(s.contains("343.39 USD"), "the total: {s}");
    assert!(
        s.contains("GROUND, ships 2026-11-25, expected by 2026-11-30"),
        "{s}"
    );
    assert!(
        s.contains("Payment       VISA ending 1111, exp 12/30"),
        "{s}"
    );
    assert!(s.contains("Order 100001 placed."), "{s}");
    assert!(!s.contains(CARD));
    insta::assert_snapshot!("confirmation", s);
    assert_eq!(d.app.session.store().order_count().unwrap(), 1);

    // Enter starts the next order on the find screen.
    d.code(KeyCode::Enter);
    assert_eq!(d.app.step, Step::Find);
    assert!(d.lines()[0].contains("no customer yet"), "{}", d.lines()[0]);
}

#[test]
fn help_overlay_lists_the_screen_keys() {
    let mut d = Desk::new();
    d.code(KeyCode::F(1));
    let s = d.screen();
    assert!(s.contains("Help — any key closes"), "{s}");
    assert!(s.contains("On Find customer"), "{s}");
    for text in [
        "Pick",
        "Guest order",
        "Clear search",
        "Next field",
        "Previous field",
        "PgDn",
        "Everywhere",
        "F2/^F",
        "F4/^K",
    ] {
        assert!(s.contains(text), "help lacks {text}: {s}");
    }
    insta::assert_snapshot!("help_find", s);
    // Any key closes it and does nothing else.
    d.code(KeyCode::Esc);
    let s = d.screen();
    assert!(!s.contains("On Find customer"), "{s}");

    // `?` opens help where no text field has the keys (review), and lists
    // that screen's keys.
    d.code(KeyCode::F(9));
    d.press(key(KeyCode::Char('?')));
    let s = d.screen();
    assert!(s.contains("On Review and submit"), "{s}");
    assert!(s.contains("Submit / go to the first problem"), "{s}");
    d.code(KeyCode::Esc);

    // In a text field `?` is typed.
    d.code(KeyCode::F(2));
    d.press(key(KeyCode::Char('?')));
    assert!(!d.screen().contains("On Review and submit"));
}

/// "Key hints never lie" (docs/design.md): every key that works is in
/// the help, the global ones (F8, F9, ^L, ^C) included, on every screen at 80x24.
#[test]
fn help_overlay_shows_every_global_key_at_80x24() {
    let mut d = Desk::new();
    for step_key in [2u8, 3, 4, 5, 6, 7, 8, 9] {
        d.code(KeyCode::F(step_key));
        d.code(KeyCode::F(1));
        let s = d.screen();
        for text in [
            "F8/^A",
            "F9/^R",
            "Redraw the screen",
            "Quit (the order stays a draft)",
        ] {
            assert!(s.contains(text), "F{step_key} help lacks {text}:\n{s}");
        }
        d.code(KeyCode::Esc);
    }
}

#[test]
fn small_window_gets_one_line_and_recovers() {
    let mut d = Desk::new();
    d.term.backend_mut().resize(79, 24);
    let lines = d.lines();
    assert_eq!(
        lines[0],
        "orderdesk needs at least 80x24; this window is 79x24"
    );
    assert_eq!(lines[1], "Ctrl+C quits (the order stays a draft)");
    assert!(lines[2..].iter().all(|l| l.is_empty()), "{lines:?}");
    d.term.backend_mut().resize(80, 23);
    assert!(d.lines()[0].contains("this window is 80x23"));
    d.term.backend_mut().resize(80, 24);
    let s = d.screen();
    assert!(!s.contains("needs at least"), "{s}");
    assert!(s.contains("Find customer"), "{s}");
    assert!(s.contains("> Doe, Jane"), "{s}");
}

#[test]
fn monochrome_selection_is_reverse_video_with_a_marker() {
    let mut d = Desk::with_theme(Theme { mono: true });
    d.type_text("smi");
    let (row, line) = d.row_with("> Smith, Aaron").unwrap();
    assert!(line.starts_with("> "));
    assert!(d.reversed_at(row, 0, 13));
    let buf = d.term.backend().buffer();
    let cell = buf.cell((2u16, row as u16)).unwrap();
    assert_eq!(cell.fg, ratatui::style::Color::Reset, "no colour in mono");
    let (other, _) = d.row_with("  Smith, Maria").unwrap();
    assert!(!d.reversed_at(other, 0, 13));
}

#[test]
fn saved_draft_is_offered_on_start() {
    let (dir, path, store) = demo_store();
    {
        let mut d = Desk::on(dir, path.clone(), store, Theme { mono: false });
        d.pick("doe");
        d.add("TNT-2001", 1);
        // The draft is saved by settle; quitting lets go of it.
        let dir = std::mem::replace(&mut d._dir, tempfile::tempdir().unwrap());
        d.app.close();
        drop(d);
        let (store, _) = Store::open(&path, crate::common::BUSY).unwrap();
        let mut d = Desk::on(dir, path.clone(), store, Theme { mono: false });
        let s = d.screen();
        assert!(s.contains("Resume your draft?"), "{s}");
        assert!(s.contains("Jane Doe, 1 line"), "{s}");
        assert!(s.contains("Enter  resume it"), "{s}");
        d.code(KeyCode::Enter);
        assert_eq!(d.app.step, Step::Review);
        let s = d.screen();
        assert!(s.contains("Resumed: Jane Doe, 1 line"), "{s}");
        assert!(s.contains("TNT-2001"), "{s}");
    }
}

/// Where a text field has the keys, no screen binding may take the field's
/// own editing keys (Ctrl+U clears, Ctrl+W deletes a word), nor a plain
/// character: the field would never see them.
#[test]
fn screens_never_shadow_text_field_keys() {
    use crossterm::event::KeyModifiers;
    fn check(d: &Desk, place: &str) -> bool {
        if !d.app.typing() {
            return false;
        }
        for b in d.app.bindings() {
            for k in &b.keys {
                for e in [ctrl('u'), ctrl('w')] {
                    assert!(!k.matches(&e), "{place}: '{}' takes {:?}", b.label, e.code);
                }
                if let KeyCode::Char(c) = k.code {
                    assert!(
                        k.mods.contains(KeyModifiers::CONTROL),
                        "{place}: '{}' is a plain '{c}' while typing",
                        b.label
                    );
                }
            }
        }
        true
    }
    let mut d = Desk::jane_with_tents();
    let mut checked = 0;
    for step in 2u8..=9 {
        d.code(KeyCode::F(step));
        checked += usize::from(check(&d, &format!("F{step}")));
    }
    // The forms inside screens: a line's quantity, a ship-to move, the
    // card form, the coupon code field.
    d.code(KeyCode::F(5));
    d.code(KeyCode::Enter);
    checked += usize::from(check(&d, "cart quantity"));
    d.code(KeyCode::Esc);
    d.code(KeyCode::F(6));
    d.type_text("m");
    checked += usize::from(check(&d, "fulfillment move"));
    d.code(KeyCode::Esc);
    d.payment_list();
    d.code(KeyCode::Enter);
    checked += usize::from(check(&d, "card form"));
    d.code(KeyCode::Esc);
    d.code(KeyCode::F(8));
    d.code(KeyCode::Tab);
    checked += usize::from(check(&d, "coupon code"));
    // The Orders screen's search, and the forms of an order's view.
    d.code(KeyCode::F(10));
    checked += usize::from(check(&d, "orders find"));
    d.code(KeyCode::Esc);
    d.pay_by_card();
    d.code(KeyCode::F(9));
    d.code(KeyCode::Enter);
    let no = d.app.session.placed()[0].order_no;
    d.code(KeyCode::Enter);
    d.code(KeyCode::F(10));
    d.type_text(&no.to_string());
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
    for (form, keys) in [
        ("order quantity", "q"),
        ("order line to add", "a"),
        ("order line to cancel", "x"),
        ("order address", "s"),
    ] {
        d.type_text(keys);
        checked += usize::from(check(&d, form));
        d.code(KeyCode::Esc);
    }
    d.type_text("q3");
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
    checked += usize::from(check(&d, "order changes' reason"));
    assert!(checked >= 13, "only {checked} places had a text field");
}

/// One demo database, loaded once and copied for each desk: the key
/// tests below start many desks.
struct Template {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl Template {
    fn new() -> Template {
        let (dir, path, store) = demo_store();
        drop(store);
        Template { _dir: dir, path }
    }

    fn desk(&self) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orderdesk.db");
        std::fs::copy(&self.path, &path).unwrap();
        let (store, created) = Store::open(&path, crate::common::BUSY).unwrap();
        assert!(!created);
        Desk::on(dir, path, store, Theme { mono: false })
    }
}

/// Jane Doe with two tents, Ground chosen (as `Desk::jane_with_tents`).
fn jane(d: &mut Desk) {
    d.pick("doe");
    d.add("TNT-2001", 2);
    d.code(KeyCode::F(6));
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
}

/// Jane's order placed by card: the confirmation.
fn placed(d: &mut Desk) {
    jane(d);
    d.pay_by_card();
    d.code(KeyCode::F(9));
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.step, Step::Confirmation, "{s}");
}

/// Jane picked again for a new order after one placed: she has history.
fn again(d: &mut Desk) {
    placed(d);
    d.code(KeyCode::Enter);
    d.pick("doe");
}

/// Jane's order placed, then opened on the Orders screen (F10).
fn order_view(d: &mut Desk) {
    placed(d);
    let no = d.app.session.placed()[0].order_no;
    d.code(KeyCode::Enter);
    d.code(KeyCode::F(10));
    d.type_text(&no.to_string());
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
}

/// Presses `next` until a binding labelled `label` shows, from each of
/// the screen's sections (`PgDn` between them); fails if none does.
fn seek(d: &mut Desk, label: &str, next: KeyCode, sections: usize) {
    for _ in 0..sections {
        for _ in 0..40 {
            if d.app.bindings().iter().any(|b| b.label == label) {
                return;
            }
            d.code(next);
        }
        d.code(KeyCode::PageDown);
    }
    let s = d.screen();
    panic!("no '{label}' here:\n{s}");
}

/// A guest order (Ann Lee, two tents, by card) placed: the confirmation.
fn guest_placed(d: &mut Desk) {
    d.press(ctrl('d'));
    for (text, tabs) in [
        ("Ann", 1),
        ("Lee", 2),
        ("ann@example.com", 1),
        ("1 Main St", 2),
        ("Austin", 1),
        ("TX", 1),
        ("78701", 1),
        ("US", 0),
    ] {
        d.type_text(text);
        for _ in 0..tabs {
            d.code(KeyCode::Tab);
        }
    }
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.step, Step::Catalog, "{s}");
    d.add("TNT-2001", 2);
    d.code(KeyCode::F(6));
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
    d.pay_by_card();
    d.code(KeyCode::F(9));
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.step, Step::Confirmation, "{s}");
}

/// Screen modes the render tests reach (and a few more forms): a name,
/// a key label only that mode shows, and how to get there from a fresh
/// desk.
type Place = (&'static str, &'static str, fn(&mut Desk));

const PLACES: &[Place] = &[
    ("find customer", "Pick", |_| {}),
    ("guest form", "Next empty field / start guest order", |d| {
        d.press(ctrl('d'))
    }),
    ("new customer form", "Back (kept)", |d| d.press(ctrl('n'))),
    ("new customer address book", "Add address", |d| {
        d.press(ctrl('n'));
        d.code(KeyCode::PageDown);
        d.code(KeyCode::PageDown);
        d.press(ctrl('n'));
    }),
    ("customer record", "Edit record", |d| {
        d.pick("doe");
        d.code(KeyCode::F(3));
    }),
    ("customer record, editing", "Cancel", |d| {
        d.pick("doe");
        d.code(KeyCode::F(3));
        d.code(KeyCode::Enter);
    }),
    ("customer record, a choice", "Choice", |d| {
        d.pick("doe");
        d.code(KeyCode::F(3));
        d.code(KeyCode::Enter);
        seek(d, "Choice", KeyCode::Down, 3);
    }),
    ("customer record, a check box", "Set", |d| {
        d.pick("doe");
        d.code(KeyCode::F(3));
        d.code(KeyCode::Enter);
        seek(d, "Set", KeyCode::Down, 3);
    }),
    ("customer record, challenge", "Check answer", |d| {
        d.pick("doe");
        d.code(KeyCode::F(3));
        d.press(ctrl('y'));
    }),
    ("catalog", "Add to cart", |d| d.pick("doe")),
    ("catalog categories", "Browse this category", |d| {
        d.pick("doe");
        d.press(ctrl('y'));
    }),
    ("empty cart", "Undo remove", |d| d.code(KeyCode::F(5))),
    ("cart", "Change qty", |d| {
        jane(d);
        d.code(KeyCode::F(5));
    }),
    ("cart, SKU typed", "Add SKU", |d| {
        jane(d);
        d.code(KeyCode::F(5));
        d.type_text("TNT-2023");
    }),
    ("cart quantity", "Set quantity", |d| {
        jane(d);
        d.code(KeyCode::F(5));
        d.code(KeyCode::Enter);
    }),
    ("cart reorder", "Copy its lines", |d| {
        again(d);
        d.code(KeyCode::F(5));
        d.press(ctrl('b'));
    }),
    ("fulfillment", "Move/split", |d| {
        jane(d);
        d.code(KeyCode::F(6));
    }),
    ("fulfillment, now and later", "Separate", |d| {
        jane(d);
        d.code(KeyCode::F(6));
        d.type_text("2");
    }),
    ("fulfillment methods", "Use this method", |d| {
        jane(d);
        d.code(KeyCode::F(6));
        d.code(KeyCode::Enter);
    }),
    ("fulfillment move", "Ship there", |d| {
        jane(d);
        d.code(KeyCode::F(6));
        d.type_text("m");
    }),
    (
        "fulfillment new address",
        "Next empty field / ship there",
        |d| {
            jane(d);
            d.code(KeyCode::F(6));
            d.type_text("m");
            d.code(KeyCode::PageDown);
            d.code(KeyCode::Enter);
        },
    ),
    ("payment", "Choose", |d| {
        jane(d);
        d.payment_list();
    }),
    ("payment, billing addresses", "Bill to this address", |d| {
        jane(d);
        d.payment_list();
        d.code(KeyCode::Tab);
    }),
    ("card form", "Check and use card", |d| {
        jane(d);
        d.payment_list();
        d.code(KeyCode::Enter);
    }),
    ("account form", "Use on account", |d| {
        d.pick("johnson");
        d.add("SLP-1014", 1);
        d.payment_list();
        seek(d, "Choose", KeyCode::Down, 1);
        while !d.screen().contains("> On account") {
            d.code(KeyCode::Down);
        }
        d.code(KeyCode::Enter);
    }),
    ("stored card question", "Check the answer", |d| {
        jane(d);
        d.payment_list();
        d.code(KeyCode::Down);
        d.code(KeyCode::Enter);
    }),
    ("adjustments", "Code, comments", |d| {
        jane(d);
        d.code(KeyCode::F(8));
    }),
    ("adjustments, a coupon row", "Redeem coupon", |d| {
        jane(d);
        d.code(KeyCode::F(8));
        for _ in 0..30 {
            if d.app.bindings().iter().any(|b| b.label == "Redeem coupon") {
                return;
            }
            d.code(KeyCode::Down);
        }
        panic!("no coupon row: {}", d.screen());
    }),
    ("adjustments, a redeemed coupon", "Remove", |d| {
        jane(d);
        d.code(KeyCode::F(8));
        seek(d, "Redeem coupon", KeyCode::Down, 1);
        d.code(KeyCode::Enter);
        d.code(KeyCode::PageUp);
        seek(d, "Remove", KeyCode::Down, 1);
    }),
    ("adjustment form", "Apply", |d| {
        jane(d);
        d.code(KeyCode::F(8));
        for _ in 0..30 {
            if d.app.bindings().iter().any(|b| b.label == "Adjust") {
                d.code(KeyCode::Enter);
                return;
            }
            d.code(KeyCode::Down);
        }
        panic!("no row to adjust: {}", d.screen());
    }),
    ("coupon code", "Redeem code", |d| {
        jane(d);
        d.code(KeyCode::F(8));
        d.code(KeyCode::Tab);
    }),
    ("comments", "Save comments", |d| {
        jane(d);
        d.code(KeyCode::F(8));
        d.code(KeyCode::Tab);
        d.code(KeyCode::Tab);
    }),
    ("review", "Submit / go to the first problem", |d| {
        jane(d);
        d.code(KeyCode::F(9));
    }),
    ("confirmation", "New order", placed),
    (
        "guest order confirmation",
        "Register this guest",
        guest_placed,
    ),
    ("guest registration", "Register guest", |d| {
        guest_placed(d);
        d.press(ctrl('n'));
    }),
    ("order history", "Show order", |d| {
        again(d);
        d.code(KeyCode::F(3));
        d.press(ctrl('x'));
    }),
    ("order history, an order", "Back to the history", |d| {
        again(d);
        d.code(KeyCode::F(3));
        d.press(ctrl('x'));
        d.code(KeyCode::Enter);
    }),
    ("orders, find", "Find", |d| d.code(KeyCode::F(10))),
    ("orders, a result", "Open order", |d| {
        placed(d);
        let no = d.app.session.placed()[0].order_no;
        d.code(KeyCode::Enter);
        d.code(KeyCode::F(10));
        d.type_text(&no.to_string());
        d.code(KeyCode::Enter);
    }),
    ("order view", "Quantity", order_view),
    ("order view, changes waiting", "Discard", |d| {
        order_view(d);
        d.type_text("q3");
        d.code(KeyCode::Enter);
    }),
    ("order view, held", "Release hold", |d| {
        order_view(d);
        d.type_text("h");
        d.code(KeyCode::Enter);
    }),
    ("order quantity", "Set quantity", |d| {
        order_view(d);
        d.type_text("q");
    }),
    ("order line to add", "Add this line", |d| {
        order_view(d);
        d.type_text("a");
    }),
    ("order line to cancel", "Cancel this line", |d| {
        order_view(d);
        d.type_text("x");
    }),
    ("order address", "Next empty field / change address", |d| {
        order_view(d);
        d.type_text("s");
    }),
    ("order methods", "Use this method", |d| {
        order_view(d);
        d.type_text("m");
    }),
    ("order changes' reason", "Confirm changes", |d| {
        order_view(d);
        d.type_text("q3");
        d.code(KeyCode::Enter);
        d.code(KeyCode::Enter);
    }),
    ("order cancel reasons", "Cancel the order", |d| {
        order_view(d);
        d.type_text("c");
    }),
    ("order hold reasons", "Hold the order", |d| {
        order_view(d);
        d.type_text("h");
    }),
    ("order hold to lift", "Lift the hold", |d| {
        order_view(d);
        d.type_text("h");
        d.code(KeyCode::Enter);
        d.type_text("r");
    }),
    ("order changes to discard", "discard them", |d| {
        order_view(d);
        d.type_text("q3");
        d.code(KeyCode::Enter);
        d.code(KeyCode::Esc);
    }),
    ("order text", "Back to the order", |d| {
        order_view(d);
        d.type_text("t");
    }),
];

/// "Key hints never lie" (docs/design.md), for every screen mode above:
/// each key of each binding reaches that binding's command (no global key
/// and no other binding takes it first), and pressing it, the screen
/// carries the command out rather than finding it is not one of its mode.
#[test]
fn every_bound_key_reaches_its_command_and_is_handled() {
    use orderdesk::tui::app::Route;
    let template = Template::new();
    for (place, shows, reach) in PLACES {
        let start = || {
            let mut d = template.desk();
            reach(&mut d);
            d
        };
        let mut d = start();
        let bindings = d.app.bindings();
        let step = d.app.step;
        assert!(
            bindings.iter().any(|b| b.label == *shows),
            "{place} not reached: {}",
            d.screen()
        );
        for b in &bindings {
            for k in &b.keys {
                assert_eq!(
                    d.app.route(&k.event()),
                    Route::Screen(b.cmd),
                    "{place}: {} is shown as '{}'",
                    k.label(),
                    b.label
                );
            }
        }
        for b in &bindings {
            // A key that changed the mode: the next one from the start again.
            if d.app.step != step || d.app.bindings() != bindings {
                d = start();
            }
            let route = d.app.handle_key(b.keys[0].event());
            d.app.settle();
            assert_eq!(
                route,
                Route::Screen(b.cmd),
                "{place}: {} '{}' did nothing",
                b.keys_label(),
                b.label
            );
        }
    }
}

/// The quit question's hint line is its key table drawn, in today's words,
/// and each listed key does what its hint says; ^C (listed in help as
/// Quit) quits too.
#[test]
fn quit_question_hints_are_its_keys() {
    use orderdesk::tui::app::OverlayCmd;
    use orderdesk::tui::keymap::{hint_line, lookup};
    let template = Template::new();
    let asked = || {
        let mut d = template.desk();
        d.press(ctrl('c'));
        d
    };
    let mut d = asked();
    let keys = d.app.overlay_bindings().expect("the question is up");
    let line = hint_line(&keys);
    assert_eq!(line, "y  quit        any other key  stay");
    let s = d.screen();
    assert!(s.contains("Quit orderdesk?"), "{s}");
    assert!(s.contains(&line), "{s}");

    let mut listed = 0;
    for b in keys.iter().filter(|b| b.in_bar()) {
        listed += 1;
        let mut d = asked();
        let press = b
            .keys
            .first()
            .map_or(key(KeyCode::Char('n')), |k| k.event());
        assert_eq!(lookup(&keys, &press), Some(b.cmd), "{}", b.label);
        d.press(press);
        let s = d.screen();
        match b.cmd {
            OverlayCmd::Quit => assert!(d.app.quit, "'{}' did not quit", b.keys_label()),
            OverlayCmd::Stay => {
                assert!(!d.app.quit);
                assert!(!s.contains("Quit orderdesk?"), "{s}");
                assert!(s.contains("Still here."), "{s}");
            }
            other => panic!("{other:?} in the quit question"),
        }
    }
    assert_eq!(listed, 2);
    for again in [ctrl('c'), key(KeyCode::Char('Y'))] {
        let mut d = asked();
        d.press(again);
        assert!(d.app.quit, "{:?}", again.code);
    }
}

/// A console whose operator left a draft (Jane Doe, one tent): it starts
/// with the offer to resume it.
fn offered(template: &Template) -> Desk {
    let mut d = template.desk();
    d.pick("doe");
    d.add("TNT-2001", 1);
    d.app.close();
    let Desk {
        _dir, path, app, ..
    } = d;
    drop(app);
    let (store, _) = Store::open(&path, crate::common::BUSY).unwrap();
    Desk::on(_dir, path, store, Theme { mono: false })
}

/// The offer to resume a draft: its hint lines are its key table drawn,
/// in today's words, and each listed key does what its hint says (Esc
/// keeps the draft and starts a new order); other keys leave it up.
#[test]
fn resume_offer_hints_are_its_keys() {
    use orderdesk::tui::app::OverlayCmd;
    use orderdesk::tui::keymap::hint_lines;
    let template = Template::new();
    let mut d = offered(&template);
    let keys = d.app.overlay_bindings().expect("the offer is up");
    let lines = hint_lines(&keys, 5);
    assert_eq!(
        lines,
        [
            "Enter  resume it",
            "Esc    keep it for later, start a new order",
            "Del    discard it",
        ]
    );
    let s = d.screen();
    assert!(s.contains("Resume your draft?"), "{s}");
    for l in &lines {
        assert!(s.contains(l.as_str()), "{l}: {s}");
    }
    d.press(key(KeyCode::Char('x')));
    assert!(
        d.screen().contains("Resume your draft?"),
        "x is no key here"
    );

    for b in &keys {
        let mut d = offered(&template);
        d.press(b.keys[0].event());
        let s = d.screen();
        assert!(!s.contains("Resume your draft?"), "{}: {s}", b.label);
        let pending = d.app.session.pending_draft().unwrap();
        match b.cmd {
            OverlayCmd::Resume => {
                assert!(s.contains("Resumed: Jane Doe, 1 line"), "{s}");
                assert_eq!(d.app.order().lines.len(), 1);
            }
            OverlayCmd::KeepDraft => {
                assert!(
                    s.contains("Draft kept for later; a new order starts."),
                    "{s}"
                );
                assert_eq!(d.app.step, Step::Find);
                assert!(d.app.order().customer.is_none(), "a new order");
                assert!(pending.is_some(), "the draft is kept");
            }
            OverlayCmd::DiscardDraft => {
                assert!(s.contains("Draft discarded"), "{s}");
                assert!(pending.is_none(), "the draft is gone");
            }
            other => panic!("{other:?} in the resume offer"),
        }
    }
}

/// The same offer when another console holds the draft: T takes it over,
/// Esc leaves it there; Enter and Del are no keys here.
#[test]
fn draft_open_elsewhere_offer_hints_are_its_keys() {
    use orderdesk::tui::app::OverlayCmd;
    use orderdesk::tui::keymap::hint_lines;
    let template = Template::new();
    let mut holder = template.desk();
    holder.pick("doe");
    holder.add("TNT-2001", 1);
    let elsewhere = || {
        let (store, _) = Store::open(&holder.path, crate::common::BUSY).unwrap();
        let app = crate::common::app(store, "alice", Theme { mono: false });
        Desk {
            _dir: tempfile::tempdir().unwrap(),
            path: holder.path.clone(),
            app,
            term: ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap(),
        }
    };
    let mut d = elsewhere();
    let keys = d.app.overlay_bindings().expect("the offer is up");
    let lines = hint_lines(&keys, 5);
    assert_eq!(
        lines,
        [
            "T      take it over (the other console stops)",
            "Esc    leave it there, start a new order",
        ]
    );
    let s = d.screen();
    assert!(s.contains("Your draft is open elsewhere"), "{s}");
    assert!(s.contains("In use in another console since"), "{s}");
    for l in &lines {
        assert!(s.contains(l.as_str()), "{l}: {s}");
    }
    for no in [KeyCode::Enter, KeyCode::Delete] {
        d.code(no);
        assert!(
            d.screen().contains("Your draft is open elsewhere"),
            "{no:?}"
        );
    }

    // Esc first: taking over after it would leave nothing to leave.
    let mut order: Vec<_> = keys.iter().collect();
    order.sort_by_key(|b| b.cmd == OverlayCmd::TakeOver);
    for b in order {
        let mut d = elsewhere();
        d.press(b.keys[0].event());
        let s = d.screen();
        assert!(!s.contains("open elsewhere"), "{}: {s}", b.label);
        match b.cmd {
            OverlayCmd::TakeOver => {
                assert!(s.contains("Resumed: Jane Doe, 1 line"), "{s}");
            }
            OverlayCmd::KeepDraft => {
                assert!(
                    s.contains("Draft kept for later; a new order starts."),
                    "{s}"
                );
                assert!(d.app.order().customer.is_none(), "a new order");
                assert_eq!(holder.app.order().lines.len(), 1, "still the holder's");
            }
            other => panic!("{other:?} in the offer"),
        }
    }
}

/// Help lists a text field's editing keys under "Typing in a field" while
/// a field has the keys, from the table that dispatches them, leaving out
/// a key the screen takes first (Del removes a cart line while the SKU
/// field is empty); where no field has the keys there is no such heading.
#[test]
fn help_lists_the_field_keys_a_field_gets() {
    use orderdesk::tui::widgets::text_field::editing_keys;
    let field_section = |d: &mut Desk| -> Option<Vec<String>> {
        let lines = d.lines();
        let at = lines.iter().position(|l| l.contains("Typing in a field"))?;
        Some(lines[at + 1..].to_vec())
    };
    let mut d = Desk::new();
    d.code(KeyCode::F(1));
    let section = field_section(&mut d).expect("the field keys are listed");
    for b in editing_keys() {
        let keys = b.keys_label();
        assert!(
            section.iter().any(|l| {
                let (k, t) = (l.find(&keys), l.find(b.label));
                matches!((k, t), (Some(k), Some(t)) if k < t)
            }),
            "{keys} {} not listed: {section:#?}",
            b.label
        );
    }
    d.code(KeyCode::Esc);

    // Review: no field.
    d.code(KeyCode::F(9));
    d.code(KeyCode::F(1));
    assert!(field_section(&mut d).is_none(), "{}", d.screen());
    d.code(KeyCode::Esc);

    // The cart with the SKU field empty: Del is the screen's.
    d.code(KeyCode::F(5));
    d.code(KeyCode::F(1));
    let section = field_section(&mut d).expect("the field keys are listed");
    assert!(
        !section.iter().any(|l| l.contains("Delete right")),
        "{section:#?}"
    );
    assert!(
        section.iter().any(|l| l.contains("Delete left")),
        "{section:#?}"
    );
    d.code(KeyCode::Esc);
    d.type_text("TNT");
    d.code(KeyCode::F(1));
    let section = field_section(&mut d).expect("the field keys are listed");
    assert!(
        section.iter().any(|l| l.contains("Delete right")),
        "{section:#?}"
    );
}

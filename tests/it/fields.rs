//! Typed value fields at 80x24 (docs/design.md, section 9): every quantity
//! field of the console — cart quick entry, catalog Qty, change quantity in
//! the cart, move/split in fulfillment — takes a typed quantity in place of
//! the prefilled one, refuses a sixth digit or a letter as it is typed with
//! a message shown whole, and holds the value back until it is fixed. The
//! card expiry takes MM/YYYY; amounts replace their prefilled value too.

use crate::common::desk::Desk;
use crate::common::{ctrl, BUSY};
use crossterm::event::{Event, KeyCode};
use orderdesk::domain::adjustment::AdjustmentKind;
use orderdesk::domain::order::Order;
use orderdesk::store::Store;
use orderdesk::tui::app::Step;
use rust_decimal::Decimal;

const TOO_LONG: &str = "Quantity: 5 digits at most";
const NOT_DIGITS: &str = "Quantity: digits only";

/// The status line: the row above the key bar.
fn status(d: &mut Desk) -> String {
    let lines = d.lines();
    lines[lines.len() - 2].clone()
}

/// The order as the draft in the database holds it.
fn draft(d: &Desk) -> Order {
    let (store, _) = Store::open(&d.path, BUSY).expect("the database");
    let draft = store
        .latest_draft("alice")
        .expect("drafts read")
        .expect("a draft saved");
    draft.order.expect("a draft this version reads")
}

/// (SKU, quantity) of each line.
type Lines = Vec<(String, u32)>;

/// The lines on the console and in the draft.
fn lines(d: &Desk) -> (Lines, Lines) {
    let of = |o: &Order| {
        o.lines
            .iter()
            .map(|l| (l.sku.clone(), l.quantity))
            .collect::<Vec<_>>()
    };
    (of(d.app.order()), of(&draft(d)))
}

fn one_line(sku: &str, qty: u32) -> (Lines, Lines) {
    let l = vec![(sku.to_string(), qty)];
    (l.clone(), l)
}

/// Types `123456` into the focused quantity field (holding `before`): the
/// sixth key is refused, the value stays `12345` and the message is shown
/// whole on the status line, on every row at most 80 columns; Enter then
/// changes nothing until the field is edited.
fn sixth_digit_refused(d: &mut Desk, row_text: &str) {
    d.type_text("12345");
    assert!(!status(d).contains(TOO_LONG), "{}", d.screen());
    let (_, row) = d.row_with(row_text).expect("the quantity field");
    assert!(row.contains("12345"), "{row}");
    d.type_text("6");
    let s = d.screen();
    assert_eq!(status(d), format!("! {TOO_LONG}"), "{s}");
    let (_, row) = d.row_with(row_text).expect("the quantity field");
    assert!(row.contains("12345") && !row.contains("123456"), "{row}");
    assert!(row.contains('!'), "the field is marked: {row}");
    // Never clipped: a message beside the field is whole, or a bare mark.
    assert!(
        !row.contains("! Q") || row.contains(TOO_LONG),
        "clipped beside the field: {row}"
    );
    assert!(s.lines().all(|l| l.chars().count() <= 80));
}

#[test]
fn cart_quick_entry_tab_then_2_adds_2() {
    let mut d = Desk::new();
    d.pick("doe");
    d.code(KeyCode::F(5));
    d.type_text("TNT-2001");
    d.code(KeyCode::Tab);
    let (row, line) = d.row_with(">Qty").expect("Qty focused");
    let x = line.find(">Qty").unwrap_or(0) + 6;
    assert!(
        d.reversed_at(row, x, 1),
        "the prefilled 1 shows selected: {line}"
    );
    d.type_text("2");
    let (_, line) = d.row_with(">Qty").expect("Qty focused");
    assert!(line.contains("2_") && !line.contains("12"), "{line}");
    d.code(KeyCode::Enter);
    assert_eq!(lines(&d), one_line("TNT-2001", 2));
    // Ready for the next: the quantity is 1 again, selected.
    d.type_text("SLP-1014");
    d.code(KeyCode::Tab);
    d.type_text("3");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.order().lines[1].quantity, 3);
}

#[test]
fn cart_quick_entry_refuses_a_sixth_digit_and_adds_nothing_until_fixed() {
    let mut d = Desk::new();
    d.pick("doe");
    d.code(KeyCode::F(5));
    d.type_text("TNT-2001");
    d.code(KeyCode::Tab);
    sixth_digit_refused(&mut d, ">Qty");
    d.code(KeyCode::Enter);
    assert!(d.app.order().lines.is_empty(), "12,345 is not added");
    assert_eq!(status(&mut d), format!("! {TOO_LONG}"));
    // Edited, the message goes, from the status line too.
    d.code(KeyCode::Backspace);
    assert_eq!(status(&mut d), "");
    let (_, row) = d.row_with(">Qty").expect("Qty");
    assert!(!row.contains('!'), "{row}");
    d.code(KeyCode::Backspace);
    d.code(KeyCode::Backspace);
    d.code(KeyCode::Enter);
    assert_eq!(lines(&d), one_line("TNT-2001", 12));
}

#[test]
fn cart_quick_entry_refuses_letters_in_the_quantity() {
    let mut d = Desk::new();
    d.pick("doe");
    d.code(KeyCode::F(5));
    d.code(KeyCode::Tab);
    // A SKU typed into the quantity by mistake.
    d.type_text("CKW-");
    assert_eq!(status(&mut d), format!("! {NOT_DIGITS}"));
    let (_, row) = d.row_with(">Qty").expect("Qty");
    assert!(row.contains("1_"), "the 1 stays: {row}");
    // A pasted quantity past five digits is refused whole, not cut.
    d.app
        .handle_event(Event::Paste("99999999999999999999".into()));
    d.app.settle();
    assert_eq!(status(&mut d), format!("! {TOO_LONG}"));
    let (_, row) = d.row_with(">Qty").expect("Qty");
    assert!(row.contains("1_") && !row.contains("99"), "{row}");
}

#[test]
fn catalog_qty_typed_over_the_prefilled_1_adds_what_was_typed() {
    let mut d = Desk::new();
    d.pick("doe");
    d.type_text("TNT-2001");
    d.code(KeyCode::Tab);
    d.type_text("2");
    d.code(KeyCode::Enter);
    assert!(
        status(&mut d).contains("Added 2 x TNT-2001"),
        "{}",
        d.screen()
    );
    assert_eq!(lines(&d), one_line("TNT-2001", 2));
}

#[test]
fn catalog_qty_refuses_a_sixth_digit_and_a_letter() {
    let mut d = Desk::new();
    d.pick("doe");
    d.type_text("TNT-2001");
    d.code(KeyCode::Tab);
    sixth_digit_refused(&mut d, ">Qty");
    d.code(KeyCode::Enter);
    assert!(d.app.order().lines.is_empty(), "12,345 is not added");
    d.press(ctrl('u'));
    assert_eq!(status(&mut d), "", "the message went with the edit");
    d.type_text("1C");
    assert_eq!(status(&mut d), format!("! {NOT_DIGITS}"));
    d.type_text("0");
    assert_eq!(status(&mut d), "");
    d.code(KeyCode::Enter);
    assert_eq!(lines(&d), one_line("TNT-2001", 10));
}

#[test]
fn catalog_qty_0_is_named_when_the_field_is_left_and_on_enter() {
    let mut d = Desk::new();
    d.pick("doe");
    d.type_text("TNT-2001");
    d.code(KeyCode::Tab);
    d.type_text("0");
    d.code(KeyCode::Tab);
    assert_eq!(status(&mut d), "! quantity must be at least 1");
    d.code(KeyCode::Enter);
    assert!(d.app.order().lines.is_empty());
    assert_eq!(status(&mut d), "! quantity must be at least 1");
}

#[test]
fn changing_a_quantity_in_the_cart_replaces_it() {
    let mut d = Desk::new();
    d.pick("doe");
    d.add("TNT-2001", 4);
    d.code(KeyCode::F(5));
    d.code(KeyCode::Enter); // change the selected line's quantity
    let (row, line) = d.row_with(">Quantity").expect("the quantity field");
    let x = line.find('4').expect("the prefilled 4");
    assert!(d.reversed_at(row, x, 1), "selected: {line}");
    d.type_text("2");
    d.code(KeyCode::Enter);
    assert_eq!(lines(&d), one_line("TNT-2001", 2));
}

#[test]
fn changing_a_quantity_in_the_cart_refuses_a_sixth_digit() {
    let mut d = Desk::new();
    d.pick("doe");
    d.add("TNT-2001", 4);
    d.code(KeyCode::F(5));
    d.code(KeyCode::Enter);
    sixth_digit_refused(&mut d, ">Quantity");
    d.code(KeyCode::Enter);
    assert_eq!(lines(&d), one_line("TNT-2001", 4), "unchanged");
    // Esc closes the field and its message with it.
    d.code(KeyCode::Esc);
    assert_eq!(status(&mut d), "");
}

#[test]
fn moving_part_of_a_line_takes_the_quantity_typed() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(6));
    d.type_text("m");
    let (row, line) = d.row_with(">Quantity to move").expect("the field");
    let x = line.find('2').expect("the prefilled 2");
    assert!(d.reversed_at(row, x, 1), "selected: {line}");
    d.type_text("1");
    // The first place the line does not go yet is selected: the
    // customer's second address.
    d.code(KeyCode::Enter);
    let o = d.app.order();
    let split: Vec<(u32, usize)> = o.lines.iter().map(|l| (l.quantity, l.ship_to)).collect();
    assert_eq!(split, vec![(1, 0), (1, 1)], "{}", d.screen());
    let stored: Vec<(u32, usize)> = draft(&d)
        .lines
        .iter()
        .map(|l| (l.quantity, l.ship_to))
        .collect();
    assert_eq!(stored, vec![(1, 0), (1, 1)]);
}

#[test]
fn moving_part_of_a_line_refuses_a_sixth_digit() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(6));
    d.type_text("m");
    sixth_digit_refused(&mut d, ">Quantity to move");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.order().ship_tos.len(), 1, "nothing moved");
    assert_eq!(d.app.order().lines[0].quantity, 2);
    assert!(d.screen().contains("Ship the selected line to:"));
}

#[test]
fn the_card_expiry_takes_mm_yyyy() {
    let mut d = Desk::jane_with_tents();
    d.payment_list();
    d.code(KeyCode::Enter); // New card
    d.type_text("4111 1111 1111 1111");
    d.code(KeyCode::Tab);
    d.type_text("12/2030");
    let (_, row) = d.row_with(">Expiry").expect("expiry focused");
    assert!(row.contains("12/2030") && !row.contains('!'), "{row}");
    d.type_text("1");
    assert_eq!(status(&mut d), "! Expiry: 7 characters at most");
    // Held back until the field is edited, then taken as it stands.
    d.code(KeyCode::Backspace);
    d.type_text("0");
    assert_eq!(status(&mut d), "");
    d.code(KeyCode::Tab);
    d.type_text("123");
    d.code(KeyCode::Enter);
    let paid = d.app.order().payment.as_ref().map(|p| p.describe());
    assert!(
        paid.as_deref().is_some_and(|p| p.contains("12/30")),
        "{paid:?}\n{}",
        d.screen()
    );
}

#[test]
fn a_wrong_expiry_is_named_as_the_field_is_left() {
    let mut d = Desk::jane_with_tents();
    d.payment_list();
    d.code(KeyCode::Enter);
    d.code(KeyCode::Tab);
    d.type_text("13/30");
    d.code(KeyCode::Tab);
    assert_eq!(status(&mut d), "! expiry: month must be 01 to 12");
    let (_, row) = d.row_with(" Expiry").expect("expiry");
    assert!(row.contains("month must be 01 to 12"), "{row}");
}

#[test]
fn an_amount_typed_over_the_one_in_place_replaces_it() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(8));
    assert_eq!(d.app.step, Step::Adjustments);
    // The amount off the subtotal, set once, then opened again.
    let row_of = |d: &mut Desk| {
        d.lines()
            .iter()
            .position(|l| l.contains("Amount off") || l.contains("subtotal"))
    };
    for _ in 0..12 {
        if d.row_with("> ")
            .is_some_and(|(_, l)| l.to_lowercase().contains("subtotal"))
        {
            break;
        }
        d.code(KeyCode::Down);
    }
    assert!(row_of(&mut d).is_some(), "{}", d.screen());
    d.code(KeyCode::Enter);
    d.type_text("5.00");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.order().adjustments.len(), 1, "{}", d.screen());
    d.code(KeyCode::Enter);
    let (_, row) = d.row_with(">Amount off").expect("the amount");
    assert!(row.contains("5.00"), "{row}");
    d.type_text("7");
    d.type_text("x");
    assert_eq!(status(&mut d), "! Amount off: digits, ',' and one '.' only");
    d.code(KeyCode::Enter);
    assert_eq!(
        d.app.order().adjustments.len(),
        1,
        "held back while the refusal stands"
    );
    d.code(KeyCode::Backspace);
    d.type_text("7");
    d.code(KeyCode::Enter);
    let o = d.app.order();
    assert_eq!(o.adjustments.len(), 1, "{}", d.screen());
    match &o.adjustments[0].kind {
        AdjustmentKind::SubtotalOff { amount } => assert_eq!(*amount, Decimal::from(7)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_text_field_refuses_past_its_length_with_the_message_whole() {
    let mut d = Desk::new();
    d.press(ctrl('d')); // the guest form
    for _ in 0..9 {
        d.code(KeyCode::Tab);
    }
    d.type_text("USA");
    let (_, row) = d.row_with(">Country (2)").expect("the country field");
    assert!(row.contains("US_") || row.contains("US "), "{row}");
    assert!(row.contains("! 2 characters at most"), "{row}");
    assert_eq!(status(&mut d), "! Country (2): 2 characters at most");
    d.code(KeyCode::Backspace);
    assert_eq!(status(&mut d), "");
    let (_, row) = d.row_with(">Country (2)").expect("the country field");
    assert!(!row.contains('!'), "{row}");
}

#[test]
fn a_long_comment_refused_at_its_limit_is_named_whole_on_the_status_line() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(8));
    d.code(KeyCode::Tab); // the coupon code
    d.code(KeyCode::Tab); // the comment for the customer
    d.app
        .handle_event(Event::Paste("Leave at the side door. ".repeat(9)));
    d.app.settle();
    assert_eq!(status(&mut d), "! For the customer: 200 characters at most");
    let s = d.screen();
    let (_, row) = d.row_with(">For the customer").expect("the comment");
    assert!(!row.contains("Leave"), "refused whole, not cut: {row}");
    // Beside the field, what fits of it in whole words.
    assert!(row.ends_with("! 200 characters…"), "{row}\n{s}");
}

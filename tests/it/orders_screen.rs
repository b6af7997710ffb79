//! The Orders screen (F10, ^J) rendered at 80x24 on ratatui's TestBackend,
//! driven by keys as the event loop drives it: finding placed orders, the
//! order view with what happened since, its forms, the changes waiting
//! with their difference, and what the order's state refuses. What the
//! screen shows is compared with what the store holds (`export_order`).

use crate::common::ctrl;
use crate::common::desk::Desk;
use crossterm::event::KeyCode;
use orderdesk::tui::app::Step;
use orderdesk::tui::keymap::Cmd;
use serde_json::Value;

/// Jane's order of two tents by Ground, placed by card; the console is
/// on a fresh order again. Returns the order number.
fn place_janes_order(d: &mut Desk) -> i64 {
    d.pick("doe");
    d.add("TNT-2001", 2);
    d.code(KeyCode::F(6));
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
    d.pay_by_card();
    d.code(KeyCode::F(9));
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.step, Step::Confirmation, "{s}");
    let no = d.app.session.placed()[0].order_no;
    d.code(KeyCode::Enter);
    no
}

/// F10, the order's number, Enter (search), Enter (open).
fn open_order(d: &mut Desk, no: i64) {
    d.code(KeyCode::F(10));
    assert_eq!(d.app.step, Step::Orders);
    d.type_text(&no.to_string());
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains(&format!("Order {no} — Jane Doe")), "{s}");
}

fn export(d: &Desk, no: i64) -> Value {
    d.app.session.store().export_order(no).unwrap().unwrap()
}

/// Times of day and the day the order was placed are the clock's: a
/// snapshot keeps neither.
fn steady(screen: &str, placed_on: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = screen.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // "HH:MM" after a date and a space.
        let is_time = i + 5 <= chars.len()
            && chars[i].is_ascii_digit()
            && chars[i + 1].is_ascii_digit()
            && chars[i + 2] == ':'
            && chars[i + 3].is_ascii_digit()
            && chars[i + 4].is_ascii_digit();
        if is_time {
            out.push_str("hh:mm");
            i += 5;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out.replace(placed_on, "PLACED-ON!")
}

fn status_line(d: &mut Desk) -> String {
    d.lines()[22].clone()
}

fn key_bar(d: &mut Desk) -> String {
    d.lines()[23].clone()
}

/// The amount a row ends with ("412.34", "1,234.00").
fn amount_at_end(row: &str) -> String {
    row.split_whitespace()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn an_order_is_found_by_number_and_shown_as_stored() {
    let mut d = Desk::new();
    let first = place_janes_order(&mut d);
    let second = place_janes_order(&mut d);
    d.code(KeyCode::F(10));
    let s = d.screen();
    assert!(
        s.contains("Find orders — number, customer, dates YYYY-MM-DD, status"),
        "{s}"
    );
    assert!(
        key_bar(&mut d).starts_with("Enter Find Esc Clear search"),
        "{s}"
    );

    // By customer: both, newest first.
    for _ in 0..2 {
        d.code(KeyCode::Tab);
    }
    d.type_text("doe");
    d.code(KeyCode::Enter);
    let lines = d.lines();
    let at = |no: i64| lines.iter().position(|r| r.contains(&format!("{no} ")));
    assert!(at(second) < at(first), "newest first: {}", lines.join("\n"));
    assert!(lines[2].ends_with("2 orders"), "{}", lines[2]);

    // By number: one row, every column.
    d.code(KeyCode::Esc);
    d.type_text(&first.to_string());
    d.code(KeyCode::Enter);
    let o = export(&d, first);
    let placed_on = &o["placed_at"].as_str().unwrap()[..10];
    let row = d.list_row(&first.to_string()).expect("the order is listed");
    assert!(
        row.starts_with(&format!("> {first}  {placed_on} Jane Doe ")),
        "{row}"
    );
    assert!(row.contains(" placed "), "{row}");
    let total = o["grand_total"].as_str().unwrap();
    let ship = o["shipments"][0]["ship_date"].as_str().unwrap();
    assert!(row.ends_with(&format!("{total} USD {ship}")), "{row}");
    assert!(d.lines().iter().all(|r| r.chars().count() <= 80));
    assert!(key_bar(&mut d).starts_with("Enter Open order"));
    insta::assert_snapshot!("orders_find", steady(&d.screen(), placed_on));

    // Enter opens it: the order as stored.
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(
        s.contains(&format!("Order {first} — Jane Doe — placed")),
        "{s}"
    );
    assert!(s.contains(&format!("version 1 · total {total} USD")), "{s}");
    assert!(s.contains("Payment: VISA ending 1111, exp 12/30"), "{s}");
    let line = d.row_with("TNT-2001").expect("the line").1;
    assert!(line.contains("Ridgeline 2-Person Tent"), "{line}");
    assert!(line.ends_with("2 x     189.00"), "{line}");
    assert!(
        s.contains(&format!(
            "#1 open, ships {ship} · ship-to 1 by GROUND: TNT-2001 x2"
        )),
        "{s}"
    );
    assert!(!s.contains("not confirmed"), "{s}");
    let bar = key_bar(&mut d);
    for hint in [
        "q Quantity",
        "a Add line",
        "x Cancel line",
        "s Address",
        "m Method",
    ] {
        assert!(bar.contains(hint), "{hint}: {bar}");
    }
    // What the bar has no room for, the view lists: from the same table.
    let (_, more) = d.row_with("More keys:").expect("the other keys");
    for hint in ["c Cancel order", "Esc Back to the list"] {
        assert!(more.contains(hint) || bar.contains(hint), "{hint}: {more}");
    }
    insta::assert_snapshot!("orders_view", steady(&d.screen(), placed_on));

    // Esc: back to the list, the order closed.
    d.code(KeyCode::Esc);
    assert!(d.app.session.case().is_none());
    assert!(d.screen().contains("Find orders"));
}

#[test]
fn a_search_the_session_refuses_is_marked_at_its_field() {
    let mut d = Desk::new();
    d.press(ctrl('j'));
    assert_eq!(d.app.step, Step::Orders, "^J is F10's twin");
    d.type_text("12a");
    d.code(KeyCode::Enter);
    let (_, field) = d.row_with(">Order no.").expect("focus stays on the number");
    assert!(field.contains("12a") && field.contains("! "), "{field}");
    assert!(
        status_line(&mut d).contains("'12a' is not an order number: digits only"),
        "{}",
        d.screen()
    );
    d.code(KeyCode::Esc);
    for _ in 0..6 {
        d.code(KeyCode::Tab);
    }
    d.type_text("2026-13-01");
    d.code(KeyCode::Enter);
    let (_, from) = d
        .row_with(">From date")
        .expect("the from date has the focus");
    assert!(from.contains("!"), "{from}");
    assert!(
        status_line(&mut d).contains("from '2026-13-01' is not a date: YYYY-MM-DD"),
        "{}",
        d.screen()
    );
    // Nothing matches: said, not an empty screen.
    d.code(KeyCode::Esc);
    d.type_text("999999");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("No order matches"), "{s}");
    assert!(key_bar(&mut d).starts_with("Enter Find"), "nothing to open");
}

#[test]
fn changes_show_their_difference_and_confirmed_are_the_stored_order() {
    let mut d = Desk::new();
    let no = place_janes_order(&mut d);
    let before = export(&d, no);
    open_order(&mut d, no);

    // q: one line, so the quantity has the keys.
    d.type_text("q");
    let s = d.screen();
    assert!(s.contains("── Change a line's quantity"), "{s}");
    assert!(d.row_with(">Quantity").is_some(), "{s}");
    d.type_text("3");
    d.code(KeyCode::Enter);
    // a: a headlamp to ship-to 1.
    d.type_text("a");
    d.type_text("LGT-1002");
    d.code(KeyCode::Enter);
    let case = d.app.session.case().expect("open");
    assert_eq!(case.changes.len(), 2);
    let difference = case.difference().expect("re-quoted");
    let s = d.screen();
    assert!(
        s.contains(&format!("2 changes not confirmed: {difference}")),
        "{s}"
    );
    assert!(s.contains("Lines, with your changes"), "{s}");
    assert!(
        s.contains("• TNT-2001 Ridgeline 2-Person Tent: quantity 2 → 3"),
        "{s}"
    );
    assert!(
        s.contains("• LGT-1002 Beacon 900 Headlamp ×1: added"),
        "{s}"
    );
    assert!(key_bar(&mut d).starts_with("Enter Confirm Esc Discard"));

    // A refusal leaves the form as typed: line 9 does not exist.
    d.type_text("x");
    d.press(ctrl('u'));
    d.type_text("9");
    d.code(KeyCode::Enter);
    assert!(
        status_line(&mut d).contains("the order has no line 9"),
        "{}",
        d.screen()
    );
    assert!(d.screen().contains("── Cancel a line"));
    d.press(ctrl('u'));
    d.type_text("1");
    d.code(KeyCode::Enter);
    assert!(!d.screen().contains("── Cancel a line"));
    let s = d.screen();
    assert!(
        s.contains("• TNT-2001 Ridgeline 2-Person Tent ×3: cancelled"),
        "{s}"
    );

    // Enter asks why; the reason is required.
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
    assert!(
        status_line(&mut d).contains("say why the order changes"),
        "{}",
        d.screen()
    );
    d.type_text("customer wants a headlamp only");
    d.code(KeyCode::Enter);
    let after = export(&d, no);
    let total = after["grand_total"].as_str().unwrap().to_string();
    assert_ne!(total, before["grand_total"].as_str().unwrap());
    let s = d.screen();
    assert!(
        status_line(&mut d).contains(&format!("Order {no} changed: ")),
        "{s}"
    );
    assert!(
        status_line(&mut d).ends_with(&format!("new total {total}")),
        "{s}"
    );
    assert!(s.contains(&format!("version 2 · total {total} USD")), "{s}");
    assert!(!s.contains("not confirmed"), "{s}");
    // The lines shown are the lines stored.
    let lines = after["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{after}");
    assert_eq!(lines[0]["sku"], "LGT-1002");
    let row = d.row_with("LGT-1002").expect("the line").1;
    assert!(row.contains(" 1 x "), "{row}");
    // The history says who, why and what.
    let s = d.screen();
    assert!(s.contains("Since it was placed"), "{s}");
    assert!(
        s.contains("alice changed (customer wants a headlamp only)"),
        "{s}"
    );
    assert_eq!(
        after["history"][0]["reason"],
        "customer wants a headlamp only"
    );
}

#[test]
fn hold_and_release_show_the_status_as_stored() {
    let mut d = Desk::new();
    let no = place_janes_order(&mut d);
    open_order(&mut d, no);
    assert!(!key_bar(&mut d).contains("Release hold"));
    d.type_text("h");
    let s = d.screen();
    assert!(s.contains("── Hold the order: the reason"), "{s}");
    assert!(
        s.contains("> Customer asked to wait   customer_request"),
        "{s}"
    );
    d.code(KeyCode::Down);
    d.code(KeyCode::Enter);
    assert_eq!(export(&d, no)["status"], "held");
    assert_eq!(export(&d, no)["history"][0]["reason"], "payment");
    let s = d.screen();
    assert!(s.contains(&format!("Order {no} — Jane Doe — held")), "{s}");
    assert!(
        s.contains("On hold: it does not go to the warehouse"),
        "{s}"
    );
    assert!(s.contains("alice held (Payment to check)"), "{s}");
    assert!(key_bar(&mut d).contains("r Release hold"), "{s}");
    // Held again: refused, and said why.
    d.type_text("h");
    assert!(
        status_line(&mut d).contains("cannot hold the order: the order is on hold already"),
        "{}",
        d.screen()
    );
    d.type_text("r");
    d.type_text("payment checked");
    d.code(KeyCode::Enter);
    assert_eq!(export(&d, no)["status"], "placed");
    let s = d.screen();
    assert!(
        s.contains(&format!("Order {no} — Jane Doe — placed")),
        "{s}"
    );
    assert!(status_line(&mut d).contains("released from hold"), "{s}");
}

#[test]
fn a_shipped_order_refuses_changes_and_says_why() {
    let mut d = Desk::new();
    let no = place_janes_order(&mut d);
    let store = d.app.session.store();
    let mut out = Vec::new();
    assert!(orderdesk::session::warehouse::release(store, Some(no), "wh", &mut out).unwrap());
    assert!(orderdesk::session::warehouse::ship(store, no, 1, "1Z999", "wh", &mut out).unwrap());
    let shipped_on = export(&d, no)["shipments"][0]["shipped_at"]
        .as_str()
        .unwrap()[..10]
        .to_string();
    open_order(&mut d, no);
    let s = d.screen();
    assert!(
        s.contains(&format!("Order {no} — Jane Doe — shipped")),
        "{s}"
    );
    assert!(s.contains("Cannot change: the order has shipped."), "{s}");
    assert!(
        s.contains(&format!("#1 shipped {shipped_on}, tracking 1Z999")),
        "{s}"
    );
    // Not offered in the bar; bound, the key says why.
    let bar = key_bar(&mut d);
    assert!(
        !bar.contains("Quantity") && !bar.contains("Cancel order"),
        "{bar}"
    );
    assert!(bar.contains("t Text"), "{bar}");
    let qty = d
        .app
        .bindings()
        .into_iter()
        .find(|b| b.cmd == Cmd::OrderQuantity)
        .expect("bound");
    assert!(!qty.in_bar() && qty.in_help());
    d.type_text("q");
    assert!(
        status_line(&mut d).contains("cannot change the order: the order has shipped"),
        "{}",
        d.screen()
    );
    assert!(!d.screen().contains("──"), "no form opened");
    d.type_text("c");
    assert!(status_line(&mut d).contains("cannot cancel the order"));
}

#[test]
fn one_shipment_shipped_freezes_the_order_naming_it() {
    // Two ship-tos: the tent home, a headlamp to the office, cash on
    // delivery; placed through the session as a script would.
    let mut d = Desk::new();
    let script = r#"{"cmd":"pick_customer","logon":"jdoe"}
{"cmd":"add_item","sku":"TNT-2001","qty":1}
{"cmd":"add_item","sku":"LGT-1002","qty":1}
{"cmd":"move_line","line":2,"qty":1,"address":{"nickname":"Work","first_name":"Jane","last_name":"Doe","line1":"400 S 5th Street","line2":"","city":"Minneapolis","region":"MN","postal_code":"55415","country":"US","phone":""}}
{"cmd":"set_method","ship_to":1,"method":"GROUND"}
{"cmd":"set_method","ship_to":2,"method":"GROUND"}
{"cmd":"pay","method":"cod"}
{"cmd":"submit"}"#;
    for line in script.lines() {
        let cmd: orderdesk::session::Command = serde_json::from_str(line).unwrap();
        let done = d.app.session.apply(cmd);
        assert!(done.is_ok(), "{line}: {done:?}");
    }
    let no = d.app.session.placed()[0].order_no;
    d.app
        .session
        .apply(orderdesk::session::Command::NewOrder)
        .unwrap();
    let o = export(&d, no);
    assert_eq!(o["shipments"].as_array().unwrap().len(), 2, "{o}");
    let store = d.app.session.store();
    let mut out = Vec::new();
    orderdesk::session::warehouse::release(store, Some(no), "wh", &mut out).unwrap();
    orderdesk::session::warehouse::ship(store, no, 1, "", "wh", &mut out).unwrap();
    let shipped_on = export(&d, no)["shipments"][0]["shipped_at"]
        .as_str()
        .unwrap()[..10]
        .to_string();
    open_order(&mut d, no);
    let s = d.screen();
    assert!(s.contains("partly shipped"), "{s}");
    assert!(
        s.contains(&format!(
            "Cannot change: shipment 1 shipped on {shipped_on}: a shipped shipment never"
        )),
        "{s}"
    );
    // Hold is still offered: the open shipment may wait.
    assert!(key_bar(&mut d).contains("h Hold"));
    d.type_text("s");
    assert!(
        status_line(&mut d).contains(&format!("shipment 1 shipped on {shipped_on}")),
        "{}",
        d.screen()
    );
}

#[test]
fn esc_asks_before_dropping_changes_and_text_reads_the_order() {
    let mut d = Desk::new();
    let no = place_janes_order(&mut d);
    let before = export(&d, no);
    open_order(&mut d, no);
    d.type_text("q");
    d.type_text("5");
    d.code(KeyCode::Enter);
    // Esc asks; n keeps them.
    d.code(KeyCode::Esc);
    let s = d.screen();
    assert!(s.contains("── Discard the change not confirmed?"), "{s}");
    assert!(key_bar(&mut d).starts_with("y discard them Esc/n keep them"));
    d.type_text("n");
    assert_eq!(d.app.session.case().unwrap().changes.len(), 1);
    // Another step and back: the changes still wait.
    d.code(KeyCode::F(4));
    d.code(KeyCode::F(10));
    assert!(d.screen().contains("1 change not confirmed: +"));
    // t: the confirmation text as the customer hears it (as stored).
    d.type_text("t");
    let s = d.screen();
    assert!(s.contains("as the customer hears it"), "{s}");
    let text = orderdesk::session::order_text::order_text(&before);
    let first = text.lines().next().unwrap();
    assert!(s.contains(first), "{s}");
    let total = d.row_with("Total").expect("the total").1;
    assert_eq!(
        amount_at_end(&total.replace(" USD", "")),
        before["grand_total"].as_str().unwrap()
    );
    d.code(KeyCode::Esc);
    // y drops them: the order is as stored, the list is back.
    d.code(KeyCode::Esc);
    d.type_text("y");
    assert!(d.app.session.case().is_none());
    assert!(d.screen().contains("Find orders"));
    assert_eq!(export(&d, no), before);
}

#[test]
fn the_order_history_opens_the_same_view_and_esc_comes_back() {
    let mut d = Desk::new();
    let first = place_janes_order(&mut d);
    let second = place_janes_order(&mut d);
    d.pick("doe");
    d.code(KeyCode::F(3));
    d.press(ctrl('x'));
    assert_eq!(d.app.step, Step::History);
    // The older one.
    while !d
        .list_row(&first.to_string())
        .is_some_and(|r| r.starts_with("> "))
    {
        d.code(KeyCode::Down);
    }
    d.code(KeyCode::Enter);
    assert_eq!(d.app.step, Step::Orders);
    let s = d.screen();
    assert!(
        s.contains(&format!("Order {first} — Jane Doe — placed")),
        "{s}"
    );
    assert!(
        key_bar(&mut d).contains("q Quantity"),
        "the same view, its actions"
    );
    assert!(s.contains("Back to the history"), "{s}");
    d.code(KeyCode::Esc);
    assert_eq!(d.app.step, Step::History);
    let row = d.list_row(&first.to_string()).unwrap();
    assert!(row.starts_with("> "), "the same order selected: {row}");
    assert!(d.list_row(&second.to_string()).is_some());
    // An order with changes waiting is not dropped for another.
    d.code(KeyCode::Enter);
    d.type_text("q");
    d.type_text("4");
    d.code(KeyCode::Enter);
    d.code(KeyCode::F(3));
    d.press(ctrl('x'));
    d.code(KeyCode::Up);
    d.code(KeyCode::Enter);
    assert_eq!(d.app.step, Step::History);
    assert!(
        status_line(&mut d).contains(&format!("order {first} has changes not confirmed")),
        "{}",
        d.screen()
    );
    assert_eq!(d.app.session.case().unwrap().stored.order_no, first);
}

#[test]
fn a_change_by_another_operator_meanwhile_is_told_and_nothing_typed_is_lost() {
    let mut d = Desk::new();
    let no = place_janes_order(&mut d);
    let mut bob = d.beside();
    open_order(&mut d, no);
    open_order(&mut bob, no);
    // Alice types a change; Bob confirms one first.
    d.type_text("q");
    d.type_text("3");
    d.code(KeyCode::Enter);
    bob.type_text("a");
    bob.type_text("LGT-1002");
    bob.code(KeyCode::Enter);
    bob.code(KeyCode::Enter);
    bob.type_text("customer called twice");
    bob.code(KeyCode::Enter);
    assert_eq!(export(&bob, no)["version"], 2, "{}", bob.screen());

    d.code(KeyCode::Enter);
    d.type_text("wants three tents");
    d.code(KeyCode::Enter);
    // The whole account, above the form (the status line cuts it).
    let s = d.screen();
    let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("! the order changed since you opened it:"),
        "{s}"
    );
    assert!(
        words.contains("Your 1 change(s) are kept: confirm them again."),
        "{s}"
    );
    // Bob's change is in the view now; Alice's still waits, on top of it.
    let s = d.screen();
    assert!(s.contains("bob changed (customer called twice)"), "{s}");
    assert!(
        s.contains("── Confirm the changes"),
        "the reason stays typed: {s}"
    );
    assert!(s.contains("wants three tents"), "{s}");
    d.code(KeyCode::Enter);
    let o = export(&d, no);
    assert_eq!(o["version"], 3);
    let skus: Vec<(String, i64)> = o["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_string(),
                l["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        skus,
        [("TNT-2001".to_string(), 3), ("LGT-1002".to_string(), 1)]
    );
    let s = d.screen();
    assert!(
        s.contains(&format!(
            "version 3 · total {} USD",
            o["grand_total"].as_str().unwrap()
        )),
        "{s}"
    );
}

/// The view draws from the session's case alone: a case built by hand,
/// with no database anywhere, shows the order, its shipped shipment and
/// why it can no longer change, and its history cleaned.
#[test]
fn the_view_draws_from_a_case_without_a_database() {
    use orderdesk::domain::lifecycle::{OrderStatus, ShipmentState, ShipmentStatus};
    use orderdesk::domain::money::Currency;
    use orderdesk::domain::order::{Address, Line, Order, ShipTo};
    use orderdesk::domain::quote::Quote;
    use orderdesk::session::servicing::Case;
    use orderdesk::store::{OrderEvent, StoredOrder, StoredShipment};
    use orderdesk::tui::screens::{DrawCtx, Screen, Screens};
    use orderdesk::tui::theme::Theme;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Rect;
    use ratatui::Terminal;
    use rust_decimal_macros::dec;

    let mut order = Order::new("t".into(), Currency::USD);
    order.ship_tos.push(ShipTo {
        address: Address {
            first_name: "Ana".into(),
            last_name: "Lee".into(),
            line1: "1 Main St".into(),
            city: "Springfield".into(),
            region: "IL".into(),
            postal_code: "62701".into(),
            country: "US".into(),
            ..Address::default()
        },
        method: Some("GROUND".into()),
    });
    order.lines.push(Line {
        item_id: 1,
        sku: "TNT-2001".into(),
        name: "Ridgeline 2-Person Tent".into(),
        quantity: 2,
        unit_price: dec!(189.00),
        weight_grams: 2400,
        taxable: true,
        ship_to: 0,
    });
    let case = Case {
        stored: StoredOrder {
            id: 1,
            order_no: 100042,
            part: 1,
            linked: None,
            linked_status: None,
            status: OrderStatus::Shipped,
            version: 3,
            placed_at: "2026-11-20T09:15:00Z".into(),
            priced_on: "2026-11-20".into(),
            customer_id: Some(7),
            currency: Currency::USD,
            grand_total: dec!(401.23),
            order: Some(order.clone()),
            payment_method: Some("cod".into()),
            shipments: vec![StoredShipment {
                state: ShipmentState {
                    number: 1,
                    status: ShipmentStatus::Shipped,
                    shipped_on: Some("2026-11-22".into()),
                    waiting: 0,
                },
                ship_to_no: 1,
                method_code: "GROUND".into(),
                ship_date: Some("2026-11-22".into()),
                tracking: "1Z\u{1b}[31m999".into(),
                lines: vec![(1, "TNT-2001".into(), 2)],
            }],
            events: vec![OrderEvent {
                version: 2,
                at: "2026-11-21T10:00:00Z".into(),
                operator: "bob".into(),
                action: "held".into(),
                reason: "payment".into(),
                detail: "on hold (was placed)".into(),
                total_before: None,
                total_after: None,
            }],
        },
        edited: Some(order.clone()),
        changes: Vec::new(),
        preview: None,
    };
    let quote = Quote::empty(Currency::USD);
    let ctx = DrawCtx {
        order: &order,
        quote: &quote,
        violations: &[],
        placed: &[],
        placed_quote: None,
        theme: Theme { mono: true },
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        operator: "alice",
        verified: None,
        case: Some(&case),
    };
    let mut screens = Screens::default();
    screens.orders.opened(None);
    let mut term = Terminal::new(TestBackend::new(80, 20)).unwrap();
    term.draw(|f| screens.orders.draw(f, Rect::new(0, 0, 80, 20), &ctx))
        .unwrap();
    let buf = term.backend().buffer();
    let s = (0..20)
        .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        s.contains("Order 100042 — shipped"),
        "no customer, no name: {s}"
    );
    assert!(s.contains("Payment: Cash on delivery"), "{s}");
    assert!(
        s.contains("Placed 2026-11-20 09:15 · version 3 · total 401.23 USD"),
        "{s}"
    );
    assert!(s.contains("Cannot change: the order has shipped."), "{s}");
    assert!(s.contains("#1 shipped 2026-11-22, tracking 1Z999"), "{s}");
    assert!(!s.contains('\u{1b}'), "{s}");
    assert!(
        s.contains("2026-11-21 10:00 bob held (Payment to check): on hold"),
        "{s}"
    );
    let bindings = screens.orders.bindings(&ctx);
    let offered: Vec<&str> = bindings
        .iter()
        .filter(|b| b.in_bar())
        .map(|b| b.label)
        .collect();
    assert_eq!(offered, ["Text", "Back to the list"], "{bindings:?}");
}

#[test]
fn help_lists_every_key_of_the_order_view() {
    let mut d = Desk::new();
    let no = place_janes_order(&mut d);
    open_order(&mut d, no);
    d.type_text("q3");
    d.code(KeyCode::Enter);
    d.code(KeyCode::F(1));
    let s = d.screen();
    for b in d.app.bindings().iter().filter(|b| b.in_help()) {
        assert!(
            s.contains(&format!("{} ", b.keys_label())) && s.contains(b.label),
            "{} {} not in help:\n{s}",
            b.keys_label(),
            b.label
        );
    }
}

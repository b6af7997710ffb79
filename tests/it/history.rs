//! Order history, opened from the customer record (F3, ^X): the list of a
//! customer's placed orders, and Enter opening one on the Orders screen,
//! rendered at 80x24.

use crate::common::{chars, ctrl, demo_store, key, shift_tab};
use crossterm::event::{KeyCode, KeyEvent};
use orderdesk::tui::app::{App, Step};
use orderdesk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn press(app: &mut App, k: KeyEvent) {
    app.handle_key(k);
    app.settle();
}

fn code(app: &mut App, c: KeyCode) {
    press(app, key(c));
}

fn type_text(app: &mut App, text: &str) {
    for k in chars(text) {
        press(app, k);
    }
}

fn screen(app: &App, term: &mut Terminal<TestBackend>) -> Vec<String> {
    term.draw(|f| app.draw(f)).unwrap();
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf.cell((x, y)).unwrap().symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Jane Doe orders `qty` of `sku` by Ground, paid by card; returns the order number.
fn place(app: &mut App, sku: &str, qty: u32) -> i64 {
    type_text(app, "doe");
    code(app, KeyCode::Enter);
    assert_eq!(app.step, Step::Catalog);
    code(app, KeyCode::Esc);
    type_text(app, sku);
    code(app, KeyCode::Tab);
    press(app, ctrl('u'));
    type_text(app, &qty.to_string());
    code(app, KeyCode::Enter);
    press(app, shift_tab());
    code(app, KeyCode::F(6));
    code(app, KeyCode::Enter);
    code(app, KeyCode::Enter);
    crate::common::payment_list(app);
    code(app, KeyCode::Enter);
    type_text(app, "4111111111111111");
    code(app, KeyCode::Tab);
    type_text(app, "12/30");
    code(app, KeyCode::Tab);
    type_text(app, "123");
    code(app, KeyCode::Enter);
    code(app, KeyCode::F(9));
    code(app, KeyCode::Enter);
    assert_eq!(app.step, Step::Confirmation);
    let no = app.session.placed()[0].order_no;
    code(app, KeyCode::Enter); // a fresh order
    no
}

#[test]
fn history_lists_orders_newest_first_and_shows_one_as_placed() {
    let (_dir, _path, store) = demo_store();
    let mut app = crate::common::app(store, "alice", Theme { mono: true });
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let first = place(&mut app, "SLP-1014", 1);
    let second = place(&mut app, "SLP-1014", 2);
    assert_eq!(second, first + 1);

    type_text(&mut app, "doe");
    code(&mut app, KeyCode::Enter);
    code(&mut app, KeyCode::F(3));
    let s = screen(&app, &mut term).join("\n");
    assert!(s.contains("^X Order history"), "the key is hinted: {s}");
    press(&mut app, ctrl('x'));
    assert_eq!(app.step, Step::History);
    let rows = screen(&app, &mut term);
    let s = rows.join("\n");
    assert!(s.contains("Order history — Jane Doe, newest first"), "{s}");
    let at = |no: i64| {
        rows.iter()
            .position(|r| r.contains(&no.to_string()))
            .unwrap()
    };
    assert!(at(second) < at(first), "newest first: {s}");
    let top = &rows[at(second)];
    assert!(top.starts_with("> "), "the newest is selected: {s}");
    assert!(
        top.contains("whole order") && top.contains("placed") && top.ends_with(" USD"),
        "{top}"
    );
    assert!(
        s.contains("Enter Show order") && s.contains("Esc Back to customer"),
        "{s}"
    );

    // Enter opens the older one on the Orders screen: what was stored,
    // with its shipment's date and its total.
    code(&mut app, KeyCode::Down);
    code(&mut app, KeyCode::Enter);
    assert_eq!(app.step, Step::Orders);
    let s = screen(&app, &mut term).join("\n");
    let export = app.session.store().export_order(first).unwrap().unwrap();
    assert!(
        s.contains(&format!("Order {first} — Jane Doe — placed")),
        "{s}"
    );
    assert!(s.contains("SLP-1014"), "{s}");
    let ship_date = export["shipments"][0]["ship_date"].as_str().unwrap();
    assert!(s.contains(&format!("ships {ship_date}")), "{s}");
    let total = export["grand_total"].as_str().unwrap();
    assert!(s.contains(&format!("total {total} USD")), "{s}");
    // Esc: back to the list (the same order selected), then to the
    // customer record.
    code(&mut app, KeyCode::Esc);
    assert_eq!(app.step, Step::History);
    let rows = screen(&app, &mut term);
    assert!(rows.join("\n").contains("newest first"));
    assert!(
        rows.iter().any(|r| r.starts_with(&format!("> {first}"))),
        "{}",
        rows.join("\n")
    );
    code(&mut app, KeyCode::Esc);
    assert_eq!(app.step, Step::Customer);
}

#[test]
fn render_history_list_and_an_order_at_80x24() {
    let (_dir, _path, store) = demo_store();
    let mut app = crate::common::app(store, "alice", Theme { mono: true });
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let no = place(&mut app, "SLP-1014", 1);
    type_text(&mut app, "doe");
    code(&mut app, KeyCode::Enter);
    code(&mut app, KeyCode::F(3));
    press(&mut app, ctrl('x'));
    let list = screen(&app, &mut term);
    assert_eq!(list.len(), 24);
    assert!(list
        .iter()
        .all(|r| unicode_width::UnicodeWidthStr::width(r.as_str()) <= 80));
    let row = list.iter().find(|r| r.contains(&no.to_string())).unwrap();
    assert!(row.starts_with(&format!("> {no}")), "{row}");
    code(&mut app, KeyCode::Enter);
    let detail = screen(&app, &mut term);
    let s = detail.join("\n");
    for want in [
        "Lines",
        "Shipments",
        "Payment",
        "VISA ending 1111, exp 12/30",
    ] {
        assert!(s.contains(want), "{want}: {s}");
    }
    assert!(!s.contains("4111111111111111"), "{s}");
    // The order view's keys, Esc among them (the key bar has no room for
    // all: the view lists the rest).
    assert!(detail[23].contains("q Quantity"), "{s}");
    assert!(s.contains("Esc Back to the history"), "{s}");
    assert!(detail
        .iter()
        .all(|r| unicode_width::UnicodeWidthStr::width(r.as_str()) <= 80));
}

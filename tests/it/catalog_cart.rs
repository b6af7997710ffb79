//! Catalog, cart and fulfillment keys (issue 4), driven through the console
//! at 80x24: category browsing, quick entry, reorder, the backorder choice
//! keys and a typed ship-to address.

use crate::common::desk::Desk;
use crate::common::{ctrl, shift_tab};
use crossterm::event::KeyCode;
use orderdesk::domain::order::BackorderChoice;
use orderdesk::tui::app::Step;

#[test]
fn category_tree_narrows_the_catalog_to_a_branch() {
    let mut d = Desk::new();
    d.pick("doe");
    d.press(ctrl('y'));
    let s = d.screen();
    assert!(s.contains("> All categories"), "{s}");
    // Children are indented under their parent.
    assert!(
        s.contains("\n  Outdoor") && s.contains("\n    Tents & Shelters"),
        "{s}"
    );
    // The selected row: marker, then the indented name.
    for _ in 0..40 {
        if d.screen().contains(">   Tents & Shelters") {
            break;
        }
        d.code(KeyCode::Down);
    }
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("Catalog in Tents & Shelters"), "{s}");
    let rows: Vec<String> = d
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("> ") || l.starts_with("  "))
        .filter(|l| l.contains("in stock") || l.contains("available") || l.contains("backorder"))
        .collect();
    assert!(!rows.is_empty(), "{s}");
    assert!(
        rows.iter().all(|r| r[2..].starts_with("TNT-")),
        "only tents: {rows:#?}"
    );
    // Back to everything.
    d.press(ctrl('y'));
    for _ in 0..30 {
        d.code(KeyCode::Up);
    }
    d.code(KeyCode::Enter);
    assert!(d.screen().contains("Catalog — prices in USD"));
}

#[test]
fn quick_entry_adds_a_sku_and_keeps_an_unknown_one_to_fix() {
    let mut d = Desk::new();
    d.pick("doe");
    d.code(KeyCode::F(5));
    d.type_text("tnt-9999");
    d.code(KeyCode::Enter);
    let (_, row) = d.row_with(">SKU").expect("SKU field");
    assert!(row.contains("tnt-9999"), "the typed SKU stays: {row}");
    assert!(row.contains("no item with SKU 'tnt-9999'"), "{row}");
    assert!(d.app.order().lines.is_empty());
    // Fix it, give a quantity, Enter adds.
    d.press(ctrl('u'));
    d.type_text("tnt-2001");
    d.code(KeyCode::Tab);
    d.press(ctrl('u'));
    d.type_text("3");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.order().lines.len(), 1);
    assert_eq!(
        (
            d.app.order().lines[0].sku.as_str(),
            d.app.order().lines[0].quantity
        ),
        ("TNT-2001", 3)
    );
    let s = d.screen();
    assert!(s.contains("Cart — 1 line, USD"), "{s}");
    assert!(d.list_row("TNT-2001").unwrap().contains(" 3 "), "{s}");
}

#[test]
fn reorder_copies_an_earlier_order_and_names_what_is_no_longer_sold() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(4));
    d.add("CKW-1001", 1);
    d.pay_by_card();
    d.code(KeyCode::F(9));
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.step, Step::Confirmation, "{s}");
    d.code(KeyCode::Enter); // new order
                            // The skillet is no longer sold.
    let conn = rusqlite::Connection::open(&d.path).unwrap();
    conn.execute("UPDATE items SET active = 0 WHERE sku = 'CKW-1001'", [])
        .unwrap();

    d.pick("doe");
    d.code(KeyCode::F(5));
    d.press(ctrl('b'));
    let s = d.screen();
    assert!(s.contains("Earlier orders"), "{s}");
    assert!(s.contains("> 100001"), "{s}");
    d.code(KeyCode::Enter);
    let skus: Vec<(&str, u32)> = d
        .app
        .order()
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.quantity))
        .collect();
    assert_eq!(skus, vec![("TNT-2001", 2)]);
    let s = d.screen();
    assert!(s.contains("not sold any more, left out: CKW-1001"), "{s}");
}

#[test]
fn backorder_choice_keys_and_the_separate_order_toggle() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(6));
    for (key, choice) in [
        ('1', BackorderChoice::ShipComplete),
        ('3', BackorderChoice::DropBackorders),
        ('2', BackorderChoice::ShipAvailable { separate: false }),
    ] {
        d.type_text(&key.to_string());
        assert_eq!(d.app.order().backorder_choice, choice, "key {key}");
        let (_, row) = d.row_with("Backorders:").unwrap();
        assert!(
            row.contains(&format!(">{key} ")),
            "the chosen one is marked: {row}"
        );
    }
    let bar = d.lines()[23].clone();
    assert!(
        bar.contains("1 Complete") && bar.contains("2 Now+later") && bar.contains("3 Drop"),
        "{bar}"
    );
    d.type_text("s");
    assert!(d.app.order().backorder_choice.separate());
    assert!(d.screen().contains("separate order for backorders: yes"));
    // 's' means nothing without choice 2, and its hint goes with it.
    d.type_text("1");
    assert!(!d.app.order().backorder_choice.separate());
    assert!(!d.lines()[23].contains("s Separate"));
}

#[test]
fn a_line_can_ship_to_a_typed_address_checked_field_by_field() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(6));
    d.type_text("m");
    let s = d.screen();
    assert!(s.contains("Ship the selected line to:"), "{s}");
    assert!(s.contains("Type a new address…"), "{s}");
    // Move one of the two tents; the last entry types an address.
    d.press(ctrl('u'));
    d.type_text("1");
    for _ in 0..10 {
        d.code(KeyCode::Down);
    }
    d.code(KeyCode::Enter);
    assert!(d.screen().contains("Ship 1 x TNT-2001 to a new address:"));
    // The store's country is there; Enter on an empty field goes on to
    // the next empty one an address needs.
    let s = d.screen();
    assert!(s.contains("Country (2)   US"), "{s}");
    d.code(KeyCode::Enter);
    assert!(d.screen().contains(">Last name"), "{}", d.screen());
    d.press(shift_tab());
    for (text, tabs) in [
        ("Ann", 1),
        ("Lee", 1),
        ("5 Oak Ave", 2),
        ("Denver", 1),
        ("co", 1),
        ("80202", 1),
        ("us", 0),
    ] {
        d.type_text(text);
        for _ in 0..tabs {
            d.code(KeyCode::Tab);
        }
    }
    d.code(KeyCode::Enter);
    let o = &d.app.order();
    assert_eq!(o.ship_tos.len(), 2);
    assert_eq!(o.ship_tos[1].address.city, "Denver");
    assert_eq!(o.ship_tos[1].address.region, "CO");
    assert_eq!(o.ship_tos[1].address.country, "US");
    let split: Vec<(u32, usize)> = o.lines.iter().map(|l| (l.quantity, l.ship_to)).collect();
    assert_eq!(split, vec![(1, 0), (1, 1)]);
}

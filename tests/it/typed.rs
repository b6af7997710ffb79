//! What is typed and not yet confirmed survives a dropped connection
//! (docs/design.md, section 7): the session keeps it with the draft without
//! changing the order, and the console puts the operator back on that
//! step, in that form, with that text. Masked fields and the card form are
//! never written.
//!
//! The console tests type, pause (what the event loop does when typing
//! stops), then drop the console without quitting and start another on
//! the same file, which takes the draft over (the dead console's hold has
//! not lapsed yet).

use crate::common::desk::Desk;
use crate::common::{ctrl, demo_store, key, shift_tab, today, BUSY};
use crossterm::event::KeyCode;
use orderdesk::session::{Command, Session};
use orderdesk::store::Store;
use orderdesk::tui::app::Step;
use rusqlite::Connection;
use serde_json::json;
use std::path::Path;

fn session(path: &Path) -> Session {
    let (store, _) = Store::open(path, BUSY).unwrap();
    Session::new(store, "alice", today())
}

/// The drafts' (data, fields) as stored.
fn drafts(path: &Path) -> Vec<(String, Option<String>)> {
    Connection::open(path)
        .unwrap()
        .prepare("SELECT data, fields FROM drafts ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn typing_is_kept_with_the_draft_and_comes_back_on_resume_without_changing_the_order() {
    let (_dir, path, _store) = demo_store();
    let mut a = session(&path);
    a.apply(Command::PickCustomer {
        id: None,
        logon: Some("jdoe".into()),
    })
    .unwrap();
    a.refresh(false);
    let revision = a.revision();
    let [(data, None)] = &drafts(&path)[..] else {
        panic!("one draft, nothing typed yet: {:?}", drafts(&path));
    };
    let data = data.clone();

    let typed = json!({
        "step": "adjustments",
        "screens": {"adjustments": {"comments": {"fields": ["Ring twice", ""], "focus": 0}}}
    });
    a.save_typed(Some(typed.clone()));
    assert_eq!(
        a.revision(),
        revision,
        "typing is not a change of the order"
    );
    let stored = drafts(&path);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0, data, "the order as it was");
    let fields: serde_json::Value =
        serde_json::from_str(stored[0].1.as_deref().expect("kept")).unwrap();
    assert_eq!(fields, typed);
    // The same again is not written again.
    a.save_typed(Some(typed.clone()));
    assert_eq!(drafts(&path), stored);

    // Another console of the operator: offered with the typing, and given
    // it back on resume.
    let mut b = session(&path);
    let d = b.pending_draft().unwrap().expect("the draft");
    assert_eq!(d.fields.as_ref(), Some(&typed));
    b.resume(d.id).unwrap();
    assert_eq!(b.typed(), Some(&typed));
    assert!(b.order().customer.is_some());

    // Nothing typed any more: the draft keeps the order, not the typing.
    b.save_typed(None);
    let stored = drafts(&path);
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].0.as_str(), stored[0].1.as_deref()),
        (&*data, None)
    );
}

#[test]
fn typing_before_anything_is_on_the_order_makes_a_draft_and_clearing_it_drops_it() {
    let (_dir, path, _store) = demo_store();
    let mut a = session(&path);
    a.save_typed(None);
    assert!(drafts(&path).is_empty());
    let typed = json!({"step": "find", "screens": {"find": {"fields": ["smi"], "focus": 0}}});
    a.save_typed(Some(typed.clone()));
    let stored = drafts(&path);
    assert_eq!(stored.len(), 1, "a draft for the typing alone");
    assert_eq!(stored[0].1.as_deref(), Some(typed.to_string().as_str()));
    assert!(a.order().is_empty());
    a.save_typed(None);
    assert!(drafts(&path).is_empty(), "nothing on it, nothing typed");
}

#[test]
fn a_new_order_keeps_its_own_typing() {
    let (_dir, path, _store) = demo_store();
    let mut a = session(&path);
    a.apply(Command::PickCustomer {
        id: None,
        logon: Some("jdoe".into()),
    })
    .unwrap();
    a.refresh(false);
    let typed = json!({"step": "find", "screens": {"find": {"fields": ["smi"], "focus": 0}}});
    a.save_typed(Some(typed.clone()));
    a.apply(Command::NewOrder).unwrap();
    a.refresh(false);
    assert_eq!(a.typed(), None, "the new order has nothing typed yet");
    // The same text typed for the new order is its own.
    a.save_typed(Some(typed.clone()));
    let stored = drafts(&path);
    assert_eq!(stored.len(), 2, "{stored:?}");
    for (_, fields) in &stored {
        assert_eq!(fields.as_deref(), Some(typed.to_string().as_str()));
    }
}

#[test]
fn a_session_that_keeps_no_draft_keeps_no_typing() {
    let (_dir, path, _store) = demo_store();
    let mut a = session(&path).without_drafts();
    a.save_typed(Some(json!({"step": "find", "screens": {"find": {}}})));
    assert!(drafts(&path).is_empty());
}

/// Saves what is typed, drops the console, starts another on the file and
/// takes the draft over; checks the offer names `typed_on` and the status
/// says it resumed.
fn resumed(mut d: Desk, typed_on: &str) -> Desk {
    d.pause();
    let mut d = d.restart();
    let s = d.screen();
    assert!(s.contains("Your draft is open elsewhere"), "{s}");
    assert!(
        s.contains(&format!("Typed, not yet confirmed: {typed_on}.")),
        "{s}"
    );
    d.press(key(KeyCode::Char('T')));
    let s = d.screen();
    assert!(s.contains("Resumed:"), "{s}");
    d
}

/// The field labelled `label` as drawn: from the mark before its label
/// (`>` when it has the keys) to the end of its row. A label is followed
/// by blanks and then the value or the box's `_`, never by a lower-case
/// word (as "Password policy: ..." is).
fn field_row(d: &mut Desk, label: &str) -> String {
    d.lines()
        .into_iter()
        .find_map(|l| {
            let at = l.match_indices(label).find_map(|(i, _)| {
                let before = l[..i].chars().next_back();
                let after = l[i + label.len()..].strip_prefix(' ')?;
                let next = after.chars().next();
                let word = next.is_some_and(|c| c.is_ascii_lowercase());
                (matches!(before, None | Some(' ' | '>')) && !word).then_some(i)
            })?;
            Some(l[at.saturating_sub(1)..].to_string())
        })
        .unwrap_or_else(|| panic!("no {label} field:\n{}", d.screen()))
}

/// The new customer form's nine text fields, top to bottom.
const NEW_CUSTOMER: [(&str, &str); 9] = [
    ("Logon ID", "mrossi"),
    ("Password", "Tiramisu-4417"),
    ("Confirm password", "Tiramisu-4417"),
    ("First name", "Maria"),
    ("Last name", "Rossi"),
    ("Phone", "+1 555 010 7788"),
    ("E-mail", "maria.rossi@example.com"),
    ("Challenge question", "Street you grew up on?"),
    ("Challenge answer", "Via Appia"),
];

#[test]
fn a_half_typed_new_customer_comes_back_on_the_record_form_without_its_secrets() {
    let mut d = Desk::new();
    d.press(ctrl('n'));
    assert_eq!(d.app.step, Step::Customer);
    for (i, (_, value)) in NEW_CUSTOMER.iter().enumerate() {
        d.type_text(value);
        if i + 1 < NEW_CUSTOMER.len() {
            d.code(KeyCode::Tab);
        }
    }
    let path = d.path.clone();
    let mut d = resumed(d, "Customer record");
    assert_eq!(d.app.step, Step::Customer);
    assert!(d.screen().contains("New customer"), "{}", d.screen());
    for (label, value) in NEW_CUSTOMER {
        let row = field_row(&mut d, label);
        if label.starts_with("Password")
            || label.starts_with("Confirm")
            || label == "Challenge answer"
        {
            assert!(!row.contains('•'), "{label} is never kept: {row}");
        } else {
            assert!(row.contains(value), "{label}: {row}");
        }
    }
    // The focus is where it was: on the answer, which is typed again.
    assert!(
        field_row(&mut d, "Challenge answer").starts_with('>'),
        "{}",
        d.screen()
    );
    d.type_text("Via Appia");
    assert_eq!(
        field_row(&mut d, "Challenge answer").matches('•').count(),
        9
    );
    // Text comes back with the cursor at its end: typing goes on from it.
    d.press(shift_tab());
    d.type_text(" (first)");
    let row = field_row(&mut d, "Challenge question");
    assert!(row.contains("grew up on? (first)"), "{row}");

    let stored = drafts(&path);
    let fields = stored[0].1.clone().unwrap_or_default();
    assert!(fields.contains("mrossi"), "{fields}");
    for secret in ["Tiramisu-4417", "Via Appia"] {
        assert!(!fields.contains(secret), "{secret} in {fields}");
    }
}

#[test]
fn an_unconfirmed_comment_comes_back_on_adjustments() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(8));
    d.code(KeyCode::Tab); // the coupon code
    d.code(KeyCode::Tab); // the comment for the customer
    d.type_text("Gift, no invoice");
    d.code(KeyCode::Tab);
    d.type_text("Ring twice");
    assert_eq!(d.app.order().comment_customer, "", "not confirmed");
    let mut d = resumed(d, "Adjustments");
    assert_eq!(d.app.step, Step::Adjustments);
    assert_eq!(d.app.order().lines.len(), 1, "the order as it was");
    assert!(field_row(&mut d, "For the customer").contains("Gift, no invoice"));
    let row = field_row(&mut d, "For the warehouse");
    assert!(row.starts_with('>') && row.contains("Ring twice"), "{row}");
    d.type_text(", please");
    d.code(KeyCode::Enter);
    assert!(d.screen().contains("Comments saved."), "{}", d.screen());
    assert_eq!(d.app.order().comment_customer, "Gift, no invoice");
    assert_eq!(d.app.order().comment_warehouse, "Ring twice, please");
}

#[test]
fn the_guest_form_and_the_find_fields_come_back() {
    let mut d = Desk::new();
    d.type_text("smi");
    d.code(KeyCode::Tab);
    d.code(KeyCode::Tab);
    d.type_text("mar");
    let mut d = resumed(d, "Find customer");
    assert_eq!(d.app.step, Step::Find);
    assert!(field_row(&mut d, "Say it").contains("smi"));
    let row = field_row(&mut d, "First name");
    assert!(row.starts_with('>') && row.contains("mar"), "{row}");
    assert!(d.screen().contains("> Smith, Maria"), "{}", d.screen());

    d.press(ctrl('d'));
    for (text, tab) in [("Ana", true), ("Lima", true), ("555 0199", false)] {
        d.type_text(text);
        if tab {
            d.code(KeyCode::Tab);
        }
    }
    let mut d = resumed(d, "Find customer, Customer record");
    assert_eq!(d.app.step, Step::Customer);
    assert!(d.screen().contains("Guest"), "{}", d.screen());
    assert!(field_row(&mut d, "First name").contains("Ana"));
    assert!(field_row(&mut d, "Last name").contains("Lima"));
    assert!(field_row(&mut d, "Phone").starts_with(">"));
    d.type_text("1");
    assert!(field_row(&mut d, "Phone").contains("555 01991"));
}

#[test]
fn the_catalog_search_and_the_cart_quick_entry_come_back() {
    let mut d = Desk::new();
    d.pick("doe");
    d.type_text("tent");
    d.code(KeyCode::Tab);
    d.type_text("3");
    let mut d = resumed(d, "Catalog");
    assert_eq!(d.app.step, Step::Catalog);
    assert!(field_row(&mut d, "Search").contains("tent"));
    assert!(field_row(&mut d, "Qty").contains('3'));
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.order().lines[0].quantity, 3, "{s}");

    d.code(KeyCode::F(5));
    d.type_text("SLP-10");
    let mut d = resumed(d, "Cart");
    assert_eq!(d.app.step, Step::Cart);
    assert!(
        field_row(&mut d, "SKU").contains("SLP-10"),
        "{}",
        d.screen()
    );
    d.type_text("14");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.order().lines.len(), 2, "{s}");
}

#[test]
fn a_typed_address_and_an_adjustment_come_back() {
    let mut d = Desk::jane_with_tents();
    d.code(KeyCode::F(6));
    d.type_text("m");
    d.press(ctrl('u'));
    d.type_text("1");
    for _ in 0..10 {
        d.code(KeyCode::Down);
    }
    d.code(KeyCode::Enter);
    d.type_text("Ann");
    d.code(KeyCode::Tab);
    d.type_text("Lee");
    d.code(KeyCode::Tab);
    d.type_text("5 Oak");
    let mut d = resumed(d, "Fulfillment");
    assert_eq!(d.app.step, Step::Fulfillment);
    let s = d.screen();
    assert!(s.contains("Ship 1 x TNT-2001 to a new address:"), "{s}");
    assert!(field_row(&mut d, "First name").contains("Ann"));
    assert!(field_row(&mut d, "Last name").contains("Lee"));
    d.type_text(" Ave");
    d.code(KeyCode::Tab);
    d.code(KeyCode::Tab);
    for (text, tabs) in [("Denver", 1), ("co", 1), ("80202", 1), ("us", 0)] {
        d.type_text(text);
        for _ in 0..tabs {
            d.code(KeyCode::Tab);
        }
    }
    d.code(KeyCode::Enter);
    let s = d.screen();
    let o = d.app.order();
    assert_eq!(o.ship_tos.len(), 2, "{s}");
    assert_eq!(o.ship_tos[1].address.line1, "5 Oak Ave");

    // An amount off the subtotal, typed and not applied.
    d.code(KeyCode::F(8));
    for _ in 0..30 {
        if d.lines()
            .iter()
            .any(|l| l.starts_with("> ") && l.contains("Amount off the subtotal"))
        {
            break;
        }
        d.code(KeyCode::Down);
    }
    d.code(KeyCode::Enter);
    d.type_text("5.00");
    d.code(KeyCode::Down); // the next reason
    let reason_before = d.row_with("Reason").map(|(_, r)| r).unwrap_or_default();
    let mut d = resumed(d, "Adjustments");
    assert_eq!(d.app.step, Step::Adjustments);
    assert!(
        field_row(&mut d, "Amount off").contains("5.00"),
        "{}",
        d.screen()
    );
    let reason_after = d.row_with("Reason").map(|(_, r)| r).unwrap_or_default();
    assert_eq!(reason_after, reason_before);
    assert!(d.app.order().adjustments.is_empty(), "not applied yet");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.order().adjustments.len(), 1, "{s}");
}

#[test]
fn the_po_number_comes_back_and_the_card_form_never_does() {
    let mut d = Desk::new();
    d.pick("johnson");
    d.add("SLP-1014", 1);
    d.payment_list();
    while !d.screen().contains("> On account") {
        d.code(KeyCode::Down);
    }
    d.code(KeyCode::Enter);
    d.type_text("PO-77");
    let mut d = resumed(d, "Billing and payment");
    assert_eq!(d.app.step, Step::Payment);
    assert!(field_row(&mut d, "PO number").contains("PO-77"));
    d.type_text("81");
    d.code(KeyCode::Enter);
    assert!(
        d.screen().contains("Payment: On account, PO PO-7781"),
        "{}",
        d.screen()
    );

    // A card typed whole and not used: nothing of it is kept.
    d.code(KeyCode::Up);
    while !d.screen().contains("> New card") {
        d.code(KeyCode::Up);
    }
    d.code(KeyCode::Enter);
    d.type_text("4111111111111111");
    d.code(KeyCode::Tab);
    d.type_text("12/30");
    d.code(KeyCode::Tab);
    d.type_text("917");
    assert_eq!(d.app.typed(), None, "{:?}", d.app.typed());
}

#[test]
fn an_edit_comes_back_and_is_still_saved_onto_the_record_as_loaded() {
    let mut d = Desk::new();
    d.pick("doe");
    let jdoe = d.app.order().customer.as_ref().and_then(|c| c.id).unwrap();
    d.code(KeyCode::F(3));
    d.code(KeyCode::Enter); // edit
    assert!(d.screen().contains("Edit customer jdoe"), "{}", d.screen());
    d.code(KeyCode::Tab);
    d.code(KeyCode::Tab);
    d.type_text("Dow");
    d.pause();
    // Meanwhile another console saves the record.
    let (other, _) = Store::open(&d.path, BUSY).unwrap();
    let loaded = other.load_customer_draft(jdoe).unwrap().unwrap();
    let mut theirs = loaded.clone();
    theirs.first_name = "Janet".into();
    other
        .update_customer(jdoe, &loaded, &theirs, "bob")
        .unwrap();
    drop(other);

    let mut d = resumed(d, "Customer record");
    assert_eq!(d.app.step, Step::Customer);
    assert!(d.screen().contains("Edit customer jdoe"), "{}", d.screen());
    let row = field_row(&mut d, "Last name");
    assert!(row.starts_with('>') && row.contains("Dow"), "{row}");
    assert!(field_row(&mut d, "First name").contains("Jane"));
    // Saved onto the record as it was loaded: refused, what changed shown,
    // the edit kept; saved again, both changes stand.
    d.press(ctrl('s'));
    let s = d.screen();
    assert!(
        s.contains("Another console saved this record meanwhile"),
        "{s}"
    );
    assert!(field_row(&mut d, "Last name").contains("Dow"));
    d.press(ctrl('s'));
    let (store, _) = Store::open(&d.path, BUSY).unwrap();
    let now = store.load_customer_draft(jdoe).unwrap().unwrap();
    assert_eq!(
        (now.first_name.as_str(), now.last_name.as_str()),
        ("Janet", "Dow")
    );
}

#[test]
fn a_supervisor_pin_typed_in_the_approval_box_is_never_kept() {
    const PIN: &str = "5937";
    let mut d = Desk::new();
    {
        let store = d.app.session.store();
        let me = orderdesk::store::operators::os_login();
        store
            .add_operator(
                "sue",
                orderdesk::domain::operator::Role::Supervisor,
                "Sue Park",
                "",
                &me,
            )
            .unwrap();
        store.set_pin("sue", PIN, &me).unwrap();
    }
    d.pick("doe");
    d.add("SLP-1014", 1);
    d.code(KeyCode::F(8));
    while !d
        .lines()
        .iter()
        .any(|l| l.starts_with("> ") && l.contains("Line 1 SLP-1014"))
    {
        d.code(KeyCode::Down);
    }
    d.code(KeyCode::Enter);
    d.press(ctrl('u'));
    d.type_text("100.00");
    d.code(KeyCode::Enter);
    assert!(d.screen().contains("Supervisor approval"), "{}", d.screen());
    d.type_text("sue");
    d.code(KeyCode::Tab);
    d.type_text(PIN);
    d.pause();
    d.app.close();
    let Desk {
        _dir, path, app, ..
    } = d;
    drop(app);
    let fields = drafts(&path)
        .into_iter()
        .filter_map(|(_, f)| f)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        fields.contains("100.00"),
        "the adjustment's form is kept: {fields}"
    );
    assert!(!fields.contains(PIN), "{fields}");
}

//! Customer search as callers speak (docs/design.md, section 16), on the
//! demo customers in a real SQLite file: names without punctuation or
//! inner spaces and with umlauts spelled either way, postal codes without
//! spaces or hyphens, phones with or without country code and with the
//! trunk prefix; possible duplicates; and migration 007 giving a database
//! made with the earlier keys the new ones.

use crate::common::{demo_store, temp_db};
use orderdesk::domain::customer::{AddressEntry, CustomerDraft};
use orderdesk::domain::order::Address;
use orderdesk::domain::search_keys::KeySource;
use orderdesk::store::{CustomerQuery, Store, DEFAULT_BUSY_TIMEOUT};

/// The logons (or "guest") of every customer `q` finds.
fn found(store: &Store, q: &CustomerQuery) -> Vec<String> {
    store
        .search_customers(q, 201)
        .unwrap()
        .into_iter()
        .map(|c| c.logon_id.unwrap_or_else(|| "guest".into()))
        .collect()
}

fn last(text: &str) -> CustomerQuery {
    CustomerQuery {
        last_name: text.into(),
        ..Default::default()
    }
}

fn first(text: &str) -> CustomerQuery {
    CustomerQuery {
        first_name: text.into(),
        ..Default::default()
    }
}

fn postal(text: &str) -> CustomerQuery {
    CustomerQuery {
        postal: text.into(),
        ..Default::default()
    }
}

fn phone(text: &str) -> CustomerQuery {
    CustomerQuery {
        phone: text.into(),
        ..Default::default()
    }
}

/// Asserts that `q` finds exactly `logons` (in any order).
#[track_caller]
fn finds(store: &Store, q: CustomerQuery, logons: &[&str]) {
    let mut got = found(store, &q);
    got.sort();
    let mut want: Vec<String> = logons.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "{q:?}");
}

#[test]
fn names_ignore_punctuation_and_inner_spaces() {
    let (_dir, _path, store) = demo_store();
    let obriens = ["pobrien", "sobrien"];
    for typed in ["obrien", "o brien", "O'Brien", "O'B", "OB", "o'brien"] {
        finds(&store, last(typed), &obriens);
    }
    for typed in ["delacruz", "de la", "dela", "De La Cruz", "de-la-c"] {
        finds(&store, last(typed), &["jdelacruz"]);
    }
    // Not a prefix of the name: not found.
    finds(&store, last("cruz"), &[]);
}

#[test]
fn umlauts_match_their_spellings_both_ways() {
    let (_dir, _path, store) = demo_store();
    for typed in ["mueller", "müller", "MÜLLER", "muller", "Mue", "mü"] {
        finds(&store, last(typed), &["jmueller"]);
    }
    for typed in ["schaefer", "schäfer", "Schafer"] {
        finds(&store, last(typed), &["kschaefer"]);
    }
    for typed in ["soeren", "søren", "Soren", "SØ"] {
        finds(&store, first(typed), &["slindqvist"]);
    }
    finds(&store, first("juergen"), &["jmueller"]);
    // The other way: a name stored spelled out is found by its umlaut.
    let id = store
        .create_customer(
            &draft("kmueller", "Kai", "Mueller", "+49 40 555 1234"),
            "op",
        )
        .unwrap();
    assert!(id > 0);
    finds(&store, last("müller"), &["jmueller", "kmueller"]);
    finds(&store, last("Müll"), &["jmueller", "kmueller"]);
}

#[test]
fn postal_codes_ignore_spaces_and_hyphens() {
    let (_dir, _path, store) = demo_store();
    for typed in ["h2x3l1", "h2x3", "H2X 3", "h2x-3l", "H2X 3L1"] {
        finds(&store, postal(typed), &["fgagnon"]);
    }
    for typed in ["1500002", "150-0002", "150 00", "15000"] {
        finds(&store, postal(typed), &["htanaka"]);
    }
    for typed in ["ec1a1bb", "EC1A 1"] {
        finds(&store, postal(typed), &["ewilliams"]);
    }
}

#[test]
fn phones_match_with_or_without_country_code_and_with_the_trunk_prefix() {
    let (_dir, _path, store) = demo_store();
    // Stored "+44 20 7946 0958" and "+44 20 7946 0321".
    let london = ["ewilliams", "gevans"];
    for typed in [
        "020 7946",
        "0207946",
        "+44 20 7946",
        "0044 20 7946",
        "44 20 7946",
        "20 7946",
        "+44 (0)20 7946",
    ] {
        finds(&store, phone(typed), &london);
    }
    finds(&store, phone("020 7946 0958"), &["ewilliams"]);
    // Stored as dialled at home, "0121 496 0415", for an address in GB.
    for typed in ["0121 496", "+44 121 496", "44121496", "121 496 0415"] {
        finds(&store, phone(typed), &["ahughes"]);
    }
    // Japan: "+81 3-1234-5678" and "06-6345-7788" (stored without code).
    for typed in ["03-1234", "+81 3 1234", "813 1234"] {
        finds(&store, phone(typed), &["htanaka"]);
    }
    for typed in ["06-6345", "+81 6 6345", "0081 6 6345"] {
        finds(&store, phone(typed), &["ysato"]);
    }
    // North America has no trunk prefix: with and without the 1.
    for typed in [
        "555 123 4567",
        "1 555 123 4567",
        "+1 555 123 45",
        "(555) 123-4",
    ] {
        finds(&store, phone(typed), &["jdoe"]);
    }
    // Germany: "+49 30 1234567".
    for typed in ["030 1234567", "+49 30 123", "4930123"] {
        finds(&store, phone(typed), &["jmueller"]);
    }
    // A number with a plus is international only: "+2079" is no country.
    finds(&store, phone("+2079460"), &[]);
}

#[test]
fn fields_combine_with_the_new_keys() {
    let (_dir, _path, store) = demo_store();
    let q = CustomerQuery {
        last_name: "o brien".into(),
        phone: "01 555".into(),
        ..Default::default()
    };
    finds(&store, q, &["sobrien"]);
    let q = CustomerQuery {
        phone: "514".into(),
        postal: "h2x 3".into(),
        ..Default::default()
    };
    finds(&store, q, &["fgagnon"]);
}

fn draft(logon: &str, first: &str, last: &str, phone: &str) -> CustomerDraft {
    CustomerDraft {
        logon_id: logon.into(),
        password: "Zebra-Quartz-77".into(),
        password_confirm: "Zebra-Quartz-77".into(),
        first_name: first.into(),
        last_name: last.into(),
        challenge_question: "First pet?".into(),
        challenge_answer: "Rex".into(),
        phone: phone.into(),
        email: format!("{logon}@example.de"),
        addresses: vec![AddressEntry {
            id: None,
            address: Address {
                nickname: "Home".into(),
                first_name: first.into(),
                last_name: last.into(),
                line1: "Hauptstr. 1".into(),
                city: "Hamburg".into(),
                postal_code: "20095".into(),
                country: "DE".into(),
                ..Address::default()
            },
            default_shipping: true,
            default_billing: true,
        }],
        ..CustomerDraft::default()
    }
}

fn who<'a>(last: &'a str, email: &'a str, phone: &'a str, postal: &'a str) -> KeySource<'a> {
    KeySource {
        first: "Pat",
        last,
        email,
        phone,
        postal,
        country: "US",
        logon: None,
    }
}

fn duplicates(store: &Store, who: &KeySource) -> Vec<(String, String)> {
    store
        .possible_duplicates(who, 50)
        .unwrap()
        .into_iter()
        .map(|d| (d.row.logon_id.clone().unwrap_or_default(), d.why()))
        .collect()
}

#[test]
fn duplicates_share_an_email_a_phone_or_a_name_and_postal_code() {
    let (_dir, _path, store) = demo_store();
    // Same e-mail, typed in capitals.
    assert_eq!(
        duplicates(&store, &who("Nobody", "JANE.DOE@example.com", "", "")),
        [("jdoe".to_string(), "same e-mail".to_string())]
    );
    // Same phone, written another way ("+1 555 123 4567" on file).
    assert_eq!(
        duplicates(&store, &who("Nobody", "", "(555) 123-4567", "")),
        [("jdoe".to_string(), "same phone".to_string())]
    );
    // Same last name (spelled otherwise) and postal code.
    assert_eq!(
        duplicates(&store, &who("OBrien", "", "", "02127")),
        [("pobrien".to_string(), "same name+postal".to_string())]
    );
    // All three at once is one row with every reason.
    assert_eq!(
        duplicates(
            &store,
            &who("Doe", "jane.doe@example.com", "555-123-4567", "62701")
        ),
        [(
            "jdoe".to_string(),
            "same e-mail, same phone, same name+postal".to_string()
        )]
    );
    // A new caller: nothing. A name alone or a postal code alone: nothing.
    assert!(duplicates(
        &store,
        &who("Nobody", "new@example.com", "555 000 1111", "99999")
    )
    .is_empty());
    assert!(duplicates(&store, &who("O'Brien", "", "", "")).is_empty());
    assert!(duplicates(&store, &who("", "", "", "02127")).is_empty());
    // A phone too short to tell.
    assert!(duplicates(&store, &who("", "", "4567", "")).is_empty());
}

#[test]
fn migration_007_gives_old_databases_the_new_keys() {
    let (_dir, path) = temp_db();
    {
        let store = crate::common::open_demo(&path);
        drop(store);
    }
    // Keys as the earlier program stored them (folded only), at version 6:
    // what migrations 008 to 012 added is taken away again first.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 12, "undo the migrations after 007 here");
    conn.execute_batch(
        "DROP INDEX customers_first_initial_email; DROP INDEX customers_email_initial_postal;
         DROP INDEX customers_last_initial_postal; DROP INDEX customers_first_initial_postal;
         ALTER TABLE customers DROP COLUMN shipping_city;
         ALTER TABLE customers DROP COLUMN shipping_postal_code;
         CREATE INDEX addresses_default_shipping ON addresses(customer_id, city, postal_code)
             WHERE is_default_shipping = 1;
         DROP INDEX customers_phone_key_postal; DROP INDEX customers_phone_national_key_postal;
         DROP INDEX customers_last_initial_first;
         DROP TABLE order_events; DROP TABLE refunds_owed;
         DROP INDEX orders_status; DROP INDEX orders_placed_at; DROP INDEX order_lines_item_waiting;
         ALTER TABLE orders DROP COLUMN version; ALTER TABLE orders DROP COLUMN order_data;
         ALTER TABLE orders DROP COLUMN priced_on;
         ALTER TABLE shipments DROP COLUMN status; ALTER TABLE shipments DROP COLUMN shipped_at;
         ALTER TABLE shipments DROP COLUMN tracking;",
    )
    .unwrap();
    conn.execute_batch(&format!(
        "UPDATE customers SET last_key = 'o''brien', postal_key = 'h2x 3l1', phone_key = '01214960415',
             phone_national_key = '1214960415', first_key = 'søren'
         WHERE logon_id IN ('pobrien');
         UPDATE customers SET postal_key = 'h2x 3l1' WHERE logon_id = 'fgagnon';
         UPDATE customers SET phone_key = '01214960415' WHERE logon_id = 'ahughes';
         PRAGMA user_version = {};",
        6
    ))
    .unwrap();
    drop(conn);
    let (store, _) = Store::open(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
    finds(&store, last("obrien"), &["pobrien", "sobrien"]);
    finds(&store, postal("h2x3"), &["fgagnon"]);
    finds(&store, phone("+44 121"), &["ahughes"]);
    finds(&store, first("patrick"), &["pobrien"]);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let now: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(now, version, "migrated to the latest version");
    // Every key is what the one function makes (the backfill left none).
    let stale: i64 = conn
        .query_row(
            "SELECT count(*) FROM customers WHERE last_key LIKE '% %' OR last_key LIKE '%''%'
                OR postal_key LIKE '% %' OR phone_key LIKE '0%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stale, 0);
    // Migration 010 copied each default shipping address's city and
    // postal code into its customer, as the results show them.
    let (copied, differing): (i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(c.shipping_city <> a.city OR c.shipping_postal_code <> a.postal_code)
             FROM customers c JOIN addresses a ON a.customer_id = c.id AND a.is_default_shipping = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(copied > 10, "{copied}");
    assert_eq!(differing, 0);
    let fgagnon = store.search_customers(&postal("h2x3"), 5).unwrap();
    assert_eq!(fgagnon[0].postal_code, "H2X 3L1", "{fgagnon:?}");
}

fn key(code: crossterm::event::KeyCode) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE)
}

fn screen(app: &orderdesk::tui::app::App) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| app.draw(f)).unwrap();
    let buf = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// A guest who gave a registered customer's phone is listed that customer
/// when registering; ^S registers the guest anyway.
#[test]
fn registering_a_guest_who_is_on_file_lists_the_customer_first() {
    use crossterm::event::{KeyCode, KeyModifiers};
    use orderdesk::domain::guest::GuestDetails;
    use orderdesk::session::{Command, PayInput};
    use orderdesk::tui::action::Action;
    use orderdesk::tui::app::Step;
    let (_dir, _path, store) = demo_store();
    let mut app = crate::common::app(store, "op7", orderdesk::tui::theme::Theme { mono: false });
    app.settle();
    app.update(Action::Order(Command::Guest(GuestDetails {
        first: "J.".into(),
        last: "Doe-Smith".into(),
        phone: "+1 555 123 4567".into(),
        email: String::new(),
        address: Address {
            line1: "1 Elm St".into(),
            city: "Springfield".into(),
            region: "IL".into(),
            postal_code: "62799".into(),
            country: "US".into(),
            ..Address::default()
        },
    })));
    let sku = app
        .session
        .store()
        .item_by_sku(app.order().currency, "TNT-2001")
        .unwrap()
        .unwrap()
        .sku;
    app.update(Action::Order(Command::AddItem { sku, qty: 1 }));
    app.update(Action::Order(Command::SetMethod {
        ship_to: 1,
        method: "GROUND".into(),
    }));
    app.update(Action::Order(Command::Pay(PayInput::Cod)));
    app.settle();
    app.update(Action::Order(Command::Submit));
    app.settle();
    assert_eq!(app.step, Step::Confirmation, "{}", screen(&app));
    let gid = app
        .session
        .store()
        .search_customers(&last("doesmith"), 5)
        .unwrap()[0]
        .id;
    app.update(Action::Order(Command::NewOrder));
    app.update(Action::pick(gid));
    app.handle_key(key(KeyCode::F(3)));
    app.settle();
    assert!(screen(&app).contains("Register guest"), "{}", screen(&app));
    for v in [
        "jds",
        "Harbour-Light-9",
        "Harbour-Light-9",
        "Boat?",
        "Seaswallow",
    ] {
        for c in v.chars() {
            app.handle_key(key(KeyCode::Char(c)));
        }
        app.handle_key(key(KeyCode::Tab));
    }
    app.handle_key(key(KeyCode::Enter));
    app.settle();
    let s = screen(&app);
    assert!(s.contains("Possible duplicates of the guest"), "{s}");
    let jane = s.lines().find(|l| l.contains("Doe, Jane")).unwrap_or("");
    assert!(jane.contains("same phone"), "{s}");
    assert!(!s.contains("Doe-Smith, J."), "not their own duplicate: {s}");
    assert!(s.contains("^S Register anyway"), "{s}");
    app.handle_key(crossterm::event::KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    ));
    app.settle();
    let c = app.order().customer.clone().unwrap();
    assert!(!c.guest, "{}", screen(&app));
    assert_eq!(c.logon_id.as_deref(), Some("jds"));
    assert_eq!(c.id, Some(gid));
}

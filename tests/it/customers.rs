//! Customer records: the store (create, edit, challenge, guest
//! conversion, search keys), the security of what is written to disk, form
//! validation and the record screen rendered at 80x24.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use orderdesk::domain::customer::{AddressEntry, CustomerDraft, Field, GuestConversion};
use orderdesk::domain::money::Currency;
use orderdesk::domain::order::{Address, CustomerRef, SavedAddress};
use orderdesk::session::{Command, PayInput};
use orderdesk::store::{CustomerQuery, SaveError, Store, DEFAULT_BUSY_TIMEOUT};
use orderdesk::tui::action::Action;
use orderdesk::tui::app::{App, Step};
use orderdesk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::{Path, PathBuf};

const OP: &str = "op7";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn demo_store(dir: &Path) -> (Store, PathBuf) {
    let path = dir.join("desk.db");
    let (mut store, _) = Store::open(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
    store.load_demo(today()).unwrap();
    (store, path)
}

fn address(nick: &str, postal: &str) -> AddressEntry {
    AddressEntry {
        id: None,
        address: Address {
            nickname: nick.into(),
            first_name: "Zoë".into(),
            last_name: "Müller-Quistgaard".into(),
            line1: "12 Rue de la Paix".into(),
            line2: String::new(),
            city: "Springfield".into(),
            region: "IL".into(),
            postal_code: postal.into(),
            country: "US".into(),
            phone: String::new(),
        },
        default_shipping: false,
        default_billing: false,
    }
}

fn draft(logon: &str) -> CustomerDraft {
    let mut home = address("Home", "K1A 0B1");
    home.default_shipping = true;
    let mut work = address("Work", "62701");
    work.default_billing = true;
    CustomerDraft {
        logon_id: logon.into(),
        password: "Zebra-Quartz-77".into(),
        password_confirm: "Zebra-Quartz-77".into(),
        first_name: "Zoë".into(),
        last_name: "Müller-Quistgaard".into(),
        challenge_question: "Favourite preserve?".into(),
        challenge_answer: "Marmalade Tortoise".into(),
        currency: Currency::EUR,
        language: "fr".into(),
        phone: "+1 (555) 010-7788".into(),
        email: "Zoe.Quist@Example.COM".into(),
        demographics: [
            Some("female".into()),
            Some("35-44".into()),
            None,
            Some("married".into()),
            Some("2".into()),
            Some("4".into()),
        ],
        account_id: None,
        enabled: true,
        addresses: vec![home, work],
        version: 0,
    }
}

fn ids(store: &Store, q: CustomerQuery) -> Vec<i64> {
    store
        .search_customers(&q, 50)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

// ---------------------------------------------------------------- store

#[test]
fn create_then_load_round_trips_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo_store(dir.path());
    let mut d = draft("zquist");
    d.account_id = Some(store.business_accounts().unwrap()[0].id);
    let id = store.create_customer(&d, OP).unwrap();
    let back = store.load_customer_draft(id).unwrap().unwrap();
    assert_eq!(back.logon_id, "zquist");
    assert_eq!(back.first_name, "Zoë");
    assert_eq!(back.currency, Currency::EUR);
    assert_eq!(back.language, "fr");
    assert_eq!(back.demographics, d.demographics);
    assert_eq!(back.account_id, d.account_id);
    assert!(back.enabled);
    assert_eq!(back.password, "", "secrets never come back");
    assert_eq!(back.challenge_answer, "");
    assert_eq!(back.challenge_question, "Favourite preserve?");
    assert_eq!(back.addresses.len(), 2);
    let home = back
        .addresses
        .iter()
        .find(|a| a.address.nickname == "Home")
        .unwrap();
    let work = back
        .addresses
        .iter()
        .find(|a| a.address.nickname == "Work")
        .unwrap();
    assert!(home.default_shipping && !home.default_billing);
    assert!(work.default_billing && !work.default_shipping);
    // The order sees it like any picked customer.
    let c = store.customer_ref(id).unwrap().unwrap();
    assert!(!c.guest);
    assert_eq!(c.default_shipping().unwrap().postal_code, "K1A 0B1");
    assert_eq!(c.account.as_ref().unwrap().name, "Acme Field Services");
}

#[test]
fn a_taken_logon_is_named_at_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo_store(dir.path());
    // jdoe is a demo customer; case does not make a new logon.
    let err = store.create_customer(&draft("JDoe"), OP).unwrap_err();
    assert!(matches!(err, SaveError::LogonTaken), "{err:?}");
    assert_eq!(err.field_errors()[0].0, Field::Logon);
    assert!(err.field_errors()[0].1.contains("taken"));
    // Invalid drafts are refused before anything is written.
    let mut bad = draft("fresh1");
    bad.email = "nope".into();
    match store.create_customer(&bad, OP).unwrap_err() {
        SaveError::Invalid(v) => assert_eq!(v[0].0, Field::Email),
        e => panic!("{e:?}"),
    }
    assert!(ids(
        &store,
        CustomerQuery {
            logon: "fresh1".into(),
            ..Default::default()
        }
    )
    .is_empty());
}

#[test]
fn update_changes_fields_and_password_only_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo_store(dir.path());
    let id = store.create_customer(&draft("zquist"), OP).unwrap();
    let base = store.load_customer_draft(id).unwrap().unwrap();
    let mut d = base.clone();
    d.last_name = "Ortega".into();
    d.phone = "+44 20 7946 0958".into();
    d.enabled = false;
    d.addresses.remove(1); // drop Work; Home must take billing too
    d.addresses.push(address("Cabin", "SW1A 1AA"));
    d.addresses[1].default_shipping = true;
    d.addresses[0].default_shipping = false;
    store.update_customer(id, &base, &d, OP).unwrap();
    let back = store.load_customer_draft(id).unwrap().unwrap();
    assert_eq!(back.last_name, "Ortega");
    assert!(!back.enabled);
    let nicks: Vec<&str> = back
        .addresses
        .iter()
        .map(|a| a.address.nickname.as_str())
        .collect();
    assert_eq!(back.addresses.len(), 2, "{nicks:?}");
    let cabin = back
        .addresses
        .iter()
        .find(|a| a.address.nickname == "Cabin")
        .unwrap();
    assert!(cabin.default_shipping);
    assert_eq!(
        back.addresses.iter().filter(|a| a.default_billing).count(),
        1
    );
    // Keys follow the edit: new last name, new phone, new default postal.
    let last = CustomerQuery {
        last_name: "orteg".into(),
        ..Default::default()
    };
    assert_eq!(ids(&store, last), vec![id]);
    let phone = CustomerQuery {
        phone: "20 7946".into(),
        ..Default::default()
    };
    assert!(ids(&store, phone).contains(&id));
    let postal = CustomerQuery {
        postal: "sw1a".into(),
        ..Default::default()
    };
    assert!(ids(&store, postal).contains(&id));
    let old = CustomerQuery {
        last_name: "muller-q".into(),
        ..Default::default()
    };
    assert!(!ids(&store, old).contains(&id));
    // Password unchanged (blank), answer unchanged: the old answer works.
    assert!(store
        .verify_challenge(id, "marmalade tortoise", OP)
        .unwrap());
    // Another customer's logon is refused at the field.
    let mut clash = back.clone();
    clash.logon_id = "jdoe".into();
    assert!(matches!(
        store.update_customer(id, &back, &clash, OP),
        Err(SaveError::LogonTaken)
    ));
    // Keeping one's own logon is fine; a weak new password is not.
    let mut weak = back.clone();
    weak.password = "short".into();
    weak.password_confirm = "short".into();
    match store.update_customer(id, &back, &weak, OP).unwrap_err() {
        SaveError::Invalid(v) => assert_eq!(v[0].0, Field::Password),
        e => panic!("{e:?}"),
    }
}

/// The row of customer `id` as stored, read by a second connection.
fn raw_row(path: &Path, id: i64) -> (String, String, String, i64, String) {
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.query_row(
        "SELECT last_name, phone, email, version, updated_at FROM customers WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .unwrap()
}

fn audits(path: &Path, id: i64, action: &str) -> i64 {
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.query_row(
        "SELECT COUNT(*) FROM audit WHERE subject = ?1 AND action = ?2",
        rusqlite::params![format!("customer:{id}"), action],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_stale_edit_is_refused_naming_what_changed_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = demo_store(dir.path());
    let id = store.create_customer(&draft("zquist"), OP).unwrap();
    let base = store.load_customer_draft(id).unwrap().unwrap();
    assert_eq!(base.version, 1);
    // Another console saves a new last name and currency first.
    let (other_store, _) = Store::open(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
    let mut other = base.clone();
    other.last_name = "Smith".into();
    other.currency = Currency::GBP;
    assert_eq!(
        other_store
            .update_customer(id, &base, &other, "op9")
            .unwrap(),
        2
    );
    let before = raw_row(&path, id);
    // This console's edit of the phone, based on version 1, is refused.
    let mut mine = base.clone();
    mine.phone = "+44 20 7946 0958".into();
    let err = store.update_customer(id, &base, &mine, OP).unwrap_err();
    let SaveError::Stale { current, changed } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        changed,
        &vec![
            (Field::LastName, "Smith".to_string()),
            (Field::Currency, "GBP".to_string())
        ]
    );
    assert_eq!(current.version, 2);
    assert_eq!(current.last_name, "Smith");
    assert!(err.field_errors().is_empty());
    let message = err.to_string();
    assert!(message.contains("another console"), "{message}");
    assert!(message.contains("last name and currency"), "{message}");
    assert!(
        message.chars().count() + 2 <= 80,
        "fits the status line: {message}"
    );
    // Nothing was written: not the phone, not the version, no audit.
    assert_eq!(raw_row(&path, id), before);
    assert_eq!(before.1, "+1 (555) 010-7788");
    assert_eq!(audits(&path, id, "customer.updated"), 1);
    // Moved onto the stored record, the edit saves, and both changes stay.
    let again = mine.rebase(&base, current);
    assert_eq!(store.update_customer(id, current, &again, OP).unwrap(), 3);
    let back = store.load_customer_draft(id).unwrap().unwrap();
    assert_eq!(back.last_name, "Smith");
    assert_eq!(back.currency, Currency::GBP);
    assert_eq!(back.phone, "+44 20 7946 0958");
    assert_eq!(back.version, 3);
}

#[test]
fn a_save_writes_only_the_fields_it_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = demo_store(dir.path());
    let id = store.create_customer(&draft("zquist"), OP).unwrap();
    let base = store.load_customer_draft(id).unwrap().unwrap();
    // Another writer changes the e-mail, an address, and a demographic
    // the form does not show, without touching the version.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE customers SET email = 'other@example.org', email_key = 'other@example.org' WHERE id = ?1",
        [id],
    )
    .unwrap();
    raw.execute(
        "UPDATE addresses SET city = 'Shelbyville' WHERE customer_id = ?1 AND nickname = 'Work'",
        [id],
    )
    .unwrap();
    raw.execute(
        "UPDATE demographics SET education = 'doctorate', gender = 'undisclosed' WHERE customer_id = ?1",
        [id],
    )
    .unwrap();
    // This console changes the phone, one demographic and Home's city.
    let mut mine = base.clone();
    mine.phone = "+44 20 7946 0958".into();
    mine.demographics[1] = Some("45-54".into());
    let home = mine
        .addresses
        .iter_mut()
        .find(|a| a.address.nickname == "Home")
        .unwrap();
    home.address.city = "Ogdenville".into();
    assert_eq!(store.update_customer(id, &base, &mine, OP).unwrap(), 2);
    let back = store.load_customer_draft(id).unwrap().unwrap();
    assert_eq!(back.phone, "+44 20 7946 0958");
    assert_eq!(back.email, "other@example.org", "the other change survives");
    let city = |nick: &str| {
        back.addresses
            .iter()
            .find(|a| a.address.nickname == nick)
            .unwrap()
            .address
            .city
            .clone()
    };
    assert_eq!(city("Home"), "Ogdenville");
    assert_eq!(
        city("Work"),
        "Shelbyville",
        "an untouched address is not rewritten"
    );
    let (gender, age, education): (String, String, String) = raw
        .query_row(
            "SELECT gender, age_range, education FROM demographics WHERE customer_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(age, "45-54");
    assert_eq!(gender, "undisclosed", "an untouched demographic is kept");
    assert_eq!(education, "doctorate", "a column the form lacks is kept");
    // The search keys follow the change and only it.
    let by_phone = CustomerQuery {
        phone: "20 7946".into(),
        ..Default::default()
    };
    assert!(ids(&store, by_phone).contains(&id));
    // Saving with nothing changed writes nothing, not even the version.
    let now = store.load_customer_draft(id).unwrap().unwrap();
    assert_eq!(store.update_customer(id, &now, &now, OP).unwrap(), 2);
    assert_eq!(audits(&path, id, "customer.updated"), 1);
}

#[test]
fn an_over_long_stored_last_name_survives_an_edit_of_the_phone() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = demo_store(dir.path());
    let id = store.create_customer(&draft("zquist"), OP).unwrap();
    // Older data: longer than the form's 40, with accents and a double space.
    let long = "Wolfeschlegelsteinhausen-Bergerdorff  Müllerová";
    assert_eq!(long.chars().count(), 47);
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE customers SET last_name = ?1 WHERE id = ?2",
        rusqlite::params![long, id],
    )
    .unwrap();
    let base = store.load_customer_draft(id).unwrap().unwrap();
    assert_eq!(base.last_name, long, "loaded whole");
    let mut mine = base.clone();
    mine.phone = "+44 20 7946 0958".into();
    store.update_customer(id, &base, &mine, OP).unwrap();
    let stored: Vec<u8> = raw
        .query_row(
            "SELECT CAST(last_name AS BLOB) FROM customers WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, long.as_bytes(), "byte for byte");
    assert_eq!(raw_row(&path, id).1, "+44 20 7946 0958");
    // Changing the name itself is checked against the limit.
    let mut longer = store.load_customer_draft(id).unwrap().unwrap();
    let now = longer.clone();
    longer.last_name = format!("{long}x");
    match store.update_customer(id, &now, &longer, OP).unwrap_err() {
        SaveError::Invalid(v) => assert_eq!(v[0].0, Field::LastName),
        e => panic!("{e:?}"),
    }
}

#[test]
fn every_save_and_conversion_moves_the_version_on() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = demo_store(dir.path());
    let id = store.create_customer(&draft("zquist"), OP).unwrap();
    let mut base = store.load_customer_draft(id).unwrap().unwrap();
    assert_eq!(base.version, 1);
    for (n, last) in ["Ortega", "Quist", "Ortega-Quist"].into_iter().enumerate() {
        let mut d = base.clone();
        d.last_name = last.into();
        let v = store.update_customer(id, &base, &d, OP).unwrap();
        assert_eq!(v, 2 + n as i64);
        base = store.load_customer_draft(id).unwrap().unwrap();
        assert_eq!(base.version, v);
        assert_eq!(raw_row(&path, id).3, v);
    }
    // A guest's conversion moves its version on too.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "INSERT INTO customers (first_name, last_name, first_key, last_key, currency, phone, is_guest,
            created_at, updated_at)
         VALUES ('Greta', 'Gast', 'greta', 'gast', 'USD', '503 555 0199', 1, 'x', 'x')",
        [],
    )
    .unwrap();
    let gid = raw.last_insert_rowid();
    assert_eq!(raw_row(&path, gid).3, 1);
    let conv = greta_registers();
    store.convert_guest(gid, &conv, OP).unwrap();
    assert_eq!(raw_row(&path, gid).3, 2);
    assert_eq!(store.load_customer_draft(gid).unwrap().unwrap().version, 2);
}

#[test]
fn challenge_right_and_wrong_with_audit() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo_store(dir.path());
    let id = store.create_customer(&draft("zquist"), OP).unwrap();
    assert_eq!(
        store.challenge_question(id).unwrap().as_deref(),
        Some("Favourite preserve?")
    );
    assert!(store
        .verify_challenge(id, "  MARMALADE tortoise ", OP)
        .unwrap());
    assert_eq!(store.challenge_failures(id).unwrap(), 0);
    assert!(!store.verify_challenge(id, "jam", OP).unwrap());
    assert!(!store.verify_challenge(id, "", OP).unwrap());
    assert_eq!(store.challenge_failures(id).unwrap(), 2);
    // An unknown customer never passes, and is counted too.
    assert!(!store.verify_challenge(999_999, "x", OP).unwrap());
}

/// Places a card order for the order's customer through the console's own
/// submit (the app prices it as the operator would see it).
fn place_card_order(app: &mut App) {
    let item = app
        .session
        .store()
        .item_by_sku(app.order().currency, "TNT-2001")
        .unwrap()
        .unwrap();
    app.update(Action::Order(Command::AddItem {
        sku: item.sku.clone(),
        qty: 1,
    }));
    app.settle();
    app.update(Action::Order(Command::SetMethod {
        ship_to: 1,
        method: "GROUND".into(),
    }));
    app.settle();
    app.update(Action::Order(Command::Pay(PayInput::Card {
        number: "4111 1111 1111 1111".into(),
        expiry: "12/39".into(),
        cvv: "737".into(),
    })));
    app.settle();
    app.update(Action::Order(Command::Submit));
    app.settle();
    assert!(
        !app.session.placed().is_empty(),
        "order placed: {}",
        screen(app)
    );
    app.update(Action::Order(Command::NewOrder));
    app.settle();
}

fn guest_details() -> orderdesk::domain::guest::GuestDetails {
    let c = guest_ref();
    orderdesk::domain::guest::GuestDetails {
        first: c.first_name.clone(),
        last: c.last_name.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
        address: c.addresses[0].address.clone(),
    }
}

/// Greta, the guest, registering.
fn greta_registers() -> GuestConversion {
    GuestConversion {
        logon_id: "greta.g".into(),
        password: "Harbour-Light-9".into(),
        password_confirm: "Harbour-Light-9".into(),
        challenge_question: "Boat name?".into(),
        challenge_answer: "Seaswallow".into(),
    }
}

fn guest_ref() -> CustomerRef {
    let ship = Address {
        nickname: "Ship to".into(),
        first_name: "Greta".into(),
        last_name: "Gästeholm".into(),
        line1: "9 Harbour Rd".into(),
        line2: String::new(),
        city: "Portland".into(),
        region: "OR".into(),
        postal_code: "97201".into(),
        country: "US".into(),
        phone: "503 555 0199".into(),
    };
    CustomerRef {
        id: None,
        guest: true,
        logon_id: None,
        first_name: "Greta".into(),
        last_name: "Gästeholm".into(),
        email: "greta@example.org".into(),
        phone: "503 555 0199".into(),
        currency: Currency::USD,
        account: None,
        addresses: vec![SavedAddress {
            id: 0,
            address: ship,
            default_shipping: true,
            default_billing: true,
        }],
        cards: vec![],
    }
}

#[test]
fn a_guest_becomes_registered_keeping_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    app.update(Action::Order(Command::Guest(guest_details())));
    place_card_order(&mut app);
    let store = &app.session.store();
    let rows = store
        .search_customers(
            &CustomerQuery {
                last_name: "gasteh".into(),
                ..Default::default()
            },
            10,
        )
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].guest);
    let gid = rows[0].id;
    let conv = greta_registers();
    // Bad input is refused at its field, nothing changes.
    let bad = GuestConversion {
        password_confirm: "x".into(),
        ..conv.clone()
    };
    match store.convert_guest(gid, &bad, OP).unwrap_err() {
        SaveError::Invalid(v) => assert_eq!(v[0].0, Field::PasswordConfirm),
        e => panic!("{e:?}"),
    }
    let taken = GuestConversion {
        logon_id: "jdoe".into(),
        ..conv.clone()
    };
    assert!(matches!(
        store.convert_guest(gid, &taken, OP),
        Err(SaveError::LogonTaken)
    ));
    store.convert_guest(gid, &conv, OP).unwrap();
    let d = store
        .load_customer_draft(gid)
        .unwrap()
        .expect("now registered");
    assert_eq!(d.logon_id, "greta.g");
    assert_eq!(
        d.addresses.len(),
        1,
        "ship-to and billing were the same address"
    );
    let a = &d.addresses[0];
    assert_eq!(a.address.line1, "9 Harbour Rd");
    assert_eq!(a.address.postal_code, "97201");
    assert!(a.default_shipping && a.default_billing);
    assert!(store.verify_challenge(gid, "seaswallow", OP).unwrap());
    // Now found by logon, phone and postal code like any registered customer.
    for q in [
        CustomerQuery {
            logon: "greta".into(),
            ..Default::default()
        },
        CustomerQuery {
            phone: "(503) 555-01".into(),
            ..Default::default()
        },
        CustomerQuery {
            postal: "972".into(),
            ..Default::default()
        },
    ] {
        assert!(ids(store, q.clone()).contains(&gid), "{q:?}");
    }
    // Converting twice is refused: it is no longer a guest.
    assert!(matches!(
        store.convert_guest(gid, &conv, OP),
        Err(SaveError::NotFound(_))
    ));
}

/// The city and postal code of a customer's search row, by logon.
fn shown(store: &Store, logon: &str) -> (String, String) {
    let rows = store
        .search_customers(
            &CustomerQuery {
                logon: logon.into(),
                ..Default::default()
            },
            2,
        )
        .unwrap();
    assert_eq!(rows.len(), 1, "{logon}: {rows:?}");
    (rows[0].city.clone(), rows[0].postal_code.clone())
}

/// A search row shows the default shipping address as stored, after each
/// writer of an address book: create, an edit that moves the default or
/// changes its city or removes it, a guest's order and the
/// guest's registration (store/customer_shown.rs); `orderdesk check` then
/// finds every copy equal to its address.
#[test]
fn a_search_row_shows_the_default_shipping_address_after_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    let path = dir.path().join("desk.db");
    let store = app.session.store();
    let id = store.create_customer(&draft("zquist"), OP).unwrap();
    assert_eq!(
        shown(store, "zquist"),
        ("Springfield".into(), "K1A 0B1".into())
    );

    // The default moves to Work, whose city is edited too.
    let base = store.load_customer_draft(id).unwrap().unwrap();
    let mut d = base.clone();
    d.addresses[0].default_shipping = false;
    d.addresses[1].default_shipping = true;
    d.addresses[1].address.city = "Peoria".into();
    store.update_customer(id, &base, &d, OP).unwrap();
    assert_eq!(shown(store, "zquist"), ("Peoria".into(), "62701".into()));

    // Only the city of the default changes.
    let base = store.load_customer_draft(id).unwrap().unwrap();
    let mut d = base.clone();
    let work = d.addresses.iter_mut().find(|a| a.default_shipping).unwrap();
    work.address.city = "Normal".into();
    store.update_customer(id, &base, &d, OP).unwrap();
    assert_eq!(shown(store, "zquist"), ("Normal".into(), "62701".into()));

    // The default removed: the address left takes its place.
    let base = store.load_customer_draft(id).unwrap().unwrap();
    let mut d = base.clone();
    d.addresses.retain(|a| !a.default_shipping);
    store.update_customer(id, &base, &d, OP).unwrap();
    assert_eq!(
        shown(store, "zquist"),
        ("Springfield".into(), "K1A 0B1".into())
    );

    // A guest's order files the ship-to; registering keeps it shown.
    app.update(Action::Order(Command::Guest(guest_details())));
    place_card_order(&mut app);
    let store = app.session.store();
    let guest = CustomerQuery {
        last_name: "gasteh".into(),
        ..Default::default()
    };
    let rows = store.search_customers(&guest, 10).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].postal_code, "97201");
    assert_eq!(rows[0].city, "Portland");
    let conv = greta_registers();
    store.convert_guest(rows[0].id, &conv, OP).unwrap();
    assert_eq!(shown(store, "greta.g"), ("Portland".into(), "97201".into()));

    let report = orderdesk::store::check::check_database(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
    assert!(report.is_sound(), "{report}");
    // The check tells a copy that differs.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE customers SET shipping_city = 'Elsewhere' WHERE id = ?1",
            [id],
        )
        .unwrap();
    let report = orderdesk::store::check::check_database(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
    assert_eq!(report.problems(), 1, "{report}");
    assert!(report.to_string().contains("\"Elsewhere\""), "{report}");
}

#[test]
fn search_finds_a_created_customer_by_each_folded_key() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo_store(dir.path());
    let mut d = draft("ZQuist.77");
    let acct = store
        .business_accounts()
        .unwrap()
        .into_iter()
        .find(|a| a.name.starts_with("Birchwood"))
        .unwrap();
    d.account_id = Some(acct.id);
    let id = store.create_customer(&d, OP).unwrap();
    let q = CustomerQuery::default;
    for (what, query) in [
        (
            "logon",
            CustomerQuery {
                logon: "zquist.7".into(),
                ..q()
            },
        ),
        (
            "first",
            CustomerQuery {
                first_name: "ZO".into(),
                ..q()
            },
        ),
        (
            "last",
            CustomerQuery {
                last_name: "MÜLLER-q".into(),
                ..q()
            },
        ),
        (
            "phone national",
            CustomerQuery {
                phone: "(555) 010-77".into(),
                ..q()
            },
        ),
        (
            "phone full",
            CustomerQuery {
                phone: "1555010".into(),
                ..q()
            },
        ),
        (
            "email",
            CustomerQuery {
                email: "zoe.QUIST@ex".into(),
                ..q()
            },
        ),
        (
            "postal",
            CustomerQuery {
                postal: "k1a 0".into(),
                ..q()
            },
        ),
        (
            "account",
            CustomerQuery {
                account: "birch".into(),
                ..q()
            },
        ),
        (
            "combined",
            CustomerQuery {
                last_name: "muller".into(),
                postal: "K1A".into(),
                ..q()
            },
        ),
    ] {
        assert!(ids(&store, query).contains(&id), "not found by {what}");
    }
    // The billing-only address's postal code is not the search key.
    assert!(!ids(
        &store,
        CustomerQuery {
            postal: "62701".into(),
            ..q()
        }
    )
    .contains(&id));
}

// ------------------------------------------------------------- security

fn contains(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty() && haystack.windows(n.len()).any(|w| w == n)
}

#[test]
fn no_secret_is_stored_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = demo_store(dir.path());
    let mut secrets: Vec<String> = Vec::new();
    for (i, (pw, answer)) in [
        ("Zebra-Quartz-77", "Marmalade Tortoise"),
        ("Velvet-Anchor-31", "Obsidian Lighthouse"),
        ("Copper-Falcon-52", "Quokka Sandwich"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut d = draft(&format!("secure{i}"));
        d.password = pw.into();
        d.password_confirm = pw.into();
        d.challenge_answer = answer.into();
        let id = store.create_customer(&d, OP).unwrap();
        // A changed password and answer go through the edit path too.
        if i == 0 {
            let base = store.load_customer_draft(id).unwrap().unwrap();
            let mut e = base.clone();
            e.password = "Granite-Orchid-64".into();
            e.password_confirm = "Granite-Orchid-64".into();
            e.challenge_answer = "Tangerine Walrus".into();
            store.update_customer(id, &base, &e, OP).unwrap();
            secrets.extend(["Granite-Orchid-64".into(), "Tangerine Walrus".into()]);
            assert!(!store
                .verify_challenge(id, "Wrong Guess Pelican", OP)
                .unwrap());
            secrets.push("Wrong Guess Pelican".into());
        }
        secrets.extend([pw.to_string(), answer.to_string()]);
    }
    // Demo passwords are distinctive enough to search for.
    secrets.extend([
        "Demo-pass-1".into(),
        "Demo-pass-2".into(),
        "Demo-pass-3".into(),
    ]);
    // A card order for a registered customer and one for a guest.
    let registered = store
        .search_customers(
            &CustomerQuery {
                logon: "secure1".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap()[0]
        .id;
    let mut app = crate::common::app(store, OP, Theme { mono: false });
    app.update(Action::pick(registered));
    place_card_order(&mut app);
    app.update(Action::Order(Command::Guest(guest_details())));
    place_card_order(&mut app);
    let store = &app.session.store();
    let guest = store
        .search_customers(
            &CustomerQuery {
                last_name: "gaste".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap()[0]
        .id;
    store
        .convert_guest(
            guest,
            &GuestConversion {
                logon_id: "greta.g".into(),
                password: "Harbour-Light-9".into(),
                password_confirm: "Harbour-Light-9".into(),
                challenge_question: "Boat?".into(),
                challenge_answer: "Seaswallow Nine".into(),
            },
            OP,
        )
        .unwrap();
    secrets.extend(["Harbour-Light-9".into(), "Seaswallow Nine".into()]);
    let card_forms = ["4111111111111111", "4111 1111 1111 1111", "737"];

    let check = |bytes: &[u8], what: &str| {
        assert!(bytes.len() > 4096, "{what} looks empty");
        for s in &secrets {
            assert!(!contains(bytes, s), "{what} holds the secret {s:?}");
            // Answers are hashed in their compared form: lower case.
            assert!(
                !contains(bytes, &s.to_lowercase()),
                "{what} holds {s:?} lower-cased"
            );
        }
        for n in &card_forms[..2] {
            assert!(!contains(bytes, n), "{what} holds the card number");
        }
    };
    // Checkpoint from a second connection while the store is open, then
    // read the main file and whatever the WAL still holds.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    check(&std::fs::read(&path).unwrap(), "database file");
    if let Ok(bytes) = std::fs::read(&wal) {
        for s in &secrets {
            assert!(!contains(&bytes, s), "WAL holds {s:?}");
        }
        assert!(!contains(&bytes, card_forms[0]));
    }
    // The hashes are there instead: the test would notice a vanished column.
    let hashes: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM customers WHERE password_hash LIKE '$argon2%' AND challenge_answer_hash LIKE '$argon2%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hashes >= 4 + 50, "{hashes}");
    drop(raw);
    drop(app);
    check(&std::fs::read(&path).unwrap(), "closed database file");
}

// -------------------------------------------------------------- screen

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent {
        modifiers: KeyModifiers::CONTROL,
        ..key(KeyCode::Char(c))
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
    app.settle();
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
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

fn row_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle:?} in\n{text}"))
}

fn new_app(dir: &Path) -> App {
    let (store, _) = demo_store(dir);
    let mut app = crate::common::app(store, OP, Theme { mono: false });
    app.settle();
    app
}

#[test]
fn create_mode_shows_validation_next_to_the_field_and_keeps_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    app.handle_key(ctrl('n'));
    app.settle();
    assert_eq!(app.step, Step::Customer);
    let s = screen(&app);
    assert!(s.contains("New customer"), "{s}");
    assert!(s.contains("8+ characters"), "password policy shown:\n{s}");
    // Logon: a space is not allowed; leaving the field says so beside it.
    type_text(&mut app, "jane doe");
    app.handle_key(key(KeyCode::Tab));
    app.settle();
    let s = screen(&app);
    let row = row_with(&s, "Logon ID");
    assert!(row.contains("jane doe"), "typed text kept: {row}");
    assert!(
        row.contains("letters, digits"),
        "message beside the field: {row}"
    );
    // Passwords that differ are named at the confirmation.
    type_text(&mut app, "abcdefg1");
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "abcdefg2");
    app.handle_key(key(KeyCode::Tab));
    app.settle();
    let s = screen(&app);
    assert!(row_with(&s, "Confirm").contains("passwords differ"), "{s}");
    assert!(!s.contains("abcdefg1"), "passwords are masked:\n{s}");
    // Saving with problems saves nothing and keeps every character.
    app.handle_key(ctrl('s'));
    app.settle();
    assert_eq!(app.step, Step::Customer);
    let s = screen(&app);
    assert!(row_with(&s, "Logon ID").contains("jane doe"));
    assert!(
        row_with(&s, "First name").contains("enter the first name"),
        "{s}"
    );
    assert!(app.order().customer.is_none());
}

#[test]
fn creating_a_customer_through_the_screen_makes_them_the_orders_customer() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    app.handle_key(ctrl('n'));
    app.settle();
    let tab = |app: &mut App| app.handle_key(key(KeyCode::Tab));
    for value in [
        "zquist",
        "Zebra-Quartz-77",
        "Zebra-Quartz-77",
        "Zoë",
        "Quist",
        "+1 555 010 7788",
        "zoe@example.com",
        "Favourite preserve?",
        "Marmalade",
    ] {
        type_text(&mut app, value);
        tab(&mut app);
    }
    // Currency: → cycles USD → EUR.
    app.handle_key(key(KeyCode::Right));
    app.settle();
    assert!(row_with(&screen(&app), "Currency").contains("EUR"));
    // Addresses section: a new book starts with one address, named and
    // nicknamed already, the focus on its street line.
    app.handle_key(key(KeyCode::PageDown));
    app.handle_key(key(KeyCode::PageDown));
    app.settle();
    let s = screen(&app);
    assert!(row_with(&s, "Nickname").contains("Home"), "{s}");
    assert!(row_with(&s, "Last name").contains("Quist"), "{s}");
    assert!(s.contains("1 of 1: Home"), "{s}");
    for value in ["1 Main St", "", "Springfield", "IL", "1234567890123"] {
        type_text(&mut app, value);
        tab(&mut app);
    }
    app.settle();
    let s = screen(&app);
    // The 13th character is refused by the field itself, with its message.
    assert!(row_with(&s, "ZIP/postal").contains("123456789012"), "{s}");
    type_text(&mut app, "US");
    app.handle_key(ctrl('s'));
    app.settle();
    assert_eq!(app.step, Step::Catalog, "{}", screen(&app));
    let c = app.order().customer.clone().expect("customer set");
    assert_eq!(c.logon_id.as_deref(), Some("zquist"));
    assert_eq!(c.currency, Currency::EUR);
    assert_eq!(app.order().currency, Currency::EUR);
    assert_eq!(app.order().ship_tos[0].address.city, "Springfield");
    let id = c.id.unwrap();
    assert!(app
        .session
        .store()
        .verify_challenge(id, "marmalade", OP)
        .unwrap());
}

#[test]
fn view_mode_asks_the_challenge_before_showing_payment() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    // jdoe (demo) has stored cards.
    type_text(&mut app, "");
    let jdoe = app
        .session
        .store()
        .search_customers(
            &CustomerQuery {
                logon: "jdoe".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap()[0]
        .id;
    app.update(Action::pick(jdoe));
    app.handle_key(key(KeyCode::F(3)));
    app.settle();
    let s = screen(&app);
    assert!(s.contains("jdoe"), "{s}");
    assert!(
        !s.contains("ending"),
        "cards hidden before the challenge:\n{s}"
    );
    app.handle_key(ctrl('y'));
    app.settle();
    let s = screen(&app);
    assert!(s.contains("Challenge"), "{s}");
    type_text(&mut app, "wrong answer");
    app.handle_key(key(KeyCode::Enter));
    app.settle();
    let s = screen(&app);
    assert!(!s.contains("ending"), "{s}");
    assert!(s.to_lowercase().contains("wrong"), "{s}");
    assert_eq!(app.session.store().challenge_failures(jdoe).unwrap(), 1);
}

#[test]
fn right_answer_shows_cards_and_unlocks_the_password_in_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    let jdoe = app
        .session
        .store()
        .search_customers(
            &CustomerQuery {
                logon: "jdoe".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap()[0]
        .id;
    let answer = {
        let all: serde_json::Value =
            serde_json::from_str(include_str!("../../assets/customers.json")).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .find(|c| c["logon_id"] == "jdoe")
            .unwrap()["challenge_answer"]
            .as_str()
            .unwrap()
            .to_string()
    };
    app.update(Action::pick(jdoe));
    app.handle_key(key(KeyCode::F(3)));
    app.settle();
    app.handle_key(ctrl('y'));
    type_text(&mut app, &format!("  {}  ", answer.to_uppercase()));
    app.handle_key(key(KeyCode::Enter));
    app.settle();
    let s = screen(&app);
    assert!(
        s.contains("ending"),
        "cards shown after the right answer:\n{s}"
    );
    assert_eq!(app.session.store().challenge_failures(jdoe).unwrap(), 0);
    // Edit: answered already on this visit, so the password can be typed.
    app.handle_key(key(KeyCode::Enter));
    app.settle();
    let s = screen(&app);
    assert!(s.contains("Edit customer jdoe"), "{s}");
    assert!(row_with(&s, "Confirm password").contains('_'), "{s}");
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "NewPass-2027");
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "NewPass-2027");
    app.handle_key(ctrl('s'));
    app.settle();
    assert_eq!(app.step, Step::Catalog, "{}", screen(&app));
    let d = app
        .session
        .store()
        .load_customer_draft(jdoe)
        .unwrap()
        .unwrap();
    assert_eq!(d.logon_id, "jdoe");
}

#[test]
fn edit_without_the_challenge_keeps_password_locked() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    let jdoe = app
        .session
        .store()
        .search_customers(
            &CustomerQuery {
                logon: "jdoe".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap()[0]
        .id;
    app.update(Action::pick(jdoe));
    app.handle_key(key(KeyCode::F(3)));
    app.handle_key(key(KeyCode::Enter));
    app.settle();
    let s = screen(&app);
    assert!(!s.contains("Confirm password"), "locked:\n{s}");
    assert!(s.contains("^Y asks the challenge"), "{s}");
    assert!(s.contains("^Y Change password"), "key bar: {s}");
    // Editing the e-mail to something bad is named at the field on save.
    for _ in 0..4 {
        app.handle_key(key(KeyCode::Tab));
    }
    app.handle_key(ctrl('u'));
    type_text(&mut app, "not-an-email");
    app.handle_key(ctrl('s'));
    app.settle();
    let s = screen(&app);
    assert_eq!(app.step, Step::Customer);
    assert!(row_with(&s, "E-mail").contains("not-an-email"), "{s}");
    assert!(row_with(&s, "E-mail").contains("needs an @"), "{s}");
    // Esc cancels the edit: the stored record is untouched.
    app.handle_key(key(KeyCode::Esc));
    app.settle();
    let d = app
        .session
        .store()
        .load_customer_draft(jdoe)
        .unwrap()
        .unwrap();
    assert!(d.email.contains('@'));
    assert!(screen(&app).contains("Customer record"));
}

#[test]
fn find_screen_offers_new_customer_and_a_picked_guest_can_register() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    assert!(screen(&app).contains("^N New customer"), "{}", screen(&app));
    app.update(Action::Order(Command::Guest(guest_details())));
    place_card_order(&mut app);
    let gid = app
        .session
        .store()
        .search_customers(
            &CustomerQuery {
                last_name: "gasteh".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap()[0]
        .id;
    app.update(Action::pick(gid));
    app.handle_key(key(KeyCode::F(3)));
    app.settle();
    let s = screen(&app);
    assert!(s.contains("Register guest"), "{s}");
    for v in ["greta.g", "Harbour-Light-9", "Harbour-Light-8"] {
        type_text(&mut app, v);
        app.handle_key(key(KeyCode::Tab));
    }
    type_text(&mut app, "Boat?");
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "Seaswallow");
    app.handle_key(key(KeyCode::Enter));
    app.settle();
    let s = screen(&app);
    assert!(
        row_with(&s, "Confirm password").contains("passwords differ"),
        "{s}"
    );
    // The focus went to the field to fix; everything typed is still there.
    app.handle_key(ctrl('u'));
    type_text(&mut app, "Harbour-Light-9");
    app.handle_key(key(KeyCode::Enter));
    app.settle();
    assert_eq!(app.step, Step::Catalog, "{}", screen(&app));
    let c = app.order().customer.clone().unwrap();
    assert!(!c.guest);
    assert_eq!(c.logon_id.as_deref(), Some("greta.g"));
    assert_eq!(app.order().ship_tos[0].address.line1, "9 Harbour Rd");
}

/// After a guest order the confirmation offers to register the guest in
/// one step: ^N opens the registration form for that guest, whose
/// addresses came with the order.
#[test]
fn the_confirmation_registers_the_guest_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    app.update(Action::Order(Command::Guest(guest_details())));
    place_card_order_and_stay(&mut app);
    let s = screen(&app);
    assert!(s.contains("^N Register this guest"), "{s}");

    app.handle_key(ctrl('n'));
    app.settle();
    assert_eq!(app.step, Step::Customer, "{}", screen(&app));
    let s = screen(&app);
    assert!(s.contains("Register guest"), "{s}");
    let c = app.order().customer.clone().unwrap();
    assert!(
        c.guest && c.id.is_some(),
        "the placed guest, now on a new order"
    );
    assert!(app.session.placed().is_empty(), "a new order started");
    assert_eq!(app.order().ship_tos[0].address.line1, "9 Harbour Rd");
}

/// A registered customer's confirmation has no registration key.
#[test]
fn no_registration_offer_for_a_registered_customer() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = new_app(dir.path());
    let jane = app
        .session
        .store()
        .search_customers(
            &CustomerQuery {
                logon: "jdoe".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap()[0]
        .id;
    app.update(Action::pick(jane));
    app.settle();
    place_card_order_and_stay(&mut app);
    assert!(!screen(&app).contains("Register this guest"));
}

fn place_card_order_and_stay(app: &mut App) {
    let item = app
        .session
        .store()
        .item_by_sku(app.order().currency, "TNT-2001")
        .unwrap()
        .unwrap();
    app.update(Action::Order(Command::AddItem {
        sku: item.sku.clone(),
        qty: 1,
    }));
    app.update(Action::Order(Command::SetMethod {
        ship_to: 1,
        method: "GROUND".into(),
    }));
    app.update(Action::Order(Command::Pay(PayInput::Cod)));
    app.settle();
    app.update(Action::Order(Command::Submit));
    app.settle();
    assert_eq!(app.step, Step::Confirmation, "{}", screen(app));
}

// ------------------------------------------------------- two consoles

use crate::common::desk::Desk;

/// Picks Jane Doe and opens her record for editing.
fn edit_jane(d: &mut Desk) {
    d.pick("doe");
    d.code(KeyCode::F(3));
    d.code(KeyCode::Enter);
    assert!(d.screen().contains("Edit customer jdoe"), "{}", d.screen());
}

#[test]
fn two_consoles_edit_one_customer_and_neither_change_is_lost() {
    let mut alice = Desk::new();
    let mut bob = alice.beside();
    edit_jane(&mut alice);
    edit_jane(&mut bob);
    // Alice changes the last name and saves first.
    alice.code(KeyCode::Tab);
    alice.code(KeyCode::Tab);
    alice.press(ctrl('u'));
    alice.type_text("Smith");
    alice.press(ctrl('s'));
    assert!(alice.app.step == Step::Catalog, "{}", alice.screen());
    // Bob, still on the record as it was, changes the phone.
    for _ in 0..3 {
        bob.code(KeyCode::Tab);
    }
    bob.press(ctrl('u'));
    bob.type_text("+1 555 777 0000");
    bob.press(ctrl('s'));
    assert!(
        bob.app.step == Step::Customer,
        "not saved: {}",
        bob.screen()
    );
    let lines = bob.lines();
    let status = &lines[22];
    assert!(
        status.contains("not saved: changed by another console: last name now 'Smith'"),
        "{}",
        lines.join("\n")
    );
    assert!(
        status.ends_with("save again"),
        "whole at 80 columns: {status}"
    );
    let (_, phone) = bob.row_with(">Phone").expect("focus kept on the phone");
    assert!(
        phone.contains("+1 555 777 0000"),
        "typed text kept: {phone}"
    );
    let (_, last) = bob.row_with("Last name").unwrap();
    assert!(last.contains("Smith"), "the stored value now: {last}");
    let s = bob.screen();
    assert!(
        s.contains("Another console saved this record meanwhile: last name now 'Smith'."),
        "{s}"
    );
    let id = alice.app.order().customer.as_ref().unwrap().id.unwrap();
    let stored = bob
        .app
        .session
        .store()
        .load_customer_draft(id)
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.phone, "+1 555 123 4567",
        "nothing of Bob's written yet"
    );
    // Saving again keeps both changes.
    bob.press(ctrl('s'));
    assert!(bob.app.step == Step::Catalog, "{}", bob.screen());
    let stored = bob
        .app
        .session
        .store()
        .load_customer_draft(id)
        .unwrap()
        .unwrap();
    assert_eq!(stored.last_name, "Smith");
    assert_eq!(stored.phone, "+1 555 777 0000");
    assert_eq!(stored.version, 3);
    assert_eq!(
        bob.app.order().customer.as_ref().unwrap().name(),
        "Jane Smith"
    );
}

#[test]
fn a_stored_name_longer_than_the_form_allows_is_shown_and_kept_whole() {
    let (dir, path, store) = crate::common::demo_store();
    let long = "Wolfeschlegelsteinhausen-Bergerdorff  Müllerová";
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE customers SET last_name = ?1 WHERE logon_id = 'jdoe'",
        [long],
    )
    .unwrap();
    let mut d = Desk::on(dir, path.clone(), store, Theme { mono: false });
    edit_jane(&mut d);
    d.code(KeyCode::Tab);
    d.code(KeyCode::Tab);
    let (_, row) = d.row_with(">Last name").unwrap();
    // Its end shows (the box scrolls to the cursor): the form has it whole.
    assert!(
        row.contains("Bergerdorff  Müllerová_"),
        "the whole value, over the limit: {row}"
    );
    // The stored value is selected (typing would replace it); End
    // deselects it, and typing more is refused; the stored text stays.
    d.code(KeyCode::End);
    d.type_text("x");
    let (_, row) = d.row_with(">Last name").unwrap();
    assert!(row.contains("40 characters at most"), "{row}");
    d.code(KeyCode::Tab);
    d.press(ctrl('u'));
    d.type_text("+1 555 777 0000");
    d.press(ctrl('s'));
    assert!(d.app.step == Step::Catalog, "{}", d.screen());
    let (last, phone): (Vec<u8>, String) = raw
        .query_row(
            "SELECT CAST(last_name AS BLOB), phone FROM customers WHERE logon_id = 'jdoe'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(last, long.as_bytes());
    assert_eq!(phone, "+1 555 777 0000");
}

/// A form opened and left is abandoned: F3 shows the order's customer,
/// and nothing of the form comes back or is saved over that customer.
#[test]
fn f3_after_an_abandoned_form_shows_the_orders_customer() {
    let mut d = Desk::new();
    // A new-customer form, half typed, left for the find screen.
    d.press(ctrl('n'));
    assert!(d.screen().contains("New customer"), "{}", d.screen());
    d.type_text("halfway");
    d.code(KeyCode::F(2));
    d.pick("doe");
    d.code(KeyCode::F(3));
    let s = d.screen();
    assert!(s.contains("Jane Doe"), "{s}");
    assert!(!s.contains("halfway"), "{s}");
    assert!(!s.contains("New customer"), "{s}");
    // Another customer's edit form, left open, then a different customer.
    d.code(KeyCode::Enter);
    assert!(d.screen().contains("Edit customer jdoe"), "{}", d.screen());
    d.code(KeyCode::F(2));
    d.code(KeyCode::Esc);
    d.pick("smith");
    d.code(KeyCode::F(3));
    let s = d.screen();
    assert!(!s.contains("Edit customer jdoe"), "{s}");
    assert!(s.contains("Smith"), "{s}");
}

/// More matches than the list shows: the count says so and asks for more
/// letters, and the selection never reaches a row that is not shown.
#[test]
fn the_find_list_never_selects_a_row_it_does_not_show() {
    let (dir, path, mut store) = crate::common::demo_store();
    store
        .generate(3000, 0, crate::common::today(), &mut |_, _| {})
        .unwrap();
    let mut d = Desk::on(
        dir,
        path,
        store,
        orderdesk::tui::theme::Theme { mono: true },
    );
    // One letter of the last name matches hundreds.
    d.type_text("s");
    let s = d.screen();
    assert!(s.contains("200+ — type more"), "{s}");
    for _ in 0..60 {
        d.code(KeyCode::PageDown);
    }
    let s = d.screen();
    let selected = d
        .lines()
        .into_iter()
        .find(|l| l.starts_with("> "))
        .unwrap_or_else(|| panic!("the selection is shown: {s}"));
    // Enter picks the customer the marker is on.
    d.code(KeyCode::Enter);
    let name = d.app.order().customer.as_ref().unwrap().last_name.clone();
    assert!(selected.contains(&name), "{selected} / {name}");
}

//! Customer records (store/customer_records.rs), possible duplicates
//! (customer_duplicates.rs), guest conversion (guest_conversion.rs) and
//! the challenge question (customer_challenge.rs), the same test body on a
//! SQLite file and on PostgreSQL: what is written, field by field and key
//! by key, what is refused, and what is found.

use crate::common::backends::{on_both, Target};
use chrono::{TimeZone, Utc};
use orderdesk::domain::customer::{AddressEntry, CustomerDraft, Field, GuestConversion};
use orderdesk::domain::money::Currency;
use orderdesk::domain::order::Address;
use orderdesk::domain::search_keys::{KeySource, SearchKeys};
use orderdesk::store::db::{Sql, Value};
use orderdesk::store::operators::ChallengeCheck;
use orderdesk::store::{
    customer_challenge, customer_duplicates, customer_records, guest_conversion, SaveError,
};

const OP: &str = "op7";

fn id(sql: Sql<'_>, statement: &str, params: &[Value]) -> i64 {
    sql.query_row(statement, params)
        .and_then(|r| r.get_i64(0))
        .unwrap_or_else(|e| panic!("{statement}: {e}"))
}

fn count(sql: Sql<'_>, statement: &str, params: &[Value]) -> i64 {
    id(sql, statement, params)
}

/// Currencies and one business account; the account's id.
pub(crate) fn seed(sql: Sql<'_>) -> i64 {
    sql.execute(
        "INSERT INTO currencies (code, minor_units, name)
         VALUES ('USD', 2, 'US dollar'), ('EUR', 2, 'Euro')",
        &[],
    )
    .unwrap();
    id(
        sql,
        "INSERT INTO business_accounts (name, name_key, currency, credit_limit, po_required)
         VALUES ('Acme Ltd', 'acme ltd', 'USD', '5000.00', 1) RETURNING id",
        &[],
    )
}

fn address(nick: &str, postal: &str, country: &str) -> AddressEntry {
    AddressEntry {
        id: None,
        address: Address {
            nickname: nick.into(),
            first_name: "Zoë".into(),
            last_name: "Müller-Quistgaard".into(),
            line1: "12 Rue de la Paix".into(),
            line2: "Flat 3".into(),
            city: "Springfield".into(),
            region: "il".into(),
            postal_code: postal.into(),
            country: country.into(),
            phone: "555 0100".into(),
        },
        default_shipping: false,
        default_billing: false,
    }
}

pub(crate) fn draft(logon: &str) -> CustomerDraft {
    let mut home = address("Home", "k1a 0b1", "ca");
    home.default_shipping = true;
    let mut work = address("Work", "62701", "US");
    work.default_billing = true;
    CustomerDraft {
        logon_id: format!(" {logon} "),
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

/// The stored search keys of customer `id`.
fn stored_keys(sql: Sql<'_>, id: i64) -> SearchKeys {
    let r = sql
        .query_row(
            "SELECT logon_key, first_key, last_key, email_key, postal_key, phone_key,
                    phone_national_key FROM customers WHERE id = ?1",
            &[id.into()],
        )
        .unwrap();
    SearchKeys {
        logon: r.get_opt_string(0).unwrap(),
        first: r.get_string(1).unwrap(),
        last: r.get_string(2).unwrap(),
        email: r.get_string(3).unwrap(),
        postal: r.get_string(4).unwrap(),
        phone: r.get_string(5).unwrap(),
        phone_national: r.get_string(6).unwrap(),
    }
}

/// (nickname, postal code, country, region, default shipping, default
/// billing) of each address, as loaded.
fn book(d: &CustomerDraft) -> Vec<(String, String, String, String, bool, bool)> {
    (d.addresses.iter())
        .map(|e| {
            let a = &e.address;
            (
                a.nickname.clone(),
                a.postal_code.clone(),
                a.country.clone(),
                a.region.clone(),
                e.default_shipping,
                e.default_billing,
            )
        })
        .collect()
}

fn s(v: &str) -> String {
    v.to_string()
}

#[test]
fn creating_and_editing_a_customer_round_trips_every_field_and_key() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        let account = seed(sql);
        let mut d = draft("ZQuist");
        d.account_id = Some(account);
        let cid = customer_records::create_customer(sql, &d, OP).unwrap();

        let back = customer_records::load_customer_draft(sql, cid)
            .unwrap()
            .unwrap();
        assert_eq!(back.logon_id, "ZQuist", "stored trimmed");
        assert_eq!(
            (back.first_name.as_str(), back.last_name.as_str()),
            ("Zoë", "Müller-Quistgaard")
        );
        assert_eq!(back.challenge_question, "Favourite preserve?");
        assert_eq!(
            (back.currency, back.language.as_str()),
            (Currency::EUR, "fr")
        );
        assert_eq!(back.phone, "+1 (555) 010-7788");
        assert_eq!(back.email, "Zoe.Quist@Example.COM");
        assert_eq!(back.demographics, d.demographics);
        assert_eq!(back.account_id, Some(account));
        assert!(back.enabled);
        assert_eq!(back.version, 1);
        assert_eq!(
            (back.password.as_str(), back.challenge_answer.as_str()),
            ("", "")
        );
        // Codes upper-cased, the default shipping address first.
        assert_eq!(
            book(&back),
            [
                (s("Home"), s("K1A 0B1"), s("CA"), s("IL"), true, false),
                (s("Work"), s("62701"), s("US"), s("IL"), false, true),
            ]
        );
        let home = &back.addresses[0].address;
        assert_eq!(
            (
                home.line1.as_str(),
                home.line2.as_str(),
                home.city.as_str(),
                home.phone.as_str()
            ),
            ("12 Rue de la Paix", "Flat 3", "Springfield", "555 0100")
        );
        // The keys are SearchKeys::of the record, the postal code and
        // country of its default shipping address.
        let keys = SearchKeys::of(&KeySource {
            logon: Some("ZQuist"),
            first: "Zoë",
            last: "Müller-Quistgaard",
            email: "Zoe.Quist@Example.COM",
            phone: "+1 (555) 010-7788",
            postal: "k1a 0b1",
            country: "ca",
        });
        assert_eq!(stored_keys(sql, cid), keys);
        assert_eq!(keys.logon.as_deref(), Some("zquist"));
        // Only hashes are stored; the answer is checked case-blind.
        let r = sql
            .query_row(
                "SELECT password_hash, challenge_answer_hash FROM customers WHERE id = ?1",
                &[cid.into()],
            )
            .unwrap();
        assert!(r.get_str(0).unwrap().starts_with("$argon2"));
        assert!(!r.get_str(1).unwrap().contains("Marmalade"));
        assert_eq!(
            count(
                sql,
                "SELECT COUNT(*) FROM audit WHERE action = 'customer.created' AND subject = ?1
                 AND detail = 'ZQuist'",
                &[format!("customer:{cid}").into()]
            ),
            1
        );

        // The same logon folded, and an account no longer on file: refused,
        // nothing written.
        let e = customer_records::create_customer(sql, &draft("zquist"), OP).unwrap_err();
        assert!(matches!(e, SaveError::LogonTaken), "{e}");
        let mut gone = draft("other");
        gone.account_id = Some(account + 100);
        let e = customer_records::create_customer(sql, &gone, OP).unwrap_err();
        assert!(
            matches!(&e, SaveError::Invalid(v) if v[0].0 == Field::Account),
            "{e}"
        );
        assert_eq!(count(sql, "SELECT COUNT(*) FROM customers", &[]), 1);

        // An edit: names, phone, the home address moved, work gone, a new
        // default billing address, one demographic, the account, disabled.
        let base = back.clone();
        let mut edit = back.clone();
        edit.last_name = "O'Brien".into();
        edit.phone = "020 7946 0958".into();
        edit.addresses[0].address.postal_code = "sw1a 1aa".into();
        edit.addresses[0].address.country = "gb".into();
        edit.addresses.remove(1);
        let mut cabin = address("Cabin", "99501", "US");
        cabin.default_billing = true;
        edit.addresses.push(cabin);
        edit.demographics[2] = Some("50k-75k".into());
        edit.account_id = None;
        edit.enabled = false;
        let home_id = base.addresses[0].id;
        let v = customer_records::update_customer(sql, cid, &base, &edit, OP).unwrap();
        assert_eq!(v, 2);
        let after = customer_records::load_customer_draft(sql, cid)
            .unwrap()
            .unwrap();
        assert_eq!(after.last_name, "O'Brien");
        assert_eq!(after.phone, "020 7946 0958");
        assert_eq!(after.account_id, None);
        assert!(!after.enabled);
        assert_eq!(after.demographics[2].as_deref(), Some("50k-75k"));
        assert_eq!(after.demographics[0].as_deref(), Some("female"));
        assert_eq!(after.version, 2);
        assert_eq!(
            book(&after),
            [
                (s("Home"), s("SW1A 1AA"), s("GB"), s("IL"), true, false),
                (s("Cabin"), s("99501"), s("US"), s("IL"), false, true),
            ]
        );
        assert_eq!(
            after.addresses[0].id, home_id,
            "a changed address keeps its id"
        );
        // Work is gone (SQLite may give its id to the new address).
        assert!(after.addresses[1].id.is_some());
        assert_eq!(
            count(
                sql,
                "SELECT COUNT(*) FROM addresses WHERE customer_id = ?1 AND nickname = 'Work'",
                &[cid.into()]
            ),
            0
        );
        let keys = SearchKeys::of(&KeySource {
            logon: Some("ZQuist"),
            first: "Zoë",
            last: "O'Brien",
            email: "Zoe.Quist@Example.COM",
            phone: "020 7946 0958",
            postal: "SW1A 1AA",
            country: "GB",
        });
        assert_eq!(stored_keys(sql, cid), keys);
        assert_eq!(keys.last, "obrien");
        let detail = sql
            .query_row(
                "SELECT detail FROM audit WHERE action = 'customer.updated' AND subject = ?1",
                &[format!("customer:{cid}").into()],
            )
            .unwrap()
            .get_string(0)
            .unwrap();
        assert_eq!(
            detail,
            "changed: last name, phone, business account, status, income range, address book"
        );

        // The same edit again, from the old base: stale, nothing written.
        let mut late = base.clone();
        late.first_name = "Zoe".into();
        match customer_records::update_customer(sql, cid, &base, &late, OP).unwrap_err() {
            SaveError::Stale { current, changed } => {
                assert_eq!(current.version, 2);
                let fields: Vec<Field> = changed.iter().map(|(f, _)| *f).collect();
                assert!(fields.contains(&Field::LastName), "{fields:?}");
                assert!(
                    changed.contains(&(Field::Account, "none".into())),
                    "{changed:?}"
                );
            }
            other => panic!("{other}"),
        }
        let now = customer_records::load_customer_draft(sql, cid)
            .unwrap()
            .unwrap();
        assert_eq!((now.first_name.as_str(), now.version), ("Zoë", 2));
        // Nothing changed: the version stays.
        assert_eq!(
            customer_records::update_customer(sql, cid, &now, &now, OP).unwrap(),
            2
        );
        let accounts = customer_records::business_accounts(sql).unwrap();
        assert_eq!(accounts.len(), 1);
        assert_eq!(
            (accounts[0].name.as_str(), accounts[0].po_required),
            ("Acme Ltd", true)
        );
        assert_eq!(
            customer_records::logon_owner(sql, "ZQUIST").unwrap(),
            Some(cid)
        );
        assert_eq!(customer_records::logon_owner(sql, "nobody").unwrap(), None);
    });
}

/// A guest's row with its keys made by SearchKeys::of, as submit makes it.
pub(crate) fn guest(
    sql: Sql<'_>,
    first: &str,
    last: &str,
    email: &str,
    phone: &str,
    postal: &str,
) -> i64 {
    let k = SearchKeys::of(&KeySource {
        logon: None,
        first,
        last,
        email,
        phone,
        postal,
        country: "GB",
    });
    id(
        sql,
        "INSERT INTO customers (first_name, last_name, first_key, last_key, email, email_key,
             phone, phone_key, phone_national_key, postal_key, currency, is_guest,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'USD', 1, '2026-11-25T10:00:00Z',
             '2026-11-25T10:00:00Z') RETURNING id",
        &[
            first.into(),
            last.into(),
            k.first.into(),
            k.last.into(),
            email.into(),
            k.email.into(),
            phone.into(),
            k.phone.into(),
            k.phone_national.into(),
            k.postal.into(),
        ],
    )
}

#[test]
fn possible_duplicates_are_the_same_on_both() {
    let mut seen = Vec::new();
    for target in [Target::sqlite(), Target::postgres()] {
        let conn = target.connect();
        let sql = conn.sql();
        seed(sql);
        let a = guest(
            sql,
            "Ann",
            "O'Brien",
            "ann@example.com",
            "+44 20 7946 0958",
            "SW1A 1AA",
        );
        let b = guest(sql, "Bob", "OBrien", "bob@example.com", "", "sw1a1aa");
        let c = guest(sql, "Cy", "Smith", "ANN@example.com", "", "");
        let d = guest(sql, "Di", "Jones", "", "020 7946 0958", "");
        guest(sql, "Ed", "OBrien", "", "", "N1 9GU");
        let who = KeySource {
            logon: None,
            first: "Ann",
            last: "O’Brien",
            email: "Ann@Example.com",
            phone: "020 7946 0958",
            postal: "sw1a 1aa",
            country: "GB",
        };
        let found = customer_duplicates::possible_duplicates(sql, &who, 10).unwrap();
        let got: Vec<(i64, String, String)> = (found.iter())
            .map(|d| (d.row.id, d.row.last_name.clone(), d.why()))
            .collect();
        // By last name key, then first name key.
        assert_eq!(
            got,
            [
                (d, s("Jones"), s("same phone")),
                (
                    a,
                    s("O'Brien"),
                    s("same e-mail, same phone, same name+postal")
                ),
                (b, s("OBrien"), s("same name+postal")),
                (c, s("Smith"), s("same e-mail")),
            ]
        );
        let first = &found[1].row;
        assert_eq!(
            (
                first.guest,
                first.enabled,
                first.email.as_str(),
                first.account.clone()
            ),
            (true, true, "ann@example.com", None)
        );
        assert_eq!(
            customer_duplicates::possible_duplicates(sql, &who, 2)
                .unwrap()
                .len(),
            2
        );
        // Too short a phone, no e-mail, no postal code: nothing to compare.
        let vague = KeySource {
            phone: "12",
            email: "",
            postal: "",
            ..who
        };
        assert!(customer_duplicates::possible_duplicates(sql, &vague, 10)
            .unwrap()
            .is_empty());
        seen.push(format!("{found:?}"));
    }
    assert_eq!(seen[0], seen[1], "SQLite and PostgreSQL find the same");
}

fn ship_address(nick: &str, line1: &str, postal: &str) -> Address {
    Address {
        nickname: nick.into(),
        first_name: String::new(),
        last_name: String::new(),
        line1: line1.into(),
        line2: String::new(),
        city: "London".into(),
        region: String::new(),
        postal_code: postal.into(),
        country: "GB".into(),
        phone: String::new(),
    }
}

/// An order of customer `customer` placed at `at`, shipped to `ship` and
/// billed to `bill` (snapshots, as JSON).
fn guest_order(sql: Sql<'_>, no: i64, customer: i64, at: &str, ship: &Address, bill: &Address) {
    let order = id(
        sql,
        "INSERT INTO orders (order_no, submit_token, customer_id, customer_snapshot, currency,
             backorder_choice, billing_address, merchandise_total, discount_total,
             shipping_total, tax_total, grand_total, breakdown, operator, placed_at)
         VALUES (?1, ?2, ?3, '{}', 'USD', 'ship_available', ?4, '0.00', '0.00', '0.00',
             '0.00', '0.00', '{}', 'ann', ?5) RETURNING id",
        &[
            no.into(),
            format!("tok-{no}").into(),
            customer.into(),
            serde_json::to_string(&Some(bill)).unwrap().into(),
            at.into(),
        ],
    );
    sql.execute(
        "INSERT INTO order_ship_tos (order_id, ship_to_no, address, method_code, method_name)
         VALUES (?1, 1, ?2, 'GROUND', 'Ground')",
        &[order.into(), serde_json::to_string(ship).unwrap().into()],
    )
    .unwrap();
}

#[test]
fn a_guest_becomes_a_registered_customer_with_their_orders_addresses() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        seed(sql);
        let g = guest(
            sql,
            "Ann",
            "O'Brien",
            "ann@example.com",
            "+44 20 7946 0958",
            "",
        );
        let flat = ship_address("", "1 High St", "SW1A 1AA");
        let office = ship_address("Office", "9 Low Rd", "N1 9GU");
        let old = ship_address("", "5 Old Lane", "E1 6AN");
        guest_order(sql, 100_001, g, "2026-11-01T10:00:00Z", &old, &old);
        guest_order(sql, 100_002, g, "2026-11-20T10:00:00Z", &flat, &office);
        let conversion = GuestConversion {
            logon_id: "annob".into(),
            password: "Zebra-Quartz-77".into(),
            password_confirm: "Zebra-Quartz-77".into(),
            challenge_question: "First pet?".into(),
            challenge_answer: "Biscuit".into(),
        };
        guest_conversion::convert_guest(sql, g, &conversion, OP).unwrap();

        let d = customer_records::load_customer_draft(sql, g)
            .unwrap()
            .unwrap();
        assert_eq!(
            (d.logon_id.as_str(), d.version, d.enabled),
            ("annob", 2, true)
        );
        // Newest order first: its ship-to is the default shipping address,
        // its billing address the default billing one; the ship-tos come
        // before the billing addresses; the same address once; names
        // filled in.
        assert_eq!(
            book(&d),
            [
                (s("Address"), s("SW1A 1AA"), s("GB"), s(""), true, false),
                (s("Address 2"), s("E1 6AN"), s("GB"), s(""), false, false),
                (s("Office"), s("N1 9GU"), s("GB"), s(""), false, true),
            ]
        );
        assert_eq!(d.addresses[0].address.first_name, "Ann");
        assert_eq!(
            stored_keys(sql, g),
            SearchKeys::of(&KeySource {
                logon: Some("annob"),
                first: "Ann",
                last: "O'Brien",
                email: "ann@example.com",
                phone: "+44 20 7946 0958",
                postal: "SW1A 1AA",
                country: "GB",
            })
        );
        assert_eq!(
            count(
                sql,
                "SELECT COUNT(*) FROM audit WHERE action = 'customer.converted' AND subject = ?1",
                &[format!("customer:{g}").into()]
            ),
            1
        );
        // Not a guest any more; another guest may not take the logon.
        let e = guest_conversion::convert_guest(sql, g, &conversion, OP).unwrap_err();
        assert!(matches!(e, SaveError::NotFound(_)), "{e}");
        let h = guest(sql, "Bo", "Lee", "", "", "");
        let e = guest_conversion::convert_guest(sql, h, &conversion, OP).unwrap_err();
        assert!(matches!(e, SaveError::LogonTaken), "{e}");
        assert_eq!(
            count(
                sql,
                "SELECT COUNT(*) FROM customers WHERE is_guest = 1",
                &[]
            ),
            1
        );
    });
}

#[test]
fn wrong_answers_lock_stored_payment_until_unlocked() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        seed(sql);
        let cid = customer_records::create_customer(sql, &draft("zquist"), OP).unwrap();
        assert_eq!(
            customer_challenge::challenge_question(sql, cid)
                .unwrap()
                .as_deref(),
            Some("Favourite preserve?")
        );
        let at = |m: u32| Utc.with_ymd_and_hms(2026, 11, 25, 10, m, 0).unwrap();
        let check = |answer: &str, m: u32| {
            customer_challenge::check_challenge(sql, cid, answer, OP, at(m)).unwrap()
        };
        assert_eq!(check("  marmalade TORTOISE ", 0), ChallengeCheck::Passed);
        for n in 1..=4 {
            assert_eq!(
                check("jam", n),
                ChallengeCheck::Wrong {
                    failures: i64::from(n),
                    locked: false
                }
            );
        }
        assert_eq!(
            check("jam", 5),
            ChallengeCheck::Wrong {
                failures: 5,
                locked: true
            }
        );
        assert!(customer_challenge::challenge_locked(sql, cid).unwrap());
        // Locked: even the right answer is not checked.
        assert_eq!(check("Marmalade Tortoise", 6), ChallengeCheck::Locked);
        assert_eq!(
            customer_challenge::challenge_failures(sql, cid, at(6)).unwrap(),
            5
        );
        // An hour on, the old failures no longer count.
        assert_eq!(
            customer_challenge::challenge_failures(
                sql,
                cid,
                at(59) + chrono::Duration::minutes(10)
            )
            .unwrap(),
            0
        );
        assert!(customer_challenge::unlock_challenge(sql, cid, OP, "sup1", at(7)).unwrap());
        assert!(!customer_challenge::unlock_challenge(sql, cid, OP, "sup1", at(7)).unwrap());
        assert!(!customer_challenge::challenge_locked(sql, cid).unwrap());
        assert_eq!(
            customer_challenge::challenge_failures(sql, cid, at(8)).unwrap(),
            0
        );
        assert_eq!(check("Marmalade Tortoise", 8), ChallengeCheck::Passed);
        let actions: Vec<String> = sql
            .query(
                "SELECT action FROM audit WHERE subject = ?1 AND action LIKE 'challenge.%'
                 ORDER BY id",
                &[format!("customer:{cid}").into()],
            )
            .unwrap()
            .iter()
            .map(|r| r.get_string(0).unwrap())
            .collect();
        let mut expected = vec!["challenge.passed"];
        expected.extend(["challenge.failed"; 5]);
        expected.extend([
            "challenge.locked",
            "challenge.refused",
            "challenge.unlocked",
        ]);
        expected.extend(["challenge.unlocked", "challenge.passed"]);
        assert_eq!(actions, expected);
    });
}

#[test]
fn two_consoles_creating_one_logon_in_two_cases_make_one_customer() {
    on_both(|target| {
        let setup = target.connect();
        seed(setup.sql());
        let ready = std::sync::Arc::new(std::sync::Barrier::new(2));
        let outcomes: Vec<Result<i64, SaveError>> = std::thread::scope(|s| {
            let consoles: Vec<_> = ["RaceLogon", "racelogon"]
                .into_iter()
                .map(|logon| {
                    let ready = ready.clone();
                    let conn = target.connect();
                    s.spawn(move || {
                        ready.wait();
                        customer_records::create_customer(conn.sql(), &draft(logon), OP)
                    })
                })
                .collect();
            consoles
                .into_iter()
                .map(|c| c.join().expect("console"))
                .collect()
        });
        // Whatever the timing: the folded key is asked inside the write
        // transaction, which SQLite queues and PostgreSQL serializes.
        let made = outcomes.iter().filter(|o| o.is_ok()).count();
        let taken = (outcomes.iter())
            .filter(|o| matches!(o, Err(SaveError::LogonTaken)))
            .count();
        assert_eq!((made, taken), (1, 1), "{outcomes:?}");
        assert_eq!(count(setup.sql(), "SELECT COUNT(*) FROM customers", &[]), 1);
        assert_eq!(count(setup.sql(), "SELECT COUNT(*) FROM addresses", &[]), 2);
    });
}

//! The bulk demo generator (`orderdesk demo --customers N --items M`).

use chrono::NaiveDate;
use orderdesk::domain::money::Currency;
use orderdesk::domain::search_keys::{name_key, KeySource, SearchKeys};
use orderdesk::domain::text::fold;
use orderdesk::store::{customer_search_sql_with, CustomerQuery, SearchField, Store};
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

const CUSTOMERS: u64 = 2_000;
const ITEMS: u64 = 500;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 14).unwrap()
}

/// A new database with the demo data and the generated rows; returns the
/// store and the number of customers and items the demo alone has.
fn generated(path: &Path) -> (Store, i64, i64) {
    let (mut store, created) = Store::open(path, Duration::from_secs(5)).unwrap();
    assert!(created);
    store.load_demo(today()).unwrap();
    let conn = Connection::open(path).unwrap();
    let demo_customers: i64 = conn
        .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))
        .unwrap();
    let demo_items: i64 = conn
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    let mut calls = Vec::new();
    store
        .generate(CUSTOMERS, ITEMS, today(), &mut |done, total| {
            calls.push((done, total))
        })
        .unwrap();
    assert_eq!(
        calls.first(),
        Some(&(0, CUSTOMERS + ITEMS)),
        "progress starts at zero"
    );
    assert_eq!(
        calls.last(),
        Some(&(CUSTOMERS + ITEMS, CUSTOMERS + ITEMS)),
        "progress ends complete"
    );
    assert!(
        calls.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only moves forward"
    );
    (store, demo_customers, demo_items)
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn generated_data_is_complete_consistent_and_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gen.db");
    let (store, demo_customers, demo_items) = generated(&path);
    let conn = Connection::open(&path).unwrap();

    // Counts.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM customers"),
        demo_customers + CUSTOMERS as i64
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM items"),
        demo_items + ITEMS as i64
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM items WHERE sku LIKE 'GEN-%'"),
        ITEMS as i64
    );
    let first_generated: i64 = demo_customers + 1;
    let generated = format!("c.id >= {first_generated}");

    // Every generated customer: registered, one default shipping and one
    // default billing address, 1 to 3 addresses.
    assert_eq!(
        count(&conn, &format!("SELECT count(*) FROM customers c WHERE {generated} AND (is_guest = 1 OR logon_id IS NULL OR password_hash IS NULL)")),
        0
    );
    for flag in ["is_default_shipping", "is_default_billing"] {
        let wrong = count(
            &conn,
            &format!(
                "SELECT count(*) FROM customers c WHERE {generated}
                 AND (SELECT count(*) FROM addresses a WHERE a.customer_id = c.id AND a.{flag} = 1) <> 1"
            ),
        );
        assert_eq!(wrong, 0, "customers without exactly one {flag} address");
    }
    let wrong_books = count(
        &conn,
        &format!(
            "SELECT count(*) FROM customers c WHERE {generated}
             AND (SELECT count(*) FROM addresses a WHERE a.customer_id = c.id) NOT BETWEEN 1 AND 3"
        ),
    );
    assert_eq!(wrong_books, 0);

    // Logon IDs unique, also as folded keys (logons are case-insensitive).
    assert_eq!(
        count(&conn, "SELECT count(DISTINCT logon_id) FROM customers"),
        count(&conn, "SELECT count(logon_id) FROM customers")
    );
    assert_eq!(
        count(&conn, "SELECT count(DISTINCT logon_key) FROM customers"),
        count(&conn, "SELECT count(logon_key) FROM customers")
    );

    // About one customer in fifty belongs to a business account.
    let in_accounts = count(
        &conn,
        &format!("SELECT count(*) FROM customers c WHERE {generated} AND account_id IS NOT NULL"),
    );
    assert!(
        (10..=100).contains(&in_accounts),
        "{in_accounts} of {CUSTOMERS} in business accounts"
    );

    // Every search key is exactly what the demo loader would store.
    let mut stmt = conn
        .prepare(
            "SELECT c.logon_id, c.logon_key, c.first_name, c.first_key, c.last_name, c.last_key, c.phone, c.phone_key,
                    c.phone_national_key, c.email, c.email_key, c.postal_key, a.postal_code, c.currency, a.country,
                    c.shipping_city, a.city, c.shipping_postal_code
             FROM customers c JOIN addresses a ON a.customer_id = c.id AND a.is_default_shipping = 1
             WHERE c.id >= ?1",
        )
        .unwrap();
    let mut rows = stmt.query([first_generated]).unwrap();
    let mut accented = None;
    let mut seen = 0;
    while let Some(r) = rows.next().unwrap() {
        let s = |i: usize| r.get::<_, String>(i).unwrap();
        let (logon, phone, postal, country) = (s(0), s(6), s(12), s(14));
        let keys = SearchKeys::of(&KeySource {
            logon: Some(&logon),
            first: &s(2),
            last: &s(4),
            email: &s(9),
            phone: &phone,
            postal: &postal,
            country: &country,
        });
        assert_eq!(Some(s(1)), keys.logon, "logon key of {logon}");
        assert_eq!(s(3), keys.first, "first key of {}", s(2));
        assert_eq!(s(5), keys.last, "last key of {}", s(4));
        assert_eq!(s(7), keys.phone, "phone key of {phone}");
        assert_eq!(s(8), keys.phone_national, "national key of {phone}");
        assert!(
            s(7).ends_with(&s(8)) && s(7).len() > s(8).len(),
            "{phone}: the international key has a country code"
        );
        assert!(
            s(8).len() >= 8 && !s(8).starts_with('0'),
            "national number of {phone}: {}",
            s(8)
        );
        assert_eq!(s(10), keys.email, "e-mail key of {}", s(9));
        assert!(s(9).contains('@'));
        assert_eq!(s(11), keys.postal, "postal key of {postal}");
        // The search row's copy of the default shipping address.
        assert_eq!(
            (s(15), s(17)),
            (s(16), postal.clone()),
            "shown address of {logon}"
        );
        let expected_currency = match s(14).as_str() {
            "US" => "USD",
            "CA" => "CAD",
            "GB" => "GBP",
            "JP" => "JPY",
            _ => "EUR",
        };
        assert_eq!(
            s(13),
            expected_currency,
            "currency for a customer in {}",
            s(14)
        );
        if accented.is_none() && s(4).chars().next().is_some_and(|c| !c.is_ascii()) {
            accented = Some((s(2), s(4)));
        }
        seen += 1;
    }
    assert_eq!(seen, CUSTOMERS);

    // Search folds what is typed: an accented last name typed in capitals.
    let (first, last) = accented.expect("some generated last name starts with an accented letter");
    let typed_last: String = last.chars().take(3).collect::<String>().to_uppercase();
    let q = CustomerQuery {
        last_name: typed_last.clone(),
        first_name: first.to_uppercase(),
        ..Default::default()
    };
    let found = store.search_customers(&q, 201).unwrap();
    assert!(
        found
            .iter()
            .any(|c| c.last_name == last && c.first_name == first),
        "{typed_last} / {} finds {first} {last}: {found:?}",
        first.to_uppercase()
    );
    assert!(found
        .iter()
        .all(|c| name_key(&c.last_name).starts_with(&name_key(&typed_last))));
    // ... and the same name typed without its accents.
    let plain = CustomerQuery {
        last_name: fold(&typed_last),
        first_name: fold(&first),
        ..Default::default()
    };
    assert_eq!(store.search_customers(&plain, 201).unwrap(), found);

    // Items: prices in every currency (yen without decimals), stock, and
    // words of their names found by the catalog search.
    let missing_prices = count(
        &conn,
        "SELECT count(*) FROM items i, price_lists p WHERE i.sku LIKE 'GEN-%'
         AND NOT EXISTS (SELECT 1 FROM prices x WHERE x.item_id = i.id AND x.price_list_id = p.id)",
    );
    assert_eq!(missing_prices, 0);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM prices x JOIN price_lists p ON p.id = x.price_list_id WHERE p.currency = 'JPY' AND x.amount LIKE '%.%'"),
        0
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM prices x JOIN price_lists p ON p.id = x.price_list_id WHERE p.currency <> 'JPY' AND x.amount NOT GLOB '*[0-9].[0-9][0-9]'"),
        0
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM items i WHERE i.sku LIKE 'GEN-%' AND NOT EXISTS (SELECT 1 FROM inventory v WHERE v.item_id = i.id)"),
        0
    );
    assert!(count(&conn, "SELECT count(*) FROM expected_receipts e JOIN items i ON i.id = e.item_id WHERE i.sku LIKE 'GEN-%'") > 0);
    let (sku, name): (String, String) = conn
        .query_row(
            "SELECT sku, name FROM items WHERE sku LIKE 'GEN-%' ORDER BY id LIMIT 1 OFFSET 123",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let by_sku = store
        .search_items(Currency::USD, &sku.to_lowercase(), 100)
        .unwrap();
    assert_eq!(by_sku.first().map(|i| i.sku.as_str()), Some(sku.as_str()));
    let words: Vec<&str> = name
        .split([' ', ','])
        .filter(|w| w.len() > 2)
        .take(2)
        .collect();
    let by_words = store
        .search_items(Currency::USD, &words.join(" ").to_uppercase(), 100)
        .unwrap();
    assert!(!by_words.is_empty(), "{words:?} finds items");
    assert!(by_words.iter().all(|i| {
        let text = fold(&format!("{} {}", i.name, i.description));
        words.iter().all(|w| text.contains(&fold(w)))
    }));

    // Nothing dangling, and the database is back in WAL mode, intact.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn generation_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let rows = |name: &str| -> Vec<String> {
        let path = dir.path().join(name);
        let (mut store, _) = Store::open(&path, Duration::from_secs(5)).unwrap();
        store.load_demo(today()).unwrap();
        store.generate(300, 50, today(), &mut |_, _| {}).unwrap();
        drop(store);
        let conn = Connection::open(&path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT c.id || ' ' || c.logon_id || ' ' || c.first_name || ' ' || c.last_name || ' ' || c.phone || ' '
                        || c.email || ' ' || group_concat(a.line1 || '/' || a.postal_code, ';')
                 FROM customers c JOIN addresses a ON a.customer_id = c.id GROUP BY c.id
                 UNION ALL SELECT sku || ' ' || name || ' ' || description FROM items",
            )
            .unwrap();
        let out = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<String>>>()
            .unwrap();
        out
    };
    assert_eq!(rows("a.db"), rows("b.db"));
}

#[test]
fn generating_twice_adds_more_without_collisions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("twice.db");
    let (mut store, _) = Store::open(&path, Duration::from_secs(5)).unwrap();
    store.load_demo(today()).unwrap();
    store.generate(200, 30, today(), &mut |_, _| {}).unwrap();
    store.generate(200, 30, today(), &mut |_, _| {}).unwrap();
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        count(&conn, "SELECT count(*) FROM items WHERE sku LIKE 'GEN-%'"),
        60
    );
    assert_eq!(
        count(&conn, "SELECT count(DISTINCT logon_key) FROM customers"),
        count(&conn, "SELECT count(*) FROM customers")
    );
}

#[test]
fn generate_needs_the_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::open(&dir.path().join("empty.db"), Duration::from_secs(5)).unwrap();
    let err = store.generate(10, 10, today(), &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("demo"), "{err}");
}

/// Every plan the search may pick (which index it reads) gives the same rows
/// in the same order; the store's own choice agrees with them.
#[test]
fn every_search_plan_gives_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.db");
    let (store, _, _) = generated(&path);
    let conn = Connection::open(&path).unwrap();
    let run = |q: &CustomerQuery, driver: Option<SearchField>| -> Vec<i64> {
        let (sql, args) = customer_search_sql_with(q, 50, driver);
        let mut stmt = conn.prepare(&sql).unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))
            .unwrap();
        rows.collect::<rusqlite::Result<Vec<i64>>>().unwrap()
    };
    let mut rng = fastrand::Rng::with_seed(5);
    let mut sample = conn
        .prepare(
            "SELECT c.first_name, c.last_name, c.phone_key, c.email, a.postal_code, COALESCE(b.name, '')
             FROM customers c JOIN addresses a ON a.customer_id = c.id AND a.is_default_shipping = 1
             LEFT JOIN business_accounts b ON b.id = c.account_id WHERE c.id = ?1",
        )
        .unwrap();
    let max_id = count(&conn, "SELECT max(id) FROM customers");
    let prefix =
        |rng: &mut fastrand::Rng, s: &str| -> String { s.chars().take(rng.usize(1..=3)).collect() };
    let fields = [
        SearchField::Last,
        SearchField::First,
        SearchField::Email,
        SearchField::Postal,
        SearchField::Phone,
        SearchField::Account,
    ];
    let mut compared = 0;
    for _ in 0..300 {
        let id = rng.i64(1..=max_id);
        let (first, last, phone, email, postal, account): (
            String,
            String,
            String,
            String,
            String,
            String,
        ) = sample
            .query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap();
        let mut q = CustomerQuery::default();
        let mut used = Vec::new();
        for f in fields {
            if rng.u8(0..3) != 0 {
                continue;
            }
            match f {
                SearchField::Last => q.last_name = prefix(&mut rng, &last),
                SearchField::First => q.first_name = prefix(&mut rng, &first),
                SearchField::Email => q.email = prefix(&mut rng, &email),
                SearchField::Postal => q.postal = prefix(&mut rng, &postal),
                SearchField::Phone => {
                    // The number with its country code, as the key holds it.
                    q.phone = phone.chars().take(rng.usize(1..=3)).collect()
                }
                SearchField::Account if !account.is_empty() => {
                    q.account = prefix(&mut rng, &account)
                }
                _ => continue,
            }
            used.push(f);
        }
        if used.is_empty() {
            continue;
        }
        let expected = run(&q, None);
        assert!(
            !expected.is_empty(),
            "{q:?} finds the customer it was taken from"
        );
        for &d in &used {
            assert_eq!(
                run(&q, Some(d)),
                expected,
                "{q:?} read through the {d:?} index"
            );
        }
        let by_store: Vec<i64> = store
            .search_customers(&q, 50)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(by_store, expected, "{q:?}");
        compared += 1;
    }
    assert!(compared > 200);
}

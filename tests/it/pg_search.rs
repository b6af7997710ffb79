//! Customer search and catalog search on a SQLite file and on PostgreSQL:
//! the same fixture on both, every example of section 16 (punctuation,
//! umlauts, inner spaces, postal codes, phones with and without country
//! code, two fields), and the same rows in the same order on both, through
//! `Store::search_customers` as the console searches (SQLite: its planner,
//! sample and race; PostgreSQL: store/customer_search_pg.rs, with the same
//! sample); the catalog through store/item_search.rs on either connection.

use crate::common::backends::Target;
use crate::pg_catalog::{category, id, item, run};
use crate::pg_customers::{draft, guest, seed};
use orderdesk::domain::money::Currency;
use orderdesk::domain::search_keys::name_key;
use orderdesk::store::db::Sql;
use orderdesk::store::item_search::{self, IndexCache, ItemHit};
use orderdesk::store::{customer_buckets, customer_records};
use orderdesk::store::{CustomerQuery, CustomerRow, Store};

/// The find screen's search, through the store as the console opens it.
fn search(store: &Store, q: &CustomerQuery, limit: usize) -> Vec<CustomerRow> {
    store
        .search_customers(q, limit)
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

/// Guests from pg_customers' fixture plus two registered customers (a
/// logon, one with the business account), so results mix NULL and
/// non-NULL logons and accounts; two customers have ordered.
fn customers(sql: Sql<'_>) {
    let account = seed(sql);
    guest(
        sql,
        "Ann",
        "O'Brien",
        "ann@example.com",
        "+44 20 7946 0958",
        "SW1A 1AA",
    );
    guest(sql, "Bob", "OBrien", "bob@example.com", "", "sw1a1aa");
    guest(sql, "Ed", "OBrien", "", "", "N1 9GU");
    guest(sql, "Di", "Jones", "", "020 7946 0958", "");
    guest(
        sql,
        "Gwen",
        "Evans",
        "gwen@example.com",
        "+44 20 7946 0321",
        "CF10 1AA",
    );
    guest(sql, "Jürgen", "Müller", "", "+49 30 1234567", "10115");
    guest(sql, "Kai", "Mueller", "", "+49 40 555 1234", "20095");
    guest(sql, "Juan", "de la Cruz", "", "+34 91 123 4567", "28013");
    guest(sql, "Félix", "Gagnon", "", "+1 514 555 0199", "H2X 3L1");
    guest(sql, "Cy", "Smith", "", "", "");
    for (logon, first, last, with_account) in [
        ("aobrien", "Ann", "O'Brien", true),
        ("bsmith", "Bea", "Smith", false),
    ] {
        let mut d = draft(logon);
        d.first_name = first.into();
        d.last_name = last.into();
        d.phone = "+44 20 7946 0111".into();
        d.account_id = with_account.then_some(account);
        customer_records::create_customer(sql, &d, "op7")
            .unwrap_or_else(|e| panic!("{logon}: {e:?}"));
    }
    run(
        sql,
        "UPDATE customers SET last_order_at = '2026-11-20T09:00:00Z' WHERE last_key = 'jones'",
        &[],
    );
    run(
        sql,
        "UPDATE customers SET last_order_at = '2026-11-24T16:30:00Z' WHERE first_key = 'gwen'",
        &[],
    );
}

fn query(f: impl FnOnce(&mut CustomerQuery)) -> CustomerQuery {
    let mut q = CustomerQuery::default();
    f(&mut q);
    q
}

/// A search, its limit, and the (first name, last name) of each row it
/// must find, in result order.
type Case = (CustomerQuery, usize, Vec<(&'static str, &'static str)>);

/// Every search of the examples.
fn customer_cases() -> Vec<Case> {
    let obriens = vec![
        ("Ann", "O'Brien"),
        ("Ann", "O'Brien"),
        ("Bob", "OBrien"),
        ("Ed", "OBrien"),
    ];
    // By the number as matched (…0111, …0321, …0958), then by id.
    let london = vec![
        ("Ann", "O'Brien"),
        ("Bea", "Smith"),
        ("Gwen", "Evans"),
        ("Ann", "O'Brien"),
        ("Di", "Jones"),
    ];
    vec![
        (
            query(|q| q.last_name = "obrien".into()),
            50,
            obriens.clone(),
        ),
        (
            query(|q| q.last_name = "O'Brien".into()),
            50,
            obriens.clone(),
        ),
        (query(|q| q.last_name = "o brien".into()), 50, obriens),
        (
            query(|q| q.last_name = "mueller".into()),
            50,
            vec![("Jürgen", "Müller"), ("Kai", "Mueller")],
        ),
        (
            query(|q| q.last_name = "müll".into()),
            50,
            vec![("Jürgen", "Müller"), ("Kai", "Mueller")],
        ),
        (
            query(|q| q.last_name = "dela".into()),
            50,
            vec![("Juan", "de la Cruz")],
        ),
        (query(|q| q.last_name = "cruz".into()), 50, vec![]),
        (
            query(|q| q.postal = "h2x3".into()),
            50,
            vec![("Félix", "Gagnon")],
        ),
        (
            query(|q| q.postal = "H2X 3L1".into()),
            50,
            vec![("Félix", "Gagnon")],
        ),
        (query(|q| q.phone = "020 7946".into()), 50, london.clone()),
        (
            query(|q| q.phone = "+44 20 7946".into()),
            50,
            london.clone(),
        ),
        (
            query(|q| q.phone = "020 7946".into()),
            3,
            london[..3].to_vec(),
        ),
        (
            query(|q| q.phone = "020 7946 0958".into()),
            50,
            vec![("Ann", "O'Brien"), ("Di", "Jones")],
        ),
        (
            query(|q| q.first_name = "jurgen".into()),
            50,
            vec![("Jürgen", "Müller")],
        ),
        // Two fields.
        (
            query(|q| {
                q.last_name = "obrien".into();
                q.first_name = "ann".into();
            }),
            50,
            vec![("Ann", "O'Brien"), ("Ann", "O'Brien")],
        ),
        (
            query(|q| {
                q.phone = "020 7946".into();
                q.postal = "sw1a".into();
            }),
            50,
            vec![("Ann", "O'Brien")],
        ),
        // The account alone: whole buckets of one to three characters, and
        // longer keys checked within theirs (customer_buckets.rs).
        (
            query(|q| q.account = "a".into()),
            50,
            vec![("Ann", "O'Brien")],
        ),
        (
            query(|q| q.account = "acm".into()),
            50,
            vec![("Ann", "O'Brien")],
        ),
        (
            query(|q| q.account = "Acme Ltd".into()),
            50,
            vec![("Ann", "O'Brien")],
        ),
        (query(|q| q.account = "acmf".into()), 50, vec![]),
        (query(|q| q.account = "b".into()), 50, vec![]),
        (
            query(|q| {
                q.last_name = "o".into();
                q.account = "acme".into();
            }),
            50,
            vec![("Ann", "O'Brien")],
        ),
        (
            query(|q| {
                q.phone = "020".into();
                q.account = "acme".into();
            }),
            50,
            vec![("Ann", "O'Brien")],
        ),
        (
            query(|q| {
                q.last_name = "smith".into();
                q.phone = "020 7946".into();
            }),
            50,
            vec![("Bea", "Smith")],
        ),
        (
            query(|q| {
                q.email = "gwen@".into();
                q.last_name = "ev".into();
            }),
            50,
            vec![("Gwen", "Evans")],
        ),
        // A postal code among the first name's initial (the index of
        // migration 11 on SQLite; on PostgreSQL the postal bucket `sw`, the
        // rest of the code checked on each entry).
        (
            query(|q| {
                q.first_name = "a".into();
                q.postal = "sw1a".into();
            }),
            50,
            vec![("Ann", "O'Brien")],
        ),
        // Keys that are their whole bucket on PostgreSQL (store/customer_buckets.rs).
        (
            query(|q| {
                q.first_name = "a".into();
                q.email = "a".into();
            }),
            50,
            vec![("Ann", "O'Brien")],
        ),
        (
            query(|q| {
                q.last_name = "o".into();
                q.first_name = "b".into();
            }),
            50,
            vec![("Bob", "OBrien")],
        ),
        (
            query(|q| {
                q.last_name = "o".into();
                q.logon = "ao".into();
            }),
            50,
            vec![("Ann", "O'Brien")],
        ),
        (
            query(|q| {
                q.logon = "b".into();
                q.email = "zoe".into();
            }),
            50,
            vec![("Bea", "Smith")],
        ),
        (
            query(|q| {
                q.email = "ann".into();
                q.postal = "s".into();
            }),
            50,
            vec![("Ann", "O'Brien")],
        ),
        // A number with a name, a logon or an e-mail address: the phone's
        // pair indexes on PostgreSQL, of two digits and of one.
        (
            query(|q| {
                q.email = "g".into();
                q.phone = "+44".into();
            }),
            50,
            vec![("Gwen", "Evans")],
        ),
        (
            query(|q| {
                q.last_name = "j".into();
                q.phone = "2".into();
            }),
            50,
            vec![("Di", "Jones")],
        ),
        (
            query(|q| {
                q.logon = "a".into();
                q.phone = "4".into();
            }),
            50,
            vec![("Ann", "O'Brien")],
        ),
        // No fields: the customers who ordered last, then by id.
        (
            CustomerQuery::default(),
            4,
            vec![
                ("Gwen", "Evans"),
                ("Di", "Jones"),
                ("Ann", "O'Brien"),
                ("Bob", "OBrien"),
            ],
        ),
    ]
}

#[test]
fn customer_search_finds_the_same_rows_in_the_same_order_on_both() {
    let mut seen = Vec::new();
    for target in [Target::sqlite(), Target::postgres()] {
        customers(target.connect().sql());
        let store = target.store();
        let mut results = Vec::new();
        for (q, limit, want) in customer_cases() {
            let rows = search(&store, &q, limit);
            let got: Vec<(&str, &str)> = rows
                .iter()
                .map(|r| (r.first_name.as_str(), r.last_name.as_str()))
                .collect();
            assert_eq!(got, want, "{q:?}, limit {limit}");
            results.push(format!("{q:?} {limit}: {rows:?}"));
        }
        // The two Ann O'Briens: the guest (no logon) first, as SQLite sorts
        // NULL; the registered one shows its logon and account.
        let anns = search(&store, &query(|q| q.last_name = "o'brien".into()), 2);
        assert_eq!(
            anns.iter()
                .map(|r| (r.logon_id.as_deref(), r.account.as_deref(), r.guest))
                .collect::<Vec<_>>(),
            [
                (None, None, true),
                (Some("aobrien"), Some("Acme Ltd"), false)
            ]
        );
        assert_eq!(anns[1].city, "Springfield");
        seen.push(results);
    }
    for (sqlite, postgres) in seen[0].iter().zip(&seen[1]) {
        assert_eq!(sqlite, postgres, "SQLite and PostgreSQL find the same");
    }
}

/// A one-field search is planned once per connection, not at every
/// keystroke: after a few runs PostgreSQL keeps its plan for any value
/// (store/customer_search_pg.rs, `planned_once`), and finds what was
/// typed (the rows are compared with SQLite's in the test above).
#[test]
fn a_one_field_search_keeps_one_plan() {
    let target = Target::postgres();
    customers(target.connect().sql());
    let store = target.store();
    let prefixes = ["o", "ob", "obr", "m", "mu", "mue", "s", "sm", "e", "j"];
    for last in prefixes {
        let rows = search(&store, &query(|q| q.last_name = last.into()), 10);
        assert!(
            !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| name_key(&r.last_name).starts_with(&name_key(last))),
            "{last}: {rows:?}"
        );
    }
    kept_one_plan(store.sql(), "%c.last_key >= (SELECT%", prefixes.len());
}

/// The connection's one kept statement whose text is like `like` ran
/// `runs` times, on PostgreSQL's plan for any value after at most five
/// planned for their values.
fn kept_one_plan(sql: Sql<'_>, like: &str, runs: usize) {
    let plans = sql
        .query(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements
             WHERE statement LIKE ?1 AND statement NOT LIKE '%pg_prepared_statements%'",
            &[like.into()],
        )
        .expect("pg_prepared_statements");
    assert_eq!(plans.len(), 1, "one statement like {like}");
    let (generic, custom) = (
        plans[0].get_i64(0).expect("generic_plans"),
        plans[0].get_i64(1).expect("custom_plans"),
    );
    assert!(
        custom <= 5 && generic + custom == runs as i64,
        "{generic} runs on the plan for any value, {custom} planned for their values"
    );
}

/// A search whose reads no bucket or pair index fixes (a name with a lone
/// trunk `0`, which matches every national number) is planned for its
/// values at every run: its statement is not kept, so PostgreSQL cannot
/// settle on one plan for any value after five runs (store/db/postgres.rs,
/// `query_planned`). A search read through a bucket is kept, as one
/// field's is, a third field too: the bucket fixes the index, whatever
/// the values.
#[test]
fn unfixed_reads_are_planned_for_their_values_and_a_bucket_once() {
    let target = Target::postgres();
    customers(target.connect().sql());
    let store = target.store();
    let pairs = [("o", "s"), ("ob", "sw"), ("m", "1"), ("j", "2"), ("s", "c")];
    for _ in 0..2 {
        for (last, postal) in pairs {
            // The pair, the triple, and the name with a lone trunk `0`.
            for (first, postal, phone) in [("", postal, ""), ("a", postal, ""), ("", "", "0")] {
                let q = query(|q| {
                    q.last_name = last.into();
                    q.first_name = first.into();
                    q.postal = postal.into();
                    q.phone = phone.into();
                });
                search(&store, &q, 10);
            }
        }
    }
    let kept = store
        .sql()
        .query(
            "SELECT statement FROM pg_prepared_statements
             WHERE statement LIKE '%c.last_key >= $%'
               AND statement NOT LIKE '%pg_prepared_statements%'",
            &[],
        )
        .expect("pg_prepared_statements");
    assert!(kept.is_empty(), "kept: {:?}", kept.len());
    // Four of the postal codes are one character: one bucket's statement
    // for the pairs, one for the triples.
    kept_one_plan(store.sql(), "%substr(c.postal_key, 1, 1)%", 8);
    kept_one_plan(
        store.sql(),
        "%substr(c.first_key, 1, 1)%postal_key COLLATE%",
        10,
    );
}

/// Every bucket index the pairs' and the account's statements name
/// (store/customer_buckets.rs) is made by PostgreSQL's migrations.
#[test]
fn the_bucket_indexes_exist() {
    let target = Target::postgres();
    let conn = target.connect();
    let made: Vec<String> = conn
        .sql()
        .query(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'customers'",
            &[],
        )
        .expect("pg_indexes")
        .iter()
        .map(|r| r.get_str(0).expect("indexname").to_string())
        .collect();
    for name in customer_buckets::index_names() {
        assert!(made.contains(&name), "{name} is missing: {made:?}");
    }
}

/// A business account's name rides on each member's row for the account
/// search's buckets (pg/migrations/010_account_buckets.sql): the database
/// keeps it when the account is renamed, when a customer joins, leaves or
/// changes accounts, and whatever a hand-written UPDATE puts there.
#[test]
fn the_account_search_follows_renames_and_moves() {
    let target = Target::postgres();
    let conn = target.connect();
    let sql = conn.sql();
    customers(sql);
    let store = target.store();
    let members = |typed: &str| -> Vec<(String, String)> {
        search(&store, &query(|q| q.account = typed.into()), 50)
            .into_iter()
            .map(|r| {
                (
                    r.logon_id.unwrap_or_default(),
                    r.account.unwrap_or_default(),
                )
            })
            .collect()
    };
    let pair = |logon: &str, account: &str| (logon.to_string(), account.to_string());
    assert_eq!(members("acme"), [pair("aobrien", "Acme Ltd")]);

    run(
        sql,
        "UPDATE business_accounts SET name = 'Zeta Ltd', name_key = 'zeta ltd'
         WHERE name_key = 'acme ltd'",
        &[],
    );
    assert_eq!(members("zeta"), [pair("aobrien", "Zeta Ltd")]);
    assert_eq!(members("acme"), []);

    let omega = id(
        sql,
        "INSERT INTO business_accounts (name, name_key, currency, credit_limit, po_required)
         VALUES ('Omega Inc', 'omega inc', 'USD', '100.00', 0) RETURNING id",
        &[],
    );
    for logon in ["aobrien", "bsmith"] {
        run(
            sql,
            "UPDATE customers SET account_id = ?1 WHERE logon_key = ?2",
            &[omega.into(), logon.into()],
        );
    }
    assert_eq!(
        members("om"),
        [pair("aobrien", "Omega Inc"), pair("bsmith", "Omega Inc")]
    );
    assert_eq!(members("z"), []);

    run(
        sql,
        "UPDATE customers SET account_name_key = 'zeta ltd', account_id = NULL
         WHERE logon_key = 'bsmith'",
        &[],
    );
    run(
        sql,
        "UPDATE customers SET account_name_key = 'zeta ltd' WHERE logon_key = 'aobrien'",
        &[],
    );
    assert_eq!(members("z"), []);
    assert_eq!(members("omega inc"), [pair("aobrien", "Omega Inc")]);
    let kept = sql
        .query(
            "SELECT count(*) FROM customers c LEFT JOIN business_accounts b ON b.id = c.account_id
             WHERE c.account_name_key IS DISTINCT FROM b.name_key",
            &[],
        )
        .expect("count");
    assert_eq!(
        kept[0].get_i64(0).expect("count"),
        0,
        "every key is its account's"
    );
}

/// Camping with tents below it: a tent found by its name, a shelter whose
/// SKU starts with TENT, and an awning that is no longer sold.
struct Camping {
    camping: i64,
    tent: i64,
    shelter: i64,
}

fn catalog(sql: Sql<'_>) -> Camping {
    run(
        sql,
        "INSERT INTO currencies (code, minor_units, name) VALUES ('USD', 2, 'US dollar')",
        &[],
    );
    let camping = category(sql, "camping", "Camping", None, 0);
    let tents = category(sql, "tents", "Tents", Some(camping), 0);
    let stoves = category(sql, "stoves", "Stoves", None, 1);
    let tent = item(sql, "RT-1", "Ridge tent", tents, 2100, "1, 1");
    let shelter = item(sql, "TENT-90", "Dome shelter", camping, 1800, "1, 1");
    item(sql, "AW-2", "Tent awning", tents, 900, "1, 0");
    item(sql, "ST-5", "Camping stove", stoves, 700, "1, 1");
    let usd = id(
        sql,
        "INSERT INTO price_lists (currency, name) VALUES ('USD', 'US') RETURNING id",
        &[],
    );
    run(
        sql,
        "INSERT INTO prices (price_list_id, item_id, amount) VALUES (?1, ?2, '149.00')",
        &[usd.into(), tent.into()],
    );
    run(
        sql,
        "INSERT INTO inventory (item_id, on_hand, reserved) VALUES (?1, 4, 1)",
        &[tent.into()],
    );
    for (due, quantity) in [("2026-12-20", 6i64), ("2026-12-08", 2)] {
        run(
            sql,
            "INSERT INTO expected_receipts (item_id, due_date, quantity) VALUES (?1, ?2, ?3)",
            &[tent.into(), due.into(), quantity.into()],
        );
    }
    Camping {
        camping,
        tent,
        shelter,
    }
}

fn skus(hits: &[ItemHit]) -> Vec<&str> {
    hits.iter().map(|h| h.item.sku.as_str()).collect()
}

#[test]
fn item_search_finds_the_same_items_on_both() {
    let mut seen = Vec::new();
    for target in [Target::sqlite(), Target::postgres()] {
        let conn = target.connect();
        let sql = conn.sql();
        let c = catalog(sql);
        let index = IndexCache::default();
        let find = |text: &str, category: Option<i64>| {
            item_search::find_items(sql, &index, Currency::USD, text, category, 20)
                .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        };
        let mut results = Vec::new();
        for (text, category, want) in [
            ("tents", None, vec!["RT-1"]),
            ("tnet", None, vec!["RT-1"]),
            ("Tent", None, vec!["TENT-90", "RT-1"]),
            ("tent", Some(c.camping), vec!["TENT-90", "RT-1"]),
            ("camping", None, vec!["ST-5"]),
            ("", Some(c.camping), vec!["TENT-90", "RT-1"]),
        ] {
            let hits = find(text, category);
            assert_eq!(skus(&hits), want, "{text:?} in {category:?}");
            results.push(format!("{hits:?}"));
        }
        let hits = find("tent", None);
        assert!(hits[0].sku_match && !hits[1].sku_match);
        let tent = &hits[1];
        assert_eq!(tent.item.id, c.tent);
        assert_eq!(hits[0].item.id, c.shelter);
        assert_eq!(
            tent.item.price.map(|p| p.to_string()),
            Some("149.00".into())
        );
        assert_eq!((tent.item.on_hand, tent.item.reserved), (4, 1));
        assert_eq!(
            tent.item.next_due.map(|d| d.to_string()),
            Some("2026-12-08".into())
        );
        let receipts: Vec<(String, i64)> = (tent.stock.receipts.iter())
            .map(|(d, q)| (d.to_string(), *q))
            .collect();
        assert_eq!(
            receipts,
            [("2026-12-08".to_string(), 2), ("2026-12-20".to_string(), 6)]
        );
        assert_eq!(hits[0].item.price, None);
        assert!(hits[0].stock.receipts.is_empty());
        // The index follows the catalog: a new tent is found, a retired
        // one is not.
        assert_eq!(item_search::warm_index(sql, &index).unwrap(), 3);
        item(sql, "PT-3", "Pop-up tent", c.camping, 1500, "1, 1");
        run(sql, "UPDATE items SET active = 0 WHERE sku = 'RT-1'", &[]);
        assert_eq!(skus(&find("tents", None)), ["PT-3"]);
        assert_eq!(item_search::warm_index(sql, &index).unwrap(), 3);
        seen.push(results);
    }
    assert_eq!(seen[0], seen[1], "SQLite and PostgreSQL find the same");
}

/// The found items' rows are one statement whatever the number found, and
/// PostgreSQL settles on its plan for any value after a few searches
/// instead of planning each search's list of ids (store/db/mod.rs,
/// `Sql::among_ids`).
#[test]
fn an_item_search_keeps_one_plan() {
    let target = Target::postgres();
    let conn = target.connect();
    let sql = conn.sql();
    let c = catalog(sql);
    // Searches find none to 15 items: as many ids in one statement.
    for n in 0..12 {
        item(
            sql,
            &format!("PK-{n}"),
            &format!("Trail pack {n}"),
            c.camping,
            600,
            "1, 1",
        );
    }
    let index = IndexCache::default();
    let texts = [
        "tent", "", "tents", "pack", "t", "camping", "zeppelin", "stove", "dome", "tnet",
    ];
    let mut found = Vec::new();
    for text in texts {
        let hits = item_search::find_items(sql, &index, Currency::USD, text, None, 20)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        found.push(hits.len());
    }
    assert_eq!(found[1], 15, "the whole catalog");
    assert_eq!(found[6], 0, "nothing");
    kept_one_plan(sql, "%LEFT JOIN expected_receipts e ON%", texts.len());
}

/// Searches with a business account on generated customers, the SQLite
/// store moved to PostgreSQL: PostgreSQL reads the matching accounts'
/// members (store/customer_search_pg.rs, `account_sql`) and finds SQLite's
/// rows in SQLite's order, every member among its own searches' rows.
#[test]
fn account_searches_find_the_same_rows_on_both() {
    let (_dir, path) = crate::common::temp_db();
    let mut sqlite = crate::common::open_demo(&path);
    sqlite
        .generate(4_000, 0, crate::common::today(), &mut |_, _| {})
        .unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    // Two members of one account whose numbers both keys of a typed `1`
    // match: sorted by the smaller key each matched by (10 before 15,
    // though 19 sorts after 15).
    let (a, b): (i64, i64) = conn
        .query_row(
            "SELECT min(id), max(id) FROM customers
             WHERE account_id = (SELECT min(account_id) FROM customers)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_ne!(a, b);
    conn.execute(
        "UPDATE customers SET phone_key = '19', phone_national_key = '10' WHERE id = ?1",
        [a],
    )
    .unwrap();
    conn.execute(
        "UPDATE customers SET phone_key = '15', phone_national_key = '15' WHERE id = ?1",
        [b],
    )
    .unwrap();
    let params = crate::common::pg::fresh_database();
    orderdesk::store::move_to_postgres::move_to_postgres(
        &path,
        &params,
        crate::common::BUSY,
        &mut |_| {},
    )
    .unwrap();
    let (postgres, _) = Store::connect_postgres(
        &params,
        orderdesk::store::Create::Never,
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let account: String = conn
        .query_row(
            "SELECT b.name FROM business_accounts b JOIN customers c ON c.account_id = b.id
             WHERE c.id = ?1",
            [a],
            |r| r.get(0),
        )
        .unwrap();
    let both = query(|q| {
        q.phone = "1".into();
        q.account = account;
    });
    let ids = |rows: Vec<CustomerRow>| -> Vec<i64> {
        rows.into_iter()
            .map(|r| r.id)
            .filter(|id| [a, b].contains(id))
            .collect()
    };
    assert_eq!(ids(search(&sqlite, &both, 201)), [a, b]);
    assert_eq!(ids(search(&postgres, &both, 201)), [a, b]);
    let members: Vec<(i64, [String; 6], String)> = conn
        .prepare(
            "SELECT c.id, c.last_name, c.first_name, COALESCE(c.logon_id, ''), c.email,
                    c.shipping_postal_code, c.phone, b.name
             FROM customers c JOIN business_accounts b ON b.id = c.account_id
             WHERE c.id NOT IN (?1, ?2)
             ORDER BY c.id LIMIT 24",
        )
        .unwrap()
        .query_map([a, b], |r| {
            Ok((
                r.get(0)?,
                [
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ],
                r.get(7)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(members.len() >= 20, "{} members", members.len());
    let start = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let digits = |s: &str| {
        s.chars()
            .filter(char::is_ascii_digit)
            .take(3)
            .collect::<String>()
    };
    let mut searched = 0;
    for (id, [last, first, logon, email, postal, phone], account) in &members {
        let account = start(account, 1);
        let mut queries = vec![
            query(|q| q.last_name = start(last, 1)),
            query(|q| q.first_name = start(first, 2)),
            query(|q| q.email = start(email, 1)),
            query(|q| q.postal = start(postal, 1)),
            query(|q| q.phone = digits(phone)),
            // One digit: a broad prefix, most of the account's members.
            query(|q| q.phone = start(&digits(phone), 1)),
            query(|q| {
                q.last_name = start(last, 1);
                q.first_name = start(first, 1);
            }),
        ];
        if !logon.is_empty() {
            queries.push(query(|q| q.logon = start(logon, 1)));
        }
        for mut q in queries {
            q.account = account.clone();
            let (on_sqlite, on_postgres) = (search(&sqlite, &q, 201), search(&postgres, &q, 201));
            assert!(on_sqlite.iter().any(|r| r.id == *id), "{q:?} finds {id}");
            assert_eq!(
                format!("{on_sqlite:?}"),
                format!("{on_postgres:?}"),
                "{q:?}: SQLite and PostgreSQL find the same"
            );
            searched += 1;
        }
    }
    assert!(searched >= 140, "{searched} searches");
    // The account alone, read through its members' buckets: SQLite's rows
    // (a page of 201 of the broad prefixes), the member among them when
    // the prefix is its account's alone.
    let mut alone = 0;
    for (id, _, account) in members.iter().take(8) {
        for n in [1, 2, 3, 4, 6, account.chars().count()] {
            let q = query(|q| q.account = start(account, n));
            let (on_sqlite, on_postgres) = (search(&sqlite, &q, 201), search(&postgres, &q, 201));
            assert_eq!(
                format!("{on_sqlite:?}"),
                format!("{on_postgres:?}"),
                "{q:?}: SQLite and PostgreSQL find the same"
            );
            if on_sqlite.len() < 201 {
                assert!(on_sqlite.iter().any(|r| r.id == *id), "{q:?} finds {id}");
            }
            alone += 1;
        }
    }
    assert_eq!(alone, 48);
}

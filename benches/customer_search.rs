//! Customer search at a million customers: `cargo bench --bench customer_search`.
//!
//! Builds (once; reused while it has enough customers) a database with the
//! demo data plus generated customers, then runs realistic prefix queries
//! (1 to 4 characters taken from real rows, so most match) through
//! `Store::search_customers` for every single field, every two-field
//! combination and a three-field one. Beside each, every statement that can
//! be written by hand on the same indexes (each filled field's index
//! driving, `customer_search_sql_with`) runs on a bare rusqlite connection
//! with the store's memory map. The baseline ("hand") is the best such
//! statement for the kind of search: the driving field whose p99 over the
//! row's queries is lowest, as a statement is written once per kind of
//! search. Also printed ("hindsight"): the p99 of the fastest statement for
//! each query, as if whoever wrote it knew the answer beforehand, a bound
//! no single statement reaches. PASS/FAIL against the targets: p99 <= 5 ms
//! and at most 1.5 times the hand p99. Also times opening the database and
//! the first (empty) search, which must stay under 100 ms.
//!
//! Times are wall-clock, so on a shared machine other processes add
//! scheduler delays to the p99; `nice -n -10 cargo bench ...` (as root)
//! keeps most of them out.
//!
//! Environment:
//! - `ORDERDESK_BENCH_DB`: database path (default `target/bench-customers.db`)
//! - `ORDERDESK_BENCH_CUSTOMERS`: generated customers (default 1,000,000)
//! - `ORDERDESK_BENCH_QUERIES`: queries per row of the table (default 3,000:
//!   a p99 over 3,000 is the 30th slowest, far steadier than the 10th of
//!   1,000 on a machine whose scheduler adds the odd millisecond)
//! - `ORDERDESK_BENCH_ONLY`: the rows to run, by name (`logon+first,phone`)
//! - `ORDERDESK_BENCH_PG`: a PostgreSQL database (`postgres://…`); when
//!   set, the same rows run on it too, through `customer_search_pg`, each
//!   query's rows compared with SQLite's. An empty database gets the bench
//!   database moved into it first (`orderdesk migrate`'s move); unset, the
//!   PostgreSQL table is skipped
//! - `ORDERDESK_BENCH_SQLITE=0`: skip SQLite's table (with
//!   `ORDERDESK_BENCH_PG`, to measure PostgreSQL alone; SQLite's store
//!   still gives the rows PostgreSQL's are compared with)
//! - `ORDERDESK_BENCH_VERBOSE`: the five slowest queries of every row
//!   (always printed for a row that fails), with the fastest statement's time

mod common;

use common::{
    current_schema, env_u64, ms, percentile, print_load_average, print_postgres_cache, remove_db,
    schema_text, verdict,
};
use orderdesk::store::db::{pg_migrate, Db};
use orderdesk::store::move_to_postgres::move_to_postgres;
use orderdesk::store::{
    customer_search_sql_with, phone_postal_sql, Create, CustomerQuery, SearchField, Store,
};
use rusqlite::{params_from_iter, Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LIMIT: usize = 201;
const TARGET_P99: Duration = Duration::from_millis(5);
const TARGET_RATIO: f64 = 1.5;
const TARGET_STARTUP: Duration = Duration::from_millis(100);

/// Opens the bench database, building it first when missing or too small.
fn prepare_db(path: &Path, customers: u64) -> anyhow::Result<()> {
    if path.exists() {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let have: i64 = conn
            .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))
            .unwrap_or(0);
        let same_schema = schema_text(&conn)? == current_schema()?;
        if !same_schema {
            eprintln!("{} was built by another schema; rebuilding", path.display());
        } else if have as u64 >= customers {
            eprintln!("reusing {} ({have} customers)", path.display());
            return Ok(());
        } else {
            eprintln!("{} has {have} customers; rebuilding", path.display());
        }
        drop(conn);
        remove_db(path);
    }
    eprintln!(
        "building {} with {customers} generated customers ...",
        path.display()
    );
    let today = chrono::Local::now().date_naive();
    let started = Instant::now();
    let (mut store, _) =
        Store::open(path, Duration::from_secs(5)).map_err(|e| anyhow::anyhow!("{e}"))?;
    store.load_demo(today)?;
    let mut last = Instant::now();
    store.generate(customers, 1_000, today, &mut |done, total| {
        if last.elapsed() > Duration::from_secs(5) {
            eprintln!("  {done}/{total}");
            last = Instant::now();
        }
    })?;
    eprintln!("built in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// What a query can be built from: one real customer as the operator sees it.
struct Sample {
    logon: String,
    first: String,
    last: String,
    phone_digits: String,
    phone_national: String,
    email: String,
    postal: String,
    account: Option<String>,
}

fn samples(
    conn: &Connection,
    rng: &mut fastrand::Rng,
    n: usize,
    with_account: bool,
) -> anyhow::Result<Vec<Sample>> {
    let ids: Vec<i64> = if with_account {
        conn.prepare("SELECT id FROM customers WHERE account_id IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    } else {
        let (lo, hi): (i64, i64) =
            conn.query_row("SELECT min(id), max(id) FROM customers", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        (0..n).map(|_| rng.i64(lo..=hi)).collect()
    };
    let mut stmt = conn.prepare(
        "SELECT COALESCE(c.logon_id, ''), c.first_name, c.last_name, c.phone_key, c.phone_national_key, c.email,
                c.shipping_postal_code, b.name
         FROM customers c
         LEFT JOIN business_accounts b ON b.id = c.account_id
         WHERE c.id = ?1",
    )?;
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let id = ids[rng.usize(..ids.len())];
        let s = stmt.query_row([id], |r| {
            Ok(Sample {
                logon: r.get(0)?,
                first: r.get(1)?,
                last: r.get(2)?,
                phone_digits: r.get(3)?,
                phone_national: r.get(4)?,
                email: r.get(5)?,
                postal: r.get(6)?,
                account: r.get(7)?,
            })
        });
        if let Ok(s) = s {
            out.push(s);
        }
    }
    Ok(out)
}

/// The first 1 to 4 characters of `text`, typed in upper, lower or the
/// original case (the search must not care).
fn typed_prefix(rng: &mut fastrand::Rng, text: &str) -> String {
    let n = rng.usize(1..=4);
    let p: String = text.chars().take(n).collect();
    match rng.u8(0..3) {
        0 => p.to_uppercase(),
        1 => p.to_lowercase(),
        _ => p,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum F {
    Logon,
    First,
    Last,
    Phone,
    Email,
    Postal,
    Account,
}

fn fill(q: &mut CustomerQuery, f: F, s: &Sample, rng: &mut fastrand::Rng) {
    match f {
        F::Logon => q.logon = typed_prefix(rng, &s.logon),
        F::First => q.first_name = typed_prefix(rng, &s.first),
        F::Last => q.last_name = typed_prefix(rng, &s.last),
        F::Phone => {
            // As the caller says it: with the country code, without it, or
            // as dialled at home with the trunk prefix.
            let n = rng.usize(1..=4);
            q.phone = match rng.u8(0..10) {
                0..=2 => s.phone_digits.chars().take(n).collect(),
                3..=6 => s.phone_national.chars().take(n).collect(),
                _ => format!("0{}", s.phone_national.chars().take(n).collect::<String>()),
            };
        }
        F::Email => q.email = typed_prefix(rng, &s.email),
        F::Postal => q.postal = typed_prefix(rng, &s.postal),
        F::Account => q.account = typed_prefix(rng, s.account.as_deref().unwrap_or("")),
    }
}

/// The filled fields of `q`, as the store's search names them.
fn filled(q: &CustomerQuery) -> Vec<SearchField> {
    [
        (SearchField::Last, &q.last_name),
        (SearchField::First, &q.first_name),
        (SearchField::Logon, &q.logon),
        (SearchField::Email, &q.email),
        (SearchField::Postal, &q.postal),
        (SearchField::Phone, &q.phone),
        (SearchField::Account, &q.account),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(f, _)| f)
    .collect()
}

/// The SQL by hand for `q`, one statement per filled field (that field's
/// index driving), each run on the bare connection: their times, in
/// [`filled`] order. With a phone number and a postal code, one more: the
/// pair indexes' (a number that matches every number, a lone trunk "0",
/// can't use them: that query counts the leading field's time).
fn by_hand(conn: &Connection, q: &CustomerQuery) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::new();
    for d in filled(q) {
        let (sql, args) = customer_search_sql_with(q, LIMIT, Some(d));
        let t = Instant::now();
        raw_search(conn, &sql, &args)?;
        times.push(t.elapsed());
    }
    if let Some((sql, args)) = phone_postal_sql(q, LIMIT) {
        let t = Instant::now();
        raw_search(conn, &sql, &args)?;
        times.push(t.elapsed());
    } else if filled(q).first() == Some(&SearchField::Postal) && !q.phone.trim().is_empty() {
        times.push(times[0]);
    }
    Ok(times)
}

/// Runs a statement, reading every column, on a bare connection.
fn raw_search(conn: &Connection, sql: &str, args: &[String]) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        for i in 0..10 {
            let _ = r.get_ref(i)?;
        }
        n += 1;
    }
    Ok(n)
}

struct Outcome {
    pass: bool,
}

/// Queries run first in each row and not counted: they bring the row's
/// index pages into both connections' maps (the first row otherwise pays
/// for the whole start).
const WARM_UP: usize = 200;

fn run_case(
    name: &str,
    fields: &[F],
    store: &Store,
    raw: &Connection,
    pool: &[Sample],
    queries: usize,
    rng: &mut fastrand::Rng,
) -> anyhow::Result<Outcome> {
    let mut store_t = Vec::with_capacity(queries);
    // Per query the fastest statement (known in hindsight), and per
    // statement (driving field) its times over all queries.
    let mut raw_t = Vec::with_capacity(queries);
    let mut per_driver: Vec<Vec<Duration>> = Vec::new();
    let mut hits = 0usize;
    let mut rows_total = 0usize;
    let mut slowest: Vec<(Duration, Duration, CustomerQuery)> = Vec::new();
    for i in 0..queries + WARM_UP {
        let sample = &pool[rng.usize(..pool.len())];
        let mut q = CustomerQuery::default();
        for &f in fields {
            fill(&mut q, f, sample, rng);
        }
        // Alternate which runs first, so neither always gets the warmer cache.
        let (ts, hand, n) = if i % 2 == 0 {
            let t = Instant::now();
            let rows = store.search_customers(&q, LIMIT)?;
            let ts = t.elapsed();
            (ts, by_hand(raw, &q)?, rows.len())
        } else {
            let hand = by_hand(raw, &q)?;
            let t = Instant::now();
            let rows = store.search_customers(&q, LIMIT)?;
            (t.elapsed(), hand, rows.len())
        };
        if i < WARM_UP {
            continue;
        }
        let tr = hand.iter().copied().min().unwrap_or(Duration::ZERO);
        store_t.push(ts);
        raw_t.push(tr);
        per_driver.resize(hand.len(), Vec::new());
        for (d, t) in hand.into_iter().enumerate() {
            per_driver[d].push(t);
        }
        rows_total += n;
        if n > 0 {
            hits += 1;
        }
        slowest.push((ts, tr, q));
    }
    store_t.sort();
    raw_t.sort();
    let (s50, s99) = (percentile(&store_t, 0.5), percentile(&store_t, 0.99));
    let r99 = percentile(&raw_t, 0.99);
    // The best statement by hand: the one driving field whose p99 over the
    // row's queries is lowest (a statement is written once per kind of
    // search; it can't know which index suits each query).
    let h99 = per_driver
        .iter_mut()
        .map(|times| {
            times.sort();
            percentile(times, 0.99)
        })
        .min()
        .unwrap_or(Duration::ZERO);
    let ratio = s99.as_secs_f64() / h99.as_secs_f64().max(1e-9);
    let hindsight = s99.as_secs_f64() / r99.as_secs_f64().max(1e-9);
    let pass = s99 <= TARGET_P99 && ratio <= TARGET_RATIO;
    println!(
        "| {name:<18} | {:>9} | {:>9} | {:>9} | {ratio:>5.2} | {:>9} | {hindsight:>5.2} | {:>5.1}% | {:>6.1} | {} |",
        ms(s50),
        ms(s99),
        ms(h99),
        ms(r99),
        100.0 * hits as f64 / queries as f64,
        rows_total as f64 / queries as f64,
        if pass { "PASS" } else { "FAIL" }
    );
    if !pass || std::env::var_os("ORDERDESK_BENCH_VERBOSE").is_some() {
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (ts, tr, q) in slowest.iter().take(5) {
            eprintln!(
                "    slow {name}: store {} ms, fastest statement {} ms: {q:?}",
                ms(*ts),
                ms(*tr)
            );
        }
    }
    Ok(Outcome { pass })
}

/// The PostgreSQL database of `ORDERDESK_BENCH_PG`, migrated, holding the
/// bench's customers: moved from the SQLite file when it has none.
fn postgres_copy(params: &str, path: &Path, customers: i64) -> anyhow::Result<()> {
    let db = Db::connect_postgres(params)?;
    pg_migrate::run(&db)?;
    let count = |db: &Db| -> anyhow::Result<i64> {
        Ok(db
            .sql()
            .query_row("SELECT count(*) FROM customers", &[])?
            .get_i64(0)?)
    };
    if count(&db)? == 0 {
        drop(db);
        let t = Instant::now();
        move_to_postgres(path, params, Duration::from_secs(5), &mut |line| {
            eprintln!("{line}")
        })?;
        eprintln!("moved to PostgreSQL in {:.1} s", t.elapsed().as_secs_f64());
        // The move vacuums and analyses the store, as `orderdesk migrate` does.
        return Ok(());
    }
    let have = count(&db)?;
    anyhow::ensure!(
        have == customers,
        "ORDERDESK_BENCH_PG holds {have} customers, the bench database {customers}: give an empty database"
    );
    Ok(())
}

/// One row on PostgreSQL: p50 and p99 of the store's search there, and how
/// many queries found the very rows SQLite's store finds. Passes at p99 <=
/// 5 ms with every query the same.
fn run_pg_case(
    name: &str,
    fields: &[F],
    pg: &Store,
    store: &Store,
    pool: &[Sample],
    queries: usize,
    rng: &mut fastrand::Rng,
) -> anyhow::Result<bool> {
    let mut times = Vec::with_capacity(queries);
    // Timed back to back, compared with SQLite's rows afterwards: a SQLite
    // search between two timed ones would flush this machine's caches
    // and time that instead of PostgreSQL.
    let mut found = Vec::with_capacity(queries);
    for i in 0..queries + WARM_UP {
        let sample = &pool[rng.usize(..pool.len())];
        let mut q = CustomerQuery::default();
        for &f in fields {
            fill(&mut q, f, sample, rng);
        }
        let t = Instant::now();
        let rows = pg.search_customers(&q, LIMIT)?;
        let elapsed = t.elapsed();
        if i < WARM_UP {
            continue;
        }
        times.push(elapsed);
        found.push((q, rows));
    }
    let mut slowest: Vec<(Duration, &CustomerQuery)> = times
        .iter()
        .copied()
        .zip(found.iter().map(|(q, _)| q))
        .collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut same = 0usize;
    for (q, rows) in &found {
        if *rows == store.search_customers(q, LIMIT)? {
            same += 1;
        } else if std::env::var_os("ORDERDESK_BENCH_VERBOSE").is_some() {
            eprintln!("    differs from SQLite {name}: {q:?}");
        }
    }
    times.sort();
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    let pass = p99 <= TARGET_P99 && same == queries;
    println!(
        "| {name:<18} | {:>9} | {:>9} | {:>5.1}% | {} |",
        ms(p50),
        ms(p99),
        100.0 * same as f64 / queries as f64,
        if pass { "PASS" } else { "FAIL" }
    );
    if !pass || std::env::var_os("ORDERDESK_BENCH_VERBOSE").is_some() {
        for (t, q) in slowest.iter().take(5) {
            eprintln!("    slow {name}: {} ms: {q:?}", ms(*t));
        }
    }
    Ok(pass)
}

fn main() -> anyhow::Result<()> {
    let customers = env_u64("ORDERDESK_BENCH_CUSTOMERS", 1_000_000);
    let queries = env_u64("ORDERDESK_BENCH_QUERIES", 3_000) as usize;
    let path = std::env::var_os("ORDERDESK_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-customers.db"));
    prepare_db(&path, customers)?;

    // Start-up: open the database and show the first (empty) search, as the
    // console does. Measured on a fresh process-level connection each time.
    let mut startup = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let (store, _) =
            Store::open(&path, Duration::from_secs(5)).map_err(|e| anyhow::anyhow!("{e}"))?;
        let rows = store.search_customers(&CustomerQuery::default(), LIMIT)?;
        startup.push(t.elapsed());
        assert!(!rows.is_empty(), "the empty search lists customers");
    }
    let startup_max = *startup.iter().max().unwrap_or(&Duration::ZERO);
    let startup_ok = startup_max <= TARGET_STARTUP;
    println!(
        "open + first empty search: {} ms (max of 5; runs: {}) target < {} ms: {}",
        ms(startup_max),
        startup
            .iter()
            .map(|d| ms(*d))
            .collect::<Vec<_>>()
            .join(", "),
        TARGET_STARTUP.as_millis(),
        if startup_ok { "PASS" } else { "FAIL" }
    );

    let (store, _) =
        Store::open(&path, Duration::from_secs(5)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let raw = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    raw.set_prepared_statement_cache_capacity(64);
    // The store's connection settings that bear on reading speed.
    raw.pragma_update(None, "mmap_size", orderdesk::store::MMAP_SIZE)?;
    print_load_average();
    let customers_now: i64 = raw.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?;
    // Both connections' maps in the page tables, as the console's store
    // does for its map as it opens: the same start for store and hand.
    // (SQLite maps the file at its first read through the map.)
    store.search_customers(&CustomerQuery::default(), 1)?;
    orderdesk::store::map_warm::warm(&path);
    let mut rng = fastrand::Rng::with_seed(20_240_601);
    let pool = samples(&raw, &mut rng, 20_000, false)?;
    let account_pool = samples(&raw, &mut rng, 5_000, true)?;

    println!();
    println!(
        "{customers_now} customers, {queries} queries per row, limit {LIMIT}; times in ms; ratio = store p99 / hand p99 (the best statement by hand); hindsight = store p99 / p99 of the fastest statement for each query"
    );
    println!(
        "| {:<18} | {:>9} | {:>9} | {:>9} | {:>5} | {:>9} | {:>5} | {:>6} | {:>6} | p99<=5ms, <=1.5x hand |",
        "field", "store p50", "store p99", "hand p99", "ratio", "hind p99", "hind", "hits", "rows"
    );
    println!(
        "|{}|",
        [20, 11, 11, 11, 7, 11, 7, 8, 8, 23]
            .map(|w| "-".repeat(w))
            .join("|")
    );
    use F::*;
    let fields = [
        ("logon", Logon),
        ("first", First),
        ("last", Last),
        ("phone", Phone),
        ("email", Email),
        ("postal", Postal),
        ("account", Account),
    ];
    // Every single field, every two-field combination, and three fields.
    let mut cases: Vec<(String, Vec<F>)> = fields
        .iter()
        .map(|(n, f)| (n.to_string(), vec![*f]))
        .collect();
    for (i, (a, fa)) in fields.iter().enumerate() {
        for (b, fb) in &fields[i + 1..] {
            cases.push((format!("{a}+{b}"), vec![*fa, *fb]));
        }
    }
    cases.push(("last+first+postal".into(), vec![Last, First, Postal]));
    let mut all_pass = startup_ok;
    // ORDERDESK_BENCH_ONLY=logon+first,phone runs only the rows named.
    let only = std::env::var("ORDERDESK_BENCH_ONLY").ok();
    let sqlite_rows = std::env::var("ORDERDESK_BENCH_SQLITE").map_or(true, |v| v != "0");
    for (name, fields) in &cases {
        if !sqlite_rows
            || only
                .as_deref()
                .is_some_and(|o| !o.split(',').any(|n| n == name))
        {
            continue;
        }
        let pool = if fields.contains(&Account) {
            &account_pool
        } else {
            &pool
        };
        let o = run_case(name, fields, &store, &raw, pool, queries, &mut rng)?;
        all_pass &= o.pass;
    }
    if let Ok(params) = std::env::var("ORDERDESK_BENCH_PG") {
        postgres_copy(&params, &path, customers_now)?;
        // Timed through the store, as the console searches: the
        // connection's sample chooses the way of a pair, as on SQLite.
        let (pg, _) = Store::connect_postgres(&params, Create::Never, Duration::from_secs(5))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!();
        print_postgres_cache(&pg, &["customers", "business_accounts"])?;
        println!("PostgreSQL ({customers_now} customers, {queries} queries per row, limit {LIMIT}; ms; same = rows equal to SQLite's)");
        println!(
            "| {:<18} | {:>9} | {:>9} | {:>6} | p99<=5ms, same |",
            "field", "pg p50", "pg p99", "same"
        );
        println!("|{}|", [20, 11, 11, 8, 17].map(|w| "-".repeat(w)).join("|"));
        let mut rng = fastrand::Rng::with_seed(20_240_601);
        for (name, fields) in &cases {
            if only
                .as_deref()
                .is_some_and(|o| !o.split(',').any(|n| n == name))
            {
                continue;
            }
            let pool = if fields.contains(&Account) {
                &account_pool
            } else {
                &pool
            };
            all_pass &= run_pg_case(name, fields, &pg, &store, pool, queries, &mut rng)?;
        }
    }
    verdict(all_pass)
}

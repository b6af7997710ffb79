//! A PostgreSQL connection waits for another connection's lock no longer
//! than its busy timeout, as SQLite does, then says the database is busy;
//! a connection made again after the server closed it keeps that bound.

use crate::common::pg;
use orderdesk::store::db::{pg_migrate, Db, Error};
use std::time::{Duration, Instant};

const BUSY: Duration = Duration::from_millis(300);

/// Runs `UPDATE currencies …` on the row `holder` has locked; the error
/// and how long it waited.
fn blocked_update(waiter: &Db) -> (String, Duration) {
    let began = Instant::now();
    let err = waiter
        .sql()
        .execute(
            "UPDATE currencies SET name = 'waited' WHERE code = 'USD'",
            &[],
        )
        .expect_err("the row is locked by the other connection");
    (err.to_string(), began.elapsed())
}

/// The server process serving `db`'s connection.
fn backend_pid(db: &Db) -> i64 {
    db.sql()
        .query_row("SELECT pg_backend_pid()", &[])
        .and_then(|r| r.get_i64(0))
        .expect("pid")
}

/// Has the server close the connection its process `pid` serves.
fn terminate(params: &str, pid: i64) -> Result<(), Error> {
    Db::connect_postgres(params)?
        .sql()
        .query_row("SELECT pg_terminate_backend(?1::int)", &[pid.into()])
        .map(drop)
}

#[test]
fn a_lock_held_past_the_busy_timeout_is_refused_as_busy_even_after_reconnecting() {
    let params = pg::fresh_database();
    let holder = Db::connect_postgres(&params).expect("connect");
    pg_migrate::run(&holder).expect("schema");
    holder
        .sql()
        .execute(
            "INSERT INTO currencies (code, minor_units, name) VALUES ('USD', 2, 'US dollar')",
            &[],
        )
        .expect("a row");
    let tx = holder.sql().begin().expect("begin");
    tx.execute(
        "UPDATE currencies SET name = 'held' WHERE code = 'USD'",
        &[],
    )
    .expect("the row locked");
    // Should the bound not hold, the lock goes after some seconds and the
    // blocked update succeeds, failing the test instead of hanging it.
    let holder_pid = backend_pid(&holder);
    let guard_params = params.clone();
    std::thread::spawn(move || {
        std::thread::sleep(BUSY * 20);
        let _ = terminate(&guard_params, holder_pid);
    });

    let waiter = Db::connect_postgres_waiting(&params, BUSY).expect("connect");
    let (err, waited) = blocked_update(&waiter);
    assert!(err.starts_with("database busy"), "{err}");
    assert!(waited >= BUSY, "gave up after {waited:?}");
    assert!(waited < BUSY * 20, "waited {waited:?}");

    // The server closes the waiter's connection; the next statement makes
    // it again, with the same bound.
    terminate(&params, backend_pid(&waiter)).expect("terminated");
    std::thread::sleep(Duration::from_millis(100));
    let _ = waiter.sql().query_row("SELECT 1", &[]);
    let (err, waited) = blocked_update(&waiter);
    assert!(err.starts_with("database busy"), "{err}");
    assert!(waited < BUSY * 20, "waited {waited:?}");
    drop(tx);
}

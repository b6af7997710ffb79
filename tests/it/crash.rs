//! Crash-proof submit (issue 5): a real `orderdesk` process placing orders
//! is killed with SIGKILL at a random moment, fifty times. Each time the
//! database holds whole orders only, reservations match the orders, and
//! `PRAGMA integrity_check` passes; the next process opens it and goes on.

use std::process::{Command, Stdio};
use std::time::Duration;

const KILLS: usize = 50;

#[test]
fn killed_mid_submit_leaves_whole_orders_or_none() {
    let (_dir, path, store) = crate::common::demo_store();
    drop(store);
    let mut rng = fastrand::Rng::with_seed(7);
    let mut seen_orders = 0i64;
    for round in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
            .args(["--db", path.to_str().unwrap(), "--operator", "crash"])
            .args([
                "simulate",
                "--orders",
                "100000",
                "--seed",
                &(round + 1).to_string(),
            ])
            .args(["--items", "TNT-2010,CMK-4011,COF-3006,TNT-2023,CKW-1001"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill mid-stream: once this process has placed an order (however
        // slow a loaded machine makes its start), at a random moment after.
        wait_for_more_orders(&path, seen_orders);
        std::thread::sleep(Duration::from_millis(rng.u64(0..60)));
        child.kill().unwrap(); // SIGKILL on Unix: no chance to clean up
        child.wait().unwrap();

        let conn = rusqlite::Connection::open(&path).unwrap();
        let problems = crate::common::consistency_problems(&conn);
        assert!(problems.is_empty(), "after kill {round}: {problems:#?}");
        let orders: i64 = conn
            .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
            .unwrap();
        assert!(orders >= seen_orders, "placed orders never disappear");
        seen_orders = orders;
    }
    assert!(
        seen_orders > KILLS as i64,
        "the processes were placing orders when killed"
    );
}

/// Waits (up to 20 s) until the database holds more than `seen` orders.
fn wait_for_more_orders(path: &std::path::Path, seen: i64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        let count = rusqlite::Connection::open(path).and_then(|c| {
            c.busy_timeout(Duration::from_secs(1))?;
            c.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get::<_, i64>(0))
        });
        if count.is_ok_and(|n| n > seen) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

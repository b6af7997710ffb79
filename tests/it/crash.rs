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
        std::thread::sleep(Duration::from_millis(rng.u64(20..150)));
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

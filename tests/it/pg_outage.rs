//! The database goes away while a console has an order in progress: every
//! connection to it is cut and new ones are refused (as while the server
//! restarts; scoped to this test's database, so the tests sharing the
//! cluster keep theirs). The session keeps the order, says the database is
//! unreachable, places nothing half, and once the database is back it
//! reconnects by itself, saves the draft and places the order.

use crate::common::pg::{self, url};
use crate::common::today;
use orderdesk::session::{Command, PayInput, Session};
use orderdesk::store::{Create, Store};
use postgres::{Client, NoTls};

fn ok(s: &mut Session, cmd: Command) {
    let shown = format!("{cmd:?}");
    if let Err(r) = s.apply(cmd) {
        panic!("{shown} refused: {r:?}");
    }
    s.refresh(false);
}

/// The cluster's own `postgres` database, to switch the test's on and off.
fn admin(params: &str) -> Client {
    let dbname = params
        .split_whitespace()
        .find_map(|p| p.strip_prefix("dbname="))
        .expect("dbname in the parameters");
    Client::connect(
        &params.replace(&format!("dbname={dbname}"), "dbname=postgres"),
        NoTls,
    )
    .expect("the cluster's postgres database")
}

fn set_reachable(params: &str, reachable: bool) {
    let dbname = params
        .split_whitespace()
        .find_map(|p| p.strip_prefix("dbname="))
        .expect("dbname");
    let mut admin = admin(params);
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {dbname} ALLOW_CONNECTIONS {reachable}"
        ))
        .expect("ALTER DATABASE");
    if !reachable {
        admin
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                &[&dbname],
            )
            .expect("connections cut");
    }
}

fn orders(params: &str) -> i64 {
    Client::connect(params, NoTls)
        .expect("connection")
        .query_one("SELECT count(*) FROM orders", &[])
        .expect("count")
        .get(0)
}

#[test]
fn an_order_in_progress_survives_the_database_going_away_and_is_placed_after() {
    let params = pg::fresh_database();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .env_remove("ORDERDESK_DB")
        .args(["--db", &url(&params), "--operator", "pgadmin", "init"])
        .env("USER", "pgadmin")
        .output()
        .expect("orderdesk init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (store, _) = Store::connect_postgres(&params, Create::Never).expect("store");
    let mut s = Session::new(store, "pgadmin", today());
    ok(
        &mut s,
        Command::PickCustomer {
            id: None,
            logon: Some("jdoe".into()),
        },
    );
    ok(
        &mut s,
        Command::AddItem {
            sku: "TNT-2001".into(),
            qty: 2,
        },
    );
    ok(
        &mut s,
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
    );
    ok(&mut s, Command::Pay(PayInput::Cod));

    set_reachable(&params, false);
    // Whatever reaches the database is refused with the reason, the first
    // time (the cut connection) and the next (no new one).
    for _ in 0..2 {
        let r = s.apply(Command::Submit).expect_err("no database, no order");
        assert!(
            r.message.contains("database unreachable, retrying"),
            "{r:?}"
        );
    }
    s.renew();
    let notice = s.take_notice().unwrap_or_default();
    assert!(
        notice.contains("database unreachable, retrying"),
        "{notice}"
    );
    // The order is still here, whole.
    assert_eq!(s.order().lines.len(), 1);
    assert_eq!(s.order().lines[0].quantity, 2);

    set_reachable(&params, true);
    assert_eq!(orders(&params), 0, "nothing was placed while it was away");
    s.renew();
    ok(&mut s, Command::Submit);
    assert_eq!(orders(&params), 1);
    let placed: (String, i64) = {
        let row = Client::connect(&params, NoTls)
            .expect("connection")
            .query_one(
                "SELECT l.sku, l.quantity FROM order_lines l JOIN orders o ON o.id = l.order_id",
                &[],
            )
            .expect("the placed line");
        (row.get(0), row.get(1))
    };
    assert_eq!(placed, ("TNT-2001".to_string(), 2));
}

//! The database goes away while a console has an order in progress: the
//! server of a cluster of the test's own is stopped and started again,
//! or, in the shared cluster, every connection to the test's database is
//! cut and new ones are refused. The session keeps the order, says the database is
//! unreachable, places nothing half, and once the database is back it
//! reconnects by itself, saves the draft and places the order. Meanwhile
//! the order is kept in a private file on this computer, so a console
//! closed during the outage hands it to the next one.

use crate::common::pg::{self, url};
use crate::common::today;
use orderdesk::session::{Command, PayInput, Session};
use orderdesk::store::{Create, Store};
use postgres::{Client, NoTls};
use std::path::Path;

fn ok(s: &mut Session, cmd: Command) {
    let shown = format!("{cmd:?}");
    if let Err(r) = s.apply(cmd) {
        panic!("{shown} refused: {r:?}");
    }
    s.refresh(false);
}

fn dbname(params: &str) -> &str {
    params
        .split_whitespace()
        .find_map(|p| p.strip_prefix("dbname="))
        .expect("dbname in the parameters")
}

/// Cuts the test's database off (every connection ended, new ones
/// refused) or lets it be reached again.
fn set_reachable(params: &str, reachable: bool) {
    let name = dbname(params);
    let admin_params = params.replace(&format!("dbname={name}"), "dbname=postgres");
    let mut admin = Client::connect(&admin_params, NoTls).expect("the cluster's postgres database");
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}"
        ))
        .expect("ALTER DATABASE");
    if !reachable {
        admin
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                &[&name],
            )
            .expect("connections cut");
    }
}

/// A demo store on PostgreSQL: its connection parameters.
fn demo() -> String {
    let params = pg::fresh_database();
    init(&params);
    params
}

/// The demo store made in the database of `params` by the binary.
fn init(params: &str) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .env_remove("ORDERDESK_DB")
        .args(["--db", &url(params), "--operator", "pgadmin", "init"])
        .env("USER", "pgadmin")
        .output()
        .expect("orderdesk init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A console's session, keeping unsaved orders in `folder`.
fn console(params: &str, folder: &Path) -> Session {
    let (store, _) = Store::connect_postgres(
        params,
        Create::Never,
        orderdesk::store::DEFAULT_BUSY_TIMEOUT,
    )
    .expect("store");
    Session::new(store, "pgadmin", today()).with_unsaved_folder(folder)
}

/// Two tents to jdoe, ground, cash on delivery.
fn take_order(s: &mut Session) {
    ok(
        s,
        Command::PickCustomer {
            id: None,
            logon: Some("jdoe".into()),
        },
    );
    ok(
        s,
        Command::AddItem {
            sku: "TNT-2001".into(),
            qty: 2,
        },
    );
    ok(
        s,
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
    );
    ok(s, Command::Pay(PayInput::Cod));
}

/// The orders placed, and the one line's SKU and quantity.
fn placed(params: &str) -> (i64, String, i64) {
    let mut c = Client::connect(params, NoTls).expect("connection");
    let n: i64 = c
        .query_one("SELECT count(*) FROM orders", &[])
        .expect("count")
        .get(0);
    let row = c
        .query_one("SELECT sku, quantity FROM order_lines", &[])
        .expect("one placed line");
    (n, row.get(0), row.get(1))
}

fn kept_files(folder: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(folder)
        .map(|d| d.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default()
}

/// Changes the quantity while the database is away: refused or not, the
/// order changes here, and its draft cannot be saved.
fn change_while_away(s: &mut Session, qty: u32) {
    let _ = s.apply(Command::SetQuantity { line: 1, qty });
    s.refresh(false);
    s.renew();
}

#[test]
fn an_order_in_progress_survives_the_database_going_away_and_is_placed_after() {
    let params = demo();
    let folder = tempfile::tempdir().expect("a folder");
    let mut s = console(&params, folder.path());
    take_order(&mut s);
    let _ = s.take_notice();

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
    change_while_away(&mut s, 3);
    let notice = s.take_notice().unwrap_or_default();
    assert!(
        notice.contains("database unreachable, retrying"),
        "{notice}"
    );
    assert!(notice.contains("kept on this computer"), "{notice}");
    assert_eq!(s.order().lines.len(), 1);
    assert_eq!(s.order().lines[0].quantity, 3);

    set_reachable(&params, true);
    let orders = Client::connect(&params, NoTls)
        .expect("connection")
        .query_one("SELECT count(*) FROM orders", &[])
        .expect("count")
        .get::<_, i64>(0);
    assert_eq!(orders, 0, "nothing was placed while it was away");
    s.renew();
    assert!(
        kept_files(folder.path()).is_empty(),
        "the database has the draft again"
    );
    ok(&mut s, Command::Submit);
    assert_eq!(placed(&params), (1, "TNT-2001".to_string(), 3));
}

#[test]
fn a_console_closed_while_the_database_is_away_hands_its_order_to_the_next() {
    let params = demo();
    let folder = tempfile::tempdir().expect("a folder");
    let mut s = console(&params, folder.path());
    take_order(&mut s);
    set_reachable(&params, false);
    change_while_away(&mut s, 4);
    let kept = kept_files(folder.path());
    assert_eq!(kept.len(), 1, "{kept:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept[0])
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "private: {mode:o}");
    }
    drop(s); // the console closes while the database is away

    set_reachable(&params, true);
    let mut next = console(&params, folder.path());
    let draft = next
        .pending_draft()
        .expect("drafts read")
        .expect("the kept order comes back as a draft");
    assert!(kept_files(folder.path()).is_empty());
    next.resume(draft.id).expect("the draft resumes");
    next.refresh(false);
    ok(&mut next, Command::Submit);
    assert_eq!(placed(&params), (1, "TNT-2001".to_string(), 4));
}

#[test]
fn a_server_restarted_under_a_console_gets_its_order_after() {
    let cluster = pg::OwnCluster::new("restart");
    let params = cluster.database("orders");
    init(&params);
    let folder = tempfile::tempdir().expect("a folder");
    let mut s = console(&params, folder.path());
    take_order(&mut s);

    cluster.stop();
    let r = s.apply(Command::Submit).expect_err("no server, no order");
    assert!(
        r.message.contains("database unreachable, retrying"),
        "{r:?}"
    );
    change_while_away(&mut s, 5);
    assert_eq!(
        kept_files(folder.path()).len(),
        1,
        "kept while the server is down"
    );

    cluster.start();
    s.renew();
    assert!(
        kept_files(folder.path()).is_empty(),
        "the server has the draft again"
    );
    ok(&mut s, Command::Submit);
    assert_eq!(placed(&params), (1, "TNT-2001".to_string(), 5));
}

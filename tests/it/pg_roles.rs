//! Operators as PostgreSQL roles (pg/migrations/002_operator_roles.sql):
//! connected with a plain SQL client as an operator's or a supervisor's
//! own login role, nobody raises their limits, writes settings or prices,
//! records an adjustment beyond their limits (without a supervisor's
//! approval within the supervisor's) or edits the trail. Each test has a
//! database of its own in the tests' cluster; the login roles are
//! cluster-wide, so their names carry the database's.

use crate::common::pg;
use orderdesk::domain::operator::PIN_ATTEMPTS;
use orderdesk::store::db::{pg_migrate, Db};
use orderdesk::store::operators::{
    operators, record_approval, set_pin, verify_supervisor_pin, NewApproval, PinCheck,
};
use postgres::error::SqlState;
use postgres::{Client, NoTls};

/// A migrated database with a small catalog, an operator and a supervisor.
struct Centre {
    params: String,
    operator: String,
    supervisor: String,
}

/// What the owner puts in before anyone logs in: USD, a reason code, one
/// item at 200.00.
const CATALOG: &str = "
    INSERT INTO currencies (code, minor_units, name) VALUES ('USD', 2, 'US dollar');
    INSERT INTO reason_codes (code, label) VALUES ('goodwill', 'Goodwill');
    INSERT INTO categories (code, name) VALUES ('lamps', 'Lamps');
    INSERT INTO items (sku, sku_key, name, name_key, category_id, weight_grams)
        VALUES ('L-1', 'l-1', 'Lamp', 'lamp', 1, 900);
    INSERT INTO price_lists (currency, name) VALUES ('USD', 'US');
    INSERT INTO prices (price_list_id, item_id, amount) VALUES (1, 1, '200.00');
    INSERT INTO settings (key, value) VALUES ('default_currency', 'USD');
";

impl Centre {
    fn new() -> Centre {
        let params = pg::fresh_database();
        let db = Db::connect_postgres(&params).expect("connection");
        pg_migrate::run(&db).expect("migrates");
        let dbname = params
            .split_whitespace()
            .find_map(|p| p.strip_prefix("dbname="))
            .expect("dbname in the parameters")
            .to_string();
        let centre = Centre {
            operator: format!("op_{dbname}"),
            supervisor: format!("sup_{dbname}"),
            params,
        };
        let mut owner = centre.owner();
        owner.batch_execute(CATALOG).expect("catalog");
        for (who, role) in [
            (&centre.operator, "operator"),
            (&centre.supervisor, "supervisor"),
        ] {
            let said: String = owner
                .query_one("SELECT orderdesk_grant_operator($1, $2)", &[who, &role])
                .expect("grant")
                .get(0);
            assert_eq!(said, format!("{who}: login role in orderdesk_{role}"));
        }
        owner
            .execute(
                "UPDATE operators SET pin_hash = crypt($2, gen_salt('bf', 4)) WHERE login = $1",
                &[&centre.supervisor, &PIN],
            )
            .expect("the supervisor's PIN");
        centre
    }

    /// The schema's owner (the tests' superuser), as migrations and demo
    /// data connect.
    fn owner(&self) -> Client {
        Client::connect(&self.params, NoTls).expect("owner connection")
    }

    /// A plain client logged in as `login`.
    fn login(&self, login: &str) -> Client {
        let params = self
            .params
            .replace("user=postgres", &format!("user={login}"));
        Client::connect(&params, NoTls).unwrap_or_else(|e| panic!("login as {login}: {e}"))
    }

    /// A placed order (by the owner): 2 × L-1 at 200.00, one shipment
    /// charged its computed 20.00. Its id.
    fn order(&self, token: &str) -> i64 {
        let mut owner = self.owner();
        let no: i64 = owner
            .query_one(
                "UPDATE order_number_sequence SET next_no = next_no + 1 RETURNING next_no - 1",
                &[],
            )
            .unwrap()
            .get(0);
        let id: i64 = owner
            .query_one(
                "INSERT INTO orders (order_no, submit_token, customer_snapshot, currency,
                     backorder_choice, billing_address, merchandise_total, discount_total,
                     shipping_total, tax_total, grand_total, breakdown, operator, placed_at)
                 VALUES ($1, $2, '{}', 'USD', 'ship_complete', '{}', '400.00', '0.00', '20.00',
                     '0.00', '420.00', '{}', 'owner', '2026-01-05T10:00:00Z')
                 RETURNING id",
                &[&no, &token],
            )
            .unwrap()
            .get(0);
        owner
            .execute(
                "INSERT INTO order_lines (order_id, line_no, item_id, sku, name, ship_to_no, quantity,
                     qty_now, qty_backordered, unit_price, list_price, line_total)
                 VALUES ($1, 1, 1, 'L-1', 'Lamp', 1, 2, 2, 0, '200.00', '200.00', '400.00')",
                &[&id],
            )
            .unwrap();
        owner
            .execute(
                "INSERT INTO shipments (order_id, shipment_no, ship_to_no, method_code, charge, computed_charge)
                 VALUES ($1, 1, 1, 'std', '20.00', '20.00')",
                &[&id],
            )
            .unwrap();
        id
    }

    fn count(&self, sql: &str) -> i64 {
        self.owner().query_one(sql, &[]).unwrap().get(0)
    }

    fn text(&self, sql: &str) -> String {
        self.owner().query_one(sql, &[]).unwrap().get(0)
    }
}

/// An adjustment row as the program writes it (store/order_write.rs).
const ADJUST: &str =
    "INSERT INTO adjustments (order_id, kind, target, amount, reason_code, operator,
        created_at, approval_id)
    VALUES ($1, $2, $3, $4, 'goodwill', $5, '2026-01-05T10:00:00Z', $6)";

/// The supervisor's PIN.
const PIN: &str = "4321";

/// The supervisor's PIN typed on `asker`'s connection, as the program
/// checks it (store/approvals.rs): the database's outcome.
fn check_pin(client: &mut Client, supervisor: &str, pin: &str, asker: &str) -> String {
    client
        .query_one(
            "SELECT outcome FROM orderdesk_check_pin($1, $2, $3)",
            &[&supervisor, &pin, &asker],
        )
        .expect("the PIN check runs")
        .get(0)
}

/// A right PIN on `client` (logged in as `asker`): one approval it may record.
fn pass(client: &mut Client, supervisor: &str, asker: &str) {
    assert_eq!(check_pin(client, supervisor, PIN, asker), "approved");
}

/// An approval as the program records it for an adjustment on the order
/// with submit token `token` (store/operators.rs record_approval).
const APPROVE: &str =
    "INSERT INTO approvals (at, operator, supervisor, action, order_token, subject)
    VALUES ('2026-01-05T09:59:00Z', $1, $2, 'adjustment', $3, 'order:' || $3)
    RETURNING id";

/// The error of a statement the database refused for want of privilege
/// (42501), whether a grant or a trigger said no: its message.
/// A charge changed and its override recorded, in one transaction as the
/// program writes them (`update` takes the order id as $1); the commit's
/// outcome.
fn charge_with_override(
    op: &mut Client,
    update: &str,
    order: i64,
    kind: &str,
    amount: &str,
    who: &str,
) -> Result<(), postgres::Error> {
    let none: Option<i64> = None;
    let mut tx = op.transaction().unwrap();
    tx.execute(update, &[&order]).unwrap();
    tx.execute(ADJUST, &[&order, &kind, &"1", &amount, &who, &none])
        .unwrap();
    tx.commit()
}

fn refused<T: std::fmt::Debug>(result: Result<T, postgres::Error>) -> String {
    let e = result.expect_err("the database must refuse this");
    assert_eq!(e.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{e:?}");
    e.as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_default()
}

fn limits_cannot_be_raised_by(centre: &Centre, who: &str, role: &str) {
    let mut me = centre.login(who);
    let msg = refused(me.execute(
        "UPDATE role_limits SET amount_off = '99999.00', percent_off = '100' WHERE role = $1",
        &[&role],
    ));
    assert!(
        msg.contains("permission denied for table role_limits"),
        "{msg}"
    );
    let msg = refused(me.execute(
        "INSERT INTO operator_limits (operator, currency, amount_off, percent_off, shipping_waiver, price_increase)
         VALUES ($1, 'USD', '99999.00', '100', 1, 1)",
        &[&who],
    ));
    assert!(
        msg.contains("permission denied for table operator_limits"),
        "{msg}"
    );
    // Nor the role that decides the limits, nor one's own login role.
    let msg = refused(me.execute(
        "UPDATE operators SET role = 'admin' WHERE login = $1",
        &[&who],
    ));
    assert!(
        msg.contains("permission denied for table operators"),
        "{msg}"
    );
    let msg = refused(me.query("SELECT orderdesk_grant_operator($1, 'admin')", &[&who]));
    assert!(msg.contains("orderdesk_grant_operator"), "{msg}");
    // An own row the admin gave stays as given.
    centre
        .owner()
        .execute(
            "INSERT INTO operator_limits (operator, currency, amount_off, percent_off, shipping_waiver, price_increase)
             VALUES ($1, 'USD', '60.00', '20', 0, 0)",
            &[&who],
        )
        .unwrap();
    refused(me.execute(
        "UPDATE operator_limits SET amount_off = '99999.00' WHERE operator = $1",
        &[&who],
    ));
    refused(me.execute("DELETE FROM operator_limits WHERE operator = $1", &[&who]));
    let amount =
        format!("SELECT amount_off FROM role_limits WHERE role = '{role}' AND currency = 'USD'");
    let seeded = if role == "operator" {
        "50.00"
    } else {
        "250.00"
    };
    assert_eq!(centre.text(&amount), seeded);
    let own = format!("SELECT amount_off FROM operator_limits WHERE operator = '{who}'");
    assert_eq!(centre.text(&own), "60.00");
    let kept = format!("SELECT role FROM operators WHERE login = '{who}'");
    assert_eq!(centre.text(&kept), role);
}

#[test]
fn an_operator_cannot_raise_its_own_limits() {
    let centre = Centre::new();
    limits_cannot_be_raised_by(&centre, &centre.operator, "operator");
}

#[test]
fn a_supervisor_cannot_raise_its_own_limits_either() {
    let centre = Centre::new();
    limits_cannot_be_raised_by(&centre, &centre.supervisor, "supervisor");
}

#[test]
fn an_operator_cannot_write_settings_prices_or_the_catalog() {
    let centre = Centre::new();
    let mut op = centre.login(&centre.operator);
    for (sql, table) in [
        (
            "UPDATE settings SET value = 'EUR' WHERE key = 'default_currency'",
            "settings",
        ),
        (
            "INSERT INTO settings (key, value) VALUES ('x', 'y')",
            "settings",
        ),
        ("UPDATE prices SET amount = '1.00'", "prices"),
        (
            "INSERT INTO items (sku, sku_key, name, name_key, category_id, weight_grams)
          VALUES ('X', 'x', 'X', 'x', 1, 1)",
            "items",
        ),
        ("UPDATE promotions SET active = 1", "promotions"),
        ("DELETE FROM coupons", "coupons"),
    ] {
        let msg = refused(op.execute(sql, &[]));
        assert!(
            msg.contains(&format!("permission denied for table {table}")),
            "{sql}: {msg}"
        );
    }
    assert_eq!(
        centre.text("SELECT value FROM settings WHERE key = 'default_currency'"),
        "USD"
    );
    assert_eq!(centre.text("SELECT amount FROM prices"), "200.00");
    assert_eq!(centre.count("SELECT count(*) FROM items"), 1);
    // What taking an order writes, it may: a draft, an order number.
    op.execute(
        "INSERT INTO drafts (operator, data, created_at, updated_at) VALUES ($1, '{}', 'now', 'now')",
        &[&centre.operator],
    )
    .unwrap();
    op.execute(
        "UPDATE order_number_sequence SET next_no = next_no + 1",
        &[],
    )
    .unwrap();
    assert_eq!(centre.count("SELECT count(*) FROM drafts"), 1);
}

#[test]
fn an_adjustment_beyond_the_operators_limit_is_refused_by_the_database() {
    let centre = Centre::new();
    let mut op = centre.login(&centre.operator);
    let who = centre.operator.as_str();
    let none: Option<i64> = None;
    // The operator role: 50.00 and 15 % in USD. 70.00 off a 400.00 subtotal.
    let over = centre.order("over");
    let msg = refused(op.execute(ADJUST, &[&over, &"subtotal", &"", &"70.00", &who, &none]));
    assert!(
        msg.contains("subtotal: 70.00 off is over your adjustment limit of 50.00"),
        "{msg}"
    );
    let on = |id: i64| format!("SELECT count(*) FROM adjustments WHERE order_id = {id}");
    assert_eq!(centre.count(&on(over)), 0);
    // 40.00 off 400.00: 10 %, within.
    let within = centre.order("within");
    op.execute(ADJUST, &[&within, &"subtotal", &"", &"40.00", &who, &none])
        .unwrap();
    assert_eq!(centre.count(&on(within)), 1);

    // A price override as it lands: the line's price and its adjustment, in
    // one transaction. 2 × 30.00 off = 60.00, over 50.00.
    let line = centre.order("line");
    let msg = refused(charge_with_override(
        &mut op,
        "UPDATE order_lines SET unit_price = '170.00' WHERE order_id = $1",
        line,
        "price_override",
        "60.00",
        who,
    ));
    assert!(
        msg.contains("line 1: 60.00 off is over your adjustment limit of 50.00"),
        "{msg}"
    );
    // Nor the price alone, without the override the limit is measured on.
    let msg = refused(op.execute(
        "UPDATE order_lines SET unit_price = '170.00' WHERE order_id = $1",
        &[&line],
    ));
    assert!(
        msg.contains("charged 170.00 instead of 200.00 without a price override"),
        "{msg}"
    );
    let price = format!("SELECT unit_price FROM order_lines WHERE order_id = {line}");
    assert_eq!(centre.text(&price), "200.00");
    assert_eq!(centre.count(&on(line)), 0);
    // 2 × 20.00 off = 40.00 is within; a third lamp at that price is not.
    charge_with_override(
        &mut op,
        "UPDATE order_lines SET unit_price = '180.00' WHERE order_id = $1",
        line,
        "price_override",
        "40.00",
        who,
    )
    .unwrap();
    assert_eq!(centre.text(&price), "180.00");
    let msg = refused(op.execute(
        "UPDATE order_lines SET quantity = 3, qty_now = 3 WHERE order_id = $1",
        &[&line],
    ));
    assert!(
        msg.contains("line 1: 60.00 off is over your adjustment limit of 50.00"),
        "{msg}"
    );
    let quantity = format!("SELECT quantity FROM order_lines WHERE order_id = {line}");
    assert_eq!(centre.count(&quantity), 2);

    // A shipping waiver needs the permission the operator role lacks, set
    // to zero on the shipment or not.
    let ship = centre.order("ship");
    let msg = refused(charge_with_override(
        &mut op,
        "UPDATE shipments SET charge = '0.00' WHERE order_id = $1",
        ship,
        "shipping_override",
        "20.00",
        who,
    ));
    assert!(
        msg.contains("shipment 1: waiving shipping of 20.00 needs the shipping-waiver permission"),
        "{msg}"
    );
    let msg = refused(op.execute(
        "UPDATE shipments SET charge = '0.00' WHERE order_id = $1",
        &[&ship],
    ));
    assert!(msg.contains("without a shipping override"), "{msg}");
    let charge = format!("SELECT charge FROM shipments WHERE order_id = {ship}");
    assert_eq!(centre.text(&charge), "20.00");

    // In someone else's name (the supervisor's wider limits) neither.
    let other = centre.order("other");
    let msg = refused(op.execute(
        ADJUST,
        &[
            &other,
            &"subtotal",
            &"",
            &"10.00",
            &centre.supervisor.as_str(),
            &none,
        ],
    ));
    assert!(
        msg.contains(&format!(
            "{who} may not make an adjustment in {}'s name",
            centre.supervisor
        )),
        "{msg}"
    );
    assert_eq!(centre.count(&on(other)), 0);
}

#[test]
fn a_supervisors_approval_within_the_supervisors_limit_lets_it_through() {
    let centre = Centre::new();
    let mut op = centre.login(&centre.operator);
    let (who, sup) = (centre.operator.as_str(), centre.supervisor.as_str());
    let on = |id: i64| format!("SELECT count(*) FROM adjustments WHERE order_id = {id}");
    // The supervisor role: 250.00 and 40 %. 150.00 off 400.00 is 37.5 %.
    let within = centre.order("within");
    pass(&mut op, sup, who);
    let approval: i64 = op
        .query_one(APPROVE, &[&who, &sup, &"within"])
        .unwrap()
        .get(0);
    op.execute(
        ADJUST,
        &[&within, &"subtotal", &"", &"150.00", &who, &Some(approval)],
    )
    .unwrap();
    assert_eq!(centre.count(&on(within)), 1);
    // 200.00 off 400.00 is 50 %: beyond the supervisor too, in their name.
    let beyond = centre.order("beyond");
    pass(&mut op, sup, who);
    let approval: i64 = op
        .query_one(APPROVE, &[&who, &sup, &"beyond"])
        .unwrap()
        .get(0);
    let msg = refused(op.execute(
        ADJUST,
        &[&beyond, &"subtotal", &"", &"200.00", &who, &Some(approval)],
    ));
    assert!(
        msg.contains(&format!(
            "subtotal: 200.00 off 400.00 is 50%, over {sup}'s adjustment limit of 40%"
        )),
        "{msg}"
    );
    assert_eq!(centre.count(&on(beyond)), 0);
    // An approval given for another order does not carry over.
    let elsewhere = centre.order("elsewhere");
    let msg = refused(op.execute(
        ADJUST,
        &[
            &elsewhere,
            &"subtotal",
            &"",
            &"150.00",
            &who,
            &Some(approval),
        ],
    ));
    assert!(msg.contains("was given for something else"), "{msg}");
    // Nor does an approval name someone who approves nothing.
    let msg = refused(op.query(APPROVE, &[&who, &who, &"elsewhere"]));
    assert!(
        msg.contains(&format!("{who} is not an enabled supervisor")),
        "{msg}"
    );
    assert_eq!(centre.count(&on(elsewhere)), 0);
}

#[test]
fn an_approval_needs_a_pin_the_database_checked() {
    let centre = Centre::new();
    let (who, sup) = (centre.operator.as_str(), centre.supervisor.as_str());
    let mut op = centre.login(who);
    // The hashes are hidden; the rest of the table, and whether a PIN is
    // set, are not.
    let msg = refused(op.query("SELECT pin_hash FROM operators", &[]));
    assert!(
        msg.contains("permission denied for table operators"),
        "{msg}"
    );
    let set: bool = op
        .query_one("SELECT orderdesk_pin_set($1)", &[&sup])
        .unwrap()
        .get(0);
    assert!(set);
    let role: String = op
        .query_one("SELECT role FROM operators WHERE login = $1", &[&sup])
        .unwrap()
        .get(0);
    assert_eq!(role, "supervisor");
    // Nobody clears a count of wrong tries or a lock by hand.
    refused(op.execute(
        "UPDATE operators SET pin_failures = 0, pin_locked_until = NULL WHERE login = $1",
        &[&sup],
    ));
    // An approval made up in SQL is refused; so is one after a wrong PIN.
    let no_pass = format!("no PIN of {sup} was checked on this connection");
    let msg = refused(op.query(APPROVE, &[&who, &sup, &"forged"]));
    assert!(msg.contains(&no_pass), "{msg}");
    assert_eq!(check_pin(&mut op, sup, "9999", who), "wrong");
    let msg = refused(op.query(APPROVE, &[&who, &sup, &"forged"]));
    assert!(msg.contains(&no_pass), "{msg}");
    let wrong = format!(
        "SELECT count(*) FROM audit WHERE action = 'approval.pin_wrong' AND operator = '{who}'"
    );
    assert_eq!(centre.count(&wrong), 1);
    // A right PIN records one approval, not two; and not on another's
    // connection, nor in another's name.
    pass(&mut op, sup, who);
    let mut other = centre.login(sup);
    let msg = refused(other.query(APPROVE, &[&sup, &sup, &"theirs"]));
    assert!(msg.contains("no PIN of"), "{msg}");
    op.query_one(APPROVE, &[&who, &sup, &"once"]).unwrap();
    let msg = refused(op.query(APPROVE, &[&who, &sup, &"twice"]));
    assert!(msg.contains(&no_pass), "{msg}");
    let msg = refused(op.query(
        "SELECT * FROM orderdesk_check_pin($1, $2, $3)",
        &[&sup, &PIN, &sup],
    ));
    assert!(
        msg.contains(&format!("{who} may not check a PIN for {sup}")),
        "{msg}"
    );
    // The program's count: the last wrong try locks the PIN, and then even
    // the right one is not checked.
    for _ in 0..PIN_ATTEMPTS {
        assert_eq!(check_pin(&mut op, sup, "0000", who), "wrong");
    }
    let locked: Option<String> = op
        .query_one(
            "SELECT pin_locked_until FROM operators WHERE login = $1",
            &[&sup],
        )
        .unwrap()
        .get(0);
    assert!(locked.is_some());
    assert_eq!(check_pin(&mut op, sup, PIN, who), "locked");
    let msg = refused(op.query(APPROVE, &[&who, &sup, &"locked"]));
    assert!(msg.contains(&no_pass), "{msg}");
}

#[test]
fn the_program_sets_and_checks_pins_through_the_database() {
    let centre = Centre::new();
    let (who, sup) = (centre.operator.as_str(), centre.supervisor.as_str());
    let owner = Db::connect_postgres(&centre.params).expect("owner");
    set_pin(owner.sql(), sup, "86420", "owner").expect("set-pin");
    let op = Db::connect_postgres(
        &centre
            .params
            .replace("user=postgres", &format!("user={who}")),
    )
    .expect("operator");
    let now = chrono::Utc::now();
    let listed = operators(op.sql()).expect("the operators, as an operator reads them");
    let row = listed.iter().find(|o| o.login == sup).expect("listed");
    assert!(row.pin_set);
    // The old PIN no longer holds; the new one does, and lets the operator
    // record the approval.
    match verify_supervisor_pin(op.sql(), sup, PIN, who, now).unwrap() {
        PinCheck::Wrong {
            failures: 1,
            locked_until: None,
        } => {}
        other => panic!("{other:?}"),
    }
    match verify_supervisor_pin(op.sql(), sup, "86420", who, now).unwrap() {
        PinCheck::Approved { login, .. } => assert_eq!(login, sup),
        other => panic!("{other:?}"),
    }
    let approval = record_approval(
        op.sql(),
        &NewApproval {
            operator: who,
            supervisor: sup,
            action: "adjustment",
            order_token: "t",
            subject: "order:t",
            detail: "10.00 off",
        },
        now,
    )
    .expect("recorded with the database's pass");
    assert_eq!(approval.supervisor, sup);
    // A hash set on another database (an SQLite store moved here) is not
    // one this database checks: the PIN is set again.
    owner
        .sql()
        .execute(
            "UPDATE operators SET pin_hash = '$argon2id$v=19$m=19456,t=2,p=1$x$y' WHERE login = ?1",
            &[sup.into()],
        )
        .unwrap();
    match verify_supervisor_pin(op.sql(), sup, "86420", who, now).unwrap() {
        PinCheck::Refused(why) => assert!(why.contains("set on another database"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_order_change_keeps_a_supervisors_adjustment_in_the_supervisors_name() {
    let centre = Centre::new();
    let (who, sup) = (centre.operator.as_str(), centre.supervisor.as_str());
    let none: Option<i64> = None;
    let order = centre.order("changed");
    // The supervisor's own 150.00 off, within their limits.
    centre
        .login(sup)
        .execute(ADJUST, &[&order, &"subtotal", &"", &"150.00", &sup, &none])
        .unwrap();
    // The operator changes the order: its adjustments are written again
    // (store/order_write.rs), the supervisor's still theirs.
    let mut op = centre.login(who);
    let mut tx = op.transaction().unwrap();
    tx.execute("DELETE FROM adjustments WHERE order_id = $1", &[&order])
        .unwrap();
    tx.execute(ADJUST, &[&order, &"subtotal", &"", &"150.00", &sup, &none])
        .unwrap();
    tx.commit().unwrap();
    let maker = format!("SELECT operator FROM adjustments WHERE order_id = {order}");
    assert_eq!(centre.text(&maker), sup);
    // A note of its own making (in a session that has none yet) does not
    // pass for one the change removed.
    let mut op = centre.login(who);
    let mut tx = op.transaction().unwrap();
    tx.batch_execute(
        "CREATE TEMPORARY TABLE orderdesk_adjustments_removed (order_id bigint, kind text,
             operator text, created_at text, approval_id bigint)",
    )
    .unwrap();
    tx.execute(
        "INSERT INTO orderdesk_adjustments_removed VALUES ($1, 'subtotal', $2, '2026-01-05T10:00:00Z', NULL)",
        &[&order, &sup],
    )
    .unwrap();
    tx.execute(ADJUST, &[&order, &"subtotal", &"", &"90.00", &sup, &none])
        .unwrap();
    let msg = refused(tx.commit());
    assert!(msg.contains("was not made by orderdesk"), "{msg}");
    let amounts =
        format!("SELECT string_agg(amount, ',') FROM adjustments WHERE order_id = {order}");
    assert_eq!(centre.text(&amounts), "150.00");
}

#[test]
fn the_audit_trail_and_approvals_are_insert_only_for_operators() {
    let centre = Centre::new();
    let (who, sup) = (centre.operator.as_str(), centre.supervisor.as_str());
    for login in [who, sup] {
        let mut me = centre.login(login);
        let id: i64 = me
            .query_one(
                "INSERT INTO audit (at, operator, action, subject, detail)
                 VALUES ('2026-01-05T10:00:00Z', $1, 'order.placed', 'order:1', 'as it was')
                 RETURNING id",
                &[&login],
            )
            .unwrap()
            .get(0);
        let msg = refused(me.execute(
            "UPDATE audit SET detail = 'rewritten' WHERE id = $1",
            &[&id],
        ));
        assert!(msg.contains("permission denied for table audit"), "{msg}");
        refused(me.execute("DELETE FROM audit WHERE id = $1", &[&id]));
        let detail = format!("SELECT detail FROM audit WHERE id = {id}");
        assert_eq!(centre.text(&detail), "as it was");

        pass(&mut me, sup, login);
        let approval: i64 = me.query_one(APPROVE, &[&login, &sup, &"t"]).unwrap().get(0);
        let msg = refused(me.execute(
            "UPDATE approvals SET supervisor = 'someone' WHERE id = $1",
            &[&approval],
        ));
        assert!(
            msg.contains("permission denied for table approvals"),
            "{msg}"
        );
        refused(me.execute("DELETE FROM approvals WHERE id = $1", &[&approval]));
        refused(me.execute("UPDATE order_events SET detail = ''", &[]));
        let still = format!("SELECT supervisor FROM approvals WHERE id = {approval}");
        assert_eq!(centre.text(&still), sup);
    }
}

#[test]
fn the_owner_and_the_admin_keep_their_ways() {
    let centre = Centre::new();
    let none: Option<i64> = None;
    // The owner (migrations, demo data, a copy) is not measured.
    let order = centre.order("owned");
    centre
        .owner()
        .execute(
            ADJUST,
            &[&order, &"subtotal", &"", &"300.00", &"anyone", &none],
        )
        .unwrap();
    assert_eq!(
        centre.count(&format!(
            "SELECT count(*) FROM adjustments WHERE order_id = {order}"
        )),
        1
    );
    // An admin login manages limits and operators, and adds operators.
    let admin = format!("{}_admin", centre.operator);
    centre
        .owner()
        .query_one("SELECT orderdesk_grant_operator($1, 'admin')", &[&admin])
        .unwrap();
    let mut me = centre.login(&admin);
    me.execute(
        "UPDATE role_limits SET amount_off = '75.00' WHERE role = 'operator' AND currency = 'USD'",
        &[],
    )
    .unwrap();
    let newcomer = format!("{}_new", centre.operator);
    me.query_one("SELECT orderdesk_grant_operator($1)", &[&newcomer])
        .unwrap();
    assert_eq!(
        centre.text(
            "SELECT amount_off FROM role_limits WHERE role = 'operator' AND currency = 'USD'"
        ),
        "75.00"
    );
    let role = format!("SELECT role FROM operators WHERE login = '{newcomer}'");
    assert_eq!(centre.text(&role), "operator");
    // The newcomer logs in, and now 55.00 off (13.75 %) is within the
    // raised limit.
    let order = centre.order("raised");
    centre
        .login(&newcomer)
        .execute(
            ADJUST,
            &[
                &order,
                &"subtotal",
                &"",
                &"55.00",
                &newcomer.as_str(),
                &none,
            ],
        )
        .unwrap();
    // A login that manages the database cannot be made an operator.
    let msg = refused(
        centre
            .owner()
            .query("SELECT orderdesk_grant_operator('postgres')", &[]),
    );
    assert!(msg.contains("manages the database"), "{msg}");
}

//! `orderdesk check`: is the database sound? SQLite's own checks
//! (`integrity_check`, `foreign_key_check`) and the rules orderdesk keeps
//! (docs/design.md, "Submit"): stock reserved is within stock on hand and
//! equal to what open orders hold; each order's totals equal its lines,
//! shipments, discounts, adjustments and tax; each order is whole (lines, one
//! payment of its total, ship-tos, shipments holding every piece).
//!
//! The check reads only (`query_only`), opens nothing it would refuse to
//! open for the console (not SQLite, another program's database, a newer
//! schema), and reports a damaged file instead of failing on it.
//!
//! On PostgreSQL ([`check_postgres`]) the stock and order checks run as
//! they are (portable SQL) in one read-only snapshot; pages and foreign
//! keys are the server's to keep (it enforces every constraint on write).

use super::customer_shown;
use super::db::{self, pg_migrate, Db, PgTarget, Sql, Value};
use super::{check_file_path, inspect_existing, one_line, OpenError};
use rusqlite::{Connection, OpenFlags};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// At most this many problems are listed per part; the rest are counted.
const SHOWN: usize = 20;

/// One part of the check and what it found.
#[derive(Debug, Clone)]
pub struct Part {
    /// What was checked, e.g. "stock: 219 items: reserved ≤ on hand, …".
    pub what: String,
    /// The problems found (at most [`SHOWN`] of them kept).
    pub problems: Vec<String>,
    /// How many problems there were in all.
    pub count: usize,
}

impl Part {
    fn new(what: impl Into<String>) -> Part {
        Part {
            what: what.into(),
            problems: Vec::new(),
            count: 0,
        }
    }

    fn problem(&mut self, text: impl Into<String>) {
        self.count += 1;
        if self.problems.len() < SHOWN {
            self.problems.push(text.into());
        }
    }
}

/// What `orderdesk check` found.
#[derive(Debug, Clone)]
pub struct Report {
    /// The database checked: the file's path, or the PostgreSQL URL
    /// without its password.
    pub database: String,
    pub parts: Vec<Part>,
}

impl Report {
    /// Problems found in all.
    pub fn problems(&self) -> usize {
        self.parts.iter().map(|p| p.count).sum()
    }

    pub fn is_sound(&self) -> bool {
        self.problems() == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "orderdesk check {}", self.database)?;
        for part in &self.parts {
            if part.count == 0 {
                writeln!(f, "  ok      {}", part.what)?;
                continue;
            }
            let s = if part.count == 1 { "" } else { "s" };
            writeln!(f, "  FAILED  {} ({} problem{s})", part.what, part.count)?;
            for p in &part.problems {
                writeln!(f, "          - {p}")?;
            }
            if part.count > part.problems.len() {
                writeln!(
                    f,
                    "          … and {} more",
                    part.count - part.problems.len()
                )?;
            }
        }
        match self.problems() {
            0 => writeln!(f, "sound: no problems found"),
            1 => writeln!(
                f,
                "1 problem found: the database is not sound; restore the last good backup"
            ),
            n => writeln!(
                f,
                "{n} problems found: the database is not sound; restore the last good backup"
            ),
        }
    }
}

/// Checks the database at `path`. `Err` only when the file cannot be
/// checked at all (missing, not SQLite, another program's, locked);
/// damage is in the report.
pub fn check_database(path: &Path, busy_timeout: Duration) -> Result<Report, OpenError> {
    let p = || path.to_path_buf();
    check_file_path(path)?;
    if !path.exists() {
        return Err(OpenError::Missing(p()));
    }
    if inspect_existing(path)?.is_none() {
        return Err(OpenError::Empty(p()));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| OpenError::Other(p(), one_line(&e)))?;
    let setup = conn
        .busy_timeout(busy_timeout)
        .and_then(|_| conn.pragma_update(None, "query_only", "ON"));
    if let Err(e) = setup {
        return Err(OpenError::Other(p(), one_line(&e)));
    }
    let mut parts = vec![integrity(&conn), foreign_keys(&conn)];
    parts.push(stock(Sql::Sqlite(&conn)));
    // The version as the connection sees it: the file's header lags behind
    // migrations still in the write-ahead log.
    // Unreadable, it is a problem, not an old schema: the shown addresses
    // are then not checked, and the report says why.
    match conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)) {
        Ok(version) => {
            let copied = version >= customer_shown::SQLITE_SINCE;
            parts.push(shown_addresses(Sql::Sqlite(&conn), copied));
        }
        Err(e) => {
            let mut part = Part::new("schema version: readable, to know what else to check");
            part.problem(format!("SQLite {}", one_line(&e)));
            parts.push(part);
        }
    }
    parts.extend(orders(Sql::Sqlite(&conn)));
    Ok(Report {
        database: path.display().to_string(),
        parts,
    })
}

/// Checks the PostgreSQL database `params` names (a URL or libpq
/// `key=value` pairs) without changing it: no migration, one read-only
/// snapshot. `Err` when it cannot be checked at all (unreachable, no
/// orderdesk schema, a newer one).
pub fn check_postgres(params: &str) -> Result<Report, OpenError> {
    let target = PgTarget::parse(params)
        .map_err(|e| OpenError::Postgres("the PostgreSQL connection string".into(), e))?;
    let fail = |why: String| OpenError::Postgres(target.label(), why);
    let db = Db::connect_postgres(params).map_err(|e| fail(format!("cannot connect: {e}")))?;
    let sql = db.sql();
    // REPEATABLE READ: every part reads the same committed state while
    // operators keep working.
    sql.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .map_err(|e| fail(e.to_string()))?;
    let version = schema_version(sql).map_err(|e| fail(e.to_string()))?;
    let version = match version {
        None => {
            return Err(fail(
                "no orderdesk database there (no schema_version table)".into(),
            ))
        }
        Some(v) if v > pg_migrate::LATEST => {
            return Err(fail(
                db::Error::NewerSchema {
                    found: v,
                    known: pg_migrate::LATEST,
                }
                .to_string(),
            ))
        }
        Some(v) => v,
    };
    let mut schema = Part::new(format!(
        "schema: PostgreSQL version {version} (this orderdesk's is {}); pages and foreign keys are kept by the server",
        pg_migrate::LATEST
    ));
    if version < 1 {
        schema.problem("the schema was never made (version 0)");
    }
    let copied = version >= customer_shown::POSTGRES_SINCE;
    let mut parts = vec![schema, stock(sql), shown_addresses(sql, copied)];
    parts.extend(orders(sql));
    // Nothing was written: the snapshot just ends.
    let _ = sql.execute_batch("ROLLBACK");
    Ok(Report {
        database: target.label(),
        parts,
    })
}

/// `schema_version`'s version, None when the table is not there.
fn schema_version(sql: Sql<'_>) -> Result<Option<i64>, db::Error> {
    if !sql
        .query_row("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .get_bool(0)?
    {
        return Ok(None);
    }
    Ok(sql
        .query_opt("SELECT version FROM schema_version WHERE id = 1", &[])?
        .map(|r| r.get_i64(0))
        .transpose()?
        .or(Some(0)))
}

/// Every row of `text` as strings (NULL as ""), or the error as one line.
fn rows(sql: Sql<'_>, text: &str) -> Result<Vec<Vec<String>>, String> {
    let read = sql.query(text, &[]).map_err(|e| match e {
        db::Error::Sqlite(e) if super::is_corruption(&e) => format!(
            "could not be read: {} ({})",
            super::StoreError::Corrupt,
            one_line(&e)
        ),
        db::Error::Sqlite(e) => format!("could not be read: {}", one_line(&e)),
        other => format!("could not be read: {other}"),
    })?;
    Ok(read
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| match r.value(i) {
                    Ok(Value::Int(v)) => v.to_string(),
                    Ok(Value::Real(v)) => v.to_string(),
                    Ok(Value::Text(t)) => t.clone(),
                    Ok(Value::Null) | Err(_) => String::new(),
                })
                .collect()
        })
        .collect())
}

fn integrity(conn: &Connection) -> Part {
    let mut part = Part::new("SQLite integrity_check: pages, b-trees, indexes match their tables");
    match rows(Sql::Sqlite(conn), "PRAGMA integrity_check(100)") {
        Ok(list) => {
            for r in list {
                let text = r.into_iter().next().unwrap_or_default();
                if text != "ok" {
                    part.problem(text);
                }
            }
        }
        Err(e) => part.problem(format!("SQLite {e}")),
    }
    part
}

fn foreign_keys(conn: &Connection) -> Part {
    let mut part = Part::new("foreign keys: every reference finds its row");
    match rows(Sql::Sqlite(conn), "PRAGMA foreign_key_check") {
        Ok(list) => {
            for r in list {
                let get = |i: usize| r.get(i).cloned().unwrap_or_default();
                part.problem(format!(
                    "{} row {} refers to a missing {} row",
                    get(0),
                    get(1),
                    get(2)
                ));
            }
        }
        Err(e) => part.problem(format!("the foreign keys {e}")),
    }
    part
}

fn int(s: &str) -> i64 {
    s.parse().unwrap_or(0)
}

/// Customers: the city and postal code their search row shows are those
/// of their default shipping address (store/customer_shown.rs), once the
/// schema has the copy (`copied`; an older one gets it when a console
/// opens it).
fn shown_addresses(conn: Sql<'_>, copied: bool) -> Part {
    if !copied {
        return Part::new(
            "customers: no shown copy of their addresses yet (an older schema; made when a console opens it)",
        );
    }
    let mut part =
        Part::new("customers: the shown city and postal code are the default shipping address's");
    match rows(conn, customer_shown::DIFFERING) {
        Ok(list) => {
            for r in list {
                let get = |i: usize| r.get(i).cloned().unwrap_or_default();
                part.problem(format!(
                    "customer {} shows {:?} {:?}, their default shipping address {:?} {:?}",
                    get(0),
                    get(1),
                    get(2),
                    get(3),
                    get(4)
                ));
            }
        }
        Err(e) => part.problem(format!("customers {e}")),
    }
    part
}

/// Stock: reserved within on hand, and equal to what orders not cancelled
/// hold and have not shipped — submit reserves each line's `qty_now` in
/// the transaction that places it (store/orders.rs), receipts add to it,
/// a shipment takes its pieces off the shelf and out of it together.
fn stock(conn: Sql<'_>) -> Part {
    let mut part = Part::new("stock");
    let open = match rows(
        conn,
        "SELECT l.item_id, SUM(l.qty_now - COALESCE((SELECT SUM(sl.quantity) FROM shipment_lines sl
                    JOIN shipments s ON s.id = sl.shipment_id
                    WHERE sl.order_line_id = l.id AND s.status = 'shipped'), 0))
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.status <> 'cancelled' GROUP BY l.item_id",
    ) {
        Ok(list) => list
            .into_iter()
            .map(|r| (int(&r[0]), int(&r[1])))
            .collect::<HashMap<i64, i64>>(),
        Err(e) => {
            part.problem(format!("order lines {e}"));
            HashMap::new()
        }
    };
    let inventory = match rows(
        conn,
        "SELECT v.item_id, COALESCE(i.sku, '#' || v.item_id), v.on_hand, v.reserved
         FROM inventory v LEFT JOIN items i ON i.id = v.item_id ORDER BY 2",
    ) {
        Ok(list) => list,
        Err(e) => {
            part.problem(format!("inventory {e}"));
            Vec::new()
        }
    };
    let mut seen = HashSet::new();
    for r in &inventory {
        let (item, sku, on_hand, reserved) = (int(&r[0]), &r[1], int(&r[2]), int(&r[3]));
        seen.insert(item);
        let wanted = open.get(&item).copied().unwrap_or(0);
        if reserved > on_hand {
            part.problem(format!(
                "{sku}: reserved {reserved} is more than on hand {on_hand}"
            ));
        }
        if reserved != wanted {
            part.problem(format!(
                "{sku}: reserved {reserved}, but open orders hold {wanted}"
            ));
        }
    }
    for (item, qty) in &open {
        if *qty > 0 && !seen.contains(item) {
            part.problem(format!(
                "item #{item}: open orders hold {qty}, but it has no stock row"
            ));
        }
    }
    part.what = format!(
        "stock: {} items: reserved within on hand and equal to what open orders hold",
        inventory.len()
    );
    part
}

fn money(text: &str) -> Option<Decimal> {
    Decimal::from_str(text.trim()).ok()
}

#[derive(Default)]
struct Sums {
    lines: usize,
    merchandise: Decimal,
    line_discount: Decimal,
    line_tax: Decimal,
    line_ship_tos: Vec<(String, i64)>,
    ship_tos: HashSet<i64>,
    shipments: usize,
    shipping: Decimal,
    payments: Vec<Decimal>,
    discounts: Decimal,
    subtotal_adjustments: Decimal,
}

/// The orders: totals, wholeness, and the order numbers.
fn orders(conn: Sql<'_>) -> Vec<Part> {
    let mut part = Part::new("orders");
    let mut numbers = Part::new("order numbers: the next one is above every order placed");
    let mut sums: HashMap<i64, Sums> = HashMap::new();
    let read = |part: &mut Part, what: &str, sql: &str| -> Vec<Vec<String>> {
        rows(conn, sql).unwrap_or_else(|e| {
            part.problem(format!("{what} {e}"));
            Vec::new()
        })
    };
    let shipped: HashMap<i64, i64> = read(
        &mut part,
        "shipment lines",
        "SELECT order_line_id, SUM(quantity) FROM shipment_lines GROUP BY order_line_id",
    )
    .into_iter()
    .map(|r| (int(&r[0]), int(&r[1])))
    .collect();
    let lines = read(
        &mut part,
        "order lines",
        "SELECT l.id, l.order_id, (SELECT order_no FROM orders o WHERE o.id = l.order_id), l.line_no,
                l.quantity, l.qty_now, l.qty_backordered, l.unit_price, l.discount, l.line_total, l.tax,
                l.ship_to_no
         FROM order_lines l",
    );
    for r in &lines {
        let (line_id, order_id) = (int(&r[0]), int(&r[1]));
        let name = format!("order {} line {}", r[2], r[3]);
        let (qty, now, back) = (int(&r[4]), int(&r[5]), int(&r[6]));
        let s = sums.entry(order_id).or_default();
        s.lines += 1;
        s.line_ship_tos.push((name.clone(), int(&r[11])));
        if now + back != qty {
            part.problem(format!(
                "{name}: ships {now} now and {back} later, but {qty} were ordered"
            ));
        }
        let in_shipments = shipped.get(&line_id).copied().unwrap_or(0);
        if in_shipments != qty {
            part.problem(format!(
                "{name}: {qty} ordered, {in_shipments} in its shipments"
            ));
        }
        let (Some(unit), Some(discount), Some(total), Some(tax)) =
            (money(&r[7]), money(&r[8]), money(&r[9]), money(&r[10]))
        else {
            part.problem(format!("{name}: an amount is not a number"));
            continue;
        };
        let amount = unit * Decimal::from(qty);
        if amount - discount != total {
            part.problem(format!(
                "{name}: {qty} x {unit} less {discount} is {}, but its total is {total}",
                amount - discount
            ));
        }
        s.merchandise += amount;
        s.line_discount += discount;
        s.line_tax += tax;
    }
    for r in read(
        &mut part,
        "ship-tos",
        "SELECT order_id, ship_to_no FROM order_ship_tos",
    ) {
        sums.entry(int(&r[0]))
            .or_default()
            .ship_tos
            .insert(int(&r[1]));
    }
    for r in read(
        &mut part,
        "shipments",
        "SELECT order_id, charge FROM shipments",
    ) {
        let s = sums.entry(int(&r[0])).or_default();
        s.shipments += 1;
        s.shipping += money(&r[1]).unwrap_or_default();
    }
    for r in read(
        &mut part,
        "payments",
        "SELECT order_id, amount FROM payments",
    ) {
        let s = sums.entry(int(&r[0])).or_default();
        s.payments.push(money(&r[1]).unwrap_or_default());
    }
    // Discounts as stored: item and order promotions and coupons count in
    // the discount total; free shipping is in the shipment charges instead.
    for r in read(
        &mut part,
        "discounts",
        "SELECT d.order_id, d.amount, COALESCE(p.kind, '') FROM order_discounts d
         LEFT JOIN promotions p ON p.id = d.promotion_id",
    ) {
        if r[2] != "free_shipping" {
            sums.entry(int(&r[0])).or_default().discounts += money(&r[1]).unwrap_or_default();
        }
    }
    // Price and shipping overrides are in the line and shipment amounts;
    // amounts off the subtotal are in the discount total.
    for r in read(
        &mut part,
        "adjustments",
        "SELECT order_id, amount FROM adjustments WHERE kind = 'subtotal'",
    ) {
        sums.entry(int(&r[0])).or_default().subtotal_adjustments +=
            money(&r[1]).unwrap_or_default();
    }
    let orders = read(
        &mut part,
        "orders",
        "SELECT o.id, o.order_no, o.part, o.merchandise_total, o.discount_total, o.shipping_total,
                o.tax_total, o.grand_total, o.breakdown,
                o.part = 1 OR EXISTS (SELECT 1 FROM orders p WHERE p.id = o.parent_order_id
                                      AND p.submit_token = o.submit_token AND p.part = 1)
         FROM orders o ORDER BY o.order_no",
    );
    let empty = Sums::default();
    let mut max_no = 0;
    for r in &orders {
        let no = &r[1];
        max_no = max_no.max(int(no));
        let s = sums.get(&int(&r[0])).unwrap_or(&empty);
        let name = format!("order {no}");
        if s.lines == 0 {
            part.problem(format!("{name}: no lines"));
        }
        if s.ship_tos.is_empty() {
            part.problem(format!("{name}: no ship-to"));
        }
        for (line, st) in &s.line_ship_tos {
            if !s.ship_tos.is_empty() && !s.ship_tos.contains(st) {
                part.problem(format!("{line}: ship-to {st} is not on the order"));
            }
        }
        if s.shipments == 0 {
            part.problem(format!("{name}: no shipments"));
        }
        if r[9] != "1" {
            part.problem(format!("{name}: a backorder order without its main order"));
        }
        let amounts: Vec<Option<Decimal>> = (3..=7).map(|i| money(&r[i])).collect();
        let [Some(merchandise), Some(discount), Some(shipping), Some(tax), Some(grand)] =
            amounts[..]
        else {
            part.problem(format!("{name}: a total is not a number"));
            continue;
        };
        match s.payments.as_slice() {
            [paid] if *paid == grand => {}
            [paid] => part.problem(format!(
                "{name}: the payment is for {paid}, the order total is {grand}"
            )),
            [] => part.problem(format!("{name}: no payment")),
            more => part.problem(format!("{name}: {} payments, one expected", more.len())),
        }
        if s.lines > 0 && merchandise != s.merchandise {
            part.problem(format!(
                "{name}: merchandise total {merchandise}, its lines come to {}",
                s.merchandise
            ));
        }
        if s.lines > 0 && discount != s.line_discount {
            part.problem(format!(
                "{name}: discount total {discount}, its lines' discounts come to {}",
                s.line_discount
            ));
        }
        if discount != s.discounts + s.subtotal_adjustments {
            part.problem(format!(
                "{name}: discount total {discount}, its discounts and subtotal adjustments come to {}",
                s.discounts + s.subtotal_adjustments
            ));
        }
        if shipping != s.shipping {
            part.problem(format!(
                "{name}: shipping total {shipping}, its shipments come to {}",
                s.shipping
            ));
        }
        match shipment_tax(&r[8]) {
            Some(t) if tax == s.line_tax + t => {}
            Some(t) => part.problem(format!(
                "{name}: tax total {tax}, the tax on its lines and shipments comes to {}",
                s.line_tax + t
            )),
            None => part.problem(format!(
                "{name}: its stored pricing breakdown cannot be read"
            )),
        }
        if grand != merchandise - discount + shipping + tax {
            part.problem(format!(
                "{name}: total {grand}, but {merchandise} - {discount} + {shipping} + {tax} is {}",
                merchandise - discount + shipping + tax
            ));
        }
    }
    let ids: HashSet<i64> = orders.iter().map(|r| int(&r[0])).collect();
    let orphan_count = sums.keys().filter(|id| !ids.contains(id)).count();
    if orphan_count > 0 {
        part.problem(format!(
            "{orphan_count} orders' lines, shipments or payments without their order"
        ));
    }
    part.what = format!(
        "orders: {} orders: totals equal their lines, shipments, discounts, adjustments and tax; each has lines, one payment of its total, ship-tos and shipments holding every piece",
        orders.len()
    );
    match rows(
        conn,
        "SELECT next_no FROM order_number_sequence WHERE id = 1",
    ) {
        Ok(list) => match list.first() {
            Some(r) if int(&r[0]) > max_no => {
                numbers.what = format!(
                    "order numbers: the next one ({}) is above every order placed",
                    r[0]
                );
            }
            Some(r) => numbers.problem(format!(
                "the next order number is {}, but order {max_no} was placed",
                r[0]
            )),
            None => numbers.problem("the order number sequence is missing"),
        },
        Err(e) => numbers.problem(format!("order number sequence {e}")),
    }
    vec![part, numbers]
}

/// The tax on an order's shipments, from its stored pricing breakdown
/// (shipments carry no tax column of their own).
fn shipment_tax(breakdown: &str) -> Option<Decimal> {
    let v: serde_json::Value = serde_json::from_str(breakdown).ok()?;
    let mut sum = Decimal::ZERO;
    for s in v.get("shipments")?.as_array()? {
        match s.get("tax") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(t)) => sum += money(t)?,
            Some(serde_json::Value::Number(n)) => sum += money(&n.to_string())?,
            Some(_) => return None,
        }
    }
    Some(sum)
}

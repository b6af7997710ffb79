//! The warehouse side on the command line (docs/design.md, "After the
//! order"): `receive`, `release`, `ship`. Each prints one JSON object a
//! line on stdout — what was done, or `{"refused": why}` — and answers
//! whether everything asked was done (exit 0) or something was refused
//! (exit 1); a database that fails under it is [`DatabaseFailed`] (exit
//! 2: nothing was refused, nothing could be done).

use crate::domain::text::json_safe;
use crate::store::{ServiceError, Store, StoreError, StoredOrder};
use chrono::NaiveDate;
use serde_json::json;
use std::io::Write;

/// The database failed under a warehouse command: not a refusal (no
/// `{"refused"}` line), the command could not be done.
#[derive(Debug)]
pub struct DatabaseFailed(pub StoreError);

impl std::fmt::Display for DatabaseFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for DatabaseFailed {}

/// What one order looks like after a warehouse step.
fn order_json(o: &StoredOrder) -> serde_json::Value {
    json!({
        "order_no": o.order_no,
        "status": o.status.code(),
        "version": o.version,
        "shipments": o.shipments.iter().map(|s| json!({
            "shipment_no": s.state.number,
            "status": s.state.status.code(),
            "ship_date": s.ship_date,
            "waiting": s.state.waiting,
            "tracking": s.tracking,
        })).collect::<Vec<_>>(),
    })
}

fn print(out: &mut dyn Write, value: &serde_json::Value) -> std::io::Result<()> {
    writeln!(out, "{}", json_safe(&value.to_string()))
}

/// Prints the outcome; a refusal is printed too, and answers false. A
/// database error is returned as [`DatabaseFailed`].
fn report(
    out: &mut dyn Write,
    outcome: Result<serde_json::Value, ServiceError>,
) -> anyhow::Result<bool> {
    match outcome {
        Ok(v) => {
            print(out, &v)?;
            Ok(true)
        }
        Err(ServiceError::Db(e)) => Err(DatabaseFailed(e).into()),
        Err(e) => {
            print(out, &json!({ "refused": e.to_string() }))?;
            Ok(false)
        }
    }
}

/// `orderdesk receive SKU QTY [--date D]`.
pub fn receive(
    store: &Store,
    sku: &str,
    quantity: i64,
    date: NaiveDate,
    operator: &str,
    out: &mut dyn Write,
) -> anyhow::Result<bool> {
    let outcome = store
        .receive(sku, quantity, date, operator)
        .map(|r| serde_json::to_value(&r).unwrap_or_default());
    report(out, outcome)
}

/// `orderdesk release ORDER` or `--all` (every placed order not on hold).
pub fn release(
    store: &Store,
    order_no: Option<i64>,
    operator: &str,
    out: &mut dyn Write,
) -> anyhow::Result<bool> {
    let numbers = match order_no {
        Some(n) => vec![n],
        None => store
            .placed_order_numbers()
            .map_err(|e| DatabaseFailed(e.into()))?,
    };
    let mut all = true;
    for n in numbers {
        let outcome = store.release_order(n, operator).map(|o| order_json(&o));
        all &= report(out, outcome)?;
    }
    Ok(all)
}

/// `orderdesk ship ORDER SHIPMENT [--tracking T]`.
pub fn ship(
    store: &Store,
    order_no: i64,
    shipment: u32,
    tracking: &str,
    operator: &str,
    out: &mut dyn Write,
) -> anyhow::Result<bool> {
    let outcome = store
        .ship(order_no, shipment, tracking, operator)
        .map(|o| order_json(&o));
    report(out, outcome)
}

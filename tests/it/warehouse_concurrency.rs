//! The warehouse working while operators take orders (docs/design.md,
//! "After the order"): real `orderdesk simulate` processes place orders on
//! scarce stock while another loop of processes receives goods, releases
//! placed orders and ships what can leave. Afterwards `orderdesk check`
//! passes, stock reserved is what live orders hold, and on hand is what
//! was there plus what arrived less what left.

use orderdesk::domain::lifecycle::{OrderStatus, ShipmentStatus};
use orderdesk::store::OrderQuery;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const WORKERS: usize = 4;
const ORDERS_EACH: usize = 50;
const SCARCE: [(&str, i64); 3] = [("TNT-2010", 3), ("CMK-4011", 2), ("COF-3006", 1)];

fn orderdesk(path: &Path, operator: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(["--db", path.to_str().unwrap(), "--operator", operator])
        .args(args)
        .output()
        .unwrap()
}

/// What the warehouse loop did.
#[derive(Default, Debug)]
struct Warehouse {
    /// Quantity received per SKU.
    received: HashMap<String, i64>,
    released: usize,
    shipped: usize,
    refused: usize,
}

impl Warehouse {
    /// Runs one warehouse command: exit 0 (JSON lines) or 1 (a refusal
    /// line); anything else fails the test.
    fn run(&mut self, path: &Path, args: &[&str]) -> Vec<serde_json::Value> {
        let out = orderdesk(path, "dock", args);
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: {l}: {e}")))
            .collect();
        let code = out.status.code();
        let refusals = lines.iter().filter(|l| l.get("refused").is_some()).count();
        assert!(
            code == Some(0) && refusals == 0 || code == Some(1) && refusals > 0,
            "{args:?}: exit {code:?}, {lines:?}, {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.refused += refusals;
        lines
    }

    /// One round: goods of each scarce item arrive, placed orders go out
    /// to the warehouse, every open shipment of a released order is tried
    /// (one still waiting for goods is refused).
    fn round(&mut self, path: &Path, n: usize) {
        for (i, (sku, _)) in SCARCE.iter().enumerate() {
            let qty = ((n + i) % 3 + 1) as i64;
            let got = self.run(
                path,
                &["receive", sku, &qty.to_string(), "--date", "2026-12-01"],
            );
            assert!(got[0].get("refused").is_none(), "{got:?}");
            *self.received.entry(sku.to_string()).or_default() += qty;
        }
        let released = self.run(path, &["release", "--all"]);
        self.released += released
            .iter()
            .filter(|l| l.get("refused").is_none())
            .count();
        for (order, shipment) in shippable(path) {
            let done = self.run(path, &["ship", &order.to_string(), &shipment.to_string()]);
            if done[0].get("refused").is_none() {
                self.shipped += 1;
            }
        }
    }
}

/// (order, shipment) of every shipment that can leave: open, of an order
/// with the warehouse, nothing of it waiting for goods.
fn shippable(path: &Path) -> Vec<(i64, u32)> {
    let (store, _) =
        orderdesk::store::Store::open(path, std::time::Duration::from_secs(5)).unwrap();
    let released = [OrderStatus::Released, OrderStatus::PartlyShipped];
    let mut out = Vec::new();
    for status in released {
        let q = OrderQuery {
            status: Some(status),
            ..OrderQuery::default()
        };
        for found in store.find_orders(&q, 10_000).unwrap() {
            let Some(o) = store.stored_order(found.order_no).unwrap() else {
                continue;
            };
            for s in &o.shipments {
                if s.state.status == ShipmentStatus::Open && s.state.waiting == 0 {
                    out.push((o.order_no, s.state.number));
                }
            }
        }
    }
    out
}

/// On hand of each scarce SKU, and the pieces of it shipped.
fn shelf(conn: &rusqlite::Connection) -> HashMap<String, (i64, i64)> {
    SCARCE
        .iter()
        .map(|(sku, _)| {
            let figures = conn
                .query_row(
                    "SELECT v.on_hand,
                            COALESCE((SELECT SUM(sl.quantity) FROM shipment_lines sl
                                JOIN shipments s ON s.id = sl.shipment_id
                                JOIN order_lines l ON l.id = sl.order_line_id
                                WHERE s.status = 'shipped' AND l.item_id = v.item_id), 0)
                     FROM inventory v JOIN items i ON i.id = v.item_id WHERE i.sku = ?1",
                    [sku],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            (sku.to_string(), figures)
        })
        .collect()
}

#[test]
fn operators_place_while_the_warehouse_receives_releases_and_ships() {
    let (_dir, path, store) = crate::common::demo_store();
    drop(store);
    for (sku, on_hand) in SCARCE {
        crate::common::placing::scarce(&path, sku, on_hand);
    }
    let items: Vec<&str> = SCARCE.iter().map(|(s, _)| *s).collect();
    let items = format!("{},LGT-1002", items.join(","));
    let workers: Vec<_> = (0..WORKERS)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_orderdesk"))
                .args([
                    "--db",
                    path.to_str().unwrap(),
                    "--operator",
                    &format!("w{i}"),
                ])
                .args(["simulate", "--orders", &ORDERS_EACH.to_string()])
                .args(["--seed", &(i + 11).to_string(), "--items", &items])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let dock = {
        let (stop, path) = (stop.clone(), path.clone());
        std::thread::spawn(move || {
            let mut w = Warehouse::default();
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                w.round(&path, n);
                n += 1;
            }
            // Once more with every order in: what can leave, leaves.
            for _ in 0..3 {
                w.round(&path, n);
                n += 1;
            }
            w
        })
    };
    let mut placed = 0;
    for child in workers {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "worker failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if line.starts_with("placed ") {
                placed += 1;
            } else {
                assert!(line.starts_with("refused: "), "unexpected output: {line}");
            }
        }
    }
    stop.store(true, Ordering::SeqCst);
    let w = dock.join().unwrap();
    assert!(placed >= WORKERS * ORDERS_EACH / 2, "most attempts place");
    assert!(w.released > 0 && w.shipped > 0, "{w:?}");
    assert!(!w.received.is_empty(), "{w:?}");

    let out = orderdesk(&path, "dock", &["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let problems = crate::common::consistency_problems(&conn);
    assert!(problems.is_empty(), "{problems:#?}");
    // On-hand and reservations went down together: on hand is what was
    // there, plus what arrived, less what left.
    for (sku, (on_hand, shipped)) in shelf(&conn) {
        let at_start = SCARCE.iter().find(|(s, _)| *s == sku).unwrap().1;
        let received = w.received.get(&sku).copied().unwrap_or(0);
        assert_eq!(
            on_hand,
            at_start + received - shipped,
            "{sku}: {at_start} + {received} received - {shipped} shipped"
        );
    }
    // First placed, first filled: no stock lies free while a backorder
    // waits for it.
    let idle = crate::common::placing::idle_stock(&conn);
    assert!(idle.is_empty(), "{idle:?}");
    // Nothing the loop could ship is left behind.
    let stuck = shippable(&path);
    assert!(stuck.is_empty(), "shippable but not shipped: {stuck:?}");
}

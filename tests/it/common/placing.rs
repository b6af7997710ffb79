//! Orders placed through the order session on a demo database, and the
//! store's actions on them after the call (docs/design.md, "After the
//! order"): what the lifecycle tests share.

use super::{demo_store, today};
use orderdesk::domain::order::Order;
use orderdesk::domain::order_change::Change;
use orderdesk::domain::quote::Quote;
use orderdesk::session::{BackorderKind, Command, PayInput, Session};
use orderdesk::store::{ChangeInput, OrderAction, ServiceError, Store, StoredOrder};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const OPERATOR: &str = "alice";

/// A demo database on a temporary file, and a session on it.
pub struct Shop {
    pub _dir: TempDir,
    pub path: PathBuf,
    pub s: Session,
}

impl Shop {
    pub fn new() -> Shop {
        let (dir, path, store) = demo_store();
        let s = Session::new(store, OPERATOR, today()).without_drafts();
        Shop { _dir: dir, path, s }
    }

    /// Another operator's session on the same file.
    pub fn beside(&self, operator: &str) -> Session {
        let (store, created) = Store::open(&self.path, super::BUSY).unwrap();
        assert!(!created, "the same database");
        Session::new(store, operator, today()).without_drafts()
    }

    pub fn store(&self) -> &Store {
        self.s.store()
    }

    /// Sets `sku`'s stock on hand with nothing expected (no orders may
    /// hold it yet).
    pub fn scarce(&self, sku: &str, on_hand: i64) {
        scarce(&self.path, sku, on_hand);
    }

    /// Places an order for customer `logon` and returns its numbers (two
    /// with a separate backorder order).
    pub fn place(&mut self, o: &NewOrder) -> Vec<i64> {
        place(&mut self.s, o)
    }

    /// The one order `o` places.
    pub fn place_one(&mut self, o: &NewOrder) -> i64 {
        let placed = self.place(o);
        assert_eq!(placed.len(), 1, "one order: {placed:?}");
        placed[0]
    }

    pub fn stored(&self, order_no: i64) -> StoredOrder {
        self.store()
            .stored_order(order_no)
            .unwrap()
            .unwrap_or_else(|| panic!("no order {order_no}"))
    }

    /// The action on order `order_no` as it stands now.
    pub fn action<'a>(&self, order_no: i64, reason: &'a str) -> OrderAction<'a> {
        OrderAction {
            order_no,
            version: self.stored(order_no).version,
            operator: OPERATOR,
            reason,
        }
    }

    pub fn hold(&self, order_no: i64, reason: &str) -> Result<StoredOrder, ServiceError> {
        self.store().hold_order(&self.action(order_no, reason))
    }

    pub fn lift_hold(&self, order_no: i64) -> Result<StoredOrder, ServiceError> {
        self.store().release_hold(&self.action(order_no, "checked"))
    }

    pub fn cancel(&self, order_no: i64, reason: &str) -> Result<StoredOrder, ServiceError> {
        self.store()
            .cancel_order(&self.action(order_no, reason), today())
    }

    pub fn release(&self, order_no: i64) -> Result<StoredOrder, ServiceError> {
        self.store().release_order(order_no, OPERATOR)
    }

    pub fn ship(&self, order_no: i64, shipment: u32) -> Result<StoredOrder, ServiceError> {
        self.store().ship(order_no, shipment, "1Z999", OPERATOR)
    }

    /// Changes order `order_no` as `edit` says, confirmed against the
    /// quote the operator is shown for it. Returns the order as stored
    /// after, and the quote shown.
    pub fn change(
        &self,
        order_no: i64,
        edit: impl FnOnce(&Store, &Order) -> Change,
    ) -> Result<(StoredOrder, Quote), ServiceError> {
        change(self.store(), order_no, edit)
    }

    /// `consistency_problems` of the file, from a connection of its own.
    pub fn problems(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        super::consistency_problems(&conn)
    }

    /// (on hand, reserved) of `sku`.
    pub fn stock(&self, sku: &str) -> (i64, i64) {
        stock(&self.path, sku)
    }
}

/// What to order.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub logon: String,
    pub lines: Vec<(String, u32)>,
    pub method: String,
    pub pay: PayInput,
    pub backorders: BackorderKind,
    pub separate: bool,
    pub coupon: Option<String>,
}

impl NewOrder {
    /// Jane Doe, Ground, cash on delivery, backorders shipped when they
    /// arrive in the same order.
    pub fn jane(lines: &[(&str, u32)]) -> NewOrder {
        NewOrder {
            logon: "jdoe".into(),
            lines: lines.iter().map(|(s, q)| (s.to_string(), *q)).collect(),
            method: "GROUND".into(),
            pay: PayInput::Cod,
            backorders: BackorderKind::Available,
            separate: false,
            coupon: None,
        }
    }

    pub fn by(mut self, logon: &str) -> NewOrder {
        self.logon = logon.into();
        self
    }

    pub fn by_card(mut self) -> NewOrder {
        self.pay = PayInput::Card {
            number: "4111111111111111".into(),
            expiry: "12/30".into(),
            cvv: "123".into(),
        };
        self
    }

    pub fn separate(mut self) -> NewOrder {
        self.separate = true;
        self
    }

    pub fn complete(mut self) -> NewOrder {
        self.backorders = BackorderKind::Complete;
        self
    }

    pub fn coupon(mut self, code: &str) -> NewOrder {
        self.coupon = Some(code.into());
        self
    }
}

fn ok(s: &mut Session, cmd: Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    s.apply(cmd)
        .map_err(|r| format!("{shown} refused: {r:?}"))?;
    s.refresh(false);
    Ok(())
}

/// Places `o` through the session as the console does; returns the
/// order numbers placed.
pub fn place(s: &mut Session, o: &NewOrder) -> Vec<i64> {
    try_place(s, o).unwrap_or_else(|why| panic!("{why}"))
}

/// [`place`], or what the session refused.
pub fn try_place(s: &mut Session, o: &NewOrder) -> Result<Vec<i64>, String> {
    ok(s, Command::NewOrder)?;
    ok(
        s,
        Command::PickCustomer {
            id: None,
            logon: Some(o.logon.clone()),
        },
    )?;
    for (sku, qty) in &o.lines {
        ok(
            s,
            Command::AddItem {
                sku: sku.clone(),
                qty: *qty,
            },
        )?;
    }
    ok(
        s,
        Command::SetMethod {
            ship_to: 1,
            method: o.method.clone(),
        },
    )?;
    if let Some(code) = &o.coupon {
        ok(s, Command::RedeemCoupon { code: code.clone() })?;
    }
    ok(s, Command::Pay(o.pay.clone()))?;
    ok(
        s,
        Command::Backorder {
            choice: o.backorders,
            separate: o.separate,
        },
    )?;
    let done = s
        .apply(Command::Submit)
        .map_err(|r| format!("submit refused: {r:?}"))?;
    Ok(done.placed.iter().map(|p| p.order_no).collect())
}

/// Applies `edit` to stored order `order_no` and confirms it against the
/// quote shown for it, based on the version read.
pub fn change(
    store: &Store,
    order_no: i64,
    edit: impl FnOnce(&Store, &Order) -> Change,
) -> Result<(StoredOrder, Quote), ServiceError> {
    let o = store.stored_order(order_no).unwrap().unwrap();
    let mut order = o.order.clone().expect("the order as placed is kept");
    let what = edit(store, &order);
    let description = what.apply(&mut order).map_err(ServiceError::Refused)?;
    let seen = store
        .quote_change(&order, o.id, o.placed_on(), today())
        .unwrap();
    let done = store.change_order(&ChangeInput {
        action: OrderAction {
            order_no,
            version: o.version,
            operator: OPERATOR,
            reason: "customer called",
        },
        order: &order,
        seen: &seen,
        today: today(),
        description: &description,
    })?;
    Ok((done, seen))
}

/// A new line of `qty` of `sku` at today's price, to ship-to 1.
pub fn new_line(store: &Store, order: &Order, sku: &str, qty: u32) -> Change {
    let line = store
        .item_by_sku(order.currency, sku)
        .unwrap()
        .and_then(|i| i.order_line(qty))
        .unwrap_or_else(|| panic!("{sku} is not sold in {:?}", order.currency));
    Change::Add { line }
}

/// The index of `sku`'s line in `order`.
pub fn line_of(order: &Order, sku: &str) -> usize {
    order
        .lines
        .iter()
        .position(|l| l.sku == sku)
        .unwrap_or_else(|| panic!("no line of {sku}"))
}

pub fn scarce(path: &Path, sku: &str, on_hand: i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let item: i64 = conn
        .query_row("SELECT id FROM items WHERE sku = ?1", [sku], |r| r.get(0))
        .unwrap();
    conn.execute(
        "UPDATE inventory SET on_hand = ?2 WHERE item_id = ?1",
        rusqlite::params![item, on_hand],
    )
    .unwrap();
    conn.execute("DELETE FROM expected_receipts WHERE item_id = ?1", [item])
        .unwrap();
}

pub fn stock(path: &Path, sku: &str) -> (i64, i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(
        "SELECT on_hand, reserved FROM inventory v JOIN items i ON i.id = v.item_id WHERE i.sku = ?1",
        [sku],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// Items with stock free while a live order's backorder waits for them:
/// (SKU, free). First placed, first filled leaves none.
pub fn idle_stock(conn: &rusqlite::Connection) -> Vec<(String, i64)> {
    let mut stmt = conn
        .prepare(
            "SELECT i.sku, v.on_hand - v.reserved FROM inventory v JOIN items i ON i.id = v.item_id
             WHERE v.on_hand > v.reserved AND EXISTS (SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
                   WHERE l.item_id = v.item_id AND l.qty_backordered > 0 AND o.status <> 'cancelled')",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

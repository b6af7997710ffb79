//! Simulated operators: random orders placed through the same quote and
//! submit as the console. `orderdesk simulate` uses it for load, many
//! processes at once, and crash testing (killed at any moment).

use super::{Store, SubmitError, SubmitInput, SubmitPart};
use crate::domain::order::{BackorderChoice, Line, Order, Payment};
use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use rusqlite::params;

/// What one simulated order came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Order numbers placed (two with a separate backorder order).
    Placed(Vec<i64>),
    /// Refused every time (stock kept changing, or nothing to ship).
    Refused(String),
}

impl Store {
    /// Item ids for these SKUs (all active items when empty).
    pub fn simulation_items(&self, skus: &[String]) -> Result<Vec<i64>> {
        if skus.is_empty() {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM items WHERE active = 1 ORDER BY id")?;
            let ids = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            return Ok(ids);
        }
        skus.iter()
            .map(|s| {
                self.conn
                    .query_row("SELECT id FROM items WHERE sku = ?1", [s], |r| r.get(0))
                    .map_err(|_| anyhow!("no item with SKU {s}"))
            })
            .collect()
    }

    /// Places one random order for a random registered customer, with 1-3
    /// lines from `items`, re-quoting and retrying when stock changed.
    pub fn place_random_order(
        &mut self,
        rng: &mut fastrand::Rng,
        items: &[i64],
        today: NaiveDate,
        operator: &str,
    ) -> Result<Outcome> {
        let max_id: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(id), 0) FROM customers WHERE is_guest = 0",
            [],
            |r| r.get(0),
        )?;
        let start = rng.i64(1..=max_id.max(1));
        let id: i64 = self.conn.query_row(
            "SELECT id FROM customers WHERE is_guest = 0 AND id >= ?1 ORDER BY id LIMIT 1",
            params![start],
            |r| r.get(0),
        )?;
        let customer = self
            .customer_ref(id)?
            .ok_or_else(|| anyhow!("customer {id} vanished"))?;
        let token = format!("sim-{operator}-{}-{}", std::process::id(), rng.u64(..));
        let mut order = Order::new(token, customer.currency);
        order.set_customer(customer);
        if order.ship_tos.is_empty() {
            return Ok(Outcome::Refused(format!("customer {id} has no address")));
        }
        for _ in 0..rng.usize(1..=3) {
            let item_id = items[rng.usize(..items.len())];
            if let Some(item) = self.item(order.currency, item_id)? {
                if let Some(price) = item.price {
                    let _ = order.add_line(Line {
                        item_id,
                        sku: item.sku,
                        name: item.name,
                        quantity: rng.u32(1..=3),
                        unit_price: price,
                        weight_grams: item.weight_grams,
                        taxable: item.taxable,
                        ship_to: 0,
                    });
                }
            }
        }
        let methods = self.shipping_methods(order.currency)?;
        let address = order.ship_tos[0].address.clone();
        let method = methods
            .iter()
            .find(|m| m.covers(&address.country, &address.region))
            .ok_or_else(|| anyhow!("no method covers {}", address.country))?;
        order.ship_tos[0].method = Some(method.code.clone());
        order.payment = Some(Payment::CashOnDelivery);
        order.backorder_choice = [
            BackorderChoice::ShipComplete,
            BackorderChoice::ShipAvailable,
            BackorderChoice::DropBackorders,
        ][rng.usize(..3)];
        order.separate_backorders = rng.bool();
        let names = vec![method.name.clone()];
        let mut last = String::new();
        for _ in 0..5 {
            let quote = self.quote(&order, today)?;
            let input = SubmitInput {
                order: &order,
                seen: &quote.availability,
                parts: quote
                    .parts
                    .iter()
                    .map(|(part, breakdown)| SubmitPart { part, breakdown })
                    .collect(),
                method_names: &names,
                operator,
                draft_id: None,
            };
            match self.submit_order(&input) {
                Ok(placed) => {
                    return Ok(Outcome::Placed(placed.iter().map(|p| p.order_no).collect()))
                }
                Err(e @ SubmitError::Changed(_)) | Err(e @ SubmitError::Invalid(_)) => {
                    last = e.to_string()
                }
                Err(e @ SubmitError::Db(_)) => return Err(anyhow!(e.to_string())),
            }
        }
        Ok(Outcome::Refused(last))
    }
}

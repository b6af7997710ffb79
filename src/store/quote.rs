//! Quoting an order: availability from current stock, the shipment plan,
//! the parts to place, and their prices. The console shows this quote and
//! submit places it.

use super::Store;
use crate::domain::availability::allocate;
use crate::domain::order::Order;
use crate::domain::parts::split as split_parts;
use crate::domain::planning::{plan, PlannedShipment};
use crate::domain::pricing::{price, PricingContext, ShipmentInput};
use crate::domain::quote::Quote;
use chrono::NaiveDate;

impl Store {
    /// Availability, the shipment plan, the parts and their prices: all
    /// from the store's current figures and the pure domain functions.
    pub fn quote(&self, order: &Order, today: NaiveDate) -> rusqlite::Result<Quote> {
        let methods = self.shipping_methods(order.currency)?;
        let ids: Vec<i64> = order.lines.iter().map(|l| l.item_id).collect();
        let stock = self.item_stock(&ids)?;
        let lines: Vec<(i64, u32)> = order
            .lines
            .iter()
            .map(|l| (l.item_id, l.quantity))
            .collect();
        let availability = allocate(&lines, &stock);
        let plan = plan(order, &availability, today);
        let mut base = PricingContext {
            today,
            ..PricingContext::default()
        };
        for s in &order.ship_tos {
            let rate = s
                .method
                .as_ref()
                .and_then(|code| methods.iter().find(|m| &m.code == code))
                .map(|m| m.rate.clone());
            base.ship_to_rates.push(rate);
            base.ship_to_tax
                .push(self.tax_rate(&s.address.country, &s.address.region)?);
        }
        let with_shipments = |shipments: &[PlannedShipment]| PricingContext {
            shipments: Some(
                shipments
                    .iter()
                    .map(|s| ShipmentInput {
                        ship_to: s.ship_to,
                        lines: s.lines.clone(),
                    })
                    .collect(),
            ),
            ..base.clone()
        };
        let parts = split_parts(order, &availability, &plan)
            .into_iter()
            .map(|part| {
                let b = price(&part.order, &with_shipments(&part.shipments));
                (part, b)
            })
            .collect();
        Ok(Quote {
            breakdown: price(order, &with_shipments(&plan.shipments)),
            availability,
            plan,
            parts,
            methods,
        })
    }
}

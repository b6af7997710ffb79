//! Quoting an order: availability from current stock, the shipment plan,
//! the parts to place, and their prices. The console shows this quote and
//! submit places it.

use super::Store;
use crate::domain::availability::allocate;
use crate::domain::order::Order;
use crate::domain::parts::split as split_parts;
use crate::domain::planning::plan;
use crate::domain::price_split;
use crate::domain::pricing::{price, PricingContext, ShipmentInput};
use crate::domain::quote::Quote;
use crate::domain::shipping::default_free_method;
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
        // Free shipping that names no method frees the cheapest one.
        let free = default_free_method(&methods).map(|m| m.code.clone());
        let free = free.as_deref();
        let mut base = PricingContext {
            today,
            promotions: (self.active_promotions(today)?.into_iter())
                .map(|p| p.with_default_method(free))
                .collect(),
            item_categories: self.item_categories(&ids)?,
            method_names: (methods.iter())
                .map(|m| (m.code.clone(), m.name.clone()))
                .collect(),
            ..PricingContext::default()
        };
        let mut coupons = self.order_coupons(order)?;
        for c in &mut coupons {
            c.promotion = c.promotion.clone().with_default_method(free);
        }
        for s in &order.ship_tos {
            base.ship_to_methods.push(s.method.clone());
            let rate = s
                .method
                .as_ref()
                .and_then(|code| methods.iter().find(|m| &m.code == code))
                .map(|m| m.rate.clone());
            base.ship_to_rates.push(rate);
            base.ship_to_tax
                .push(self.tax_rate(&s.address.country, &s.address.region)?);
        }
        let whole = PricingContext {
            coupons,
            adjustments: order.adjustments.clone(),
            shipments: Some(
                plan.shipments
                    .iter()
                    .map(|s| ShipmentInput {
                        ship_to: s.ship_to,
                        lines: s.lines.clone(),
                    })
                    .collect(),
            ),
            ..base
        };
        let breakdown = price(order, &whole);
        // The goods placed, priced as one order: the cart less what is
        // dropped (a dropped line stays, at quantity 0, so line and
        // shipment numbers keep their meaning).
        let mut placed_order = order.clone();
        for (i, l) in placed_order.lines.iter_mut().enumerate() {
            l.quantity = plan.shipped(i);
        }
        let placed = if placed_order == *order {
            breakdown.clone()
        } else {
            price(&placed_order, &whole)
        };
        let parts = split_parts(order, &availability, &plan);
        let shares = price_split::split(
            &placed_order,
            &whole.ship_to_tax,
            &placed,
            &price_split::shapes(&plan, &parts),
        );
        Ok(Quote {
            breakdown,
            placed,
            availability,
            plan,
            parts: parts.into_iter().zip(shares).collect(),
            methods,
        })
    }
}

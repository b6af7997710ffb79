//! Quoting an order: availability from current stock, the shipment plan,
//! the parts to place, and their prices. The console shows this quote and
//! submit places it.

use super::Store;
use crate::domain::adjustment::{Adjustment, AdjustmentKind};
use crate::domain::availability::allocate;
use crate::domain::order::Order;
use crate::domain::parts::split as split_parts;
use crate::domain::parts::Part;
use crate::domain::planning::Plan;
use crate::domain::planning::{plan, PlannedShipment};
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
        // Coupons and the amount off the subtotal go on the first order
        // placed (a coupon is used once); overrides follow their line or
        // shipment into whichever order holds it.
        let parts = split_parts(order, &availability, &plan)
            .into_iter()
            .enumerate()
            .map(|(k, part)| {
                let ctx = PricingContext {
                    coupons: if k == 0 { coupons.clone() } else { Vec::new() },
                    adjustments: part_adjustments(&order.adjustments, &part, &plan, k == 0),
                    ..with_shipments(&part.shipments)
                };
                let b = price(&part.order, &ctx);
                (part, b)
            })
            .collect();
        let whole = PricingContext {
            coupons,
            adjustments: order.adjustments.clone(),
            ..with_shipments(&plan.shipments)
        };
        Ok(Quote {
            breakdown: price(order, &whole),
            availability,
            plan,
            parts,
            methods,
        })
    }
}

/// The order's adjustments as one part sees them: line and shipment
/// numbers of the whole order turned into the part's own; those on lines
/// or shipments of another part left out.
fn part_adjustments(all: &[Adjustment], part: &Part, plan: &Plan, first: bool) -> Vec<Adjustment> {
    all.iter()
        .filter_map(|a| {
            let kind = match &a.kind {
                AdjustmentKind::PriceOverride {
                    line,
                    unit_price,
                    net,
                } => AdjustmentKind::PriceOverride {
                    line: part.source_lines.iter().position(|s| s == line)?,
                    unit_price: *unit_price,
                    net: *net,
                },
                AdjustmentKind::ShippingOverride { shipment, amount } => {
                    let s = plan.shipments.get(*shipment)?;
                    if s.part != part.number {
                        return None;
                    }
                    AdjustmentKind::ShippingOverride {
                        shipment: plan.shipments[..*shipment]
                            .iter()
                            .filter(|x| x.part == part.number)
                            .count(),
                        amount: *amount,
                    }
                }
                AdjustmentKind::SubtotalOff { .. } if first => a.kind.clone(),
                AdjustmentKind::SubtotalOff { .. } => return None,
            };
            Some(Adjustment { kind, ..a.clone() })
        })
        .collect()
}

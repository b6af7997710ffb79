//! What does not depend on which promotions apply: line amounts after
//! price overrides, and each shipment's computed charge.

use super::{AppliedAdjustment, PricingContext, ShipmentCharge, ShipmentInput};
use crate::domain::adjustment::AdjustmentKind;
use crate::domain::order::Order;
use rust_decimal::Decimal;

/// What does not depend on which promotions apply.
pub(super) struct Base {
    pub(super) list_amount: Vec<Decimal>,
    pub(super) unit: Vec<Decimal>,
    pub(super) amount: Vec<Decimal>,
    /// Per line: its price override is a net price (no item promotions).
    pub(super) net: Vec<bool>,
    /// Per context adjustment: the applied price override, if it is one.
    pub(super) price_overrides: Vec<Option<AppliedAdjustment>>,
    pub(super) shipments: Vec<ShipmentCharge>,
    pub(super) notes: Vec<String>,
}

pub(super) fn prepare(order: &Order, ctx: &PricingContext) -> Base {
    let cur = order.currency;
    let zero = cur.round(Decimal::ZERO);
    let mut notes = Vec::new();
    let list_amount: Vec<Decimal> = order
        .lines
        .iter()
        .map(|l| {
            cur.round(l.unit_price * Decimal::from(l.quantity))
                .max(zero)
        })
        .collect();
    let mut unit: Vec<Decimal> = order.lines.iter().map(|l| l.unit_price).collect();
    let mut amount = list_amount.clone();
    let mut net = vec![false; order.lines.len()];
    let mut price_overrides: Vec<Option<AppliedAdjustment>> = vec![None; ctx.adjustments.len()];
    for (a, adj) in ctx.adjustments.iter().enumerate() {
        let AdjustmentKind::PriceOverride {
            line,
            unit_price,
            net: is_net,
        } = adj.kind
        else {
            continue;
        };
        let Some(l) = order.lines.get(line) else {
            notes.push(format!(
                "price override ignored: there is no line {}",
                line + 1
            ));
            continue;
        };
        let price = if unit_price < Decimal::ZERO {
            notes.push(format!(
                "line {}: a negative price override counts as 0",
                line + 1
            ));
            Decimal::ZERO
        } else {
            unit_price
        };
        // A later override of the same line replaces the earlier one.
        for earlier in price_overrides.iter_mut().take(a) {
            if earlier
                .as_ref()
                .is_some_and(|e| e.target == adj.kind.target())
            {
                *earlier = None;
            }
        }
        unit[line] = price;
        amount[line] = cur.round(price * Decimal::from(l.quantity));
        net[line] = is_net;
        price_overrides[a] = Some(AppliedAdjustment {
            kind: adj.kind.code().into(),
            target: adj.kind.target(),
            reason_code: adj.reason_code.clone(),
            operator: adj.operator.clone(),
            approval: adj.approval.clone(),
            made_at: adj.made_at.clone(),
            amount: list_amount[line] - amount[line],
        });
    }

    let planned: Vec<ShipmentInput> = match &ctx.shipments {
        Some(list) => list.clone(),
        None => (0..order
            .ship_tos
            .len()
            .max(order.lines.iter().map(|l| l.ship_to + 1).max().unwrap_or(0)))
            .map(|s| ShipmentInput {
                ship_to: s,
                lines: order
                    .lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.ship_to == s)
                    .map(|(i, l)| (i, l.quantity))
                    .collect(),
            })
            .filter(|s| !s.lines.is_empty())
            .collect(),
    };
    let mut shipments = Vec::new();
    for (n, s) in planned.into_iter().enumerate() {
        let mut lines = Vec::new();
        let (mut items, mut grams) = (0u64, 0u64);
        for (i, q) in s.lines {
            match order.lines.get(i) {
                Some(l) => {
                    items += u64::from(q);
                    grams += u64::from(q) * u64::from(l.weight_grams);
                    lines.push((i, q));
                }
                None => notes.push(format!("shipment {}: there is no line {}", n + 1, i + 1)),
            }
        }
        let computed = ctx
            .ship_to_rates
            .get(s.ship_to)
            .and_then(Option::as_ref)
            .map(|r| cur.round(r.charge(items, grams)).max(zero))
            .unwrap_or(zero);
        shipments.push(ShipmentCharge {
            ship_to: s.ship_to,
            lines,
            items,
            grams,
            computed,
            free_shipping: None,
            override_amount: None,
            charge: computed,
            tax: zero,
        });
    }
    Base {
        list_amount,
        unit,
        amount,
        net,
        price_overrides,
        shipments,
        notes,
    }
}

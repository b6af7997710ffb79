//! Checking a new operator adjustment against the order as priced now.

use super::Breakdown;
use crate::domain::adjustment::check_adjustment_limit;
use crate::domain::adjustment::{Adjustment, AdjustmentKind};
use crate::domain::order::Order;
use crate::domain::rules::{within_limits, Limits};
use rust_decimal::Decimal;

/// Checks a new adjustment against the order as `current` prices it now
/// (with the adjustments already made): the target exists, the amount
/// makes sense, and the operator's limit holds. A price or shipping
/// override is measured against the price without any override; subtotal
/// adjustments are limited together (the new one plus those already made).
pub fn check_adjustment(
    adj: &Adjustment,
    order: &Order,
    current: &Breakdown,
    limits: &Limits,
) -> Result<(), String> {
    let (limit_amount, limit_percent) = (limits.amount, limits.percent);
    let cur = order.currency;
    if adj.reason_code.trim().is_empty() {
        return Err("choose a reason for the adjustment".into());
    }
    if adj.operator.trim().is_empty() {
        return Err("an adjustment needs the operator who makes it".into());
    }
    let decimals = |amount: Decimal| -> Result<(), String> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err("an amount cannot be negative".into());
        }
        if amount.normalize().scale() > cur.minor_units() {
            return Err(match cur.minor_units() {
                0 => format!("{cur} has no decimals"),
                n => format!("{cur} has {n} decimals at most"),
            });
        }
        Ok(())
    };
    match &adj.kind {
        AdjustmentKind::PriceOverride {
            line, unit_price, ..
        } => {
            let l = order
                .lines
                .get(*line)
                .ok_or_else(|| format!("there is no line {}", line + 1))?;
            decimals(*unit_price)?;
            let qty = Decimal::from(l.quantity);
            let list = cur.round(l.unit_price * qty);
            let off = list - cur.round(*unit_price * qty);
            check_adjustment_limit(off, list, limit_amount, limit_percent)
                .map_err(|e| format!("line {}: {e}", line + 1))
        }
        AdjustmentKind::ShippingOverride { shipment, amount } => {
            let s = current
                .shipments
                .get(*shipment)
                .ok_or_else(|| format!("there is no shipment {}", shipment + 1))?;
            decimals(*amount)?;
            let before = if s.free_shipping.is_some() {
                cur.round(Decimal::ZERO)
            } else {
                s.computed
            };
            let waiver = amount.is_zero() && before > Decimal::ZERO;
            within_limits(limits, before - *amount, before, waiver)
                .map_err(|e| format!("shipment {}: {e}", shipment + 1))
        }
        AdjustmentKind::SubtotalOff { amount } => {
            decimals(*amount)?;
            if amount.is_zero() {
                return Err("enter an amount over zero".into());
            }
            let before = current.subtotal + current.adjustment_total;
            let off = current.adjustment_total + *amount;
            if off > before {
                return Err(format!(
                    "the subtotal cannot go below zero: at most {} more can come off",
                    cur.format(current.subtotal)
                ));
            }
            check_adjustment_limit(off, before, limit_amount, limit_percent)
                .map_err(|e| format!("subtotal: {e}"))
        }
    }
}

//! Operator adjustments: a line's price override, a shipment's shipping
//! override, an amount off the subtotal; each with its reason and operator.
//! Plain data shared by the order (which holds them) and pricing (which
//! applies them), so neither depends on the other for it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdjustmentKind {
    /// `line` indexes `Order::lines`; the unit price replaces the list price.
    PriceOverride { line: usize, unit_price: Decimal },
    /// `shipment` indexes `Breakdown::shipments`; the amount replaces the
    /// charge (including a free one).
    ShippingOverride { shipment: usize, amount: Decimal },
    /// Taken off the subtotal after all discounts.
    SubtotalOff { amount: Decimal },
}

impl AdjustmentKind {
    /// The `adjustments.kind` column.
    pub fn code(&self) -> &'static str {
        match self {
            AdjustmentKind::PriceOverride { .. } => "price_override",
            AdjustmentKind::ShippingOverride { .. } => "shipping_override",
            AdjustmentKind::SubtotalOff { .. } => "subtotal",
        }
    }

    /// The `adjustments.target` column: 1-based line or shipment number.
    pub fn target(&self) -> String {
        match self {
            AdjustmentKind::PriceOverride { line, .. } => (line + 1).to_string(),
            AdjustmentKind::ShippingOverride { shipment, .. } => (shipment + 1).to_string(),
            AdjustmentKind::SubtotalOff { .. } => String::new(),
        }
    }
}

/// An operator's adjustment with its reason code and who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub kind: AdjustmentKind,
    pub reason_code: String,
    pub operator: String,
}

/// Refuses an adjustment taking `amount_off` off `base` past the operator's
/// limit: at most `limit_amount`, and at most `limit_percent` % of `base`.
/// Raising a price (amount_off ≤ 0) is never limited.
pub fn check_adjustment_limit(
    amount_off: Decimal,
    base: Decimal,
    limit_amount: Decimal,
    limit_percent: Decimal,
) -> Result<(), String> {
    if amount_off <= Decimal::ZERO {
        return Ok(());
    }
    if amount_off > limit_amount {
        return Err(format!(
            "{amount_off} off is over your adjustment limit of {limit_amount}"
        ));
    }
    if base <= Decimal::ZERO {
        return Err(format!(
            "{amount_off} off a zero amount is over your adjustment limit of {limit_percent}%"
        ));
    }
    if amount_off * Decimal::ONE_HUNDRED > base * limit_percent {
        let pct = (amount_off * Decimal::ONE_HUNDRED / base)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        return Err(format!(
            "{amount_off} off {base} is {pct}%, over your adjustment limit of {limit_percent}%"
        ));
    }
    Ok(())
}

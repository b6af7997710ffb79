//! Operator adjustments: a line's price override, a shipment's shipping
//! override, an amount off the subtotal; each with its reason and operator.
//! Plain data shared by the order (which holds them) and pricing (which
//! applies them), so neither depends on the other for it.

use crate::domain::operator::Approval;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdjustmentKind {
    /// `line` indexes `Order::lines`; the unit price replaces the list
    /// price before item promotions, which still apply to it; with `net`
    /// it is the price the customer pays and item promotions do not apply
    /// to the line. Default: drafts saved before `net` existed still load.
    PriceOverride {
        line: usize,
        unit_price: Decimal,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        net: bool,
    },
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

/// An operator's adjustment with its reason code and who made it; beyond
/// the operator's limits, with the supervisor's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub kind: AdjustmentKind,
    pub reason_code: String,
    pub operator: String,
    /// The supervisor who approved it (it is then measured against their
    /// limits). Default: drafts saved before approvals existed still load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// When it was made (UTC, `YYYY-MM-DDTHH:MM:SSZ`), kept with the
    /// placed adjustment. None: a draft saved before this was kept (submit
    /// then records its own time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_at: Option<String>,
}

/// Refuses an adjustment that changes `base` by `amount_off` (positive
/// takes off, negative raises) past the operator's limit: at most
/// `limit_amount`, and at most `limit_percent` % of `base`, either way.
pub fn check_adjustment_limit(
    amount_off: Decimal,
    base: Decimal,
    limit_amount: Decimal,
    limit_percent: Decimal,
) -> Result<(), String> {
    if amount_off.is_zero() {
        return Ok(());
    }
    let (change, what, of) = if amount_off > Decimal::ZERO {
        (amount_off, "off", "off")
    } else {
        (-amount_off, "more", "more than")
    };
    if change > limit_amount {
        return Err(format!(
            "{change} {what} is over your adjustment limit of {limit_amount}"
        ));
    }
    if base <= Decimal::ZERO {
        return Err(format!(
            "{change} {of} a zero amount is over your adjustment limit of {limit_percent}%"
        ));
    }
    if change * Decimal::ONE_HUNDRED > base * limit_percent {
        let pct = (change * Decimal::ONE_HUNDRED / base)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        return Err(format!(
            "{change} {of} {base} is {pct}%, over your adjustment limit of {limit_percent}%"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_price_override_saved_before_net_prices_loads_as_not_net() {
        let old = r#"{"PriceOverride":{"line":0,"unit_price":"175.00"}}"#;
        let kind: AdjustmentKind = serde_json::from_str(old).unwrap();
        assert!(matches!(
            kind,
            AdjustmentKind::PriceOverride { net: false, .. }
        ));
        // Not net: written as before, so older readers still read it.
        assert_eq!(serde_json::to_string(&kind).unwrap(), old);
    }
}

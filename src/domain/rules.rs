//! Every rule an order must meet to be placed, as one pure function of the
//! order, its quote and the facts the store read for it ([`check`]).
//!
//! The order session runs it after every change (the step bar and review
//! show what it finds) and the store runs it again inside the submit
//! transaction, on the quote and facts read in that transaction: an order is
//! written only when nothing here objects to the order as it is stored.

use crate::domain::adjustment::{check_adjustment_limit, Adjustment, AdjustmentKind};
use crate::domain::money::Currency;
use crate::domain::operator::CHALLENGE_ATTEMPTS;
use crate::domain::order::{Area, Order, Payment};
use crate::domain::promotion::{check_coupon_owner, Coupon};
use crate::domain::quote::Quote;
use rust_decimal::Decimal;
use serde::Serialize;

/// Which rule refused a command or a submit: a stable name for scripts
/// (`orderdesk play` prints it) and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Something the order needs is missing (customer, lines, method, payment…).
    Incomplete,
    /// A typed value that is not of the expected form.
    InvalidInput,
    /// No such customer, item, line, ship-to, order or coupon.
    NotFound,
    CustomerDisabled,
    /// A stored payment method before the challenge question was answered.
    ChallengeRequired,
    /// Five wrong challenge answers locked the customer's stored payment
    /// until a supervisor unlocks it.
    ChallengeLocked,
    AdjustmentLimit,
    /// A supervisor's approval was not given (unknown supervisor, wrong
    /// or locked PIN, beyond their limits too) or no longer holds.
    Approval,
    ReasonCode,
    Coupon,
    AccountCredit,
    Currency,
    /// Stock moved since the operator last saw it.
    Availability,
    /// Prices or promotions changed since the operator last saw them.
    PricesChanged,
    /// The order's token was placed already, with other content.
    AlreadyPlaced,
    /// Another console of the same operator took the draft over.
    DraftTakenOver,
    /// The database could not do what was asked.
    Database,
}

impl Rule {
    /// The name scripts see (`"adjustment_limit"`).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One rule the order breaks: which, where it is fixed, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: Rule,
    pub area: Area,
    pub message: String,
}

impl Violation {
    pub fn new(rule: Rule, area: Area, message: impl Into<String>) -> Violation {
        Violation {
            rule,
            area,
            message: message.into(),
        }
    }
}

/// What an operator may adjust, in one currency: per role, or the
/// operator's own (docs/design.md, section 13). The default allows nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// The most one adjustment may change an amount by.
    pub amount: Decimal,
    /// The most it may change it by, in percent of the amount.
    pub percent: Decimal,
    /// May set a shipment's charge to zero, whatever it was: a permission
    /// of its own, not a 100 % adjustment.
    pub shipping_waiver: bool,
    /// May raise a price or a charge (within `amount` and `percent`).
    pub price_increase: bool,
    /// The largest shipping charge the waiver may set to zero; None: any.
    pub waiver_max: Option<Decimal>,
}

/// Whether changing `base` by `change` (positive takes off, negative
/// raises) is within `limits`; `waiver`: the change sets a shipping charge
/// to zero. Err says why not, as "your" limit.
pub fn within_limits(
    limits: &Limits,
    change: Decimal,
    base: Decimal,
    waiver: bool,
) -> Result<(), String> {
    if change.is_zero() {
        return Ok(());
    }
    if waiver {
        return match (limits.shipping_waiver, limits.waiver_max) {
            (false, _) => Err(format!(
                "waiving shipping of {base} needs the shipping-waiver permission"
            )),
            (true, Some(max)) if base > max => Err(format!(
                "waiving {base} is over your shipping-waiver limit of {max}"
            )),
            (true, _) => Ok(()),
        };
    }
    if change < Decimal::ZERO && !limits.price_increase {
        return Err(format!(
            "{} more: raising a price is beyond your limits",
            -change
        ));
    }
    check_adjustment_limit(change, base, limits.amount, limits.percent)
}

/// A supervisor's approval the order carries, as the store has it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalState {
    /// On file for this operator and order, and its supervisor may still
    /// approve: their limits in the order's currency.
    Holds { supervisor: String, limits: Limits },
    /// Why it no longer counts.
    Void(String),
}

/// The registered customer as the store has them now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerState {
    Enabled,
    Disabled,
    Gone,
}

/// A coupon code of the order as the store has it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouponState {
    Missing,
    /// Its promotion is no longer offered.
    Withdrawn,
    Found(Box<Coupon>),
}

/// What a business account owes and may owe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCredit {
    pub name: String,
    pub currency: Currency,
    pub limit: Decimal,
    /// Grand totals of the account's placed orders paid on account.
    pub used: Decimal,
}

/// Whether `total` in `currency` fits the account's remaining credit;
/// Err names the amounts.
pub fn credit_check(
    credit: &AccountCredit,
    currency: Currency,
    total: Decimal,
) -> Result<(), String> {
    if currency != credit.currency {
        return Err(format!(
            "account {} is kept in {}; this order is in {currency}",
            credit.name, credit.currency
        ));
    }
    let cur = credit.currency;
    let remaining = credit.limit - credit.used;
    if total > remaining {
        return Err(format!(
            "order total {} {cur} is over the account's credit left, {} {cur}",
            cur.format(total),
            cur.format(remaining.max(Decimal::ZERO)),
        ));
    }
    Ok(())
}

/// What the store knows that the order's rules depend on, read together
/// (inside the submit transaction at submit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// None for a guest (not on file until the order is placed).
    pub customer: Option<CustomerState>,
    pub limits: Limits,
    pub reason_codes: Vec<String>,
    /// One per code in `Order::coupons`, in that order.
    pub coupons: Vec<(String, CouponState)>,
    /// The account of the order's customer, when paying on account
    /// (None: the account is gone).
    pub account: Option<AccountCredit>,
    /// The customer whose challenge question was answered correctly in
    /// this session (the session's knowledge, not the store's).
    pub challenge_verified: Option<i64>,
    /// The order's customer's stored payment is locked (five wrong
    /// challenge answers) until a supervisor unlocks it.
    pub challenge_locked: bool,
    /// Each approval the order carries (`Approval::id`), as it stands.
    pub approvals: Vec<(i64, ApprovalState)>,
}

impl Facts {
    /// The state of approval `id`; unknown ids do not hold.
    pub fn approval(&self, id: i64) -> ApprovalState {
        self.approvals
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| ApprovalState::Void("it is not on file".into()))
    }
}

/// Everything that stands between `order` (priced as `quote`) and submit,
/// each with the area that fixes it. Empty: the order may be placed.
pub fn check(order: &Order, quote: &Quote, facts: &Facts) -> Vec<Violation> {
    let mut out: Vec<Violation> = order
        .problems()
        .into_iter()
        .map(|p| Violation::new(Rule::Incomplete, p.area, p.message))
        .collect();
    out.extend(customer_violations(order, facts));
    out.extend(adjustment_violations(order, quote, facts));
    out.extend(coupon_violations(order, quote, facts));
    out.extend(payment_violations(order, quote, facts));
    out
}

fn customer_violations(order: &Order, facts: &Facts) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(c) = &order.customer else {
        return out;
    };
    match facts.customer {
        Some(CustomerState::Disabled) => {
            let approved = order
                .customer_approval
                .as_ref()
                .map(|a| (a, facts.approval(a.id)));
            match approved {
                Some((_, ApprovalState::Holds { .. })) => {}
                Some((a, ApprovalState::Void(why))) => out.push(Violation::new(
                    Rule::CustomerDisabled,
                    Area::Customer,
                    format!(
                        "{} is disabled, and {}'s approval no longer holds: {why}",
                        c.name(),
                        a.supervisor
                    ),
                )),
                None => out.push(Violation::new(
                    Rule::CustomerDisabled,
                    Area::Customer,
                    format!("{} is disabled: orders cannot be placed for them", c.name()),
                )),
            }
        }
        Some(CustomerState::Gone) => out.push(Violation::new(
            Rule::NotFound,
            Area::Customer,
            format!("{} is no longer on file: pick the customer again", c.name()),
        )),
        _ => {}
    }
    if c.currency != order.currency {
        out.push(Violation::new(
            Rule::Currency,
            Area::Customer,
            format!(
                "the order is in {} but {} pays in {}",
                order.currency,
                c.name(),
                c.currency
            ),
        ));
    }
    out
}

/// The rules a change to a placed order must meet (docs/design.md, "After
/// the order"): each adjustment within the limits of whoever made it
/// (`makers`: each maker's facts, their approvals judged for them),
/// measured against the order as it now stands; and on account, the
/// increase over `previous_total` within the credit left (`credit`, which
/// counts the order at `previous_total`).
pub fn change_violations(
    order: &Order,
    quote: &Quote,
    makers: &[(String, Facts)],
    credit: Option<&AccountCredit>,
    previous_total: Decimal,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for (who, facts) in makers {
        let mut theirs = order.clone();
        theirs.adjustments.retain(|a| &a.operator == who);
        out.extend(adjustment_violations(&theirs, quote, facts));
    }
    let increase = quote.total() - previous_total;
    if let (Some(c), true) = (credit, increase > Decimal::ZERO) {
        if let Err(e) = credit_check(c, order.currency, increase) {
            out.push(Violation::new(Rule::AccountCredit, Area::Payment, e));
        }
    }
    out
}

/// Each operator adjustment within the operator's limits, measured against
/// the order as it stands (not as it stood when the adjustment was made),
/// with a known reason code. Raising a price is limited like lowering it,
/// and needs the permission to raise prices; setting a shipping charge to
/// zero needs the shipping waiver. An adjustment a supervisor approved is
/// measured against that supervisor's limits now.
pub fn adjustment_violations(order: &Order, quote: &Quote, facts: &Facts) -> Vec<Violation> {
    let cur = order.currency;
    let mut out = Vec::new();
    let mut refuse = |rule, message: String| {
        out.push(Violation::new(rule, Area::Adjustments, message));
    };
    // Whose limits hold for an adjustment: the operator's, or those of
    // the supervisor who approved it ("your" limit becomes theirs).
    let limits_of = |a: &Adjustment| -> Result<(Limits, Option<String>), String> {
        let Some(ap) = &a.approval else {
            return Ok((facts.limits, None));
        };
        match facts.approval(ap.id) {
            ApprovalState::Holds { supervisor, limits } => Ok((limits, Some(supervisor))),
            ApprovalState::Void(why) => Err(format!(
                "{}'s approval no longer holds: {why}",
                ap.supervisor
            )),
        }
    };
    let whose = |e: String, by: &Option<String>| match by {
        Some(s) => e.replace("your ", &format!("{s}'s ")),
        None => e,
    };
    for a in &order.adjustments {
        if !facts.reason_codes.contains(&a.reason_code) {
            refuse(
                Rule::ReasonCode,
                format!("'{}' is not a reason code: choose one", a.reason_code),
            );
        }
        let (limits, by) = match limits_of(a) {
            Ok(l) => l,
            Err(e) => {
                refuse(Rule::Approval, format!("{}: {e}", describe(&a.kind)));
                continue;
            }
        };
        match &a.kind {
            AdjustmentKind::PriceOverride {
                line, unit_price, ..
            } => {
                let Some(l) = order.lines.get(*line) else {
                    refuse(
                        Rule::NotFound,
                        format!("a price override names line {}, which is gone", line + 1),
                    );
                    continue;
                };
                let qty = Decimal::from(l.quantity);
                let list = cur.round(l.unit_price * qty);
                let change = list - cur.round(*unit_price * qty);
                if let Err(e) = within_limits(&limits, change, list, false) {
                    refuse(
                        Rule::AdjustmentLimit,
                        format!(
                            "line {} ({} x {}): {}",
                            line + 1,
                            l.quantity,
                            l.sku,
                            whose(e, &by)
                        ),
                    );
                }
            }
            AdjustmentKind::ShippingOverride {
                shipment,
                amount: charge,
            } => {
                let Some(s) = quote.breakdown.shipments.get(*shipment) else {
                    refuse(
                        Rule::NotFound,
                        format!(
                            "a shipping override names shipment {}, which is gone",
                            shipment + 1
                        ),
                    );
                    continue;
                };
                let before = if s.free_shipping.is_some() {
                    Decimal::ZERO
                } else {
                    s.computed
                };
                let waiver = charge.is_zero() && before > Decimal::ZERO;
                if let Err(e) = within_limits(&limits, before - *charge, before, waiver) {
                    refuse(
                        Rule::AdjustmentLimit,
                        format!("shipment {}: {}", shipment + 1, whose(e, &by)),
                    );
                }
            }
            AdjustmentKind::SubtotalOff { .. } => {}
        }
    }
    let subtotal: Vec<&Adjustment> = order
        .adjustments
        .iter()
        .filter(|a| matches!(a.kind, AdjustmentKind::SubtotalOff { .. }))
        .collect();
    let off: Decimal = subtotal
        .iter()
        .filter_map(|a| match a.kind {
            AdjustmentKind::SubtotalOff { amount } => Some(amount),
            _ => None,
        })
        .sum();
    if off > Decimal::ZERO {
        // Decided on the whole order placed, then shared between its parts.
        let b = &quote.placed;
        let base = b.subtotal + b.adjustment_total;
        // Amounts off are limited together, by the limits of the latest
        // (a new one replaces the one before: there is one at most).
        let limits = subtotal.last().map(|a| limits_of(a));
        if off > base {
            refuse(
                Rule::AdjustmentLimit,
                format!(
                    "{} off the subtotal is more than the subtotal, {}",
                    cur.format(off),
                    cur.format(base)
                ),
            );
        } else if let Some(Ok((limits, by))) = limits {
            if let Err(e) = within_limits(&limits, off, base, false) {
                refuse(
                    Rule::AdjustmentLimit,
                    format!("subtotal: {}", whose(e, &by)),
                );
            }
        }
    }
    out
}

/// What an adjustment is on, for messages: "line 2", "shipment 1",
/// "subtotal".
fn describe(kind: &AdjustmentKind) -> String {
    match kind {
        AdjustmentKind::PriceOverride { line, .. } => format!("line {}", line + 1),
        AdjustmentKind::ShippingOverride { shipment, .. } => format!("shipment {}", shipment + 1),
        AdjustmentKind::SubtotalOff { .. } => "subtotal".into(),
    }
}

fn coupon_violations(order: &Order, quote: &Quote, facts: &Facts) -> Vec<Violation> {
    let outcomes = &quote.placed.coupons;
    let customer_id = order.customer.as_ref().and_then(|c| c.id);
    let mut out = Vec::new();
    for code in &order.coupons {
        let state = facts
            .coupons
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, s)| s);
        let message = match state {
            None | Some(CouponState::Missing) => {
                Some(format!("coupon {code} no longer exists: remove it"))
            }
            Some(CouponState::Withdrawn) => Some(format!(
                "coupon {code}: its promotion is no longer offered: remove it"
            )),
            // Whose it is and the uses left, as the store counts them now
            // (inside the submit transaction at submit).
            Some(CouponState::Found(c)) => match check_coupon_owner(c, customer_id)
                .and_then(|()| c.usage.check(&c.code, customer_id))
            {
                Err(e) => Some(format!("{e}: remove it")),
                Ok(()) => outcomes
                    .iter()
                    .find(|o| o.code.eq_ignore_ascii_case(code))
                    .and_then(|o| o.reason.clone()),
            },
        };
        if let Some(m) = message {
            out.push(Violation::new(Rule::Coupon, Area::Adjustments, m));
        }
    }
    out
}

fn payment_violations(order: &Order, quote: &Quote, facts: &Facts) -> Vec<Violation> {
    let mut out = Vec::new();
    let customer = order.customer.as_ref();
    match &order.payment {
        Some(Payment::StoredCard(card)) => {
            let id = customer.and_then(|c| c.id);
            let owned = customer.is_some_and(|c| c.cards.iter().any(|k| k.id == card.id));
            if !owned {
                out.push(Violation::new(
                    Rule::NotFound,
                    Area::Payment,
                    "the stored card is not this customer's: choose the payment again",
                ));
            } else if facts.challenge_locked {
                out.push(Violation::new(
                    Rule::ChallengeLocked,
                    Area::Payment,
                    format!(
                        "{}'s stored payment is locked after {CHALLENGE_ATTEMPTS} wrong challenge answers: a supervisor unlocks it",
                        customer.map(|c| c.name()).unwrap_or_default()
                    ),
                ));
            } else if id.is_none() || facts.challenge_verified != id {
                out.push(Violation::new(
                    Rule::ChallengeRequired,
                    Area::Payment,
                    "a stored card needs the challenge question answered first",
                ));
            }
        }
        Some(Payment::Account { po_number }) => {
            let message = match customer.and_then(|c| c.account.as_ref()) {
                None => Some("pay on account is for customers of a business account".to_string()),
                Some(a) if a.po_required && po_number.trim().is_empty() => Some(format!(
                    "account {} requires a purchase-order number",
                    a.name
                )),
                Some(a) => match &facts.account {
                    None => Some(format!("account {} no longer exists", a.name)),
                    Some(credit) => credit_check(credit, order.currency, quote.total()).err(),
                },
            };
            if let Some(m) = message {
                out.push(Violation::new(Rule::AccountCredit, Area::Payment, m));
            }
        }
        _ => {}
    }
    out
}

//! The edit form for one adjustment — a shipment's charge, a waiver of
//! it, the amount off the subtotal, a line's unit price — what it
//! targets, opening and applying it, and its drawing.

use super::coupons::first;
use super::{row_at, Adjustments, Asked, Ctx, DrawCtx};
use crate::domain::adjustment::AdjustmentKind;
use crate::domain::text::fit;
use crate::session::Command;
use crate::tui::action::Action;
use crate::tui::widgets::text_field::TextField;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Shipping(usize),
    /// Shipment n's charge waived: set to zero, one action with a reason.
    Waiver(usize),
    Subtotal,
    Price(usize),
}

pub(super) struct EditForm {
    pub(super) target: Target,
    pub(super) amount: TextField,
    pub(super) reason: usize,
    pub(super) error: Option<String>,
    /// A line's price: a net price (item promotions do not apply to the
    /// line) rather than the price before item promotions.
    pub(super) net: bool,
}

fn target_of(kind: &AdjustmentKind) -> Target {
    match kind {
        AdjustmentKind::ShippingOverride { shipment, .. } => Target::Shipping(*shipment),
        AdjustmentKind::SubtotalOff { .. } => Target::Subtotal,
        AdjustmentKind::PriceOverride { line, .. } => Target::Price(*line),
    }
}

/// The label of the amount an adjustment of `target` asks for.
pub(super) fn amount_label(target: Target) -> &'static str {
    match target {
        Target::Shipping(_) | Target::Waiver(_) => "New charge",
        Target::Subtotal => "Amount off",
        Target::Price(_) => "Unit price",
    }
}

/// The order's adjustment on `target`, with its index.
pub(super) fn adjustment_on(ctx: &DrawCtx, target: Target) -> Option<usize> {
    let target = match target {
        Target::Waiver(n) => Target::Shipping(n),
        t => t,
    };
    ctx.order
        .adjustments
        .iter()
        .position(|a| target_of(&a.kind) == target)
}

impl Adjustments {
    pub(super) fn open_form(&mut self, target: Target, ctx: &Ctx) {
        let mut amount = TextField::money(amount_label(target));
        if let Target::Waiver(_) = target {
            // Nothing to type: the charge becomes zero.
            self.waiver_limits = ctx.lookup.limits().ok();
            amount.set("0");
            self.form = Some(EditForm {
                target,
                amount,
                reason: 0,
                error: None,
                net: false,
            });
            return;
        }
        let mut reason = 0;
        let mut net = false;
        if let Some(a) = adjustment_on(ctx, target).and_then(|i| ctx.order.adjustments.get(i)) {
            net = matches!(a.kind, AdjustmentKind::PriceOverride { net: true, .. });
            let value = match &a.kind {
                AdjustmentKind::PriceOverride { unit_price, .. } => *unit_price,
                AdjustmentKind::ShippingOverride { amount, .. } => *amount,
                AdjustmentKind::SubtotalOff { amount } => *amount,
            };
            amount.set(&ctx.order.currency.round(value).to_string());
            reason = self
                .reasons
                .iter()
                .position(|(c, _)| *c == a.reason_code)
                .unwrap_or(0);
        }
        self.limits = ctx.lookup.adjustment_limits().ok();
        self.form = Some(EditForm {
            target,
            amount,
            reason,
            error: None,
            net,
        });
    }

    pub(super) fn apply_form(&mut self, ctx: &DrawCtx) -> Vec<Action> {
        let Some(form) = &mut self.form else {
            return vec![];
        };
        // A refused key still stands at the field: nothing is sent.
        if let Some(e) = form.amount.error.clone() {
            return form.amount.fail(e);
        }
        // Checked here to stand at the field; the session parses the same
        // text with the same parser.
        if let Err(e) = ctx.order.currency.parse_amount(form.amount.value()) {
            form.error = Some(e);
            return vec![];
        }
        let typed = form.amount.value().trim().to_string();
        let Some((reason_code, _)) = self.reasons.get(form.reason) else {
            form.error = Some("no reason codes are set up: ask a supervisor".into());
            return vec![];
        };
        let (target, amount, unit_price) = match form.target {
            Target::Shipping(n) => (format!("shipment:{}", n + 1), Some(typed), None),
            Target::Waiver(n) => (format!("shipment:{}", n + 1), Some("0".into()), None),
            Target::Subtotal => ("subtotal".to_string(), Some(typed), None),
            Target::Price(line) => (format!("line:{}", line + 1), None, Some(typed)),
        };
        self.asked = Some(Asked::Adjustment);
        vec![Action::Order(Command::Adjust {
            target,
            amount,
            unit_price,
            reason: reason_code.clone(),
            net: form.net && matches!(form.target, Target::Price(_)),
        })]
    }

    pub(super) fn draw_form(
        &self,
        f: &mut Frame,
        area: Rect,
        top: usize,
        form: &EditForm,
        ctx: &DrawCtx,
    ) {
        let theme = ctx.theme;
        let width = area.width as usize;
        let cur = ctx.order.currency;
        let row = |y: usize| row_at(area, y);
        let b = &ctx.quote.breakdown;
        let what = match form.target {
            Target::Shipping(n) => {
                let computed = b
                    .shipments
                    .get(n)
                    .map(|s| match &s.free_shipping {
                        Some(p) => format!("computed {}, free by {p}", cur.format(s.computed)),
                        None => format!("computed {}", cur.format(s.computed)),
                    })
                    .unwrap_or_default();
                format!(
                    "Override the shipping charge of shipment #{} ({computed})",
                    n + 1
                )
            }
            Target::Waiver(_) => String::new(),
            Target::Subtotal => format!(
                "Take an amount off the subtotal ({} before it)",
                cur.format(first(ctx).subtotal + first(ctx).adjustment_total)
            ),
            Target::Price(i) => match ctx.order.lines.get(i) {
                Some(l) => format!(
                    "Override the unit price of line {} {} (list {})",
                    i + 1,
                    l.sku,
                    cur.format(l.unit_price)
                ),
                None => format!("Override the unit price of line {}", i + 1),
            },
        };
        if let Target::Waiver(n) = form.target {
            return self.draw_waiver(f, area, top, n, form, ctx);
        }
        f.render_widget(Line::styled(fit(&what, width), theme.title()), row(top));
        form.amount.draw(f, row(top + 1), 14, true, theme);
        if let Some(e) = &form.error {
            f.render_widget(
                Line::styled(fit(&format!("  ! {e}"), width), theme.error()),
                row(top + 2),
            );
        }
        let reason = match self.reasons.get(form.reason) {
            Some((code, label)) => format!(" Reason       < {code}  {label} >  (↑/↓ to change)"),
            None => " Reason       none set up: ask a supervisor".into(),
        };
        f.render_widget(Line::raw(fit(&reason, width)), row(top + 3));
        let limit = match self.limits {
            Some((amount, percent)) => format!(
                " Your limit   {} and {}% of the price it comes off",
                cur.format(amount),
                percent.normalize()
            ),
            None => " Your limit   unknown".into(),
        };
        f.render_widget(
            Line::styled(fit(&limit, width), theme.label()),
            row(top + 4),
        );
        f.render_widget(
            Line::styled(
                fit(
                    &format!(" Operator     {} (recorded with it)", ctx.operator),
                    width,
                ),
                theme.label(),
            ),
            row(top + 5),
        );
        if matches!(form.target, Target::Price(_)) {
            // The rule is shown where the price is typed (Tab switches it).
            let rule = if form.net {
                " Promotions   [x] net price: item promotions do not apply to this line"
            } else {
                " Promotions   [ ] net price: item promotions apply after this price"
            };
            f.render_widget(Line::raw(fit(rule, width)), row(top + 6));
        }
    }

    /// The waiver of shipment `n`'s charge: the charge, the reason, and
    /// whether the operator's own waiver covers it (else a supervisor
    /// approves when it is applied).
    fn draw_waiver(
        &self,
        f: &mut Frame,
        area: Rect,
        top: usize,
        n: usize,
        form: &EditForm,
        ctx: &DrawCtx,
    ) {
        let theme = ctx.theme;
        let width = area.width as usize;
        let cur = ctx.order.currency;
        let row = |y: usize| row_at(area, y);
        let charge = ctx.quote.breakdown.shipments.get(n).map(|s| s.computed);
        let what = format!(
            "Waive the shipping charge of shipment #{} ({} → {})",
            n + 1,
            charge.map(|c| cur.format(c)).unwrap_or_default(),
            cur.format(Decimal::ZERO)
        );
        let mut lines = vec![(what, theme.title())];
        lines.push((
            match &form.error {
                Some(e) => format!("  ! {e}"),
                None => String::new(),
            },
            theme.error(),
        ));
        let reason = match self.reasons.get(form.reason) {
            Some((code, label)) => format!(" Reason       < {code}  {label} >  (↑/↓ to change)"),
            None => " Reason       none set up: ask a supervisor".into(),
        };
        lines.push((reason, theme.label()));
        let yours = match self.waiver_limits {
            Some(l) if !l.shipping_waiver => {
                "not yours: a supervisor approves it (name and PIN)".to_string()
            }
            Some(l) => match l.waiver_max {
                None => "any charge".to_string(),
                Some(m) if charge.is_some_and(|c| c > m) => {
                    format!("up to {}: a supervisor approves this one", cur.format(m))
                }
                Some(m) => format!("up to {}", cur.format(m)),
            },
            None => "unknown".to_string(),
        };
        lines.push((format!(" Your waiver  {yours}"), theme.label()));
        lines.push((
            format!(" Operator     {} (recorded with it)", ctx.operator),
            theme.label(),
        ));
        for (i, (text, style)) in lines.into_iter().enumerate() {
            f.render_widget(Line::styled(fit(&text, width), style), row(top + i));
        }
    }
}

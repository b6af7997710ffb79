//! Step 8, review and submit: customer, lines, shipments, the price
//! breakdown (every discount, coupon, adjustment with its reason and
//! operator, shipping charge and tax, per order placed) and payment on one
//! screen; anything missing or invalid is named with the key that goes
//! there.

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::order::Area;
use crate::domain::text::fit;
use crate::session::Command;
use crate::tui::action::Action;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

#[derive(Default)]
pub struct Review {
    scroll: usize,
    /// (code, label) of the adjustment reasons, read when the screen is shown.
    reasons: Vec<(String, String)>,
}

fn key_for(area: Area) -> &'static str {
    match area {
        Area::Customer => "F2",
        Area::Cart => "F4",
        Area::Fulfillment => "F6",
        Area::Payment => "F7",
        Area::Adjustments => "F8",
    }
}

/// The review as lines of text, so it scrolls and tests can read it.
pub fn review_lines(ctx: &DrawCtx, reasons: &[(String, String)]) -> Vec<(String, bool)> {
    let o = ctx.order;
    let cur = o.currency;
    let b = &ctx.quote.breakdown;
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut push = |s: String, strong: bool| out.push((s, strong));
    // The key stays in view however long the message is.
    for v in ctx.violations {
        push(
            format!("! {} — {}", fit(&v.message, 72), key_for(v.area)),
            true,
        );
    }
    let reason = |code: &str| -> String {
        reasons
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, label)| label.clone())
            .unwrap_or_else(|| code.to_string())
    };
    match &o.customer {
        Some(c) => push(
            format!(
                "Customer  {}{}  {}  {}",
                c.name(),
                if c.guest { " (guest)" } else { "" },
                c.phone,
                c.email
            ),
            false,
        ),
        None => push("Customer  —".into(), false),
    }
    for (i, l) in o.lines.iter().enumerate() {
        let total = b
            .lines
            .get(i)
            .map(|a| cur.format(a.total))
            .unwrap_or_default();
        push(
            format!(
                "  {:<12} {:<28} {:>5} x {:>10} {:>12}",
                fit(&l.sku, 12),
                fit(&l.name, 28),
                l.quantity,
                cur.format(l.unit_price),
                total
            ),
            false,
        );
    }
    for (line, qty) in &ctx.quote.plan.dropped {
        let sku = o.lines.get(*line).map(|l| l.sku.as_str()).unwrap_or("?");
        push(format!("  Dropped (backordered): {qty} x {sku}"), true);
    }
    let amount = |label: String, value: rust_decimal::Decimal| {
        format!("{:>62} {:>12}", fit(&label, 62), cur.format(value))
    };
    let several = ctx.quote.parts.len() > 1;
    for (part, b) in &ctx.quote.parts {
        if several {
            let what = if part.number == 1 {
                "Order 1: ships from stock"
            } else {
                "Order 2: the backorders, placed separately"
            };
            push(what.to_string(), true);
        }
        for (n, s) in part.shipments.iter().enumerate() {
            let st = o.ship_tos.get(s.ship_to);
            let method = st
                .and_then(|t| t.method.clone())
                .unwrap_or_else(|| "no method".into());
            let to = st.map(|t| t.address.one_line()).unwrap_or_default();
            let when = s
                .date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "date unknown".into());
            push(
                fit(&format!("Shipment {} {when} {method}: {to}", n + 1), 78),
                false,
            );
        }
        let by = |a: &crate::domain::pricing::AppliedAdjustment| {
            format!("{}, {}", reason(&a.reason_code), a.operator)
        };
        let overrides: Vec<_> = b
            .adjustments
            .iter()
            .filter(|a| a.kind == "price_override")
            .collect();
        if !overrides.is_empty() {
            // Overridden prices are in the merchandise: show what they took off.
            let list: rust_decimal::Decimal = b.lines.iter().map(|l| l.list_amount).sum();
            push(amount("Merchandise at list prices".into(), list), false);
            for a in overrides {
                let sku = a
                    .target
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| part.order.lines.get(n.wrapping_sub(1)))
                    .map(|l| l.sku.as_str())
                    .unwrap_or("?");
                push(
                    amount(
                        format!("Price override line {} {sku} ({})", a.target, by(a)),
                        -a.amount,
                    ),
                    false,
                );
            }
        }
        push(amount("Merchandise".into(), b.merchandise), false);
        for d in b.discount_lines() {
            let label = match &d.coupon {
                Some(c) => format!("Coupon {c}: {}", d.name),
                None => d.name.clone(),
            };
            push(amount(label, -d.amount), false);
        }
        for a in b.adjustments.iter().filter(|a| a.kind == "subtotal") {
            push(
                amount(format!("Amount off the subtotal ({})", by(a)), -a.amount),
                false,
            );
        }
        for (n, s) in b.shipments.iter().enumerate() {
            let method = o
                .ship_tos
                .get(s.ship_to)
                .and_then(|t| t.method.clone())
                .unwrap_or_default();
            let target = (n + 1).to_string();
            let label = format!("Shipping #{} {method}", n + 1);
            // Computed first, then what changed it: the lines add up.
            match (
                b.adjustments
                    .iter()
                    .find(|a| a.kind == "shipping_override" && a.target == target),
                &s.free_shipping,
            ) {
                (Some(a), free) => {
                    push(amount(format!("{label} computed"), s.computed), false);
                    if let Some(p) = free {
                        push(amount(format!("  free: {p}"), -s.computed), false);
                    }
                    let before = if free.is_some() { 0.into() } else { s.computed };
                    push(
                        amount(format!("  override ({})", by(a)), s.charge - before),
                        false,
                    );
                }
                (None, Some(p)) => {
                    push(amount(format!("{label} computed"), s.computed), false);
                    push(amount(format!("  free: {p}"), s.charge - s.computed), false);
                }
                (None, None) => push(amount(label, s.charge), false),
            }
        }
        for t in &b.taxes {
            let pct = (t.rate * rust_decimal::Decimal::from(100)).normalize();
            push(amount(format!("Tax {} {pct}%", t.name), t.amount), false);
        }
        push(amount(format!("TOTAL {cur}"), b.grand_total), true);
        for n in &b.notes {
            for (i, piece) in wrap(n, 70).into_iter().enumerate() {
                let lead = if i == 0 { "  Note: " } else { "        " };
                push(format!("{lead}{piece}"), false);
            }
        }
    }
    let pay = o
        .payment
        .as_ref()
        .map(|p| p.describe())
        .unwrap_or_else(|| "—".into());
    push(format!("Payment   {pay}"), false);
    if let Some(bill) = &o.billing {
        push(fit(&format!("Bill to   {}", bill.one_line()), 78), false);
    }
    if !o.comment_customer.is_empty() {
        push(
            fit(&format!("Comment (customer)  {}", o.comment_customer), 78),
            false,
        );
    }
    if !o.comment_warehouse.is_empty() {
        push(
            fit(&format!("Comment (warehouse) {}", o.comment_warehouse), 78),
            false,
        );
    }
    out
}

/// `text` in pieces of at most `width` characters, broken at spaces
/// (a word longer than the width is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let (n, w) = (line.chars().count(), word.chars().count());
        if n > 0 && n + 1 + w > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out.into_iter().map(|l| fit(&l, width)).collect()
}

impl Screen for Review {
    fn bindings(&self, _ctx: &DrawCtx) -> Vec<Binding> {
        let mut b = vec![Binding::new(
            &[Key::plain(KeyCode::Enter)],
            "Submit order",
            Cmd::SubmitOrder,
        )];
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        let len = review_lines(ctx, &self.reasons).len();
        Some(match cmd {
            Cmd::SubmitOrder => vec![Action::Order(Command::Submit)],
            Cmd::Up => {
                self.scroll = self.scroll.saturating_sub(1);
                vec![]
            }
            Cmd::Down => {
                self.scroll = (self.scroll + 1).min(len.saturating_sub(1));
                vec![]
            }
            Cmd::PageUp => {
                self.scroll = self.scroll.saturating_sub(10);
                vec![]
            }
            Cmd::PageDown => {
                self.scroll = (self.scroll + 10).min(len.saturating_sub(1));
                vec![]
            }
            _ => return None,
        })
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.scroll = 0;
        self.reasons = ctx.lookup.reason_codes().unwrap_or_default();
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        title(f, area, "Review — read it back; Enter submits", theme);
        let lines = review_lines(ctx, &self.reasons);
        let height = area.height.saturating_sub(1) as usize;
        for (i, (text, strong)) in lines.iter().skip(self.scroll).take(height).enumerate() {
            let style = if text.starts_with('!') {
                theme.error()
            } else if *strong {
                theme.title()
            } else {
                ratatui::style::Style::default()
            };
            f.render_widget(
                Line::styled(fit(text, area.width as usize), style),
                Rect::new(area.x, area.y + 1 + i as u16, area.width, 1),
            );
        }
    }
}

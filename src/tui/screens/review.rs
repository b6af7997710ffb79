//! Step 8, review and submit: customer, lines, shipments, the price
//! breakdown and payment on one screen; anything missing is named with the
//! key that goes there.

use super::{title, Ctx, Screen};
use crate::domain::order::Area;
use crate::domain::text::fit;
use crate::tui::action::Action;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

#[derive(Default)]
pub struct Review {
    scroll: usize,
}

fn key_for(area: Area) -> &'static str {
    match area {
        Area::Customer => "F2",
        Area::Cart => "F4",
        Area::Fulfillment => "F6",
        Area::Payment => "F7",
    }
}

/// The review as lines of text, so it scrolls and tests can read it.
pub fn review_lines(ctx: &Ctx) -> Vec<(String, bool)> {
    let o = ctx.order;
    let cur = o.currency;
    let b = &ctx.quote.breakdown;
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut push = |s: String, strong: bool| out.push((s, strong));
    for p in o.problems() {
        push(format!("! {} — {}", p.message, key_for(p.area)), true);
    }
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
        push(amount("Merchandise".into(), b.merchandise), false);
        for d in b.discount_lines() {
            push(amount(d.name.clone(), -d.amount), false);
        }
        for a in &b.adjustments {
            push(
                amount(
                    format!("Adjustment {} ({})", a.kind, a.reason_code),
                    -a.amount,
                ),
                false,
            );
        }
        for (n, s) in b.shipments.iter().enumerate() {
            push(amount(format!("Shipping #{}", n + 1), s.charge), false);
        }
        for t in &b.taxes {
            let pct = (t.rate * rust_decimal::Decimal::from(100)).normalize();
            push(amount(format!("Tax {} {pct}%", t.name), t.amount), false);
        }
        push(amount(format!("TOTAL {cur}"), b.grand_total), true);
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

impl Screen for Review {
    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding> {
        let mut b = vec![Binding::new(
            &[Key::plain(KeyCode::Enter)],
            "Submit order",
            Cmd::Submit,
        )];
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Vec<Action> {
        let len = review_lines(ctx).len();
        match cmd {
            Cmd::Submit => vec![Action::Submit],
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
            _ => vec![],
        }
    }

    fn enter(&mut self, _ctx: &Ctx) {
        self.scroll = 0;
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        title(f, area, "Review — read it back; Enter submits", theme);
        let lines = review_lines(ctx);
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

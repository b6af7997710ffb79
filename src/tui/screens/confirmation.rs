//! Step 9, confirmation: the order number(s), totals and ship dates to
//! read back, from the quote the orders were placed with; Enter starts a
//! fresh order, and a guest can be registered in one step (keeping the
//! addresses of the order). Keys typed before it was drawn never reach it
//! (tui/terminal.rs), so an Enter typed ahead cannot dismiss it unread.

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::text::fit;
use crate::session::Command;
use crate::tui::action::Action;
use crate::tui::keymap::{Binding, Cmd, Key};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

#[derive(Default)]
pub struct Confirmation;

/// The guest the order was placed for (its customer row, made by submit).
fn guest(ctx: &DrawCtx) -> Option<i64> {
    let is_guest = ctx
        .order
        .customer
        .as_ref()
        .is_some_and(|c| c.guest && c.id.is_none());
    ctx.placed
        .first()
        .filter(|_| is_guest)
        .map(|p| p.customer_id)
}

impl Screen for Confirmation {
    fn bindings(&self, ctx: &DrawCtx) -> Vec<Binding> {
        let mut b = vec![Binding::new(
            &[Key::plain(KeyCode::Enter)],
            "New order",
            Cmd::NewOrder,
        )];
        if guest(ctx).is_some() {
            b.push(Binding::new(
                &[Key::ctrl('n')],
                "Register this guest",
                Cmd::OpenGuestRegistration,
            ));
        }
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        Some(match cmd {
            Cmd::NewOrder => vec![Action::Order(Command::NewOrder)],
            Cmd::OpenGuestRegistration => {
                guest(ctx).map(Action::RegisterGuest).into_iter().collect()
            }
            _ => return None,
        })
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        title(
            f,
            area,
            "Order placed — read this back to the customer",
            theme,
        );
        let width = area.width as usize;
        let row = |f: &mut Frame, y: u16, text: String, style: ratatui::style::Style| {
            f.render_widget(
                Line::styled(fit(&text, width), style),
                Rect::new(area.x, y, area.width, 1),
            );
        };
        let cur = ctx.order.currency;
        // What was placed: the quote the orders were written from, not
        // whatever the session holds by now.
        let quote = ctx.placed_quote.unwrap_or(ctx.quote);
        let mut y = area.y + 2;
        for p in ctx.placed {
            let what = if p.part == 1 {
                "Order number"
            } else {
                "Backorders  "
            };
            row(
                f,
                y,
                format!(
                    "  {what}  {:<9}total {} {cur}",
                    p.order_no,
                    cur.format(p.grand_total)
                ),
                theme.ok(),
            );
            y += 1;
        }
        if ctx.placed.len() > 1 {
            let all: rust_decimal::Decimal = ctx.placed.iter().map(|p| p.grand_total).sum();
            row(
                f,
                y,
                format!(
                    "  {:<12}  {:<9}total {} {cur}",
                    "Both orders",
                    "",
                    cur.format(all)
                ),
                theme.ok(),
            );
            y += 1;
        }
        y += 1;
        let mut shipments = Vec::new();
        for (part, _) in &quote.parts {
            let order_no = ctx
                .placed
                .iter()
                .find(|p| p.part == part.number)
                .map(|p| p.order_no.to_string())
                .unwrap_or_else(|| "?".into());
            for (n, s) in part.shipments.iter().enumerate() {
                let method = ctx
                    .order
                    .ship_tos
                    .get(s.ship_to)
                    .and_then(|t| t.method.clone())
                    .unwrap_or_default();
                let days = quote
                    .methods
                    .iter()
                    .find(|m| m.code == method)
                    .map(|m| m.transit_days)
                    .unwrap_or(0);
                let when = match s.date {
                    Some(d) => format!(
                        "ships {d}, expected by {}",
                        d + chrono::Duration::days(i64::from(days))
                    ),
                    None => "ship date unknown (awaiting stock)".into(),
                };
                shipments.push(format!(
                    "  {order_no} shipment {}: {} pcs {method}, {when}",
                    n + 1,
                    s.pieces()
                ));
            }
        }
        // Room for the shipments above the payment row; what does not fit
        // is counted, not silently left out.
        let room = area.bottom().saturating_sub(y + 2) as usize;
        let shown = if shipments.len() > room {
            room.saturating_sub(1)
        } else {
            shipments.len()
        };
        for text in &shipments[..shown] {
            row(f, y, text.clone(), ratatui::style::Style::default());
            y += 1;
        }
        if shown < shipments.len() {
            row(
                f,
                y,
                format!("  … and {} more shipments", shipments.len() - shown),
                ratatui::style::Style::default(),
            );
            y += 1;
        }
        if let Some(p) = &ctx.order.payment {
            row(
                f,
                y + 1,
                format!("  Payment       {}", p.describe()),
                ratatui::style::Style::default(),
            );
        }
    }
}

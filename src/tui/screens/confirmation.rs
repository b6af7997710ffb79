//! Step 9, confirmation: the order number(s), total and ship dates to read
//! back; Enter starts a fresh order.

use super::{title, Ctx, Screen};
use crate::tui::action::Action;
use crate::tui::keymap::{Binding, Cmd, Key};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

#[derive(Default)]
pub struct Confirmation;

impl Screen for Confirmation {
    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding> {
        vec![Binding::new(
            &[Key::plain(KeyCode::Enter)],
            "New order",
            Cmd::NewOrder,
        )]
    }

    fn command(&mut self, cmd: Cmd, _ctx: &Ctx) -> Vec<Action> {
        match cmd {
            Cmd::NewOrder => vec![Action::NewOrder],
            _ => vec![],
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        title(
            f,
            area,
            "Order placed — read this back to the customer",
            theme,
        );
        let cur = ctx.order.currency;
        let mut y = area.y + 2;
        for p in ctx.placed {
            f.render_widget(
                Line::styled(format!("  Order number  {}", p.order_no), theme.ok()),
                Rect::new(area.x, y, area.width, 1),
            );
            f.render_widget(
                Line::raw(format!(
                    "  Total         {} {cur}",
                    cur.format(p.grand_total)
                )),
                Rect::new(area.x, y + 1, area.width, 1),
            );
            y += 3;
        }
        let b = &ctx.quote.breakdown;
        for (n, s) in b.shipments.iter().enumerate() {
            let method = ctx
                .order
                .ship_tos
                .get(s.ship_to)
                .and_then(|t| t.method.clone())
                .unwrap_or_default();
            let days = ctx
                .quote
                .methods
                .iter()
                .find(|m| m.code == method)
                .map(|m| m.transit_days)
                .unwrap_or(0);
            let ships = ctx.today;
            let arrives = ships + chrono::Duration::days(i64::from(days));
            f.render_widget(
                Line::raw(format!(
                    "  Shipment {}: {method}, ships {ships}, expected by {arrives}",
                    n + 1
                )),
                Rect::new(area.x, y, area.width, 1),
            );
            y += 1;
        }
        if let Some(p) = &ctx.order.payment {
            f.render_widget(
                Line::raw(format!("  Payment       {}", p.describe())),
                Rect::new(area.x, y + 1, area.width, 1),
            );
        }
    }
}

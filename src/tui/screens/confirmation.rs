//! Step 9, confirmation: the order number(s), total and ship dates to read
//! back; Enter starts a fresh order, and a guest can be registered in one
//! step (keeping the addresses of the order).

use super::{title, Ctx, DrawCtx, Screen};
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
        let cur = ctx.order.currency;
        let mut y = area.y + 2;
        for p in ctx.placed {
            let what = if p.part == 1 {
                "Order number"
            } else {
                "Backorders  "
            };
            f.render_widget(
                Line::styled(
                    format!(
                        "  {what}  {}   total {} {cur}",
                        p.order_no,
                        cur.format(p.grand_total)
                    ),
                    theme.ok(),
                ),
                Rect::new(area.x, y, area.width, 1),
            );
            y += 1;
        }
        y += 1;
        for (part, _) in &ctx.quote.parts {
            for (n, s) in part.shipments.iter().enumerate() {
                if y + 3 >= area.bottom() {
                    break;
                }
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
                let when = match s.date {
                    Some(d) => format!(
                        "ships {d}, expected by {}",
                        d + chrono::Duration::days(i64::from(days))
                    ),
                    None => "ship date unknown (awaiting stock)".into(),
                };
                let order_no = ctx
                    .placed
                    .iter()
                    .find(|p| p.part == part.number)
                    .map(|p| p.order_no)
                    .unwrap_or(0);
                f.render_widget(
                    Line::raw(format!(
                        "  {order_no} shipment {}: {} pcs {method}, {when}",
                        n + 1,
                        s.pieces()
                    )),
                    Rect::new(area.x, y, area.width, 1),
                );
                y += 1;
            }
        }
        if let Some(p) = &ctx.order.payment {
            f.render_widget(
                Line::raw(format!("  Payment       {}", p.describe())),
                Rect::new(area.x, y + 1, area.width, 1),
            );
        }
    }
}

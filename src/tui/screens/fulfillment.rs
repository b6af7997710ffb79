//! Step 5, fulfillment: each ship-to's address and shipping method (from
//! the methods that cover its address), and the resulting shipments.

use super::{title, Ctx, Screen};
use crate::domain::shipping::ShippingMethod;
use crate::domain::text::fit;
use crate::tui::action::Action;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crate::tui::widgets::list::{row_style, ListState};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

#[derive(Default)]
pub struct Fulfillment {
    ship_to: usize,
    list: ListState,
}

fn methods_for<'a>(ctx: &'a Ctx, ship_to: usize) -> Vec<&'a ShippingMethod> {
    let Some(s) = ctx.order.ship_tos.get(ship_to) else {
        return Vec::new();
    };
    ctx.quote
        .methods
        .iter()
        .filter(|m| m.covers(&s.address.country, &s.address.region))
        .collect()
}

impl Screen for Fulfillment {
    fn bindings(&self, ctx: &Ctx) -> Vec<Binding> {
        let mut b = vec![Binding::new(
            &[Key::plain(KeyCode::Enter)],
            "Use this method",
            Cmd::Enter,
        )];
        if ctx.order.ship_tos.len() > 1 {
            b.push(Binding::new(
                &[Key::plain(KeyCode::Tab)],
                "Next ship-to",
                Cmd::NextShipTo,
            ));
        }
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Vec<Action> {
        let methods = methods_for(ctx, self.ship_to);
        match cmd {
            Cmd::Enter => match methods.get(self.list.selected) {
                Some(m) => vec![Action::SetShipMethod {
                    ship_to: self.ship_to,
                    code: m.code.clone(),
                }],
                None => vec![Action::Error(
                    "no shipping method covers this address".into(),
                )],
            },
            Cmd::NextShipTo => {
                self.ship_to = (self.ship_to + 1) % ctx.order.ship_tos.len().max(1);
                self.list = ListState::default();
                vec![]
            }
            Cmd::Up => {
                self.list.up();
                vec![]
            }
            Cmd::Down => {
                self.list.down(methods.len());
                vec![]
            }
            _ => vec![],
        }
    }

    fn enter(&mut self, ctx: &Ctx) {
        if self.ship_to >= ctx.order.ship_tos.len() {
            self.ship_to = 0;
        }
        // Start on the chosen method, if any.
        if let Some(code) = ctx
            .order
            .ship_tos
            .get(self.ship_to)
            .and_then(|s| s.method.clone())
        {
            if let Some(i) = methods_for(ctx, self.ship_to)
                .iter()
                .position(|m| m.code == code)
            {
                self.list.selected = i;
            }
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let cur = ctx.order.currency;
        title(f, area, "Fulfillment — where and how it ships", theme);
        let Some(ship_to) = ctx.order.ship_tos.get(self.ship_to) else {
            f.render_widget(
                Line::styled(
                    "  No ship-to address: pick a customer (F2) or fill in the guest form (F3).",
                    theme.warn(),
                ),
                Rect::new(area.x, area.y + 2, area.width, 1),
            );
            return;
        };
        let mut y = area.y + 1;
        f.render_widget(
            Line::raw(fit(
                &format!(
                    "Ship-to {} of {}: {}",
                    self.ship_to + 1,
                    ctx.order.ship_tos.len(),
                    ship_to.address.one_line()
                ),
                area.width as usize,
            )),
            Rect::new(area.x + 1, y, area.width - 1, 1),
        );
        y += 2;
        f.render_widget(
            Line::styled(
                format!(
                    "  {:<28} {:>10}  {}",
                    "Shipping method", "Transit", "Charge"
                ),
                theme.label(),
            ),
            Rect::new(area.x, y, area.width, 1),
        );
        y += 1;
        let b = &ctx.quote.breakdown;
        let (items, grams) = b
            .shipments
            .iter()
            .find(|s| s.ship_to == self.ship_to)
            .map(|s| (s.items, s.grams))
            .unwrap_or((0, 0));
        let methods = methods_for(ctx, self.ship_to);
        for (i, m) in methods.iter().enumerate() {
            let (marker, style) = row_style(i == self.list.selected, theme);
            let chosen = if ship_to.method.as_deref() == Some(m.code.as_str()) {
                " (chosen)"
            } else {
                ""
            };
            let charge = cur.format(cur.round(m.rate.charge(items, grams)));
            f.render_widget(
                Line::styled(
                    format!(
                        "{marker}{:<28} {:>7} d  {:>10}{chosen}",
                        fit(&m.name, 28),
                        m.transit_days,
                        charge
                    ),
                    style,
                ),
                Rect::new(area.x, y, area.width, 1),
            );
            y += 1;
        }
        if methods.is_empty() {
            f.render_widget(
                Line::styled("  No shipping method covers this address.", theme.error()),
                Rect::new(area.x, y, area.width, 1),
            );
            y += 1;
        }
        y += 1;
        f.render_widget(
            Line::styled("Shipments", theme.title()),
            Rect::new(area.x, y, area.width, 1),
        );
        y += 1;
        for (n, s) in b.shipments.iter().enumerate() {
            if y >= area.bottom() {
                break;
            }
            let method = ctx
                .order
                .ship_tos
                .get(s.ship_to)
                .and_then(|t| t.method.clone())
                .unwrap_or_else(|| "no method yet".into());
            f.render_widget(
                Line::raw(format!(
                    "  #{} to ship-to {}: {} items, {:.1} kg, {method}, charge {}",
                    n + 1,
                    s.ship_to + 1,
                    s.items,
                    s.grams as f64 / 1000.0,
                    cur.format(s.charge)
                )),
                Rect::new(area.x, y, area.width, 1),
            );
            y += 1;
        }
    }
}

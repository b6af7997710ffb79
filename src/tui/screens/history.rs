//! Order history of the order's registered customer, opened from the
//! customer record (F3, ^X): the customer's placed orders, newest first
//! (number, date, which part of a split order, status, total, currency).
//! Enter opens the selected order on the Orders screen (F10), where it
//! can be read, changed, cancelled or held; Esc there comes back here.
//!
//! It is not a step of the flow: Esc goes back to the customer record.

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::money::Currency;
use crate::domain::text::{clean, fit, pad, pad_start};
use crate::store::OrderSummary;
use crate::tui::action::Action;
use crate::tui::flow::Step;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crate::tui::widgets::list::{row_style, ListState};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

/// More than a phone call ever needs; keeps the screen quick to open.
const LIMIT: usize = 200;

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    summary: OrderSummary,
    /// 1 for the main order, 2 for the separate backorder order.
    part: i64,
    /// The other order of a split submit: the main order of a backorder
    /// order, or the backorder order of a main one.
    linked: Option<i64>,
}

impl Row {
    fn part_text(&self) -> String {
        match (self.part, self.linked) {
            (2, Some(main)) => format!("backorder of {main}"),
            (2, None) => "backorders".into(),
            (_, Some(bo)) => format!("main, bo {bo}"),
            _ => "whole order".into(),
        }
    }
}

#[derive(Default)]
pub struct History {
    customer: Option<(i64, String)>,
    rows: Vec<Row>,
    list: ListState,
    error: Option<String>,
}

impl History {
    fn load(&mut self, ctx: &Ctx) {
        // Back from an order: the same order stays selected.
        let was = self
            .rows
            .get(self.list.selected)
            .map(|r| r.summary.order_no);
        self.rows.clear();
        self.error = None;
        self.list = ListState::default();
        self.customer = match &ctx.order.customer {
            Some(c) if !c.guest => c.id.map(|id| (id, clean(&c.name()))),
            _ => None,
        };
        let Some((id, _)) = self.customer else {
            return;
        };
        let summaries = match ctx.lookup.recent_orders(id, LIMIT) {
            Ok(s) => s,
            Err(e) => {
                self.error = Some(format!("could not read the orders: {e}"));
                return;
            }
        };
        // The part and the linked order are in the exported order only.
        for summary in summaries {
            let (part, parent) = match ctx.lookup.export_order(summary.order_no) {
                Ok(Some(o)) => (
                    o["part"].as_i64().unwrap_or(1),
                    o["parent_order_no"].as_i64(),
                ),
                Ok(None) => (1, None),
                Err(e) => {
                    self.error = Some(format!("could not read order {}: {e}", summary.order_no));
                    (1, None)
                }
            };
            self.rows.push(Row {
                summary,
                part,
                linked: parent,
            });
        }
        // A main order whose backorders went to their own order names it.
        let children: Vec<(i64, i64)> = self
            .rows
            .iter()
            .filter(|r| r.part == 2)
            .filter_map(|r| r.linked.map(|p| (p, r.summary.order_no)))
            .collect();
        for r in self.rows.iter_mut().filter(|r| r.part != 2) {
            r.linked = children
                .iter()
                .find(|(p, _)| *p == r.summary.order_no)
                .map(|(_, c)| *c);
        }
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| Some(r.summary.order_no) == was)
        {
            self.list.selected = i;
        }
    }

    /// The selected order, on the Orders screen.
    fn open(&self) -> Vec<Action> {
        match self.rows.get(self.list.selected) {
            Some(row) => vec![Action::OpenOrder {
                order_no: row.summary.order_no,
                from: Some(Step::History),
            }],
            None => vec![],
        }
    }
}

/// "2026-11-25T17:41:04Z" as "2026-11-25 17:41".
fn when(at: &str) -> String {
    clean(at).replace('T', " ").chars().take(16).collect()
}

impl Screen for History {
    fn bindings(&self, _ctx: &DrawCtx) -> Vec<Binding> {
        let esc = |label| Binding::new(&[Key::plain(KeyCode::Esc)], label, Cmd::Back);
        let mut b = Vec::new();
        if !self.rows.is_empty() {
            b.push(Binding::new(
                &[Key::plain(KeyCode::Enter)],
                "Show order",
                Cmd::ShowOrder,
            ));
            // The same one-step reorder as the catalog's.
            b.push(Binding::new(&[Key::ctrl('b')], "Reorder", Cmd::Reorder));
        }
        b.push(esc("Back to customer"));
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, _ctx: &Ctx) -> Option<Vec<Action>> {
        let len = self.rows.len();
        match cmd {
            Cmd::ShowOrder => return Some(self.open()),
            Cmd::Reorder => {
                if let Some(r) = self.rows.get(self.list.selected) {
                    return Some(vec![
                        Action::reorder(r.summary.order_no),
                        Action::Goto(Step::Cart),
                    ]);
                }
            }
            Cmd::Back => return Some(vec![Action::Goto(Step::Customer)]),
            Cmd::Up => self.list.up(),
            Cmd::Down => self.list.down(len),
            Cmd::PageUp => self.list.page_up(10),
            Cmd::PageDown => self.list.page_down(len, 10),
            _ => return None,
        }
        Some(vec![])
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.load(ctx);
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let width = area.width as usize;
        let row_at = |i: u16| Rect::new(area.x, area.y + i, area.width, 1);
        let Some((_, name)) = &self.customer else {
            title(f, area, "Order history", theme);
            f.render_widget(
                Line::raw("  Order history is kept for registered customers; pick one first (F2)."),
                row_at(2),
            );
            return;
        };
        title(
            f,
            area,
            &fit(&format!("Order history — {name}, newest first"), width),
            theme,
        );
        let mut y = 1;
        if let Some(e) = &self.error {
            f.render_widget(
                Line::styled(fit(&format!("! {e}"), width), theme.error()),
                row_at(y),
            );
            y += 1;
        }
        if self.rows.is_empty() {
            if self.error.is_none() {
                f.render_widget(Line::raw("  No orders placed yet."), row_at(y + 1));
            }
            return;
        }
        f.render_widget(
            Line::styled(
                format!(
                    "  {} {} {} {} {} {} Cur",
                    pad("Order", 7),
                    pad("Placed", 16),
                    pad("Part", 19),
                    pad("Status", 9),
                    pad_start("Lines", 5),
                    pad_start("Total", 13),
                ),
                theme.label(),
            ),
            row_at(y),
        );
        y += 1;
        let height = area.height.saturating_sub(y) as usize;
        let from = self.list.visible_from(height);
        for (i, r) in self.rows.iter().enumerate().skip(from).take(height) {
            let (marker, style) = row_style(i == self.list.selected, theme);
            let s = &r.summary;
            let cur = clean(&s.currency);
            let total = match (cur.parse::<Currency>(), s.grand_total.parse()) {
                (Ok(c), Ok(d)) => c.format(d),
                _ => clean(&s.grand_total),
            };
            let text = format!(
                "{marker}{} {} {} {} {} {} {cur}",
                pad(&s.order_no.to_string(), 7),
                pad(&when(&s.placed_at), 16),
                pad(&r.part_text(), 19),
                pad(&clean(&s.status), 9),
                pad_start(&s.lines.to_string(), 5),
                pad_start(&total, 13),
            );
            f.render_widget(Line::styled(fit(&text, width), style), row_at(y));
            y += 1;
        }
    }
}

//! Order history of the order's registered customer, opened from the
//! customer record (F3). Two modes:
//! - List: the customer's placed orders, newest first (number, date, which
//!   part of a split order, status, total, currency).
//! - Detail (Enter): one order as stored — lines, shipments with their
//!   dates, discounts, adjustments, payment and totals — read from
//!   `Store::export_order`, so it shows exactly what `orderdesk export` does.
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
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::Frame;
use serde_json::Value;

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

/// The opened order: its text lines (already cleaned and formatted) and
/// how far they are scrolled.
struct Detail {
    order_no: i64,
    lines: Vec<(String, bool)>,
    scroll: usize,
}

#[derive(Default)]
pub struct History {
    customer: Option<(i64, String)>,
    rows: Vec<Row>,
    list: ListState,
    detail: Option<Detail>,
    error: Option<String>,
}

impl History {
    fn load(&mut self, ctx: &Ctx) {
        self.rows.clear();
        self.detail = None;
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
    }

    fn open(&mut self, ctx: &Ctx) -> Vec<Action> {
        let Some(row) = self.rows.get(self.list.selected) else {
            return vec![];
        };
        let order_no = row.summary.order_no;
        match ctx.lookup.export_order(order_no) {
            Ok(Some(o)) => {
                self.detail = Some(Detail {
                    order_no,
                    lines: detail_lines(&o),
                    scroll: 0,
                });
                vec![]
            }
            Ok(None) => vec![Action::Error(format!("order {order_no} is gone"))],
            Err(e) => vec![Action::Error(format!(
                "could not read order {order_no}: {e}"
            ))],
        }
    }
}

/// A JSON value as cleaned text (strings without quotes, null as empty).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => clean(s),
        Value::Null => String::new(),
        other => clean(&other.to_string()),
    }
}

/// A stored amount in the currency's format; the stored text when it is
/// not a number (it is shown, never hidden).
fn money(v: &Value, cur: Option<Currency>) -> String {
    let raw = text(v);
    match (cur, raw.parse::<rust_decimal::Decimal>()) {
        (Some(c), Ok(d)) => c.format(d),
        _ => raw,
    }
}

/// "2026-11-25T17:41:04Z" as "2026-11-25 17:41".
fn when(v: &Value) -> String {
    let t = text(v).replace('T', " ");
    t.chars().take(16).collect()
}

fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

/// The opened order as lines of text; `true` marks a heading.
fn detail_lines(o: &Value) -> Vec<(String, bool)> {
    let cur_code = text(&o["currency"]);
    let cur = cur_code.parse::<Currency>().ok();
    let m = |v: &Value| money(v, cur);
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut head = format!(
        "Order {}  placed {}  by {}  {}",
        text(&o["order_no"]),
        when(&o["placed_at"]),
        text(&o["operator"]),
        text(&o["status"])
    );
    if o["part"].as_i64() == Some(2) {
        match o["parent_order_no"].as_i64() {
            Some(p) => head.push_str(&format!("  (backorders of {p})")),
            None => head.push_str("  (backorders)"),
        }
    }
    out.push((head, true));
    out.push((format!("Customer {}", text(&o["customer"]["name"])), false));

    out.push(("Lines".into(), true));
    for l in items(&o["lines"]) {
        let mut row = format!(
            "{} {} {} {} x {}",
            pad_start(&text(&l["line_no"]), 3),
            pad(&text(&l["sku"]), 10),
            pad(&text(&l["name"]), 22),
            pad_start(&text(&l["quantity"]), 4),
            pad_start(&m(&l["unit_price"]), 9),
        );
        let discount = m(&l["discount"]);
        let discounted = l["discount"]
            .as_str()
            .and_then(|d| d.parse::<rust_decimal::Decimal>().ok())
            .is_some_and(|d| !d.is_zero());
        // A column of its own, blank when there is none, so the totals
        // after `=` line up.
        let discount = if discounted {
            format!("-{discount}")
        } else {
            String::new()
        };
        row.push_str(&format!(" {}", pad_start(&discount, 9)));
        row.push_str(&format!(" = {}", pad_start(&m(&l["line_total"]), 10)));
        out.push((row, false));
        if l["qty_backordered"].as_i64().unwrap_or(0) > 0 {
            out.push((
                format!(
                    "      {} on backorder, due {}",
                    text(&l["qty_backordered"]),
                    text(&l["backorder_due"])
                ),
                false,
            ));
        }
    }

    out.push(("Shipments".into(), true));
    for s in items(&o["shipments"]) {
        let ship_to = s["ship_to_no"].as_i64();
        let dest = items(&o["ship_tos"])
            .find(|t| t["ship_to_no"].as_i64() == ship_to)
            .map(|t| {
                format!(
                    "{} to {}",
                    text(&t["method_name"]),
                    text(&t["address"]["city"])
                )
            })
            .unwrap_or_else(|| text(&s["method_code"]));
        let date = match text(&s["ship_date"]) {
            d if d.is_empty() => "date unknown (awaiting stock)".to_string(),
            d => format!("ships {d}"),
        };
        let mut charge = m(&s["charge"]);
        if s["charge"] != s["computed_charge"] {
            charge.push_str(&format!(" (computed {})", m(&s["computed_charge"])));
        }
        out.push((
            format!(
                "  #{} {dest}, {date}, charge {charge}",
                text(&s["shipment_no"])
            ),
            false,
        ));
        let what: Vec<String> = items(&s["lines"])
            .map(|x| format!("line {} x{}", text(&x["line_no"]), text(&x["quantity"])))
            .collect();
        if !what.is_empty() {
            out.push((format!("     {}", what.join(", ")), false));
        }
    }

    let discounts: Vec<&Value> = items(&o["discounts"]).collect();
    if !discounts.is_empty() {
        out.push(("Discounts".into(), true));
        for d in discounts {
            out.push((
                format!(
                    "  {} -{}",
                    pad(&text(&d["name"]), 58),
                    pad_start(&m(&d["amount"]), 10)
                ),
                false,
            ));
        }
    }

    let adjustments: Vec<&Value> = items(&o["adjustments"]).collect();
    if !adjustments.is_empty() {
        out.push(("Adjustments".into(), true));
        for a in adjustments {
            let what = match text(&a["kind"]).as_str() {
                "shipping_override" => format!("shipping #{} override", text(&a["target"])),
                "price_override" => format!("price override line {}", text(&a["target"])),
                "subtotal" => "amount off the subtotal".to_string(),
                other => other.to_string(),
            };
            out.push((
                format!(
                    "  {} {} {} -{}",
                    pad(&what, 30),
                    pad(&text(&a["reason_code"]), 12),
                    pad(&text(&a["operator"]), 12),
                    pad_start(&m(&a["amount"]), 10)
                ),
                false,
            ));
        }
    }

    out.push(("Payment".into(), true));
    for p in items(&o["payments"]) {
        out.push((
            format!("  {}  {} {cur_code}", text(&p["summary"]), m(&p["amount"])),
            false,
        ));
    }

    out.push(("Totals".into(), true));
    for (label, key) in [
        ("Merchandise", "merchandise_total"),
        ("Discounts", "discount_total"),
        ("Shipping", "shipping_total"),
        ("Tax", "tax_total"),
        ("Total", "grand_total"),
    ] {
        out.push((
            format!(
                "  {} {} {cur_code}",
                pad(label, 20),
                pad_start(&m(&o[key]), 12)
            ),
            key == "grand_total",
        ));
    }
    for (label, key) in [
        ("For the customer", "comment_customer"),
        ("For the warehouse", "comment_warehouse"),
    ] {
        let c = text(&o[key]);
        if !c.is_empty() {
            out.push((format!("{label}: {c}"), false));
        }
    }
    out
}

impl Screen for History {
    fn bindings(&self, _ctx: &DrawCtx) -> Vec<Binding> {
        let esc = |label| Binding::new(&[Key::plain(KeyCode::Esc)], label, Cmd::Back);
        if self.detail.is_some() {
            let mut b = vec![esc("Back to the list")];
            b.extend(list_moves());
            return b;
        }
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

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        if let Some(d) = &mut self.detail {
            let last = d.lines.len().saturating_sub(1);
            match cmd {
                Cmd::Back => self.detail = None,
                Cmd::Up => d.scroll = d.scroll.saturating_sub(1),
                Cmd::Down => d.scroll = (d.scroll + 1).min(last),
                Cmd::PageUp => d.scroll = d.scroll.saturating_sub(10),
                Cmd::PageDown => d.scroll = (d.scroll + 10).min(last),
                _ => return None,
            }
            return Some(vec![]);
        }
        let len = self.rows.len();
        match cmd {
            Cmd::ShowOrder => return Some(self.open(ctx)),
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
        if let Some(d) = &self.detail {
            title(
                f,
                area,
                &fit(&format!("Order {} — as placed", d.order_no), width),
                theme,
            );
            let height = area.height.saturating_sub(1) as usize;
            for (i, (t, strong)) in d.lines.iter().skip(d.scroll).take(height).enumerate() {
                let style = if *strong {
                    theme.title()
                } else {
                    Style::default()
                };
                f.render_widget(Line::styled(fit(t, width), style), row_at(1 + i as u16));
            }
            return;
        }
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
                pad(&when(&Value::String(s.placed_at.clone())), 16),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detail_shows_every_part_of_the_order_cleaned() {
        let o = json!({
            "order_no": 100007, "part": 2, "parent_order_no": 100006,
            "placed_at": "2026-11-25T17:41:04Z", "operator": "alice", "status": "placed",
            "currency": "JPY", "customer": {"name": "Bad\u{1b}[31mName"},
            "lines": [{"line_no": 1, "sku": "SLP-1014", "name": "Bag", "quantity": 2,
                       "unit_price": "15000", "discount": "1500", "line_total": "28500",
                       "qty_backordered": 2, "backorder_due": "2026-12-10"}],
            "ship_tos": [{"ship_to_no": 1, "method_name": "Ground", "address": {"city": "Osaka"}}],
            "shipments": [{"shipment_no": 1, "ship_to_no": 1, "method_code": "GROUND",
                           "ship_date": "2026-12-10", "charge": "500", "computed_charge": "900",
                           "lines": [{"line_no": 1, "quantity": 2}]}],
            "discounts": [{"name": "VIP 20", "amount": "1500"}],
            "adjustments": [{"kind": "shipping_override", "target": "1", "amount": "400",
                             "reason_code": "SHIP_DELAY", "operator": "alice"}],
            "payments": [{"summary": "On account, PO PO-1", "amount": "29000"}],
            "merchandise_total": "30000", "discount_total": "1500", "shipping_total": "500",
            "tax_total": "0", "grand_total": "29000",
            "comment_customer": "", "comment_warehouse": "ring twice"
        });
        let all: Vec<String> = detail_lines(&o).into_iter().map(|(t, _)| t).collect();
        let text = all.join("\n");
        assert!(text.contains("(backorders of 100006)"), "{text}");
        assert!(text.contains("Customer BadName"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("15,000    -1,500 =     28,500"), "{text}");
        assert!(text.contains("2 on backorder, due 2026-12-10"), "{text}");
        assert!(text.contains("#1 Ground to Osaka, ships 2026-12-10, charge 500 (computed 900)"));
        assert!(text.contains("line 1 x2"), "{text}");
        assert!(text.contains("VIP 20"), "{text}");
        assert!(text.contains("shipping #1 override"), "{text}");
        assert!(text.contains("On account, PO PO-1  29,000 JPY"), "{text}");
        assert!(
            text.contains("Total                      29,000 JPY"),
            "{text}"
        );
        assert!(text.contains("For the warehouse: ring twice"), "{text}");
    }
}

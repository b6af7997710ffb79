//! Step 8, review and submit: the order as submit will store it.
//!
//! Every row comes from the quote's parts, the orders submit writes (one,
//! or two with a separate backorder order), never from the cart: per part
//! its lines with what ships now and what later, the unit price charged
//! (an override named with the list price) and the line total stored; its
//! shipments (date, method, charge); its price breakdown (every discount,
//! coupon, adjustment with its reason and operator, shipping charge and
//! tax) and its total; then the total across parts and the payment. What
//! "drop backorders" removes is named. Anything missing or invalid is named
//! at the top with the key that goes there (docs/design.md, sections 4, 5
//! and 9: what the screen shows is what is stored).

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::availability::LineAvailability;
use crate::domain::money::Currency;
use crate::domain::order::{Area, BackorderChoice, Order};
use crate::domain::parts::Part;
use crate::domain::planning::{BACKORDER_ORDER, MAIN_ORDER};
use crate::domain::pricing::{AppliedAdjustment, Breakdown};
use crate::domain::text::{fit, pad, pad_start, width};
use crate::session::Command;
use crate::tui::action::Action;
use crate::tui::flow::Step;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use rust_decimal::Decimal;

#[derive(Default)]
pub struct Review {
    scroll: usize,
    /// (code, label) of the adjustment reasons, read when the screen is shown.
    reasons: Vec<(String, String)>,
}

/// Every row is cut to this many columns (the screen is at least 80 wide).
const WIDTH: usize = 78;
/// Where a line's detail rows start: under its name.
const DETAIL: usize = 15;

fn key_for(area: Area) -> &'static str {
    match area {
        Area::Customer => "F2",
        Area::Cart => "F4",
        Area::Fulfillment => "F6",
        Area::Payment => "F7",
        Area::Adjustments => "F8",
    }
}

/// One order line: SKU, name, quantity, unit price charged, line total.
fn line_row(sku: &str, name: &str, quantity: u32, unit: &str, total: &str) -> String {
    format!(
        "  {} {} {quantity:>5} x {unit:>10} {total:>12}",
        pad(sku, 12),
        pad(name, 28)
    )
}

/// A row under a line's name, saying more about it.
fn detail_row(text: &str) -> String {
    format!("{}{}", " ".repeat(DETAIL), fit(text, WIDTH - DETAIL))
}

/// What a line of a part ships when, against what was ordered:
/// "5 ordered: 3 now, 2 on 2026-12-20". None when the whole line ships
/// from stock now. `ordered` is the order line's quantity, `quantity` the
/// part's share of it, `a` the part's availability for it.
fn quantities(
    choice: BackorderChoice,
    part: u8,
    ordered: u32,
    quantity: u32,
    a: LineAvailability,
) -> Option<String> {
    let rest = ordered.saturating_sub(quantity);
    if a.backordered == 0 && rest == 0 {
        return None;
    }
    // Ship complete sends nothing before the last piece is in: what is in
    // stock is held, not shipped now.
    let complete = choice == BackorderChoice::ShipComplete;
    let mut pieces = Vec::new();
    if a.now > 0 {
        pieces.push(if complete {
            format!("{} in stock", a.now)
        } else {
            format!("{} now", a.now)
        });
    }
    if a.backordered > 0 {
        pieces.push(match a.due {
            Some(d) if complete => format!("{} due {d}", a.backordered),
            Some(d) => format!("{} on {d}", a.backordered),
            None => format!("{} backordered, date unknown", a.backordered),
        });
    }
    if rest > 0 {
        pieces.push(match choice {
            BackorderChoice::DropBackorders => format!("{rest} dropped"),
            _ => {
                let other = if part == MAIN_ORDER {
                    BACKORDER_ORDER
                } else {
                    MAIN_ORDER
                };
                format!("{rest} in order {other}")
            }
        });
    }
    Some(format!("{ordered} ordered: {}", pieces.join(", ")))
}

/// The review as rows of text (and whether each is strong), so it
/// scrolls and tests can read it.
pub fn review_lines(ctx: &DrawCtx, reasons: &[(String, String)]) -> Vec<(String, bool)> {
    let o = ctx.order;
    let cur = o.currency;
    let mut out: Vec<(String, bool)> = Vec::new();
    // The key stays in view on the first row however long the message
    // is; the rest of a long message goes on the rows below, never cut.
    for v in ctx.violations {
        let mut pieces = wrap(&v.message, 72).into_iter();
        let first = pieces.next().unwrap_or_default();
        out.push((format!("! {first} — {}", key_for(v.area)), true));
        out.extend(pieces.map(|p| (format!("  {p}"), true)));
    }
    let reason = |code: &str| -> String {
        reasons
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, label)| label.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let customer = match &o.customer {
        Some(c) => format!(
            "Customer  {}{}  {}  {}",
            c.name(),
            if c.guest { " (guest)" } else { "" },
            c.phone,
            c.email
        ),
        None => "Customer  —".into(),
    };
    out.push((fit(&customer, WIDTH), false));
    ship_to_rows(&mut out, o);
    if ctx.quote.availability.iter().any(|a| a.backordered > 0) {
        out.push((format!("Backorders  {}", o.backorder_choice.label()), false));
    }
    if ctx.quote.parts.is_empty() && !o.lines.is_empty() {
        // Not quoted yet (nothing would be placed as it stands): the cart,
        // without amounts, so nothing unpriced passes for the order.
        for l in &o.lines {
            let unit = cur.format(l.unit_price);
            out.push((line_row(&l.sku, &l.name, l.quantity, &unit, ""), false));
        }
        out.push((
            "  Not priced yet: these are the cart's lines at list prices".into(),
            true,
        ));
    }
    let several = ctx.quote.parts.len() > 1;
    let heading = |part: &Part| {
        if part.number == MAIN_ORDER {
            "Order 1: ships from stock"
        } else {
            "Order 2: the backorders, placed separately"
        }
    };
    if several {
        // Before the detail, which takes more than a screen: which orders
        // are placed, and what each costs.
        for (part, b) in &ctx.quote.parts {
            out.push((
                format!(
                    "  {} {:>12}",
                    pad(heading(part), 60),
                    cur.format(b.grand_total)
                ),
                false,
            ));
        }
    }
    for (k, (part, b)) in ctx.quote.parts.iter().enumerate() {
        if several {
            let what = heading(part);
            if k > 0 {
                out.push((String::new(), false));
            }
            out.push((what.to_string(), true));
        }
        part_lines(&mut out, o, part, b);
        if k == 0 {
            dropped_rows(&mut out, ctx);
        }
        shipment_rows(&mut out, o, part, b);
        breakdown_rows(&mut out, o, part, b, &reason);
        let label = if several {
            format!("Order {} total {cur}", part.number)
        } else {
            format!("TOTAL {cur}")
        };
        out.push((amount(cur, &label, b.grand_total), true));
        for n in &b.notes {
            for (i, piece) in wrap(n, 70).into_iter().enumerate() {
                let lead = if i == 0 { "  Note: " } else { "        " };
                out.push((format!("{lead}{piece}"), false));
            }
        }
    }
    if several {
        out.push((
            amount(cur, &format!("TOTAL {cur}, both orders"), ctx.quote.total()),
            true,
        ));
    }
    let pay = o
        .payment
        .as_ref()
        .map(|p| p.describe())
        .unwrap_or_else(|| "—".into());
    out.push((fit(&format!("Payment   {pay}"), WIDTH), false));
    if let Some(bill) = &o.billing {
        out.push((fit(&format!("Bill to   {}", bill.one_line()), WIDTH), false));
    }
    if !o.comment_customer.is_empty() {
        out.push((
            fit(
                &format!("Comment (customer)  {}", o.comment_customer),
                WIDTH,
            ),
            false,
        ));
    }
    if !o.comment_warehouse.is_empty() {
        out.push((
            fit(
                &format!("Comment (warehouse) {}", o.comment_warehouse),
                WIDTH,
            ),
            false,
        ));
    }
    out
}

/// Where the order goes: the ship-tos that have lines, numbered as the
/// shipments refer to them when there are several.
fn ship_to_rows(out: &mut Vec<(String, bool)>, o: &Order) {
    let used: Vec<usize> = (0..o.ship_tos.len())
        .filter(|i| o.lines.iter().any(|l| l.ship_to == *i))
        .collect();
    for i in &used {
        let address = o.ship_tos[*i].address.one_line();
        let label = if used.len() > 1 {
            format!("Ship-to {} {address}", i + 1)
        } else {
            format!("Ship to   {address}")
        };
        out.push((fit(&label, WIDTH), false));
    }
}

/// A part's lines as it stores them: its quantities, the unit price it
/// charges, its line totals; under a line, what ships when, an override's
/// list price and the line's discount.
fn part_lines(out: &mut Vec<(String, bool)>, o: &Order, part: &Part, b: &Breakdown) {
    let cur = o.currency;
    for (j, l) in part.order.lines.iter().enumerate() {
        let amounts = b.lines.get(j);
        let unit = amounts.map(|a| a.unit_price).unwrap_or(l.unit_price);
        let total = amounts.map(|a| cur.format(a.total)).unwrap_or_default();
        out.push((
            line_row(&l.sku, &l.name, l.quantity, &cur.format(unit), &total),
            false,
        ));
        let ordered = part
            .source_lines
            .get(j)
            .and_then(|i| o.lines.get(*i))
            .map(|x| x.quantity)
            .unwrap_or(l.quantity);
        let a = part
            .availability
            .get(j)
            .copied()
            .unwrap_or(LineAvailability {
                now: 0,
                backordered: l.quantity,
                due: None,
            });
        if let Some(q) = quantities(o.backorder_choice, part.number, ordered, l.quantity, a) {
            out.push((detail_row(&q), false));
        }
        if amounts.is_some_and(|a| a.net) {
            out.push((
                detail_row("net price: item promotions do not apply to this line"),
                false,
            ));
        }
        let mut price = Vec::new();
        if unit != l.unit_price {
            price.push(format!(
                "price overridden, list price {}",
                cur.format(l.unit_price)
            ));
        }
        if let Some(d) = amounts.map(|a| a.discount).filter(|d| !d.is_zero()) {
            price.push(format!("less {} discount", cur.format(d)));
        }
        if !price.is_empty() {
            out.push((detail_row(&price.join("; ")), false));
        }
    }
}

/// What "drop backorders" removes from the order, line by line.
fn dropped_rows(out: &mut Vec<(String, bool)>, ctx: &DrawCtx) {
    for (line, qty) in &ctx.quote.plan.dropped {
        let sku = ctx
            .order
            .lines
            .get(*line)
            .map(|l| l.sku.as_str())
            .unwrap_or("?");
        let when = match ctx.quote.availability.get(*line).and_then(|a| a.due) {
            Some(d) => format!(" (due {d})"),
            None => ", no date known".into(),
        };
        out.push((
            fit(
                &format!("  dropped: {qty} x {sku}, not in stock{when}"),
                WIDTH,
            ),
            true,
        ));
    }
}

/// A part's shipments: when, by which method, how many pieces, and the
/// shipping charged for each (the breakdown below says how it came about).
fn shipment_rows(out: &mut Vec<(String, bool)>, o: &Order, part: &Part, b: &Breakdown) {
    let cur = o.currency;
    let several_ship_tos = {
        let mut to: Vec<usize> = o.lines.iter().map(|l| l.ship_to).collect();
        to.sort_unstable();
        to.dedup();
        to.len() > 1
    };
    for (n, s) in part.shipments.iter().enumerate() {
        let method = o
            .ship_tos
            .get(s.ship_to)
            .and_then(|t| t.method.clone())
            .unwrap_or_else(|| "no method".into());
        let when = s
            .date
            .map(|d| format!("ships {d}"))
            .unwrap_or_else(|| "ship date unknown".into());
        let to = if several_ship_tos {
            format!(" to #{}", s.ship_to + 1)
        } else {
            String::new()
        };
        let charge = b
            .shipments
            .get(n)
            .map(|c| cur.format(c.charge))
            .unwrap_or_else(|| "—".into());
        out.push((
            fit(
                &format!(
                    "  Shipment {}{to}: {when}, {method}, {} pcs, shipping {charge}",
                    n + 1,
                    s.pieces()
                ),
                WIDTH,
            ),
            false,
        ));
    }
}

/// Columns of an amount row's label; the amount takes 13 more.
const LABEL: usize = 62;

/// An amount row: the label, the amount in the right-hand column. A label
/// too long for its column (a promotion's long name) goes on with the rows
/// below the amount's, never cut.
fn amount_rows(cur: Currency, label: &str, value: Decimal) -> Vec<String> {
    if width(label) <= LABEL {
        return vec![amount(cur, label, value)];
    }
    let mut pieces = wrap(label, LABEL).into_iter();
    let first = pieces.next().unwrap_or_default();
    std::iter::once(amount(cur, &first, value))
        .chain(pieces.map(|p| pad_start(&p, LABEL)))
        .collect()
}

/// One amount row, for a label of the console's own that fits.
fn amount(cur: Currency, label: &str, value: Decimal) -> String {
    format!("{} {:>12}", pad_start(label, LABEL), cur.format(value))
}

/// A part's price breakdown: merchandise (and what overrides took off the
/// list prices), discounts, the amount off the subtotal, each shipment's
/// charge as computed and what changed it, and tax.
fn breakdown_rows(
    out: &mut Vec<(String, bool)>,
    o: &Order,
    part: &Part,
    b: &Breakdown,
    reason: &dyn Fn(&str) -> String,
) {
    let cur = o.currency;
    let mut push = |label: String, value: Decimal| {
        out.extend(
            amount_rows(cur, &label, value)
                .into_iter()
                .map(|row| (row, false)),
        )
    };
    let by = |a: &AppliedAdjustment| format!("{}, {}", reason(&a.reason_code), a.operator);
    let overrides: Vec<_> = b
        .adjustments
        .iter()
        .filter(|a| a.kind == "price_override")
        .collect();
    if !overrides.is_empty() {
        // Overridden prices are in the merchandise: show what they took off.
        let list: Decimal = b.lines.iter().map(|l| l.list_amount).sum();
        push("Merchandise at list prices".into(), list);
        for a in overrides {
            let sku = a
                .target
                .parse::<usize>()
                .ok()
                .and_then(|n| part.order.lines.get(n.wrapping_sub(1)))
                .map(|l| l.sku.as_str())
                .unwrap_or("?");
            let net = a
                .target
                .parse::<usize>()
                .ok()
                .and_then(|n| b.lines.get(n.wrapping_sub(1)))
                .is_some_and(|l| l.net);
            let what = if net { "Net price" } else { "Price override" };
            push(
                format!("{what} line {} {sku} ({})", a.target, by(a)),
                -a.amount,
            );
        }
    }
    // Merchandise is before discounts; the qualifying spend (after item
    // discounts) is what thresholds and minimum spends compare with.
    push("Merchandise".into(), b.merchandise);
    let discounts = b.discount_lines();
    let items = discounts.len().saturating_sub(b.order_discounts.len());
    let label = |d: &crate::domain::pricing::Discount| match &d.coupon {
        Some(c) => format!("Coupon {c}: {}", d.name),
        None => d.name.clone(),
    };
    for d in &discounts[..items] {
        push(label(d), -d.amount);
    }
    // Shown where a threshold or minimum spend may have been compared.
    if !b.item_discount_total.is_zero()
        || !b.order_discounts.is_empty()
        || !b.coupons.is_empty()
        || b.free_shipping.is_some()
    {
        push(
            "Qualifying spend (after item discounts)".into(),
            b.subtotal_after_item_discounts,
        );
    }
    for d in &discounts[items..] {
        push(label(d), -d.amount);
    }
    for a in b.adjustments.iter().filter(|a| a.kind == "subtotal") {
        push(format!("Amount off the subtotal ({})", by(a)), -a.amount);
    }
    for (n, s) in b.shipments.iter().enumerate() {
        let method = o
            .ship_tos
            .get(s.ship_to)
            .and_then(|t| t.method.clone())
            .unwrap_or_default();
        let target = (n + 1).to_string();
        let label = format!("Shipping #{} {method}", n + 1);
        // Computed first, then what changed it: the rows add up.
        match (
            b.adjustments
                .iter()
                .find(|a| a.kind == "shipping_override" && a.target == target),
            &s.free_shipping,
        ) {
            (Some(a), free) => {
                push(format!("{label} computed"), s.computed);
                if let Some(p) = free {
                    push(format!("  free: {p}"), -s.computed);
                }
                let before = if free.is_some() {
                    Decimal::ZERO
                } else {
                    s.computed
                };
                push(format!("  override ({})", by(a)), s.charge - before);
            }
            (None, Some(p)) => {
                push(format!("{label} computed"), s.computed);
                push(format!("  free: {p}"), s.charge - s.computed);
            }
            (None, None) => push(label, s.charge),
        }
    }
    for t in &b.taxes {
        let pct = (t.rate * Decimal::from(100)).normalize();
        push(format!("Tax {} {pct}%", t.name), t.amount);
    }
}

/// `text` in pieces of at most `columns` terminal columns, broken at
/// spaces (a word longer than that is cut).
fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let (n, w) = (width(&line), width(word));
        if n > 0 && n + 1 + w > columns {
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
    out.into_iter().map(|l| fit(&l, columns)).collect()
}

impl Screen for Review {
    fn bindings(&self, ctx: &DrawCtx) -> Vec<Binding> {
        let mut b = vec![if ctx.violations.is_empty() {
            Binding::new(
                &[Key::plain(KeyCode::Enter)],
                "Submit order",
                Cmd::SubmitOrder,
            )
        } else {
            // Submit is refused by the first named problem, and the
            // console goes to the step that fixes it.
            Binding::new(
                &[Key::plain(KeyCode::Enter)],
                "Submit / go to the first problem",
                Cmd::SubmitOrder,
            )
        }];
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        let len = review_lines(ctx, &self.reasons).len();
        Some(match cmd {
            Cmd::SubmitOrder => {
                let mut out = vec![Action::Order(Command::Submit)];
                // A problem named on screen: after its refusal (the status
                // line keeps it), to the step that fixes it.
                if let Some(v) = ctx.violations.first() {
                    out.push(Action::Goto(Step::for_area(v.area)));
                }
                out
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn a(now: u32, backordered: u32, due: Option<NaiveDate>) -> LineAvailability {
        LineAvailability {
            now,
            backordered,
            due,
        }
    }

    #[test]
    fn quantities_say_what_ships_when() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 20);
        let available = BackorderChoice::ShipAvailable { separate: false };
        assert_eq!(quantities(available, 1, 5, 5, a(5, 0, None)), None);
        assert_eq!(
            quantities(available, 1, 5, 5, a(3, 2, due)).as_deref(),
            Some("5 ordered: 3 now, 2 on 2026-12-20")
        );
        assert_eq!(
            quantities(BackorderChoice::ShipComplete, 1, 5, 5, a(3, 2, None)).as_deref(),
            Some("5 ordered: 3 in stock, 2 backordered, date unknown")
        );
        assert_eq!(
            quantities(BackorderChoice::DropBackorders, 1, 5, 3, a(3, 0, None)).as_deref(),
            Some("5 ordered: 3 now, 2 dropped")
        );
        let separate = BackorderChoice::ShipAvailable { separate: true };
        assert_eq!(
            quantities(separate, 1, 5, 3, a(3, 0, None)).as_deref(),
            Some("5 ordered: 3 now, 2 in order 2")
        );
        assert_eq!(
            quantities(separate, 2, 5, 2, a(0, 2, due)).as_deref(),
            Some("5 ordered: 2 on 2026-12-20, 3 in order 1")
        );
    }

    #[test]
    fn rows_keep_their_columns_with_wide_names() {
        let row = line_row(
            "TNT-2001",
            "日本語のテントとても長い名前です",
            2,
            "189.00",
            "378.00",
        );
        assert_eq!(width(&row), 75, "{row}");
        assert!(row.ends_with("2 x     189.00       378.00"), "{row}");
        assert_eq!(
            width(&amount(Currency::USD, "Merchandise", Decimal::from(5))),
            75
        );
    }
}

//! The open order as the view shows it, from the session's case alone
//! (no SQL): where it stands, what the order's state refuses and why, the
//! changes typed and not yet confirmed, its ship-tos, lines (as they will
//! be once the changes are confirmed), shipments and what happened since
//! it was placed. Rows wider than the screen are wrapped, never cut.

use crate::domain::lifecycle::{self, reason_label, OrderStatus, ShipmentStatus};
use crate::domain::money::Currency;
use crate::domain::text::{clean, pad, pad_start, shown, width};
use crate::session::servicing::Case;
use crate::store::{OrderEvent, StoredShipment};
use rust_decimal::Decimal;

/// How a row of the view is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    Heading,
    Plain,
    /// What the order's state refuses, and the changes not confirmed.
    Warn,
}

/// What the order's state allows now, each with why not (the lifecycle's
/// own words), asked before the operator types anything.
pub(super) struct Allowed {
    pub change: Result<(), String>,
    pub cancel: Result<(), String>,
    pub hold: Result<(), String>,
    pub release: Result<(), String>,
}

impl Allowed {
    pub fn of(case: &Case) -> Allowed {
        let status = case.stored.status;
        let states = case.stored.shipment_states();
        let change = case.stored.may_change().and_then(|()| match case.edited {
            Some(_) => Ok(()),
            None => Err(
                "it was placed before orders could be changed here: cancel it and place it again"
                    .into(),
            ),
        });
        Allowed {
            change,
            cancel: lifecycle::may_cancel(status, &states),
            hold: lifecycle::may_hold(status),
            release: lifecycle::may_release_hold(status),
        }
    }
}

/// The customer's name on the order, cleaned.
pub(super) fn customer(case: &Case) -> String {
    case.stored
        .order
        .as_ref()
        .and_then(|o| o.customer.as_ref())
        .map(|c| clean(&c.name()))
        .unwrap_or_default()
}

/// "2 changes not confirmed: +24.95, new total 124.95", while changes wait.
pub(super) fn pending(case: &Case) -> Option<String> {
    let n = case.changes.len();
    if n == 0 {
        return None;
    }
    let what = if n == 1 { "change" } else { "changes" };
    Some(match case.difference() {
        Some(d) => format!("{n} {what} not confirmed: {d}"),
        None => format!("{n} {what} not confirmed"),
    })
}

/// A stored amount in the currency's format (the stored text when it is
/// not a number: shown, never hidden).
fn amount(cur: Currency, text: &str) -> String {
    match text.parse::<Decimal>() {
        Ok(d) => cur.format(d),
        Err(_) => clean(text),
    }
}

/// "2026-11-25T17:41:04Z" as "2026-11-25 17:41".
fn when(at: &str) -> String {
    clean(at).replace('T', " ").chars().take(16).collect()
}

/// One event of the order's history, with the reason in words and the
/// total before and after when it moved.
fn event_line(e: &OrderEvent, cur: Currency) -> String {
    let reason = match e.reason.trim() {
        "" => String::new(),
        r => format!(" ({})", clean(reason_label(r))),
    };
    // A change's detail says its difference and new total already.
    let totals = match (&e.total_before, &e.total_after) {
        (Some(b), Some(a)) if b != a && !e.detail.contains(&amount(cur, a)) => {
            format!(" · total {} → {}", amount(cur, b), amount(cur, a))
        }
        _ => String::new(),
    };
    format!(
        "  {} {} {}{reason}: {}{totals}",
        when(&e.at),
        clean(&e.operator),
        clean(&e.action.replace('_', " ")),
        clean(&e.detail.replace('\n', "; ")),
    )
}

/// One shipment: its number, where it stands, what it carries.
fn shipment_line(s: &StoredShipment) -> String {
    let state = match s.state.status {
        ShipmentStatus::Shipped => {
            let mut t = format!(
                "shipped {}",
                clean(s.state.shipped_on.as_deref().unwrap_or(""))
            );
            if !s.tracking.trim().is_empty() {
                t.push_str(&format!(", tracking {}", clean(&s.tracking)));
            }
            t
        }
        ShipmentStatus::Cancelled => "cancelled".to_string(),
        ShipmentStatus::Open => {
            let mut t = match &s.ship_date {
                Some(d) => format!("open, ships {}", clean(d)),
                None => "open, date unknown".to_string(),
            };
            if s.state.waiting > 0 {
                t.push_str(&format!(", {} awaiting stock", s.state.waiting));
            }
            t
        }
    };
    let what: Vec<String> = s
        .lines
        .iter()
        .map(|(_, sku, q)| format!("{} x{q}", clean(sku)))
        .collect();
    format!(
        "  #{} {state} · ship-to {} by {}: {}",
        s.state.number,
        s.ship_to_no,
        clean(&s.method_code),
        what.join(", ")
    )
}

/// Everything the view shows below its title, one logical row each.
pub(super) fn content(case: &Case) -> Vec<(String, Tone)> {
    let stored = &case.stored;
    let cur = stored.currency;
    let mut out: Vec<(String, Tone)> = Vec::new();
    out.push((
        format!(
            "Placed {} · version {} · total {} {cur}",
            when(&stored.placed_at),
            stored.version,
            cur.format(stored.grand_total)
        ),
        Tone::Plain,
    ));
    let paid = (stored.order.as_ref())
        .and_then(|o| o.payment.as_ref())
        .map(|p| p.describe())
        .or_else(|| {
            // An order kept without its payment: the method's code.
            stored.payment_method.as_deref().map(|code| {
                match code {
                    "card" => "Card",
                    "account" => "On account",
                    "cod" => "Cash on delivery",
                    other => other,
                }
                .to_string()
            })
        });
    if let Some(p) = paid {
        out.push((format!("Payment: {}", clean(&p)), Tone::Plain));
    }
    match (stored.part, stored.linked) {
        (2, Some(main)) => out.push((format!("The backorders of order {main}."), Tone::Plain)),
        (_, Some(bo)) => out.push((
            format!("Its backorders are order {bo}, on their own."),
            Tone::Plain,
        )),
        _ => {}
    }

    let allowed = Allowed::of(case);
    if let Err(why) = &allowed.change {
        out.push((format!("Cannot change: {why}."), Tone::Warn));
    }
    match (&allowed.cancel, &allowed.change) {
        (Err(c), Err(ch)) if c == ch => {}
        (Err(why), _) => out.push((format!("Cannot cancel: {why}."), Tone::Warn)),
        _ => {}
    }
    if stored.status == OrderStatus::Held {
        out.push((
            "On hold: it does not go to the warehouse until the hold is released.".into(),
            Tone::Warn,
        ));
    }

    if !case.changes.is_empty() {
        out.push(("Your changes, not yet confirmed".into(), Tone::Heading));
        for (_, said) in &case.changes {
            out.push((format!("  • {}", clean(said)), Tone::Warn));
        }
    }

    let order = case.edited.as_ref().or(stored.order.as_ref());
    if let Some(o) = order {
        for (i, s) in o.ship_tos.iter().enumerate() {
            out.push((
                format!(
                    "Ship-to {} by {}: {}",
                    i + 1,
                    clean(s.method.as_deref().unwrap_or("no method")),
                    clean(&s.address.one_line())
                ),
                Tone::Plain,
            ));
        }
        let heading = if case.changes.is_empty() {
            "Lines"
        } else {
            "Lines, with your changes"
        };
        out.push((heading.into(), Tone::Heading));
        let several = o.ship_tos.len() > 1;
        for (i, l) in o.lines.iter().enumerate() {
            let mut row = format!(
                "  {} {} {} {} x {}",
                pad_start(&(i + 1).to_string(), 3),
                pad(&clean(&l.sku), 12),
                pad(&clean(&l.name), 30),
                pad_start(&l.quantity.to_string(), 5),
                pad_start(&cur.format(l.unit_price), 10),
            );
            if several {
                row.push_str(&format!("  ship-to {}", l.ship_to + 1));
            }
            out.push((row, Tone::Plain));
        }
    }

    let heading = if case.changes.is_empty() {
        "Shipments"
    } else {
        "Shipments, as stored"
    };
    out.push((heading.into(), Tone::Heading));
    for s in &stored.shipments {
        out.push((shipment_line(s), Tone::Plain));
    }

    if !stored.events.is_empty() {
        out.push(("Since it was placed".into(), Tone::Heading));
        for e in &stored.events {
            out.push((event_line(e, cur), Tone::Plain));
        }
    }
    out
}

/// `text` narrowed to `max` columns where it can be by taking spaces out
/// of its widest gaps (a table row a few columns too wide stays one row);
/// the indentation and one space in each gap stay.
fn squeeze(text: &str, max: usize) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let lead = chars.iter().take_while(|c| **c == ' ').count();
    while width(&chars.iter().collect::<String>()) > max {
        // The widest gap after the indentation: (start, length).
        let mut best = (0, 0);
        let mut i = lead;
        while i < chars.len() {
            if chars[i] == ' ' {
                let start = i;
                while i < chars.len() && chars[i] == ' ' {
                    i += 1;
                }
                if i - start > best.1 {
                    best = (start, i - start);
                }
            } else {
                i += 1;
            }
        }
        if best.1 < 2 {
            break;
        }
        chars.remove(best.0);
    }
    chars.into_iter().collect()
}

/// `text` in rows of at most `max` columns: narrowed by its gaps first,
/// then broken between words where it can be (else between characters),
/// never right after a lone sign (`=`, `x`, `→`); the rows after the
/// first indented by `indent`. Nothing is left out.
pub(super) fn wrap(text: &str, max: usize, indent: usize) -> Vec<String> {
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;
    let max = max.max(2);
    let lead = " ".repeat(indent.min(max / 2));
    let mut out = Vec::new();
    let mut rest = squeeze(&shown(text), max);
    let ends_in_sign = |head: &str| {
        let word = head.split(' ').next_back().unwrap_or("");
        word == "x" || (word.chars().count() == 1 && !word.chars().all(char::is_alphanumeric))
    };
    while width(&rest) > max {
        let (mut used, mut hard, mut soft, mut fine) = (0, 0, None, None);
        for (i, g) in rest.grapheme_indices(true) {
            let w = g.width();
            if used + w > max {
                break;
            }
            if g == " " && !rest[..i].trim().is_empty() {
                soft = Some(i);
                if !ends_in_sign(&rest[..i]) {
                    fine = Some(i);
                }
            }
            used += w;
            hard = i + g.len();
        }
        // Not right after a lone sign, where an earlier break will do.
        let soft = match (soft, fine) {
            (Some(s), Some(f)) if ends_in_sign(&rest[..s]) => Some(f),
            (s, _) => s,
        };
        // At least one character goes on each row, so this ends.
        let at = soft.unwrap_or(hard.max(rest.chars().next().map_or(1, char::len_utf8)));
        let (head, tail) = rest.split_at(at);
        out.push(head.trim_end().to_string());
        let tail = tail.trim_start();
        if tail.is_empty() {
            return out;
        }
        rest = format!("{lead}{tail}");
    }
    out.push(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_between_words_and_keeps_every_character() {
        let text = "  2026-11-25 14:02 alice changed (Customer asked): TNT-2001 Two-person tent: quantity 2 → 3; ship-to 1: address Jane Doe, 12 Elm Street → Jane Doe, 400 S 5th Street";
        let rows = wrap(text, 40, 6);
        assert!(rows.len() > 3, "{rows:?}");
        for r in &rows {
            assert!(width(r) <= 40, "{r:?}");
        }
        assert!(rows[1].starts_with("      "), "{rows:?}");
        let words: Vec<&str> = text.split_whitespace().collect();
        let back: Vec<String> = rows
            .iter()
            .flat_map(|r| r.split_whitespace().map(str::to_string))
            .collect();
        assert_eq!(words, back);
        // A word longer than a row is cut into pieces, not dropped.
        let long = "x".repeat(25);
        let rows = wrap(&long, 10, 2);
        assert_eq!(rows.concat().replace(' ', ""), long);
        // A row that fits is left as it is, spaces and all.
        assert_eq!(wrap("  a   b", 80, 4), ["  a   b"]);
        // A table row a little too wide loses spaces from its widest gaps.
        let row = format!(
            "  {:>3} {:<12} {:<30} {:>5} x {:>10} = {:>12}",
            1, "TNT-2001", "Tent", 3, "189.00", "484.78"
        );
        assert_eq!(width(&row), 83);
        let rows = wrap(&row, 80, 6);
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(width(&rows[0]), 80, "{rows:?}");
        assert!(rows[0].starts_with("    1 TNT-2001     Tent "), "{rows:?}");
        assert!(rows[0].ends_with("189.00 =       484.78"), "{rows:?}");
        // Broken, a row never ends in a lone sign.
        let rows = wrap("total 1.00 = 2.00", 13, 2);
        assert_eq!(rows, ["total 1.00", "  = 2.00"]);
    }
}

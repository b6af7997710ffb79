//! End to end, the real binary in a pseudo-terminal: the review is the
//! stored order. For each backorder choice (ship complete, ship available,
//! drop backorders, ship available with the backorders as a separate
//! order) an order with a line partly out of stock is placed by keys, and
//! what the review showed — per part its lines (quantities now and later,
//! unit prices, line totals), shipments and total — is compared with
//! `orderdesk export` of each order stored. A price override shows the
//! price that is stored. An Enter typed ahead of the confirmation does
//! not dismiss it (docs/design.md, sections 4, 5, 9 and 10). And, drawn
//! from a snapshot, the confirmation reads back from the placed quote.

use crate::common::pty::{
    add_item, fresh_db, pick_customer, status_line, wait_status, Term, DOWN, ENTER, F6, F9, TAB,
    TIMEOUT, UP,
};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;
use std::time::Duration;

const F8: &str = "\x1b[19~";
const CARD: &str = "4111111111111111";
/// Tall enough for the whole review of two orders without scrolling; the
/// width is the 80 columns every screen must fit.
const ROWS: u16 = 70;
const COLS: u16 = 80;

// ---- keys, as an operator types them ----

/// Moves the list's marker to the row holding `text`.
fn select_row(t: &mut Term, text: &str) {
    let rows = t.wait_rows(&format!("a list row with {text:?}"), TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains(text)) && rows.iter().any(|r| r.starts_with("> "))
    });
    let target = rows.iter().position(|r| r.contains(text)).unwrap();
    let at = rows.iter().position(|r| r.starts_with("> ")).unwrap();
    let key = if target > at { DOWN } else { UP };
    for _ in 0..target.abs_diff(at) {
        t.send(key);
    }
    t.wait_rows(&format!("{text:?} selected"), TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with("> ") && r.contains(text))
    });
}

/// F8, then the adjustment form of the row holding `row`: types `amount`,
/// steps the reason (↓) to `reason`, applies; waits for `shown`.
fn adjust(t: &mut Term, row: &str, amount: &str, reason: &str, shown: &str) {
    t.send(F8);
    t.wait_for("Adjustments — discounts", TIMEOUT);
    select_row(t, row);
    t.send(ENTER);
    t.wait_for("Your limit", TIMEOUT);
    t.send(amount);
    t.wait_for(amount, TIMEOUT);
    let mut steps = 0;
    loop {
        let rows = t.rows();
        let current = rows
            .iter()
            .find(|r| r.starts_with(" Reason"))
            .cloned()
            .unwrap_or_default();
        if current.contains(&format!("< {reason} ")) {
            break;
        }
        assert!(steps < 10, "reason {reason} not offered: {current}");
        steps += 1;
        t.send(DOWN);
        t.wait_rows("the reason to change", TIMEOUT, |rows| {
            rows.iter()
                .find(|r| r.starts_with(" Reason"))
                .is_some_and(|r| *r != current)
        });
    }
    t.send(ENTER);
    t.wait_for(shown, TIMEOUT);
}

/// F7: a new card typed in.
fn pay_card(t: &mut Term) {
    crate::common::pty::payment_list(t);
    t.wait_for("New card", TIMEOUT);
    select_row(t, "New card");
    t.send(ENTER);
    t.wait_for("Card number", TIMEOUT);
    t.send(CARD);
    t.send(TAB);
    t.send("12/30");
    t.send(TAB);
    t.send("123");
    t.send(ENTER);
    wait_status(t, "Payment: VISA ending 1111");
}

fn quit(t: &mut Term) {
    t.send("\x03");
    t.wait_for("Quit orderdesk?", TIMEOUT);
    t.send("y");
    assert!(t.wait_exit(TIMEOUT).success());
}

/// `orderdesk export N` as JSON.
fn export(db: &Path, order_no: i64) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(db)
        .args(["export", &order_no.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

// ---- the review, read back from the screen ----

/// "1,234.56" or "-20.00" as a number.
fn money(text: &str) -> Decimal {
    Decimal::from_str(&text.replace(',', ""))
        .unwrap_or_else(|e| panic!("not an amount: {text:?}: {e}"))
}

/// A stored amount ("474.76") as a number.
fn stored(v: &Value) -> Decimal {
    money(v.as_str().unwrap_or_else(|| panic!("not text: {v}")))
}

#[derive(Debug, Default, Clone, PartialEq)]
struct ReviewedLine {
    sku: String,
    quantity: i64,
    unit_price: Decimal,
    line_total: Decimal,
    /// The list price, where the review names one (a price override).
    list_price: Option<Decimal>,
    /// As "5 ordered: 3 now, 2 on 2026-12-01" says it; None when the row
    /// is not there (the whole line ships from stock now).
    ordered: Option<i64>,
    now: i64,
    backordered: i64,
    due: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct ReviewedShipment {
    /// None: "ship date unknown".
    date: Option<String>,
    method: String,
    pieces: i64,
    charge: Decimal,
}

#[derive(Debug, Default)]
struct ReviewedPart {
    heading: Option<String>,
    lines: Vec<ReviewedLine>,
    shipments: Vec<ReviewedShipment>,
    total: Option<Decimal>,
}

#[derive(Debug, Default)]
struct Reviewed {
    parts: Vec<ReviewedPart>,
    /// (quantity, SKU) of each "dropped:" row.
    dropped: Vec<(i64, String)>,
    /// "TOTAL USD, both orders" (only with two orders).
    grand_total: Option<Decimal>,
    rows: Vec<String>,
}

fn is_sku(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() == 8
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b[3] == b'-'
        && b[4..].iter().all(u8::is_ascii_digit)
}

/// The detail row "5 ordered: 3 now, 2 on 2026-12-01" (or "3 in stock",
/// "2 due DATE", "1 backordered, date unknown", "2 dropped", "2 in order
/// 2") into the line.
fn read_quantities(line: &mut ReviewedLine, text: &str) {
    let (ordered, rest) = text.split_once(" ordered: ").unwrap();
    line.ordered = Some(ordered.trim().parse().unwrap());
    for piece in rest.split(", ") {
        let words: Vec<&str> = piece.split_whitespace().collect();
        let n = || -> i64 {
            words[0]
                .parse()
                .unwrap_or_else(|e| panic!("{piece:?} in {text:?}: {e}"))
        };
        match words.as_slice() {
            [_, "now"] | [_, "in", "stock"] => line.now = n(),
            [_, "on", date] | [_, "due", date] => {
                line.backordered = n();
                line.due = Some(date.to_string());
            }
            [_, "backordered"] => line.backordered = n(),
            ["date", "unknown"] | [_, "dropped"] | [_, "in", "order", _] => {}
            _ => panic!("unknown quantity {piece:?} in {text:?}"),
        }
    }
}

/// A row under a line's name (amount rows are right-aligned, and never
/// say these things).
fn is_detail(row: &str) -> bool {
    let Some(text) = row.strip_prefix(&" ".repeat(15)) else {
        return false;
    };
    !text.starts_with(' ')
        && (text.contains(" ordered: ")
            || text.starts_with("price overridden")
            || text.starts_with("net price:")
            || text.starts_with("less "))
}

/// Reads the review on screen into its parts.
fn read_review(rows: &[String]) -> Reviewed {
    let start = rows
        .iter()
        .position(|r| r.starts_with("Review — read it back"))
        .expect("the review's title");
    let mut r = Reviewed {
        rows: rows[start..rows.len() - 2]
            .iter()
            .map(|x| x.trim_end().to_string())
            .collect(),
        ..Reviewed::default()
    };
    let body = r.rows.clone();
    for row in &body {
        let words: Vec<&str> = row.split_whitespace().collect();
        let last = words.last().copied().unwrap_or_default();
        if row.starts_with("Order 1:") || row.starts_with("Order 2:") {
            r.parts.push(ReviewedPart {
                heading: Some(row.clone()),
                ..ReviewedPart::default()
            });
        } else if row.starts_with("  ") && words.first().is_some_and(|w| is_sku(w)) {
            let n = words.len();
            assert_eq!(words[n - 3], "x", "a line row: {row:?}");
            if r.parts.is_empty() {
                r.parts.push(ReviewedPart::default());
            }
            r.parts.last_mut().unwrap().lines.push(ReviewedLine {
                sku: words[0].to_string(),
                quantity: words[n - 4].parse().unwrap(),
                unit_price: money(words[n - 2]),
                line_total: money(words[n - 1]),
                ..ReviewedLine::default()
            });
        } else if row.contains("TOTAL USD, both orders") {
            r.grand_total = Some(money(last));
        } else if row.trim_start().starts_with("TOTAL USD")
            || (row.trim_start().starts_with("Order ") && row.contains(" total USD"))
        {
            let part = r.parts.last_mut().expect("a total in a part");
            assert!(part.total.is_none(), "one total per part: {row:?}");
            part.total = Some(money(last));
        } else if is_detail(row) {
            let line = r
                .parts
                .last_mut()
                .and_then(|p| p.lines.last_mut())
                .unwrap_or_else(|| panic!("a detail row without a line: {row:?}"));
            let text = row.trim();
            if text.contains(" ordered: ") {
                read_quantities(line, text);
            }
            if let Some((_, list)) = text.split_once("list price ") {
                let amount = list.split([';', ' ']).next().unwrap();
                line.list_price = Some(money(amount));
            }
        } else if let Some(rest) = row.strip_prefix("  Shipment ") {
            // "1: ships 2026-12-01, GROUND, 3 pcs, shipping 8.63"
            let (_, what) = rest.split_once(": ").unwrap();
            let fields: Vec<&str> = what.split(", ").collect();
            assert_eq!(fields.len(), 4, "a shipment row: {row:?}");
            r.parts
                .last_mut()
                .expect("a shipment in a part")
                .shipments
                .push(ReviewedShipment {
                    date: fields[0].strip_prefix("ships ").map(str::to_string),
                    method: fields[1].to_string(),
                    pieces: fields[2].trim_end_matches(" pcs").parse().unwrap(),
                    charge: money(fields[3].trim_start_matches("shipping ")),
                });
        } else if let Some(rest) = row.strip_prefix("  dropped: ") {
            let words: Vec<&str> = rest.split_whitespace().collect();
            assert_eq!(words[1], "x", "{row:?}");
            r.dropped.push((
                words[0].parse().unwrap(),
                words[2].trim_end_matches(',').to_string(),
            ));
        }
    }
    r
}

/// The stored order's lines as the review reads them.
fn stored_lines(order: &Value) -> Vec<ReviewedLine> {
    order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let unit = stored(&l["unit_price"]);
            let list = stored(&l["list_price"]);
            ReviewedLine {
                sku: l["sku"].as_str().unwrap().to_string(),
                quantity: l["quantity"].as_i64().unwrap(),
                unit_price: unit,
                line_total: stored(&l["line_total"]),
                list_price: (unit != list).then_some(list),
                ordered: None,
                now: l["qty_now"].as_i64().unwrap(),
                backordered: l["qty_backordered"].as_i64().unwrap(),
                due: l["backorder_due"].as_str().map(str::to_string),
            }
        })
        .collect()
}

fn stored_shipments(order: &Value) -> Vec<ReviewedShipment> {
    order["shipments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| ReviewedShipment {
            date: s["ship_date"].as_str().map(str::to_string),
            method: s["method_code"].as_str().unwrap().to_string(),
            pieces: s["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["quantity"].as_i64().unwrap())
                .sum(),
            charge: stored(&s["charge"]),
        })
        .collect()
}

/// The part on screen is the order stored: the same lines with the same
/// quantities (now and backordered, with the date), unit prices, list
/// prices and line totals; the same shipments; the same total.
fn assert_part_is_stored(part: &ReviewedPart, order: &Value, rows: &[String]) {
    let screen = rows.join("\n");
    let mut shown = part.lines.clone();
    for l in &mut shown {
        assert!(l.ordered.is_none_or(|o| o >= l.quantity), "{l:?}\n{screen}");
        if l.ordered.is_none() {
            // No quantity row: all of it ships from stock now.
            l.now = l.quantity;
        }
        assert_eq!(l.now + l.backordered, l.quantity, "{l:?}\n{screen}");
        l.ordered = None;
    }
    assert_eq!(shown, stored_lines(order), "lines\n{screen}\n{order:#}");
    assert_eq!(
        part.shipments,
        stored_shipments(order),
        "shipments\n{screen}\n{order:#}"
    );
    assert_eq!(
        part.total,
        Some(stored(&order["grand_total"])),
        "total\n{screen}\n{order:#}"
    );
}

/// The order numbers the confirmation reads back: (main, backorders).
fn confirmed(screen: &str) -> (i64, Option<i64>) {
    let number = |label: &str| {
        screen.lines().find_map(|l| {
            l.trim_start()
                .strip_prefix(label)
                .and_then(|r| r.split_whitespace().next())
                .and_then(|n| n.parse::<i64>().ok())
        })
    };
    (
        number("Order number").unwrap_or_else(|| panic!("no order number:\n{screen}")),
        number("Backorders"),
    )
}

// ---- the orders ----

/// How the backorders are to go, as keys on the fulfillment screen.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Choice {
    Complete,
    Available,
    Drop,
    Separate,
}

/// Jane Doe orders 5 stoves with 3 in stock (2 due on a receipt), a tent
/// nobody has a date for, and a sleeping bag in stock; the backorders go
/// as `choice` says; with `override_to`, the stoves' price is overridden.
/// Returns the review on screen, the confirmation, and the database.
fn place(
    choice: Choice,
    override_to: Option<&str>,
) -> (Reviewed, String, tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = fresh_db();
    let mut t = Term::spawn(&db, ROWS, COLS, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    add_item(&mut t, "CMK-4011", 5);
    add_item(&mut t, "TNT-2011", 1);
    add_item(&mut t, "SLP-1014", 1);

    t.send(F6);
    t.wait_for("Fulfillment", TIMEOUT);
    t.wait_for("2 due", TIMEOUT);
    let (key, selected) = match choice {
        Choice::Complete => ("1", ">1 complete"),
        Choice::Available | Choice::Separate => ("2", ">2 available now, rest later"),
        Choice::Drop => ("3", ">3 drop backorders"),
    };
    t.send(key);
    t.wait_for(selected, TIMEOUT);
    if choice == Choice::Separate {
        t.send("s");
        t.wait_for("separate order for backorders: yes", TIMEOUT);
    }
    t.send(ENTER);
    t.wait_for("Method for ship-to 1", TIMEOUT);
    t.send(ENTER);
    wait_status(&t, "Ship-to 1: GROUND");

    if let Some(price) = override_to {
        adjust(
            &mut t,
            "Line 1 CMK-4011",
            price,
            "PRICE_MATCH",
            "(PRICE_MATCH, e2e)",
        );
    }
    pay_card(&mut t);

    t.send(F9);
    let rows = t.wait_rows("the review with its totals", TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with("Payment   VISA"))
    });
    let reviewed = read_review(&rows);
    let screen = reviewed.rows.join("\n");
    assert!(
        !reviewed.rows.iter().any(|r| r.starts_with("! ")),
        "nothing missing:\n{screen}"
    );
    // Everything on it is whole at 80 columns: no row was cut short.
    for row in &reviewed.rows {
        let ours = row.starts_with("  ") || row.contains("TOTAL");
        assert!(!(ours && row.ends_with('…')), "cut: {row:?}\n{screen}");
    }
    t.send(ENTER);
    let confirmation = t.wait_for("Order number", TIMEOUT);
    quit(&mut t);
    (reviewed, confirmation, dir, db)
}

/// What every choice shares: each part on screen is the order stored, the
/// confirmation reads back its number, total and ship dates.
fn assert_stored_as_reviewed(reviewed: &Reviewed, confirmation: &str, db: &Path) -> Vec<Value> {
    let (main, backorders) = confirmed(confirmation);
    let numbers: Vec<i64> = std::iter::once(main).chain(backorders).collect();
    assert_eq!(
        numbers.len(),
        reviewed.parts.len(),
        "one order per part\n{}\n{confirmation}",
        reviewed.rows.join("\n")
    );
    let orders: Vec<Value> = numbers.iter().map(|n| export(db, *n)).collect();
    for (part, order) in reviewed.parts.iter().zip(&orders) {
        assert_part_is_stored(part, order, &reviewed.rows);
        let total = stored(&order["grand_total"]);
        let number = order["order_no"].as_i64().unwrap();
        assert!(
            confirmation.lines().any(|l| l.contains(&number.to_string())
                && l.contains(&format!("total {} USD", format_money(total)))),
            "the confirmation reads back {number} for {total}:\n{confirmation}"
        );
        for (n, s) in stored_shipments(order).iter().enumerate() {
            let when = match &s.date {
                Some(d) => format!("ships {d}"),
                None => "ship date unknown".to_string(),
            };
            let head = format!("{number} shipment {}:", n + 1);
            assert!(
                confirmation
                    .lines()
                    .any(|l| l.contains(&head) && l.contains(&when)),
                "the confirmation reads back {head} {when}:\n{confirmation}"
            );
        }
    }
    if orders.len() > 1 {
        let sum: Decimal = orders.iter().map(|o| stored(&o["grand_total"])).sum();
        let both = format!("total {} USD", format_money(sum));
        assert!(
            confirmation
                .lines()
                .any(|l| l.contains("Both orders") && l.contains(&both)),
            "the confirmation reads back both orders' {both}:\n{confirmation}"
        );
        assert_eq!(
            reviewed.grand_total,
            Some(sum),
            "{}",
            reviewed.rows.join("\n")
        );
    } else {
        assert_eq!(reviewed.grand_total, None);
    }
    orders
}

/// 1,234.56 as the console writes it.
fn format_money(d: Decimal) -> String {
    let text = format!("{:.2}", d);
    let (int, frac) = text.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{frac}")
}

fn line<'a>(part: &'a ReviewedPart, sku: &str) -> &'a ReviewedLine {
    part.lines
        .iter()
        .find(|l| l.sku == sku)
        .unwrap_or_else(|| panic!("no line {sku} in {part:#?}"))
}

// ---- the tests ----

/// Ship complete: one order, one shipment when the last piece is in (the
/// tent's date is unknown, so the shipment's is too); the stoves say 3 in
/// stock and 2 due on the receipt's date.
#[test]
fn ship_complete_is_stored_as_reviewed() {
    let (reviewed, confirmation, _dir, db) = place(Choice::Complete, None);
    let screen = reviewed.rows.join("\n");
    assert_eq!(reviewed.parts.len(), 1, "{screen}");
    let part = &reviewed.parts[0];
    let stoves = line(part, "CMK-4011");
    assert_eq!(
        (
            stoves.quantity,
            stoves.ordered,
            stoves.now,
            stoves.backordered
        ),
        (5, Some(5), 3, 2),
        "{screen}"
    );
    assert!(stoves.due.is_some(), "{screen}");
    assert_eq!(part.shipments.len(), 1, "{screen}");
    assert_eq!(part.shipments[0].pieces, 7, "{screen}");
    assert_eq!(part.shipments[0].date, None, "{screen}");
    assert!(screen.contains("Backorders  Ship complete"), "{screen}");
    assert!(reviewed.dropped.is_empty(), "{screen}");
    assert_stored_as_reviewed(&reviewed, &confirmation, &db);
}

/// Ship available now, backorders later, with the stoves' price
/// overridden: one order; the review shows the override's unit price (the
/// list price named), the stored one.
#[test]
fn ship_available_with_a_price_override_is_stored_as_reviewed() {
    let (reviewed, confirmation, _dir, db) = place(Choice::Available, Some("90.00"));
    let screen = reviewed.rows.join("\n");
    assert_eq!(reviewed.parts.len(), 1, "{screen}");
    let part = &reviewed.parts[0];
    let stoves = line(part, "CMK-4011");
    assert_eq!(
        (stoves.quantity, stoves.now, stoves.backordered),
        (5, 3, 2),
        "{screen}"
    );
    assert_eq!(stoves.unit_price, Decimal::from(90), "{screen}");
    assert_eq!(stoves.list_price, Some(money("99.95")), "{screen}");
    // Now, the stoves' due date, the tent's unknown date: three shipments.
    assert_eq!(part.shipments.len(), 3, "{screen}");
    let orders = assert_stored_as_reviewed(&reviewed, &confirmation, &db);
    let stored_stoves = &orders[0]["lines"][0];
    assert_eq!(stored_stoves["unit_price"], "90.00", "{}", orders[0]);
    assert_eq!(stored_stoves["list_price"], "99.95", "{}", orders[0]);
}

/// Drop backorders: 3 of the 5 stoves and no tent are ordered; the review
/// says so line by line and names what was dropped.
#[test]
fn drop_backorders_is_stored_as_reviewed() {
    let (reviewed, confirmation, _dir, db) = place(Choice::Drop, None);
    let screen = reviewed.rows.join("\n");
    assert_eq!(reviewed.parts.len(), 1, "{screen}");
    let part = &reviewed.parts[0];
    let stoves = line(part, "CMK-4011");
    assert_eq!(
        (
            stoves.quantity,
            stoves.ordered,
            stoves.now,
            stoves.backordered
        ),
        (3, Some(5), 3, 0),
        "{screen}"
    );
    assert_eq!(stoves.unit_price, money("99.95"), "{screen}");
    assert!(!part.lines.iter().any(|l| l.sku == "TNT-2011"), "{screen}");
    assert_eq!(
        reviewed.dropped,
        vec![(2, "CMK-4011".to_string()), (1, "TNT-2011".to_string())],
        "{screen}"
    );
    assert!(
        screen.contains("dropped: 1 x TNT-2011, not in stock"),
        "{screen}"
    );
    let orders = assert_stored_as_reviewed(&reviewed, &confirmation, &db);
    let skus: Vec<&str> = orders[0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["CMK-4011", "SLP-1014"], "{}", orders[0]);
}

/// Ship available, the backorders as a separate order, the stoves' price
/// overridden: two orders on screen, each headed with what it is, its
/// lines, shipments and total, then the total of both; each is the order
/// stored.
#[test]
fn separate_backorder_order_is_stored_as_reviewed() {
    let (reviewed, confirmation, _dir, db) = place(Choice::Separate, Some("90.00"));
    let screen = reviewed.rows.join("\n");
    assert_eq!(reviewed.parts.len(), 2, "{screen}");
    let (first, second) = (&reviewed.parts[0], &reviewed.parts[1]);
    assert_eq!(
        first.heading.as_deref(),
        Some("Order 1: ships from stock"),
        "{screen}"
    );
    assert_eq!(
        second.heading.as_deref(),
        Some("Order 2: the backorders, placed separately"),
        "{screen}"
    );
    let now = line(first, "CMK-4011");
    assert_eq!(
        (now.quantity, now.now, now.backordered),
        (3, 3, 0),
        "{screen}"
    );
    let later = line(second, "CMK-4011");
    assert_eq!(
        (later.quantity, later.now, later.backordered),
        (2, 0, 2),
        "{screen}"
    );
    for l in [now, later] {
        assert_eq!(l.ordered, Some(5), "{screen}");
        assert_eq!(l.unit_price, Decimal::from(90), "{screen}");
        assert_eq!(l.list_price, Some(money("99.95")), "{screen}");
    }
    assert!(!first.lines.iter().any(|l| l.sku == "TNT-2011"), "{screen}");
    assert_eq!(line(second, "TNT-2011").backordered, 1, "{screen}");
    let orders = assert_stored_as_reviewed(&reviewed, &confirmation, &db);
    assert_eq!(
        orders[1]["parent_order_no"], orders[0]["order_no"],
        "the backorders are linked to the first order"
    );
    // Above the detail, each order with its total, as stored.
    for (part, order) in reviewed.parts.iter().zip(&orders) {
        let heading = part.heading.as_deref().unwrap_or_default();
        let summary = reviewed
            .rows
            .iter()
            .find(|r| r.starts_with(&format!("  {heading}")))
            .unwrap_or_else(|| panic!("no summary of {heading:?}:\n{screen}"));
        let amount = summary.split_whitespace().last().unwrap_or_default();
        assert_eq!(money(amount), stored(&order["grand_total"]), "{summary}");
    }
}

/// An Enter typed ahead in the same write as the Enter that submits does
/// not dismiss the confirmation: it stays, with the order number, and says
/// a key was ignored; the next Enter, typed after it showed, starts a new
/// order.
#[test]
fn enter_typed_ahead_does_not_dismiss_the_confirmation() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    add_item(&mut t, "SLP-1014", 1);
    t.send(F6);
    t.wait_for("Fulfillment", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Method for ship-to 1", TIMEOUT);
    t.send(ENTER);
    wait_status(&t, "Ship-to 1: GROUND");
    pay_card(&mut t);
    t.send(F9);
    t.wait_rows("the review with its total", TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains("TOTAL USD"))
    });

    // Submit and a second Enter, in one write: the operator pressed Enter
    // twice before anything changed on the screen.
    t.send(&format!("{ENTER}{ENTER}"));
    let s = t.wait_for("Order number", TIMEOUT);
    let (order_no, _) = confirmed(&s);
    let rows = wait_status(&t, "(1 key typed ahead was ignored)");
    assert!(
        status_line(&rows).starts_with(&format!("Order {order_no} placed.")),
        "{rows:#?}"
    );
    // And it stays: nothing else is waiting to be applied to it.
    std::thread::sleep(Duration::from_millis(500));
    let s = t.contents();
    assert!(s.contains("Order placed — read this back"), "{s}");
    assert!(s.contains(&format!("Order number  {order_no}")), "{s}");

    // An Enter typed once it is on screen starts the next order.
    t.send(ENTER);
    t.wait_for("Find customer", TIMEOUT);
    t.wait_for("no customer yet", TIMEOUT);
    quit(&mut t);
    let order = export(&db, order_no);
    assert_eq!(order["lines"][0]["sku"], "SLP-1014", "{order}");
}

// ---- the confirmation, drawn from a snapshot ----

/// The confirmation reads back from the quote the orders were placed
/// with (not whatever the session quotes next), and with more shipments
/// than rows it counts those it cannot show instead of leaving them out.
#[test]
fn confirmation_reads_the_placed_quote_and_counts_what_does_not_fit() {
    use orderdesk::domain::availability::LineAvailability;
    use orderdesk::domain::money::Currency;
    use orderdesk::domain::order::{Address, Line, Order, ShipTo};
    use orderdesk::domain::parts::Part;
    use orderdesk::domain::planning::PlannedShipment;
    use orderdesk::domain::pricing::{price, PricingContext};
    use orderdesk::domain::quote::Quote;
    use orderdesk::store::PlacedOrder;
    use orderdesk::tui::screens::{DrawCtx, Screen, Screens};
    use orderdesk::tui::theme::Theme;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Rect;
    use ratatui::Terminal;

    let mut order = Order::new("t".into(), Currency::USD);
    order.ship_tos.push(ShipTo {
        address: Address::default(),
        method: Some("GROUND".into()),
    });
    order.lines.push(Line {
        item_id: 1,
        sku: "CMK-4011".into(),
        name: "Stove".into(),
        quantity: 30,
        unit_price: Decimal::from(10),
        weight_grams: 390,
        taxable: true,
        ship_to: 0,
    });
    // Thirty shipments of one piece each, a day apart.
    let first = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let shipments: Vec<PlannedShipment> = (0..30)
        .map(|d| PlannedShipment {
            ship_to: 0,
            lines: vec![(0, 1)],
            date: Some(first + chrono::Duration::days(d)),
            part: 1,
        })
        .collect();
    let part = Part {
        number: 1,
        order: order.clone(),
        source_lines: vec![0],
        availability: vec![LineAvailability {
            now: 0,
            backordered: 30,
            due: None,
        }],
        shipments,
    };
    let mut placed_quote = Quote::empty(Currency::USD);
    placed_quote.parts = vec![(part, price(&order, &PricingContext::default()))];
    let placed = [PlacedOrder {
        id: 1,
        order_no: 100042,
        part: 1,
        grand_total: Decimal::from(300),
        customer_id: 1,
        already_placed: false,
        content_hash: String::new(),
    }];
    // The session's own quote is empty: only the placed one has shipments.
    let now = Quote::empty(Currency::USD);
    let ctx = DrawCtx {
        order: &order,
        quote: &now,
        violations: &[],
        placed: &placed,
        placed_quote: Some(&placed_quote),
        theme: Theme { mono: true },
        today: first,
        operator: "alice",
        verified: None,
        case: None,
    };
    let screens = Screens::default();
    let mut term = Terminal::new(TestBackend::new(80, 20)).unwrap();
    term.draw(|f| screens.confirmation.draw(f, Rect::new(0, 0, 80, 20), &ctx))
        .unwrap();
    let buf = term.backend().buffer();
    let rows: Vec<String> = (0..20)
        .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect();
    let screen = rows.join("\n");
    assert!(screen.contains("Order number  100042"), "{screen}");
    assert!(screen.contains("total 300.00 USD"), "{screen}");
    assert!(
        screen.contains("100042 shipment 1: 1 pcs GROUND, ships 2026-12-01"),
        "{screen}"
    );
    let shown = rows.iter().filter(|r| r.contains(" shipment ")).count();
    assert!(shown > 5, "{screen}");
    assert!(
        screen.contains(&format!("… and {} more shipments", 30 - shown)),
        "{screen}"
    );
}

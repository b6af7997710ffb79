//! Columns by display width (docs/design.md, sections 9 and 10): names and
//! addresses holding CJK, flags, emoji and combining marks leave every
//! column where its heading puts it, nothing the terminal may draw at
//! another width reaches the screen, and the real console leaves no stale
//! glyph behind when a list changes.

use crate::common::desk::Desk;
use crate::common::pty::{find_results, fresh_db, Term, TIMEOUT};
use crate::common::{ctrl, demo_store};
use crossterm::event::KeyCode;
use orderdesk::domain::text::uncertain;
use orderdesk::tui::app::Step;
use orderdesk::tui::theme::Theme;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// Jane Doe's last name: CJK (2 columns each), a flag, an accent as a
/// combining mark. Her search key stays `doe`.
const JANE_LAST: &str = "Doe 日本 🇺🇸 e\u{301}cole";
/// John Smith's: a thumbs-up with a skin tone (two emoji to a terminal
/// that counts characters, one to ratatui), and wider than the name
/// column, so it is cut.
const JOHN_LAST: &str = "Smith 👍🏽 スミス・ジョンソン・ウィリアムズ";
/// An item name: CJK, a flag, combining marks, and longer than its column.
const TENT: &str = "Ridgeline 日本のテント 🇯🇵 Zoe\u{308} e\u{301}";
/// Another: an emoji with a variation selector, a skin tone, half-width
/// katakana with a voiced mark, and a ZWJ family (cleaning splits it).
const STAKES: &str = "Stakes ❤\u{fe0f} 👍🏽 ｶﾞｽ 👨\u{200d}👩\u{200d}👧";

/// Gives the demo database at `path` the names above.
fn rename(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute(
        "UPDATE customers SET last_name = ?1, first_name = 'Zoe\u{308}' WHERE logon_id = 'jdoe'",
        [JANE_LAST],
    )
    .unwrap();
    conn.execute(
        "UPDATE customers SET last_name = ?1 WHERE logon_id = 'jsmith'",
        [JOHN_LAST],
    )
    .unwrap();
    conn.execute(
        "UPDATE addresses SET line1 = '12 Elm 🇸🇪 St', city = 'Zu\u{308}rich 🇨🇭 ❤\u{fe0f}'
         WHERE customer_id = (SELECT id FROM customers WHERE logon_id = 'jdoe')",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE addresses SET city = '東京都 ①'
         WHERE customer_id = (SELECT id FROM customers WHERE logon_id = 'jsmith')",
        [],
    )
    .unwrap();
    // The last of the recent customers: a row a search leaves blank.
    conn.execute(
        "UPDATE customers SET last_name = 'Kim 🇰🇷 김 e\u{301}' WHERE logon_id = 'dkim'",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE addresses SET city = 'Seoul 👍🏽 🇰🇷'
         WHERE customer_id = (SELECT id FROM customers WHERE logon_id = 'dkim')",
        [],
    )
    .unwrap();
    // The customers' shown copy of their city, as the store's writers
    // keep it (store/customer_shown.rs).
    conn.execute(
        "UPDATE customers SET shipping_city = (SELECT a.city FROM addresses a
             WHERE a.customer_id = customers.id AND a.is_default_shipping = 1)
         WHERE logon_id IN ('jdoe', 'jsmith', 'dkim')",
        [],
    )
    .unwrap();
    for (sku, name) in [("TNT-2001", TENT), ("TNT-2023", STAKES)] {
        let n = conn
            .execute("UPDATE items SET name = ?1 WHERE sku = ?2", [name, sku])
            .unwrap();
        assert_eq!(n, 1, "{sku}");
    }
}

/// A console on a demo database with the names above.
fn desk() -> Desk {
    let (dir, path, store) = demo_store();
    rename(&path);
    Desk::on(dir, path, store, Theme { mono: false })
}

/// One drawn row as (x, symbol) for each cell a glyph starts in: the
/// cells a wide glyph covers after its first are left out.
fn cells(d: &mut Desk, y: usize) -> Vec<(usize, String)> {
    d.lines();
    let buf = d.term.backend().buffer();
    let mut out = Vec::new();
    let mut next = 0;
    for x in 0..buf.area.width {
        if (x as usize) < next {
            continue;
        }
        let symbol = buf.cell((x, y as u16)).unwrap().symbol().to_string();
        let w = unicode_width::UnicodeWidthStr::width(symbol.as_str()).max(1);
        next = x as usize + w;
        out.push((x as usize, symbol));
    }
    out
}

/// The screen column where `needle` starts on row `y`.
fn x_of(d: &mut Desk, y: usize, needle: &str) -> Option<usize> {
    let row = cells(d, y);
    let mut text = String::new();
    let mut at = Vec::new();
    for (x, s) in &row {
        at.push((text.len(), *x));
        text.push_str(s);
    }
    let byte = text.find(needle)?;
    at.iter().rev().find(|(b, _)| *b <= byte).map(|(_, x)| *x)
}

/// The row's text from screen column `x` on (right-trimmed).
fn from_x(d: &mut Desk, y: usize, x: usize) -> String {
    cells(d, y)
        .into_iter()
        .filter(|(cx, _)| *cx >= x)
        .map(|(_, s)| s)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// The symbol drawn in the cell at screen column `x` of row `y`.
fn cell(d: &mut Desk, y: usize, x: usize) -> String {
    d.lines();
    let buf = d.term.backend().buffer();
    buf.cell((x as u16, y as u16)).unwrap().symbol().to_string()
}

/// The screen row whose text contains `text`.
fn row_of(d: &mut Desk, text: &str) -> usize {
    let lines = d.lines();
    lines
        .iter()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no row with {text:?}:\n{}", lines.join("\n")))
}

/// No cell holds anything the terminal may draw at another width: no
/// flag, emoji sequence, ambiguous symbol or lone mark.
fn nothing_uncertain(d: &mut Desk, place: &str) {
    let s = d.screen();
    let buf = d.term.backend().buffer();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let symbol = buf.cell((x, y)).unwrap().symbol();
            assert!(
                !uncertain(symbol),
                "{place}: {symbol:?} drawn at {x},{y}:\n{s}"
            );
        }
    }
}

#[test]
fn find_results_keep_their_columns() {
    let mut d = desk();
    let head = row_of(&mut d, "City/postal");
    let columns: Vec<usize> = ["Logon", "Phone", "City/postal", "Account"]
        .iter()
        .map(|h| x_of(&mut d, head, h).unwrap())
        .collect();
    let conn = Connection::open(&d.path).unwrap();
    let mut stmt = conn
        .prepare("SELECT logon_id, phone FROM customers WHERE logon_id IS NOT NULL")
        .unwrap();
    let known: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let results = find_results(&d.lines()).len();
    assert!(results >= 3, "{}", d.screen());
    let mut checked = Vec::new();
    for y in head + 1..head + 1 + results {
        let logon = from_x(&mut d, y, columns[0]);
        let Some((id, phone)) = known
            .iter()
            .find(|(id, _)| logon.starts_with(&format!("{id} ")))
        else {
            continue;
        };
        let s = d.screen();
        assert_eq!(cell(&mut d, y, columns[0] - 1), " ", "row {y}:\n{s}");
        assert!(
            from_x(&mut d, y, columns[1]).starts_with(phone.as_str()),
            "{id}'s phone under its heading:\n{s}"
        );
        assert_eq!(cell(&mut d, y, columns[2] - 1), " ", "{id}:\n{s}");
        assert_ne!(cell(&mut d, y, columns[2]), " ", "{id}:\n{s}");
        checked.push(id.clone());
    }
    for id in ["jdoe", "jsmith"] {
        assert!(checked.iter().any(|c| c == id), "{id} in {checked:?}");
    }
    // Her row: the flag as its stand-in, the mark on its letter.
    let jane = row_of(&mut d, "jdoe");
    let line = &d.lines()[jane];
    assert!(
        line.starts_with("> Doe 日 本  ? e\u{301}cole, Zoe\u{308}"),
        "{line}"
    );
    assert!(line.contains("Zu\u{308}rich ?"), "{line}");
    nothing_uncertain(&mut d, "find customer");
}

#[test]
fn catalog_prices_and_availability_keep_their_columns() {
    let mut d = desk();
    d.pick("doe");
    d.type_text("ridgeline");
    let head = row_of(&mut d, "Availability");
    let price_end = x_of(&mut d, head, "Price").unwrap() + "Price".len() - 1;
    let avail = x_of(&mut d, head, "Availability").unwrap();
    let rows: Vec<usize> = (head + 1..24)
        .filter(|y| from_x(&mut d, *y, 2).starts_with("TNT-"))
        .collect();
    assert!(rows.len() >= 2, "{}", d.screen());
    let s = d.screen();
    for y in rows {
        let digit = cell(&mut d, y, price_end);
        assert!(
            digit.chars().all(|c| c.is_ascii_digit()),
            "row {y}: the price ends under the heading:\n{s}"
        );
        assert_eq!(cell(&mut d, y, price_end + 1), " ", "row {y}:\n{s}");
        assert_eq!(cell(&mut d, y, avail - 1), " ", "row {y}:\n{s}");
        assert_ne!(cell(&mut d, y, avail), " ", "row {y}:\n{s}");
    }
    // Cut by columns, with the flag as its stand-in.
    let row = d.list_row("TNT-2001").unwrap();
    assert!(row.contains("Ridgeline 日 本 の テ ン ト  ? …"), "{row}");
    nothing_uncertain(&mut d, "catalog");
}

/// The cart, fulfillment, adjustments, payment, review and the placed
/// order: every amount column ends under its heading on every row.
#[test]
fn cart_and_later_screens_keep_their_columns() {
    let mut d = desk();
    d.pick("doe");
    d.add("TNT-2001", 2);
    d.add("TNT-2023", 3);
    d.add("TNT-2011", 1);
    d.code(KeyCode::F(5));
    let head = row_of(&mut d, "Disc.");
    let ends: Vec<usize> = ["Qty", "Unit", "Total"]
        .iter()
        .map(|h| x_of(&mut d, head, h).unwrap() + h.len() - 1)
        .collect();
    let s = d.screen();
    for sku in ["TNT-2001", "TNT-2023", "TNT-2011"] {
        let y = row_of(&mut d, sku);
        for x in &ends {
            let c = cell(&mut d, y, *x);
            assert!(
                c.chars().all(|c| c.is_ascii_digit()),
                "{sku}: column ending at {x} holds {c:?}:\n{s}"
            );
            if x + 1 < 80 {
                assert_eq!(cell(&mut d, y, x + 1), " ", "{sku} at {x}:\n{s}");
            }
        }
        assert_eq!(
            cells(&mut d, y).last().map(|(x, _)| *x),
            Some(79),
            "{sku}: the line total ends at the right edge:\n{s}"
        );
    }
    let merch = row_of(&mut d, "Merchandise");
    assert_eq!(cell(&mut d, merch, ends[2]), "5", "{s}");
    nothing_uncertain(&mut d, "cart");

    d.code(KeyCode::F(6));
    let head = row_of(&mut d, "Backordered");
    let qty_end = x_of(&mut d, head, "Qty").unwrap() + 2;
    let to = x_of(&mut d, head, "To").unwrap();
    let s = d.screen();
    for sku in ["TNT-2001", "TNT-2023", "TNT-2011"] {
        let y = row_of(&mut d, sku);
        let q = cell(&mut d, y, qty_end);
        assert!(q.chars().all(|c| c.is_ascii_digit()), "{sku}: {q:?}:\n{s}");
        assert_eq!(
            cell(&mut d, y, to),
            "#",
            "{sku}: the ship-to under To:\n{s}"
        );
    }
    nothing_uncertain(&mut d, "fulfillment");
    d.code(KeyCode::Enter); // the line's ship-to: its methods
    nothing_uncertain(&mut d, "shipping methods");
    d.code(KeyCode::Enter); // Ground
    nothing_uncertain(&mut d, "fulfillment with a method");

    d.code(KeyCode::F(8));
    nothing_uncertain(&mut d, "adjustments");
    d.pay_by_card();
    nothing_uncertain(&mut d, "payment");
    d.code(KeyCode::F(9));
    nothing_uncertain(&mut d, "review");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert_eq!(d.app.step, Step::Confirmation, "{s}");
    nothing_uncertain(&mut d, "confirmation");

    // The order as placed, from her history (the Orders screen's view):
    // each line's quantity and price, after `x`, at the same column.
    d.code(KeyCode::Enter);
    d.pick("doe");
    d.code(KeyCode::F(3));
    nothing_uncertain(&mut d, "customer record");
    d.press(ctrl('x'));
    let s = d.screen();
    assert_eq!(d.app.step, Step::History, "{s}");
    nothing_uncertain(&mut d, "order history");
    d.code(KeyCode::Enter);
    let s = d.screen();
    let equals: Vec<Option<usize>> = ["TNT-2001", "TNT-2023", "TNT-2011"]
        .iter()
        .map(|sku| {
            let y = row_of(&mut d, sku);
            x_of(&mut d, y, " x ")
        })
        .collect();
    assert!(equals[0].is_some(), "{s}");
    assert!(equals.iter().all(|x| *x == equals[0]), "{equals:?}:\n{s}");
    nothing_uncertain(&mut d, "an order as placed");
}

/// The cells where two vt100 screens differ in what is seen: the text (a
/// blank written or never written alike) and reverse video.
fn differences(a: &vt100::Screen, b: &vt100::Screen) -> Vec<String> {
    fn seen(s: &vt100::Screen, r: u16, c: u16) -> Option<(String, bool)> {
        s.cell(r, c).map(|cell| {
            let text = match cell.contents() {
                "" => " ",
                t => t,
            };
            (text.to_string(), cell.inverse())
        })
    }
    let (rows, cols) = a.size();
    let mut out = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let x = seen(a, r, c);
            let y = seen(b, r, c);
            if x != y {
                out.push(format!(
                    "row {r} col {c}: {x:?} after the change, {y:?} redrawn"
                ));
            }
        }
    }
    out
}

/// The real console in a pseudo-terminal: the find results show names
/// and cities with flags and wide characters; a search removes those rows.
/// What the terminal shows then equals what a full redraw (Ctrl+L) of the
/// same state shows, cell by cell: nothing was left behind.
#[test]
fn a_changed_list_leaves_no_glyph_behind() {
    let (_dir, db) = fresh_db();
    // The first start loads the demo data.
    let t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("recent customers", TIMEOUT);
    drop(t);
    rename(&db);
    let mut t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("recent customers", TIMEOUT);
    if t.contents().contains("Your draft is open elsewhere") {
        t.esc();
    }
    t.wait_rows("the renamed customers listed", TIMEOUT, |rows| {
        let r = find_results(rows);
        ["jdoe", "jsmith", "dkim"]
            .iter()
            .all(|id| r.iter().any(|l| l.contains(id)))
    });
    // A last name that neither of them has: their rows go.
    t.send("lee");
    t.wait_rows("Rachel Lee alone", TIMEOUT, |rows| {
        let r = find_results(rows);
        r.len() == 1 && r[0].starts_with("> Lee, Rachel")
    });
    let changed = t.parser.lock().unwrap().screen().clone();
    // Wipe the emulator's screen, so the redraw is all that is on it.
    t.noise(b"\x1b[2J");
    t.send("\x0c"); // Ctrl+L
    t.wait_rows("the full redraw", TIMEOUT, |rows| {
        find_results(rows).len() == 1
    });
    std::thread::sleep(Duration::from_millis(300));
    let redrawn = t.parser.lock().unwrap().screen().clone();
    let diff = differences(&changed, &redrawn);
    assert!(
        diff.is_empty(),
        "{diff:#?}\nafter the change:\n{}\nredrawn:\n{}",
        changed.contents(),
        redrawn.contents()
    );
    // The search still takes keys and the list goes back: same again.
    t.send("\x7f\x7f\x7f");
    t.wait_rows("the names back", TIMEOUT, |rows| {
        find_results(rows).iter().any(|l| l.contains("dkim"))
    });
    std::thread::sleep(Duration::from_millis(300));
    let back = t.parser.lock().unwrap().screen().clone();
    t.noise(b"\x1b[2J");
    t.send("\x0c");
    t.wait_rows("the full redraw", TIMEOUT, |rows| {
        find_results(rows).iter().any(|l| l.contains("dkim"))
    });
    std::thread::sleep(Duration::from_millis(300));
    let redrawn = t.parser.lock().unwrap().screen().clone();
    let diff = differences(&back, &redrawn);
    assert!(diff.is_empty(), "{diff:#?}\n{}", back.contents());
}

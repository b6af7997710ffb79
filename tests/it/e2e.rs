//! End to end: the real binary in a pseudo-terminal, its output rebuilt
//! into a screen by a terminal emulator (vt100), keys sent as a terminal
//! sends them. Asserts on what the operator would see and on the database.

use crate::common::pty::{
    find_results, fresh_db, pick_customer, select_result, Term, DOWN, ENTER, F2, F6, F9, TAB,
    TIMEOUT,
};

const CARD: &str = "4111111111111111";

/// On the catalog: adds one `search` with Enter, on the prefilled Qty 1.
fn add_one(t: &mut Term, search: &str) {
    t.send(search);
    t.wait_for(&format!("> {search}"), TIMEOUT);
    t.send(ENTER);
    t.wait_for(&format!("Added 1 x {search}"), TIMEOUT);
}

#[test]
fn places_a_card_order_by_keys() {
    let (dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("op e2e", TIMEOUT);
    // "smi" lists the three Smiths, the first selected; ↓ moves to Maria.
    t.send("smi");
    t.wait_for("3 matches", TIMEOUT);
    let rows = t.wait_rows("the Smiths listed", TIMEOUT, |rows| {
        find_results(rows).len() == 3
    });
    let first = &find_results(&rows)[0];
    assert!(first.starts_with("> Smith, "), "first selected: {first}");
    select_result(&mut t, "Smith, Maria");
    t.send(ENTER);
    t.wait_for("Catalog — prices in USD", TIMEOUT);
    t.wait_for("Maria Smith (USD)", TIMEOUT);

    add_one(&mut t, "TNT-2001");

    t.send(F6);
    t.wait_for("Fulfillment", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Method for ship-to 1", TIMEOUT);
    t.send(ENTER);
    t.wait_for("GROUND", TIMEOUT);

    crate::common::pty::payment_list(&mut t);
    t.wait_for("Billing and payment", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Card number", TIMEOUT);
    t.send(CARD);
    t.send(TAB);
    t.send("12/30");
    t.send(TAB);
    t.send("123");
    t.wait_for("•••", TIMEOUT);
    t.send(ENTER);
    let s = t.wait_for("Payment: VISA ending 1111, exp 12/30", TIMEOUT);
    assert!(!s.contains(CARD), "{s}");

    t.send(F9);
    let s = t.wait_for("Review — read it back", TIMEOUT);
    assert!(s.contains("Customer  Maria Smith"), "{s}");
    assert!(s.contains("TNT-2001"), "{s}");
    assert!(!s.contains("! "), "nothing missing: {s}");
    t.send(ENTER);
    let s = t.wait_for("Order number", TIMEOUT);
    assert!(!s.contains(CARD), "{s}");
    let order_no: i64 = s
        .lines()
        .find_map(|l| {
            l.split_once("Order number")
                .map(|(_, rest)| rest.to_string())
        })
        .and_then(|rest| {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .unwrap_or_else(|| panic!("no order number on screen:\n{s}"));

    // Quit (Ctrl+C, then y): the terminal is restored and the exit is clean.
    t.send("\x03");
    t.wait_for("Quit orderdesk?", TIMEOUT);
    t.send("y");
    let status = t.wait_exit(TIMEOUT);
    assert!(status.success(), "{status:?}");
    assert!(!t.parser.lock().unwrap().screen().alternate_screen());

    let conn = rusqlite::Connection::open(&db).unwrap();
    let orders: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM orders WHERE order_no = ?1",
            [order_no],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orders, 1);
    let (last4, brand, operator): (String, String, String) = conn
        .query_row(
            "SELECT p.last4, p.brand, o.operator FROM payments p JOIN orders o ON o.id = p.order_id
             WHERE o.order_no = ?1",
            [order_no],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(last4, "1111");
    assert_eq!(brand, "VISA");
    assert_eq!(operator, "e2e");
    let reserved: i64 = conn
        .query_row(
            "SELECT v.reserved FROM inventory v JOIN items i ON i.id = v.item_id WHERE i.sku = 'TNT-2001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reserved, 1);
    drop(conn);
    // The full number is in no file: database, WAL or anything else.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(CARD.len()).any(|w| w == CARD.as_bytes()),
            "card number in {}",
            path.display()
        );
    }
}

#[test]
fn hangup_mid_order_keeps_the_draft_for_the_next_start() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    add_one(&mut t, "TNT-2001");

    let pid = t.pid().to_string();
    // The shell's own `kill`: no procps needed on a bare machine.
    let killed = std::process::Command::new("sh")
        .args(["-c", &format!("kill -HUP {pid}")])
        .status()
        .unwrap();
    assert!(killed.success());
    t.wait_exit(TIMEOUT);
    // The terminal was put back (alternate screen left) on the way out.
    assert!(!t.parser.lock().unwrap().screen().alternate_screen());
    drop(t);

    let mut t = Term::spawn(&db, 24, 80, &[]);
    let s = t.wait_for("Resume your draft?", TIMEOUT);
    assert!(s.contains("Jane Doe, 1 line"), "{s}");
    t.send(ENTER);
    let s = t.wait_for("Resumed: Jane Doe, 1 line", TIMEOUT);
    assert!(s.contains("Customer  Jane Doe"), "{s}");
    assert!(s.contains("TNT-2001"), "{s}");
    assert!(s.contains("Ridgeline 2-Person Tent"), "{s}");
}

#[test]
fn no_color_still_marks_the_selection() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[("NO_COLOR", "1"), ("TERM", "vt100")]);
    t.wait_for("Find customer", TIMEOUT);
    t.send("smi");
    t.wait_for("3 matches", TIMEOUT);
    select_result(&mut t, "Smith, Maria");
    let parser = t.parser.lock().unwrap();
    let screen = parser.screen();
    let rows: Vec<String> = screen.rows(0, 80).collect();
    let row = rows
        .iter()
        .position(|r| r.starts_with("> Smith, Maria"))
        .expect("selected row marked with '> '") as u16;
    let other = rows
        .iter()
        .position(|r| r.starts_with("  Smith, "))
        .expect("unselected row") as u16;
    for col in 0..14 {
        let cell = screen.cell(row, col).unwrap();
        assert!(cell.inverse(), "col {col} of the selected row not inverse");
        assert_eq!(
            cell.fgcolor(),
            vt100::Color::Default,
            "colour with NO_COLOR"
        );
        assert_eq!(
            cell.bgcolor(),
            vt100::Color::Default,
            "colour with NO_COLOR"
        );
        assert!(!screen.cell(other, col).unwrap().inverse());
    }
    drop(parser);
    // Esc clears the search; F2 stays on find.
    t.esc();
    t.send(F2);
    t.wait_for("recent customers", TIMEOUT);
}

#[test]
fn small_window_asks_for_80x24_and_recovers_on_resize() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 20, 70, &[]);
    t.wait_for("needs at least 80x24", TIMEOUT);
    t.wait_for("this window is 70x20", TIMEOUT);
    t.resize(24, 80);
    let s = t.wait_for("Find customer", TIMEOUT);
    assert!(!s.contains("needs at least"), "{s}");
    t.wait_for("> Doe, Jane", TIMEOUT);
    // And the console works at the new size.
    t.send("smi");
    t.wait_for("3 matches", TIMEOUT);
}

/// Issue 4 end to end: a two-ship-to order with a backordered line,
/// "ship available now, backorders later" with the backorders as a separate
/// linked order; both orders land in the database.
#[test]
fn two_ship_tos_with_a_separate_backorder_order() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut t, "kim", "Kim, Daniel");
    // 5 of a stove with 3 on hand: 2 are backordered.
    t.send("CMK-4011");
    t.wait_for("> CMK-4011", TIMEOUT);
    t.send(TAB);
    t.send("\x7f5");
    t.send(ENTER);
    t.wait_for("Added 5 x CMK-4011", TIMEOUT);
    // After an add the search has the keys, selected: the next SKU replaces it.
    add_one(&mut t, "TNT-2010");

    t.send(F6);
    let s = t.wait_for("2 due", TIMEOUT);
    assert!(s.contains("CMK-4011"), "{s}");
    t.send("s");
    t.wait_for("separate order for backorders: yes", TIMEOUT);
    // Ground for ship-to 1.
    t.send(ENTER);
    t.wait_for("Method for ship-to 1", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Ship-to 1: GROUND", TIMEOUT);
    // The tent goes to the customer's second address, by Ground too.
    t.send(DOWN);
    t.send("m");
    t.wait_for("Ship the selected line to:", TIMEOUT);
    // The customer's second address is selected: the first place the
    // line does not go yet.
    t.send(ENTER);
    t.wait_for("Moved 1 to ship-to 2", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Method for ship-to 2", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Ship-to 2: GROUND", TIMEOUT);
    let s = t.wait_for("(separate order)", TIMEOUT);
    assert!(s.contains("to #2"), "{s}");

    crate::common::pty::payment_list(&mut t);
    t.wait_for("New card", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Card number", TIMEOUT);
    t.send("4111111111111111");
    t.send(TAB);
    t.send("12/30");
    t.send(TAB);
    t.send("123");
    t.send(ENTER);
    t.wait_for("ending 1111", TIMEOUT);
    t.send(F9);
    t.wait_for("Order 2: the backorders, placed separately", TIMEOUT);
    t.send(ENTER);
    // The review shows "Backorders  …" too: wait for the confirmation's
    // own title, then read both order lines from it.
    let s = t.wait_for("Order placed", TIMEOUT);
    assert!(
        s.contains("Order number") && s.contains("Backorders "),
        "{s}"
    );

    let conn = rusqlite::Connection::open(&db).unwrap();
    let orders: Vec<(i64, i64, Option<i64>, i64)> = conn
        .prepare("SELECT id, part, parent_order_id, order_no FROM orders ORDER BY part")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(orders.len(), 2, "{orders:?}");
    let (main_id, _, _, main_no) = orders[0];
    let (back_id, part, parent, back_no) = orders[1];
    assert_eq!((part, parent), (2, Some(main_id)));
    assert!(
        s.contains(&main_no.to_string()) && s.contains(&back_no.to_string()),
        "{s}"
    );
    let ship_tos: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM order_ship_tos WHERE order_id = ?1",
            [main_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ship_tos, 2, "the main order ships to two addresses");
    let line = |order: i64| -> (i64, i64, Option<String>) {
        conn.query_row(
            "SELECT qty_now, qty_backordered, backorder_due FROM order_lines WHERE order_id = ?1 AND sku = 'CMK-4011'",
            [order],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    assert_eq!(line(main_id), (3, 0, None));
    let (now, back, due) = line(back_id);
    assert_eq!((now, back), (0, 2));
    assert!(due.is_some(), "the backorder has its receipt's date");
    let reserved: i64 = conn
        .query_row(
            "SELECT reserved FROM inventory WHERE item_id = (SELECT id FROM items WHERE sku = 'CMK-4011')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reserved, 3, "only what ships now is reserved");
    let problems = crate::common::consistency_problems(&conn);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Ctrl+L redraws the whole screen: after line noise wiped and scribbled
/// over the terminal (which the program cannot know of), only a full
/// redraw brings the screen back; a normal frame sends just the changes.
#[test]
fn ctrl_l_redraws_the_whole_screen_after_line_noise() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("Find customer", TIMEOUT);
    t.wait_for("Enter Pick", TIMEOUT);
    t.noise(b"\x1b[2J\x1b[5;10HLINE NOISE");
    let s = t.contents();
    assert!(
        !s.contains("Find customer") && s.contains("LINE NOISE"),
        "{s}"
    );
    t.send("\x0c"); // Ctrl+L
    let s = t.wait_for("Find customer", TIMEOUT);
    assert!(!s.contains("LINE NOISE"), "{s}");
    assert!(s.contains("Enter Pick"), "{s}");
    assert!(s.contains("> Doe, Jane"), "{s}");
}

/// SIGTERM (a shutdown, an administrator's kill) ends the console cleanly:
/// the terminal is put back and the order waits as a draft.
#[test]
fn sigterm_restores_the_terminal_and_keeps_the_draft() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    add_one(&mut t, "TNT-2001");
    assert!(t.parser.lock().unwrap().screen().alternate_screen());
    let pid = t.pid().to_string();
    let killed = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap();
    assert!(killed.success());
    t.wait_exit(TIMEOUT);
    let parser = t.parser.lock().unwrap();
    assert!(!parser.screen().alternate_screen(), "alternate screen left");
    assert!(!parser.screen().hide_cursor(), "cursor shown again");
    drop(parser);
    drop(t);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let summary: String = conn
        .query_row(
            "SELECT summary FROM drafts WHERE operator = 'e2e'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(summary, "Jane Doe, 1 line");
}

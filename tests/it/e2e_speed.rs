//! Operator speed (issue 13), end to end: whole calls played on the real
//! binary in a pseudo-terminal, every key written down as either what the
//! customer dictates (names, address text, phone, SKUs, quantities, card
//! digits) or the operator's overhead. Each test asserts the keys typed,
//! that the overhead stays within its goal, and that the confirmation on
//! screen is the order stored.

use crate::common::pty::{fresh_db, Term, ENTER, F6, F7, TAB, TIMEOUT};
use orderdesk::domain::money::Currency;
use orderdesk::domain::order::Address;
use orderdesk::session::{Command, PayInput, Session};
use orderdesk::store::Store;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

const CTRL_B: &str = "\x02";
const CTRL_D: &str = "\x04";
/// Submit from any step once nothing is missing.
const CTRL_V: &str = "\x16";

/// A call: the keys sent, each dictated text or one overhead key.
struct Call {
    t: Term,
    keys: Vec<String>,
    overhead: usize,
}

impl Call {
    fn new(db: &Path) -> Call {
        Call {
            t: Term::spawn(db, 24, 80, &[]),
            keys: Vec::new(),
            overhead: 0,
        }
    }
    /// What the customer dictates: typed as said, not overhead.
    fn say(&mut self, text: &str) {
        self.t.send(text);
        self.keys.push(format!("\"{text}\""));
    }
    /// One key of the operator's own.
    fn key(&mut self, name: &str, bytes: &str) {
        self.t.send(bytes);
        self.keys.push(name.to_string());
        self.overhead += 1;
    }
    fn wait(&self, text: &str) -> String {
        self.t.wait_for(text, TIMEOUT)
    }
    fn typed(&self) -> String {
        self.keys.join(" ")
    }
}

/// The order number shown after `label` ("Order number", "Backorders").
fn shown_number(screen: &str, label: &str) -> i64 {
    screen
        .lines()
        .find_map(|l| l.split_once(label).map(|(_, rest)| rest.trim_start()))
        .and_then(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no {label} on screen:\n{screen}"))
}

/// Compares the confirmation on screen with the stored orders: each
/// order's number and grand total, each shipment's pieces and method,
/// the payment. Returns the stored orders as (id, number).
fn screen_is_stored(screen: &str, db: &Path, numbers: &[i64]) -> Vec<(i64, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for no in numbers {
        let (id, total, currency): (i64, String, String) = conn
            .query_row(
                "SELECT id, grand_total, currency FROM orders WHERE order_no = ?1",
                [no],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let cur = Currency::from_str(&currency).unwrap();
        let total = cur.format(Decimal::from_str(&total).unwrap());
        assert!(
            screen
                .lines()
                .any(|l| l.contains(&no.to_string())
                    && l.contains(&format!("total {total} {currency}"))),
            "order {no} with total {total} on screen:\n{screen}"
        );
        let mut stmt = conn
            .prepare(
                "SELECT s.shipment_no, s.method_code,
                        (SELECT SUM(quantity) FROM shipment_lines WHERE shipment_id = s.id)
                 FROM shipments s WHERE s.order_id = ?1 ORDER BY s.shipment_no",
            )
            .unwrap();
        let shipments: Vec<(i64, String, i64)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(!shipments.is_empty(), "order {no} has shipments");
        for (n, method, pieces) in shipments {
            let line = format!("{no} shipment {n}: {pieces} pcs {method}");
            assert!(screen.contains(&line), "{line:?} on screen:\n{screen}");
        }
        let (brand, last4): (String, String) = conn
            .query_row(
                "SELECT brand, last4 FROM payments WHERE order_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(
            screen.contains(&format!("Payment       {brand} ending {last4}")),
            "payment {brand} {last4} on screen:\n{screen}"
        );
        out.push((id, *no));
    }
    let problems = crate::common::consistency_problems(&conn);
    assert!(problems.is_empty(), "{problems:#?}");
    out
}

/// Each stored line of an order: (SKU, quantity, ship-to number).
fn stored_lines(db: &Path, order_id: i64) -> Vec<(String, i64, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT sku, quantity, ship_to_no FROM order_lines WHERE order_id = ?1 ORDER BY line_no")
        .unwrap();
    let rows = stmt
        .query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows
}

/// Each stored ship-to of an order: (number, address, method).
fn stored_ship_tos(db: &Path, order_id: i64) -> Vec<(i64, Address, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT ship_to_no, address, method_code FROM order_ship_tos WHERE order_id = ?1 ORDER BY ship_to_no")
        .unwrap();
    let rows = stmt
        .query_map([order_id], |r| {
            let a: String = r.get(1)?;
            Ok((r.get(0)?, serde_json::from_str(&a).unwrap(), r.get(2)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows
}

/// Zoë Hartley's earlier order, placed through the order session: a tent
/// home and two lanterns to her mother's, both by Express.
fn earlier_order(db: &Path) -> i64 {
    let (store, _) = Store::open(db, crate::common::BUSY).unwrap();
    let today = chrono::Local::now().date_naive();
    let mut s = Session::new(store, "e2e", today).without_drafts();
    let ok = |s: &mut Session, cmd: Command| {
        s.apply(cmd.clone())
            .unwrap_or_else(|r| panic!("{cmd:?}: {}", r.message))
    };
    ok(
        &mut s,
        Command::PickCustomer {
            id: None,
            logon: Some("zhartley".into()),
        },
    );
    ok(
        &mut s,
        Command::AddItem {
            sku: "TNT-2004".into(),
            qty: 1,
        },
    );
    ok(
        &mut s,
        Command::AddItem {
            sku: "LGT-1014".into(),
            qty: 2,
        },
    );
    ok(
        &mut s,
        Command::SetMethod {
            ship_to: 1,
            method: "EXPRESS".into(),
        },
    );
    let moms = s.order().customer.as_ref().unwrap().addresses[1]
        .address
        .clone();
    ok(
        &mut s,
        Command::MoveLine {
            line: 2,
            qty: 2,
            address: moms,
        },
    );
    ok(
        &mut s,
        Command::VerifyChallenge {
            answer: "Springfield".into(),
        },
    );
    ok(
        &mut s,
        Command::Pay(PayInput::Stored {
            last4: "3912".into(),
        }),
    );
    let done = ok(&mut s, Command::Submit);
    done.placed[0].order_no
}

/// A repeat order: found by phone, the last order copied with its
/// ship-tos and methods, the default stored card after its challenge,
/// submitted from the payment step. Goal: at most 8 overhead keys.
#[test]
fn repeat_order_in_at_most_eight_overhead_keys() {
    let (_dir, db) = fresh_db();
    let earlier = earlier_order(&db);
    let mut c = Call::new(&db);
    // The first field takes what the customer says: digits go to the phone.
    c.wait("Find customer");
    c.say("5553187702");
    c.wait("searching the phone");
    c.wait("> Hartley, Zoë");
    c.key("Enter", ENTER);
    let s = c.wait("^B Reorder last order");
    // The defaults are on screen before anything is submitted.
    assert!(
        s.contains("defaults: EXPRESS (last used), default card"),
        "{s}"
    );
    c.key("^B", CTRL_B);
    c.wait(&format!("Copied 2 lines of order {earlier}"));
    c.key("F7", F7);
    c.wait("Stored card: ask the challenge");
    c.say("Springfield");
    c.key("Enter", ENTER);
    c.wait("Payment: MASTERCARD ending 0057");
    c.wait("^V Submit");
    c.key("^V", CTRL_V);
    let screen = c.wait("Order number");

    assert_eq!(
        c.typed(),
        "\"5553187702\" Enter ^B F7 \"Springfield\" Enter ^V"
    );
    assert!(
        c.overhead <= 8,
        "{} overhead keys: {}",
        c.overhead,
        c.typed()
    );

    let no = shown_number(&screen, "Order number");
    let placed = screen_is_stored(&screen, &db, &[no]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let earlier_id: i64 = conn
        .query_row(
            "SELECT id FROM orders WHERE order_no = ?1",
            [earlier],
            |r| r.get(0),
        )
        .unwrap();
    // The same lines to the same addresses by the same methods; the
    // default card, not the one used last time.
    assert_eq!(
        stored_lines(&db, placed[0].0),
        stored_lines(&db, earlier_id)
    );
    let ship_tos = stored_ship_tos(&db, placed[0].0);
    assert_eq!(ship_tos, stored_ship_tos(&db, earlier_id));
    assert_eq!(ship_tos.len(), 2, "{ship_tos:?}");
    assert!(
        ship_tos.iter().all(|(_, _, m)| m == "EXPRESS"),
        "{ship_tos:?}"
    );
    let last4: String = conn
        .query_row(
            "SELECT last4 FROM payments WHERE order_id = ?1",
            [placed[0].0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(last4, "0057");
}

/// A guest order: typed details, a tent split over a second, typed
/// address, a kettle with none in stock on a separate backorder order, a
/// new card, submitted from the payment step. Goal: at most 25 overhead
/// keys.
#[test]
fn guest_order_with_two_ship_tos_in_at_most_25_overhead_keys() {
    let (_dir, db) = fresh_db();
    let mut c = Call::new(&db);
    c.wait("Find customer");
    c.key("^D", CTRL_D);
    c.wait("First name");
    // Enter goes on to the next empty field the order needs: the e-mail
    // (a phone was given) and Address 2 are left to Tab.
    for text in [
        "Priya",
        "Raman",
        "2075550143",
        "88 Harbor Road",
        "Portland",
        "ME",
    ] {
        c.say(text);
        c.key("Enter", ENTER);
    }
    c.say("04101");
    c.key("Enter", ENTER);
    let s = c.wait("Catalog — prices in USD");
    assert!(s.contains("Guest order for Priya Raman"), "{s}");
    assert!(s.contains("defaults: GROUND (store default)"), "{s}");

    c.say("TNT-2001");
    c.wait("> TNT-2001");
    c.key("Tab", TAB);
    c.say("2");
    c.key("Enter", ENTER);
    c.wait("Added 2 x TNT-2001");
    c.say("KTL-1029");
    c.wait("> KTL-1029");
    c.key("Enter", ENTER);
    c.wait("Added 1 x KTL-1029");

    c.key("F6", F6);
    c.wait("Fulfillment");
    c.key("s", "s");
    c.wait("separate order for backorders: yes");
    c.key("m", "m");
    c.wait("Ship the selected line to:");
    c.say("1");
    c.key("Enter", ENTER);
    c.wait("First name");
    for text in ["Leo", "Raman", "5 Pine Court", "Bangor", "ME"] {
        c.say(text);
        c.key("Enter", ENTER);
    }
    c.say("04401");
    c.key("Enter", ENTER);
    c.wait("Moved 1 to ship-to 2, by GROUND as ship-to 1");

    c.key("F7", F7);
    c.wait("Card number");
    c.say("4111111111111111");
    c.key("Tab", TAB);
    c.say("1230");
    c.say("123");
    c.key("Enter", ENTER);
    c.wait("Payment: VISA ending 1111");
    c.wait("^V Submit");
    c.key("^V", CTRL_V);
    let screen = c.wait("Backorders ");

    assert_eq!(
        c.typed(),
        "^D \"Priya\" Enter \"Raman\" Enter \"2075550143\" Enter \"88 Harbor Road\" Enter \
         \"Portland\" Enter \"ME\" Enter \"04101\" Enter \
         \"TNT-2001\" Tab \"2\" Enter \"KTL-1029\" Enter \
         F6 s m \"1\" Enter \"Leo\" Enter \"Raman\" Enter \"5 Pine Court\" Enter \"Bangor\" Enter \
         \"ME\" Enter \"04401\" Enter \
         F7 \"4111111111111111\" Tab \"1230\" \"123\" Enter ^V"
    );
    assert!(
        c.overhead <= 25,
        "{} overhead keys: {}",
        c.overhead,
        c.typed()
    );

    let main = shown_number(&screen, "Order number");
    let back = shown_number(&screen, "Backorders");
    let placed = screen_is_stored(&screen, &db, &[main, back]);
    assert_eq!(
        stored_lines(&db, placed[0].0),
        vec![("TNT-2001".into(), 1, 1), ("TNT-2001".into(), 1, 2)]
    );
    assert_eq!(
        stored_lines(&db, placed[1].0),
        vec![("KTL-1029".into(), 1, 1)]
    );
    let ship_tos = stored_ship_tos(&db, placed[0].0);
    let cities: Vec<(&str, &str, &str, &str)> = ship_tos
        .iter()
        .map(|(_, a, m)| {
            (
                a.first_name.as_str(),
                a.city.as_str(),
                a.country.as_str(),
                m.as_str(),
            )
        })
        .collect();
    assert_eq!(
        cities,
        vec![
            ("Priya", "Portland", "US", "GROUND"),
            ("Leo", "Bangor", "US", "GROUND")
        ]
    );
}

/// The guest form takes a pasted one-line address apart where that is
/// unambiguous, and keeps one it cannot split as pasted, saying so.
#[test]
fn a_pasted_one_line_address_is_split_only_when_unambiguous() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("Find customer", TIMEOUT);
    t.send(CTRL_D);
    t.wait_for("First name", TIMEOUT);
    for _ in 0..4 {
        t.send(TAB);
    }
    t.send("\x1b[200~40 Bay Street, Suite 300, Toronto, ON M5J 2X2, CA\x1b[201~");
    let s = t.wait_for("Address split:", TIMEOUT);
    for want in ["40 Bay Street", "Suite 300", "Toronto", "M5J 2X2"] {
        assert!(s.contains(want), "{want} in {s}");
    }
    // Another that would need a guess: kept as pasted, with why.
    t.send("\x15");
    t.send("\x1b[200~12 Elm Street, Springfield, Illinois\x1b[201~");
    let s = t.wait_for("could not be split for sure", TIMEOUT);
    assert!(s.contains("12 Elm Street, Springfield, Illinois"), "{s}");
}

//! Coupons, operator adjustments and pay on account, driven through the
//! console as an operator would (keys on a TestBackend at 80x24, a demo
//! database on a temporary file); then the stored order is compared with
//! what the review screen showed.

use crate::common::ctrl;
use crate::common::desk::Desk;
use crossterm::event::KeyCode;
use orderdesk::tui::app::Step;
use orderdesk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rusqlite::Connection;

impl Desk {
    /// The row holding `text` (the test fails if there is none).
    fn row_of(&mut self, text: &str) -> String {
        let s = self.screen();
        self.row_with(text)
            .map(|(_, l)| l)
            .unwrap_or_else(|| panic!("no row with '{text}':\n{s}"))
    }

    /// The customer `last` with `qty` of `sku`, Ground chosen.
    fn order(last: &str, sku: &str, qty: u32) -> Desk {
        let mut d = Desk::new();
        d.pick(last);
        d.add(sku, qty);
        assert_eq!(d.app.order().lines.len(), 1, "{}", d.screen());
        d.code(KeyCode::F(6));
        d.code(KeyCode::Enter);
        d.code(KeyCode::Enter);
        assert_eq!(d.app.order().ship_tos[0].method.as_deref(), Some("GROUND"));
        d
    }

    /// On the adjustments list: moves the selection to the row holding `text`.
    fn select(&mut self, text: &str) {
        for _ in 0..30 {
            self.code(KeyCode::PageUp);
        }
        for _ in 0..30 {
            if self
                .lines()
                .iter()
                .any(|l| l.starts_with("> ") && l.contains(text))
            {
                return;
            }
            self.code(KeyCode::Down);
        }
        panic!("no list row with '{text}':\n{}", self.screen());
    }

    /// Opens the form of the selected row, types `amount`, moves the
    /// reason by `reason_steps` (negative: up), applies.
    fn adjust(&mut self, row: &str, amount: &str, reason_steps: i32) {
        self.select(row);
        self.code(KeyCode::Enter);
        self.press(ctrl('u'));
        self.type_text(amount);
        let k = if reason_steps < 0 {
            KeyCode::Up
        } else {
            KeyCode::Down
        };
        for _ in 0..reason_steps.unsigned_abs() {
            self.code(k);
        }
        self.code(KeyCode::Enter);
    }

    fn db(&self) -> Connection {
        Connection::open(&self.path).unwrap()
    }
}

fn q(db: &Connection, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = db.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                let v: rusqlite::types::Value = r.get(i)?;
                Ok(match v {
                    rusqlite::types::Value::Null => "NULL".to_string(),
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(s) => s,
                    other => format!("{other:?}"),
                })
            })
            .collect::<rusqlite::Result<Vec<String>>>()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// Jane Doe, one SLP-1014 sleeping bag (119.00, 3.4 kg), Ground to
/// Illinois (6.25 %, shipping not taxed). By hand:
/// - shipping 5.95 + 1 x 0.50 + 3.4 kg x 0.40 = 7.81; no promotion applies
///   (nothing in a promoted category, under every threshold);
/// - coupon SAVE20 (20 off at 100 or more): 119.00 - 20.00 = 99.00;
/// - shipping to 5.00 is 2.81 off 7.81 = 35.98 %, over the 15 % limit:
///   refused; 7.00 (0.81 off, 10.37 %) is within it;
/// - 10.00 off the subtotal: 10.1 % of 99.00, within the limit;
/// - unit price 50.00 is 69.00 off, over the 50.00 limit: refused;
///   110.00 is 9.00 off (7.56 %): merchandise 110.00, minus 20.00 minus
///   10.00 = 80.00;
/// - tax 6.25 % of 80.00 = 5.00; total 80.00 + 7.00 + 5.00 = 92.00.
#[test]
fn coupon_and_every_adjustment_are_stored_as_reviewed() {
    let mut d = Desk::order("doe", "SLP-1014", 1);
    d.code(KeyCode::F(8));
    let s = d.screen();
    assert!(s.contains("No promotions apply to this order."), "{s}");
    assert!(
        s.contains("Use coupon VIP-JDOE"),
        "her own coupon is offered: {s}"
    );
    assert!(s.contains("Shipping #1 GROUND to Springfield: 7.81"), "{s}");

    // A typed code, in lower case; then a refused one, said at the field.
    d.code(KeyCode::Tab);
    d.type_text("save20");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.order().coupons, vec!["SAVE20".to_string()]);
    assert!(d.screen().contains("Redeemed   SAVE20       applied"));
    d.type_text("summer-gone");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("! coupon SUMMER-GONE expired on"), "{s}");
    assert_eq!(d.app.order().coupons.len(), 1);
    d.press(ctrl('u'));
    d.code(KeyCode::Esc);

    // Shipping: over the percent limit, then within it.
    d.adjust("Shipping #1", "5.00", -1); // up wraps to SHIP_DELAY
                                         // Beyond the limit the approval box opens; Esc: the refusal stands.
    assert!(d.screen().contains("Supervisor approval"), "{}", d.screen());
    d.code(KeyCode::Esc);
    let s = d.screen();
    assert!(
        s.contains("! shipment 1: 2.81 off 7.81 is 35.98%, over your adjustment limit of 15%"),
        "{s}"
    );
    assert!(s.contains("Reason       < SHIP_DELAY"), "{s}");
    assert!(d.app.order().adjustments.is_empty());
    d.press(ctrl('u'));
    d.type_text("7.00");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.order().adjustments.len(), 1, "{}", d.screen());
    assert!(d
        .screen()
        .contains("Shipping #1 GROUND to Springfield: 7.81 → 7.00 (SHIP_DELAY, alice)"));

    // Amount off the subtotal.
    d.adjust("Amount off the subtotal", "10.00", 2); // GOODWILL
    assert!(
        d.screen().contains("-10.00 (GOODWILL, alice)"),
        "{}",
        d.screen()
    );

    // A line's price: over the amount limit, then within it.
    d.adjust("Line 1 SLP-1014", "50.00", -2); // PRICE_MATCH
    assert!(d.screen().contains("Supervisor approval"), "{}", d.screen());
    d.code(KeyCode::Esc);
    let s = d.screen();
    assert!(
        s.contains("! line 1 (1 x SLP-1014): 69.00 off is over your adjustment limit of 50.00"),
        "{s}"
    );
    d.press(ctrl('u'));
    d.type_text("110.00");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.order().adjustments.len(), 3, "{}", d.screen());
    assert!(d
        .app
        .order()
        .adjustments
        .iter()
        .all(|a| a.operator == "alice"));

    d.pay_by_card();
    d.code(KeyCode::F(9));
    let review = d.screen();
    assert!(!review.contains("! "), "nothing missing: {review}");
    let ends = |d: &mut Desk, label: &str, value: &str| {
        let row = d.row_of(label);
        assert!(row.ends_with(value), "{row}");
    };
    ends(&mut d, "Merchandise at list prices", "119.00");
    ends(
        &mut d,
        "Price override line 1 SLP-1014 (Price match, alice)",
        "-9.00",
    );
    let merch = d
        .lines()
        .into_iter()
        .find(|l| l.contains("Merchandise") && !l.contains("list prices"))
        .unwrap();
    assert!(merch.ends_with("110.00"), "{merch}");
    ends(&mut d, "Coupon SAVE20: $20.00 off orders", "-20.00");
    ends(
        &mut d,
        "Amount off the subtotal (Goodwill gesture, alice)",
        "-10.00",
    );
    ends(&mut d, "Shipping #1 GROUND computed", "7.81");
    ends(&mut d, "override (Shipping delay, alice)", "-0.81");
    ends(&mut d, "Tax Illinois 6.25%", "5.00");
    ends(&mut d, "TOTAL USD", "92.00");

    d.code(KeyCode::Enter);
    let step = d.app.step;
    assert_eq!(step, Step::Confirmation, "{}", d.screen());
    let db = d.db();
    assert_eq!(
        q(
            &db,
            "SELECT merchandise_total, discount_total, shipping_total, tax_total, grand_total, operator FROM orders"
        ),
        vec![vec!["110.00", "30.00", "7.00", "5.00", "92.00", "alice"]]
    );
    assert_eq!(
        q(
            &db,
            "SELECT d.name, d.amount, c.code FROM order_discounts d LEFT JOIN coupons c ON c.id = d.coupon_id"
        ),
        vec![vec!["$20.00 off orders of $100.00 or more (coupon)", "20.00", "SAVE20"]]
    );
    assert_eq!(
        q(
            &db,
            "SELECT kind, target, amount, reason_code, operator FROM adjustments ORDER BY kind"
        ),
        vec![
            vec!["price_override", "1", "9.00", "PRICE_MATCH", "alice"],
            vec!["shipping_override", "1", "0.81", "SHIP_DELAY", "alice"],
            vec!["subtotal", "", "10.00", "GOODWILL", "alice"],
        ]
    );
    assert_eq!(
        q(
            &db,
            "SELECT o.order_no, r.customer_id = o.customer_id FROM coupon_redemptions r
             JOIN coupons c ON c.id = r.coupon_id JOIN orders o ON o.id = r.order_id
             WHERE c.code = 'SAVE20'"
        ),
        vec![vec!["100001", "1"]],
        "one use of SAVE20, by this order and its customer"
    );
    assert_eq!(
        q(
            &db,
            "SELECT unit_price, list_price, line_total, tax FROM order_lines"
        ),
        vec![vec!["110.00", "119.00", "80.00", "5.00"]]
    );
    assert_eq!(
        q(&db, "SELECT charge, computed_charge FROM shipments"),
        vec![vec!["7.00", "7.81"]]
    );
    // SAVE20 is a multi-use code: offered again on the next order, while
    // her single-use VIP-JDOE is offered as before (not used).
    d.code(KeyCode::Enter);
    let mut d2 = Desk {
        app: crate::common::app(
            orderdesk::store::Store::open(&d.path, crate::common::BUSY)
                .unwrap()
                .0,
            "bob",
            Theme { mono: false },
        ),
        term: Terminal::new(TestBackend::new(80, 24)).unwrap(),
        path: d.path.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    d2.pick("doe");
    d2.add("SLP-1014", 1);
    d2.code(KeyCode::F(8));
    let s = d2.screen();
    assert!(
        s.contains("Use coupon SAVE20"),
        "multi-use: offered again {s}"
    );
    assert!(s.contains("Use coupon VIP-JDOE"), "{s}");
    d2.code(KeyCode::Tab);
    d2.type_text("SAVE20");
    d2.code(KeyCode::Enter);
    assert_eq!(d2.app.order().coupons, vec!["SAVE20".to_string()]);
}

#[test]
fn removing_a_line_takes_its_price_override_and_keeps_the_others_in_place() {
    let mut d = Desk::order("doe", "SLP-1014", 1);
    d.code(KeyCode::F(4));
    d.add("SLP-1017", 1);
    assert_eq!(d.app.order().lines.len(), 2);
    d.code(KeyCode::F(8));
    d.adjust("Line 2 SLP-1017", "85.00", -2);
    assert_eq!(d.app.order().adjustments.len(), 1, "{}", d.screen());
    d.code(KeyCode::F(5));
    d.code(KeyCode::PageUp);
    d.code(KeyCode::Delete); // removes line 1, SLP-1014
    assert_eq!(d.app.order().lines.len(), 1);
    d.code(KeyCode::F(8));
    let s = d.screen();
    assert!(
        s.contains("Line 1 SLP-1017 x1 at 89.00 → 85.00 (PRICE_MATCH, alice)"),
        "the override followed its line: {s}"
    );
    // Removing the override itself.
    d.select("Line 1 SLP-1017");
    d.code(KeyCode::Delete);
    assert!(d.app.order().adjustments.is_empty());
}

/// Robert Johnson buys for Acme Field Services: 5,000.00 USD of credit,
/// PO number required.
#[test]
fn pay_on_account_needs_the_po_and_fits_the_credit() {
    let mut d = Desk::order("johnson", "SLP-1014", 1);
    d.payment_list();
    let s = d.screen();
    assert!(
        s.contains("On account: Acme Field Services (credit left 5,000.00 USD)"),
        "{s}"
    );
    insta::assert_snapshot!("payment_account", s);
    // Billing from the address book: Tab to the addresses, pick Home.
    d.code(KeyCode::Tab);
    d.code(KeyCode::Down);
    d.code(KeyCode::Enter);
    assert!(
        d.screen().contains("Bill to: Robert Johnson"),
        "{}",
        d.screen()
    );
    let home = d.app.order().customer.as_ref().unwrap().addresses[1]
        .address
        .clone();
    assert_eq!(d.app.order().billing.as_ref(), Some(&home));
    d.code(KeyCode::Tab);

    d.select("On account");
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(
        s.contains("! account Acme Field Services requires a purchase-order number"),
        "{s}"
    );
    // Refused: the payment is still the default card preselected at the pick.
    assert!(matches!(
        d.app.order().payment,
        Some(orderdesk::domain::order::Payment::StoredCard(_))
    ));
    d.type_text("PO-7781");
    d.code(KeyCode::Enter);
    assert!(d.screen().contains("Payment: On account, PO PO-7781"));
    let steps = d.screen().lines().nth(1).unwrap_or_default().to_string();
    assert!(
        steps.contains("F7 Pay") && !steps.contains("F7 Pay!"),
        "{steps}"
    );

    // The cart grows past the credit: the review names it, submit refuses.
    // 30 x 179.00 = 5,370.00 merchandise alone.
    d.code(KeyCode::F(4));
    d.add("SLP-1032", 30);
    d.code(KeyCode::F(9));
    let s = d.screen();
    assert!(
        s.contains(
            "! order total 5,540.46 USD is over the account's credit left, 5,000.00 USD — F7"
        ),
        "{s}"
    );
    // The step bar marks the step that fixes it.
    let steps = s.lines().nth(1).unwrap_or_default();
    assert!(steps.contains("F7 Pay!"), "{steps}");
    // Enter: refused, and on to the step that fixes it.
    d.code(KeyCode::Enter);
    assert_eq!(d.app.step, Step::Payment);
    assert_eq!(d.app.session.store().order_count().unwrap(), 0);
}

#[test]
fn render_adjustments_and_review_at_80x24() {
    let mut d = Desk::order("doe", "TNT-2001", 2);
    d.code(KeyCode::F(8));
    let s = d.screen();
    // 2 x 189.00 = 378.00; tents 10 % = 37.80; 5 % of 340.20 = 17.01;
    // free shipping over 150 waives Ground's 8.63.
    assert!(s.contains("10% off all tents and shelters"), "{s}");
    assert!(d.row_of("10% off all tents").ends_with("-37.80"));
    assert!(d.row_of("5% off orders over $250.00").ends_with("-17.01"));
    assert!(d
        .row_of("Free Ground shipping on orders over $150.00")
        .ends_with("-8.63"));
    insta::assert_snapshot!("adjustments_applied", s);

    // VIP-JDOE (20 %, not combinable) saves more than the others together:
    // 20 % of 378.00 = 75.60 against 37.80 + 17.01 + 8.63 = 63.44.
    d.select("Use coupon VIP-JDOE");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("Redeemed   VIP-JDOE     applied"), "{s}");
    assert!(
        s.contains("Note: 10% off all tents and shelters not applied"),
        "{s}"
    );
    d.code(KeyCode::F(9));
    let s = d.screen();
    assert!(
        d.row_of("Coupon VIP-JDOE: VIP 20%").ends_with("-75.60"),
        "{s}"
    );
    // 302.40 + 8.63 + 6.25 % of 302.40 (18.90) = 329.93
    assert!(d.row_of("TOTAL USD").ends_with("329.93"), "{s}");
    insta::assert_snapshot!("review_coupon", s);
}

/// Two operators redeem the same general coupon for two customers when it
/// has one use left (SAVE20 limited to 1 use in all here); the second
/// submit finds it used up and places nothing.
#[test]
fn a_coupon_used_meanwhile_by_another_operator_refuses_the_submit() {
    let mut a = Desk::order("doe", "SLP-1014", 1);
    a.db()
        .execute("UPDATE coupons SET max_uses = 1 WHERE code = 'SAVE20'", [])
        .unwrap();
    let mut b = Desk {
        app: crate::common::app(
            orderdesk::store::Store::open(&a.path, crate::common::BUSY)
                .unwrap()
                .0,
            "bob",
            Theme { mono: false },
        ),
        term: Terminal::new(TestBackend::new(80, 24)).unwrap(),
        path: a.path.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    b.pick("smith");
    b.add("SLP-1014", 1);
    b.code(KeyCode::F(6));
    b.code(KeyCode::Enter);
    b.code(KeyCode::Enter);
    for d in [&mut a, &mut b] {
        d.code(KeyCode::F(8));
        d.code(KeyCode::Tab);
        d.type_text("SAVE20");
        d.code(KeyCode::Enter);
        assert_eq!(d.app.order().coupons, vec!["SAVE20".to_string()]);
        d.pay_by_card();
        d.code(KeyCode::F(9));
    }
    a.code(KeyCode::Enter);
    assert_eq!(a.app.step, Step::Confirmation);
    b.code(KeyCode::Enter);
    let s = b.screen();
    assert_eq!(b.app.step, Step::Review, "{s}");
    assert!(
        s.contains("coupon SAVE20 has already been used: remove it"),
        "{s}"
    );
    assert_eq!(
        b.app.session.store().order_count().unwrap(),
        1,
        "nothing of b's placed"
    );
    assert_eq!(
        q(&b.db(), "SELECT COUNT(*) FROM order_discounts"),
        vec![vec!["1"]]
    );
    assert_eq!(
        q(&b.db(), "SELECT COUNT(*) FROM coupon_redemptions"),
        vec![vec!["1"]],
        "one use, the winner's"
    );
}

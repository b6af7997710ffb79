//! End to end, the real binary in a pseudo-terminal: a business-account
//! customer, a coupon, a shipping override and an amount off the subtotal
//! (each with a reason), pay on account with a PO number, review, submit;
//! then the stored order must be exactly what the review screen showed.

use crate::common::pty::{
    amount_of, fresh_db, row_with, select_row, Term, DOWN, ENTER, F9, TIMEOUT,
};
use rust_decimal::Decimal;
use std::str::FromStr;

const F6: &str = "\x1b[17~";
const F8: &str = "\x1b[19~";
const PO: &str = "PO-4471";

/// Moves the adjustments list's marker to the row holding `text`.
/// On the open adjustment form: types `amount`, steps the reason (↓) to
/// `reason`, applies; waits for the list to show `shown`.
fn adjust(t: &mut Term, row: &str, amount: &str, reason: &str, shown: &str) {
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

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

#[test]
fn coupon_overrides_and_pay_on_account_are_stored_as_reviewed() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("Find customer", TIMEOUT);

    // Robert Johnson buys for Acme Field Services (PO numbers required).
    t.send("johnson");
    t.wait_for("> Johnson, Robert", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Catalog — prices in USD", TIMEOUT);
    t.send("SLP-1014");
    t.wait_for("> SLP-1014", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Added 1 x SLP-1014", TIMEOUT);
    t.send(F6);
    t.wait_for("Fulfillment", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Method for ship-to 1", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Ship-to 1: GROUND", TIMEOUT);

    // F8: the coupon from the offered list, then the two overrides.
    t.send(F8);
    t.wait_for("Adjustments — discounts", TIMEOUT);
    select_row(&mut t, "Use coupon SAVE20");
    t.send(ENTER);
    t.wait_for("Redeemed   SAVE20       applied", TIMEOUT);
    adjust(
        &mut t,
        "Shipping #1 GROUND",
        "7.00",
        "SHIP_DELAY",
        "→ 7.00 (SHIP_DELAY, e2e)",
    );
    adjust(
        &mut t,
        "Amount off the subtotal",
        "10.00",
        "GOODWILL",
        "-10.00 (GOODWILL, e2e)",
    );

    // F7: on account; the account asks for the PO number.
    crate::common::pty::payment_list(&mut t);
    t.wait_for("On account: Acme Field Services", TIMEOUT);
    select_row(&mut t, "On account: Acme Field Services");
    t.send(ENTER);
    t.wait_for("PO number", TIMEOUT);
    t.send(PO);
    t.send(ENTER);
    t.wait_for(&format!("Payment: On account, PO {PO}"), TIMEOUT);

    // F9: what the operator reads back.
    t.send(F9);
    let rows = t.wait_rows("the review with its total", TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains("TOTAL USD"))
    });
    let screen = rows.join("\n");
    assert!(!screen.contains("\n! "), "nothing missing:\n{screen}");
    let merchandise = amount_of(row_with(&rows, "Merchandise"));
    let coupon_row = row_with(&rows, "Coupon SAVE20:");
    let coupon = amount_of(coupon_row);
    let amount_off = amount_of(row_with(
        &rows,
        "Amount off the subtotal (Goodwill gesture, e2e)",
    ));
    let computed = amount_of(row_with(&rows, "Shipping #1 GROUND computed"));
    let override_delta = amount_of(row_with(&rows, "override (Shipping delay, e2e)"));
    let tax = amount_of(row_with(&rows, "Tax Illinois"));
    let total = amount_of(row_with(&rows, "TOTAL USD"));
    assert!(
        screen.contains(&format!("Payment   On account, PO {PO}")),
        "{screen}"
    );
    // The screen adds up, and to what was worked out by hand: 119.00 - 20.00
    // - 10.00 = 89.00; shipping 7.81 overridden to 7.00; tax 6.25 % of
    // 89.00 = 5.5625 -> 5.56; total 89.00 + 7.00 + 5.56 = 101.56.
    assert_eq!(
        merchandise + coupon + amount_off + computed + override_delta + tax,
        total
    );
    assert_eq!(
        (
            merchandise,
            coupon,
            amount_off,
            computed,
            override_delta,
            tax,
            total
        ),
        (
            dec("119.00"),
            dec("-20.00"),
            dec("-10.00"),
            dec("7.81"),
            dec("-0.81"),
            dec("5.56"),
            dec("101.56")
        )
    );

    t.send(ENTER);
    let s = t.wait_for("Order number", TIMEOUT);
    let order_no: i64 = s
        .lines()
        .find(|l| l.contains("Order number"))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no order number:\n{s}"));
    t.send("\x03");
    t.wait_for("Quit orderdesk?", TIMEOUT);
    t.send("y");
    assert!(t.wait_exit(TIMEOUT).success());

    let conn = rusqlite::Connection::open(&db).unwrap();
    let (id, merch_s, disc_s, ship_s, tax_s, grand_s, op): (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = conn
        .query_row(
            "SELECT id, merchandise_total, discount_total, shipping_total, tax_total, grand_total, operator
             FROM orders WHERE order_no = ?1",
            [order_no],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(dec(&merch_s), merchandise);
    assert_eq!(dec(&disc_s), -(coupon + amount_off));
    assert_eq!(dec(&ship_s), computed + override_delta);
    assert_eq!(dec(&tax_s), tax);
    assert_eq!(dec(&grand_s), total);
    assert_eq!(op, "e2e");

    // The coupon's discount, by the name the review showed it with.
    let discounts: Vec<(String, String, Option<String>)> = conn
        .prepare(
            "SELECT d.name, d.amount, c.code FROM order_discounts d
             LEFT JOIN coupons c ON c.id = d.coupon_id WHERE d.order_id = ?1",
        )
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(discounts.len(), 1, "{discounts:?}");
    assert!(
        coupon_row.contains(&discounts[0].0),
        "{coupon_row} / {discounts:?}"
    );
    assert_eq!(-dec(&discounts[0].1), coupon);
    assert_eq!(discounts[0].2.as_deref(), Some("SAVE20"));
    let redeemed: Vec<i64> = conn
        .prepare(
            "SELECT r.order_id FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
             WHERE c.code = 'SAVE20'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(redeemed, vec![id], "one use of the coupon, by this order");

    // Both adjustments, with reason and operator.
    let adjustments: Vec<(String, Option<String>, String, String, String)> = conn
        .prepare(
            "SELECT kind, CAST(target AS TEXT), amount, reason_code, operator FROM adjustments
             WHERE order_id = ?1 ORDER BY kind",
        )
        .unwrap()
        .query_map([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(adjustments.len(), 2, "{adjustments:?}");
    let (kind, target, amount, reason, operator) = &adjustments[0];
    assert_eq!(
        (
            kind.as_str(),
            target.as_deref(),
            reason.as_str(),
            operator.as_str()
        ),
        ("shipping_override", Some("1"), "SHIP_DELAY", "e2e")
    );
    assert_eq!(-dec(amount), override_delta);
    let (kind, target, amount, reason, operator) = &adjustments[1];
    assert_eq!(
        (
            kind.as_str(),
            target.as_deref(),
            reason.as_str(),
            operator.as_str()
        ),
        ("subtotal", Some(""), "GOODWILL", "e2e")
    );
    assert_eq!(-dec(amount), amount_off);

    // The shipment carries the overridden charge and the computed one.
    let (charge, computed_charge): (String, String) = conn
        .query_row(
            "SELECT charge, computed_charge FROM shipments WHERE order_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(dec(&charge), computed + override_delta);
    assert_eq!(dec(&computed_charge), computed);

    // Paid on account with the PO number, for the whole total.
    let (method, po, paid, card): (String, Option<String>, String, Option<String>) = conn
        .query_row(
            "SELECT method, po_number, amount, last4 FROM payments WHERE order_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(method, "account");
    assert_eq!(po.as_deref(), Some(PO));
    assert_eq!(dec(&paid), total);
    assert_eq!(card, None);
}

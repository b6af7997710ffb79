//! Promotions, coupons, account credit (store/promotions.rs) and coupon
//! redemptions (store/redemptions.rs), the same test body on a SQLite file
//! and on PostgreSQL: what pricing reads, and uses counted and refused
//! inside the write transaction.

use crate::common::backends::{new_item, on_both};
use chrono::NaiveDate;
use orderdesk::domain::money::{Currency, Money};
use orderdesk::domain::promotion::CouponUsage;
use orderdesk::store::db::{Abort, Backend, Sql};
use orderdesk::store::promotions;
use orderdesk::store::redemptions;
use orderdesk::store::SubmitError;
use rust_decimal_macros::dec;
use std::collections::HashMap;
use std::sync::{Arc, Barrier};

fn id(sql: Sql<'_>, statement: &str, params: &[orderdesk::store::db::Value]) -> i64 {
    sql.query_row(statement, params)
        .and_then(|r| r.get_i64(0))
        .unwrap_or_else(|e| panic!("{statement}: {e}"))
}

fn usd(sql: Sql<'_>) {
    sql.execute(
        "INSERT INTO currencies (code, minor_units, name) VALUES ('USD', 2, 'US dollar')
         ON CONFLICT (code) DO NOTHING",
        &[],
    )
    .unwrap();
}

/// A customer row (a guest's: a registered one needs a logon and
/// password, and `redeem` is told whether the customer is registered).
fn customer(sql: Sql<'_>, last: &str) -> i64 {
    id(
        sql,
        "INSERT INTO customers (first_name, last_name, first_key, last_key, currency,
                                is_guest, created_at, updated_at)
         VALUES ('Ann', ?1, 'ann', lower(?1), 'USD', 1, '2026-11-25T10:00:00Z',
                 '2026-11-25T10:00:00Z') RETURNING id",
        &[last.into()],
    )
}

fn order(sql: Sql<'_>, no: i64, currency: &str) -> i64 {
    id(
        sql,
        "INSERT INTO orders (order_no, submit_token, customer_snapshot, currency, backorder_choice,
             billing_address, merchandise_total, discount_total, shipping_total, tax_total,
             grand_total, breakdown, operator, placed_at)
         VALUES (?1, ?2, '{}', ?3, 'ship_available', '{}', '0.00', '0.00', '0.00', '0.00',
             '0.00', '{}', 'ann', '2026-11-25T10:00:00Z') RETURNING id",
        &[no.into(), format!("tok-{no}").into(), currency.into()],
    )
}

fn promotion(sql: Sql<'_>, code: &str, kind: &str, params: &str, extra: &str) -> i64 {
    id(
        sql,
        &format!(
            "INSERT INTO promotions (code, name, kind, params, automatic, active, starts_on, ends_on)
             VALUES (?1, ?2, ?3, ?4, {extra}) RETURNING id"
        ),
        &[
            code.into(),
            format!("Promotion {code}").into(),
            kind.into(),
            params.into(),
        ],
    )
}

fn day(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
}

/// SAVE5: five off, twice in all, once per customer, from 20.00 spent.
fn save5(sql: Sql<'_>) {
    let p = promotion(
        sql,
        "CPN",
        "order_amount",
        r#"{"amount":{"USD":"5.00"}}"#,
        "0, 1, NULL, NULL",
    );
    sql.execute(
        "INSERT INTO coupons (code, code_key, promotion_id, min_spend, min_spend_currency,
                              max_uses, max_uses_per_customer)
         VALUES ('SAVE5', 'save5', ?1, '20.00', 'USD', 2, 1)",
        &[p.into()],
    )
    .unwrap();
}

#[test]
fn promotions_coupons_categories_and_credit_read_alike() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        usd(sql);
        // Categories: tools > saws; the item is a saw.
        let plain = new_item(sql, "T-1");
        let tools = id(sql, "SELECT id FROM categories WHERE code = 'tools'", &[]);
        let saws = id(
            sql,
            "INSERT INTO categories (code, name, parent_id) VALUES ('saws', 'Saws', ?1) RETURNING id",
            &[tools.into()],
        );
        let saw = new_item(sql, "S-1");
        sql.execute(
            "UPDATE items SET category_id = ?1 WHERE id = ?2",
            &[saws.into(), saw.into()],
        )
        .unwrap();
        assert_eq!(
            promotions::item_categories(sql, &[saw, plain, saw, 987_654]).unwrap(),
            HashMap::from([
                (saw, vec![saws, tools]),
                (plain, vec![tools]),
                (987_654, vec![])
            ])
        );

        // Automatic promotions of the day: not later ones, not inactive
        // ones, not coupon-only ones, and not one pricing cannot read.
        let in_nov = "1, 1, '2026-11-01', '2026-11-30'";
        promotion(
            sql,
            "AUTO10",
            "order_percent",
            r#"{"percent":"10"}"#,
            in_nov,
        );
        promotion(
            sql,
            "LATER",
            "order_percent",
            r#"{"percent":"5"}"#,
            "1, 1, '2026-12-01', NULL",
        );
        promotion(
            sql,
            "OFF",
            "order_percent",
            r#"{"percent":"5"}"#,
            "1, 0, NULL, NULL",
        );
        promotion(
            sql,
            "BROKEN",
            "order_percent",
            r#"{"percent":"lots"}"#,
            in_nov,
        );
        save5(sql);
        let codes = |d: &str| -> Vec<String> {
            promotions::active_promotions(sql, day(d))
                .unwrap()
                .into_iter()
                .map(|p| p.code)
                .collect()
        };
        assert_eq!(codes("2026-11-25"), vec!["AUTO10"]);
        assert_eq!(codes("2026-12-02"), vec!["LATER"]);

        // A coupon by its code as typed.
        let ann = customer(sql, "Lee");
        let (c, offered) = promotions::coupon(sql, "  Save5 ", Some(ann))
            .unwrap()
            .expect("SAVE5");
        assert!(offered);
        assert_eq!(c.code, "SAVE5");
        assert_eq!(c.customer_id, None);
        assert_eq!(c.min_spend, Some(Money::new(dec!(20.00), Currency::USD)));
        assert_eq!(
            c.usage,
            CouponUsage {
                max_total: Some(2),
                max_per_customer: Some(1),
                used: 0,
                used_by_customer: 0
            }
        );
        assert_eq!(c.promotion.code, "CPN");
        assert!(promotions::coupon(sql, "nope", None).unwrap().is_none());
        assert!(promotions::coupon(sql, "  ", None).unwrap().is_none());

        // Which coupons a customer might redeem: their own first.
        let cpn = id(sql, "SELECT id FROM promotions WHERE code = 'CPN'", &[]);
        for (code, whose, ends) in [
            ("MINE", Some(ann), Some("2026-12-31")),
            ("OLD", None, Some("2026-10-01")),
            ("ALL", None, None),
        ] {
            sql.execute(
                "INSERT INTO coupons (code, code_key, promotion_id, customer_id, ends_on, max_uses)
                 VALUES (?1, lower(?1), ?2, ?3, ?4, NULL)",
                &[code.into(), cpn.into(), whose.into(), ends.into()],
            )
            .unwrap();
        }
        let available = |who: Option<i64>| -> Vec<String> {
            promotions::available_coupons(sql, who, day("2026-11-25"))
                .unwrap()
                .into_iter()
                .map(|c| c.code)
                .collect()
        };
        assert_eq!(available(Some(ann)), vec!["MINE", "ALL", "SAVE5"]);
        assert_eq!(available(None), vec!["ALL", "SAVE5"]);
        let mine = promotions::available_coupons(sql, Some(ann), day("2026-11-25")).unwrap();
        assert_eq!(mine[0].customer_id, Some(ann));
        assert_eq!(mine[0].usage.max_total, None);

        // Reason codes, in code order.
        sql.execute(
            "INSERT INTO reason_codes (code, label) VALUES ('ZZ-TEST', 'A test reason')",
            &[],
        )
        .unwrap();
        let reasons = promotions::reason_codes(sql).unwrap();
        assert_eq!(
            reasons.last(),
            Some(&("ZZ-TEST".to_string(), "A test reason".to_string()))
        );
        let mut sorted = reasons.clone();
        sorted.sort();
        assert_eq!(reasons, sorted);

        // Account credit: account payments of its orders not cancelled, in
        // its currency.
        let account = id(
            sql,
            "INSERT INTO business_accounts (name, name_key, currency, credit_limit)
             VALUES ('Acme', 'acme', 'USD', '1000.50') RETURNING id",
            &[],
        );
        for (no, amount, status) in [
            (1, "100.25", "placed"),
            (2, "50.10", "shipped"),
            (3, "500.00", "cancelled"),
        ] {
            let o = order(sql, no, "USD");
            sql.execute(
                "UPDATE orders SET status = ?1 WHERE id = ?2",
                &[status.into(), o.into()],
            )
            .unwrap();
            sql.execute(
                "INSERT INTO payments (order_id, method, account_id, amount, summary)
                 VALUES (?1, 'account', ?2, ?3, 'on account')",
                &[o.into(), account.into(), amount.into()],
            )
            .unwrap();
        }
        let credit = promotions::account_credit(sql, account)
            .unwrap()
            .expect("Acme");
        assert_eq!(credit.name, "Acme");
        assert_eq!(credit.currency, Currency::USD);
        assert_eq!(credit.limit, dec!(1000.50));
        assert_eq!(credit.used, dec!(150.35));
        assert!(promotions::account_credit(sql, account + 100)
            .unwrap()
            .is_none());
    });
}

#[test]
fn redemptions_count_uses_and_refuse_the_one_too_many() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        usd(sql);
        save5(sql);
        let (ann, bob, dee) = (customer(sql, "A"), customer(sql, "B"), customer(sql, "D"));
        let guest = customer(sql, "G");
        let orders: Vec<i64> = (1..=4).map(|n| order(sql, n, "USD")).collect();
        let now = "2026-11-25T10:00:00Z";
        // As submit does: in its write transaction; a refusal rolls it back.
        let redeem = |codes: &[&str], order: i64, customer: i64, registered: bool| {
            let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
            sql.write(|tx| redemptions::redeem(**tx, &codes, order, customer, registered, now))
                .map_err(Abort::into_inner)
        };
        let refusal = |r: Result<(), SubmitError>| match r {
            Err(SubmitError::Refused(v)) => v[0].message.clone(),
            other => panic!("a refusal: {other:?}"),
        };
        let used = |who: Option<i64>| {
            let (c, _) = promotions::coupon(sql, "save5", who).unwrap().unwrap();
            (c.usage.used, c.usage.used_by_customer)
        };

        redeem(&["SAVE5"], orders[0], ann, true).unwrap();
        assert_eq!(used(Some(ann)), (1, 1));
        assert_eq!(used(Some(bob)), (1, 0));
        assert!(refusal(redeem(&["save5"], orders[1], ann, true)).contains("once per customer"));
        assert!(refusal(redeem(&["SAVE5"], orders[1], guest, false))
            .contains("for registered customers"));
        assert!(refusal(redeem(&["GONE"], orders[1], bob, true)).contains("no longer exists"));
        redeem(&["SAVE5"], orders[1], bob, true).unwrap();
        assert!(refusal(redeem(&["SAVE5"], orders[2], dee, true))
            .contains("used 2 times, all it is good for"));
        // A cancelled order's use no longer counts.
        sql.execute(
            "UPDATE orders SET status = 'cancelled' WHERE id = ?1",
            &[orders[0].into()],
        )
        .unwrap();
        redeem(&["SAVE5"], orders[2], dee, true).unwrap();
        assert_eq!(used(Some(dee)), (2, 1));

        let rows: Vec<(i64, i64, String)> = sql
            .query(
                "SELECT order_id, customer_id, redeemed_at FROM coupon_redemptions ORDER BY id",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.get_i64(0).unwrap(),
                    r.get_i64(1).unwrap(),
                    r.get_string(2).unwrap(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (orders[0], ann, now.to_string()),
                (orders[1], bob, now.to_string()),
                (orders[2], dee, now.to_string()),
            ],
            "refused redemptions wrote nothing"
        );
    });
}

/// Two consoles submit with the coupon's last use at once: each reads the
/// uses (none), then redeems. Exactly one has it; the other is refused,
/// with the reason, on both backends. SQLite queues the second writer; on
/// PostgreSQL both read before either writes (the barrier), the second
/// fails to serialize (each read what the other wrote), and `Sql::write`
/// runs it again on fresh counts.
#[test]
fn two_consoles_racing_for_a_coupons_last_use_one_has_it() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        usd(sql);
        save5(sql);
        sql.execute(
            "UPDATE coupons SET max_uses = 1, max_uses_per_customer = NULL",
            &[],
        )
        .unwrap();
        let customers = [customer(sql, "A"), customer(sql, "B")];
        let orders = [order(sql, 1, "USD"), order(sql, 2, "USD")];
        let backend = sql.backend();
        let both_read = Arc::new(Barrier::new(2));
        let outcomes: Vec<(Result<(), SubmitError>, u32, u32)> = std::thread::scope(|s| {
            let consoles: Vec<_> = (0..2)
                .map(|i| {
                    let both_read = both_read.clone();
                    let conn = target.connect();
                    s.spawn(move || {
                        let sql = conn.sql();
                        let (mut attempts, mut seen_used) = (0u32, 0u32);
                        let codes = ["SAVE5".to_string()];
                        let result = sql
                            .write(|tx| {
                                attempts += 1;
                                // What submit's rules read first.
                                let (c, _) =
                                    promotions::coupon(**tx, "SAVE5", None)?.expect("the coupon");
                                seen_used = c.usage.used;
                                if backend == Backend::Postgres && attempts == 1 {
                                    both_read.wait();
                                }
                                redemptions::redeem(
                                    **tx,
                                    &codes,
                                    orders[i],
                                    customers[i],
                                    true,
                                    "2026-11-25T10:00:00Z",
                                )
                            })
                            .map_err(Abort::into_inner);
                        (result, attempts, seen_used)
                    })
                })
                .collect();
            consoles
                .into_iter()
                .map(|c| c.join().expect("console"))
                .collect()
        });
        let won: Vec<_> = outcomes.iter().filter(|o| o.0.is_ok()).collect();
        assert_eq!(won.len(), 1, "{backend:?}: {outcomes:?}");
        // In the attempt that counted, the winner saw no use, the loser one.
        let seen: Vec<u32> = outcomes.iter().map(|o| o.2).collect();
        assert_eq!(seen.iter().sum::<u32>(), 1, "{backend:?}: {outcomes:?}");
        assert_eq!(won[0].2, 0);
        let refused: Vec<String> = outcomes
            .iter()
            .filter_map(|o| match &o.0 {
                Err(SubmitError::Refused(v)) => Some(v[0].message.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            refused,
            vec!["coupon SAVE5 has already been used: remove it".to_string()],
            "{backend:?}: {outcomes:?}"
        );
        let uses = sql
            .query_row("SELECT COUNT(*) FROM coupon_redemptions", &[])
            .and_then(|r| r.get_i64(0))
            .unwrap();
        assert_eq!(uses, 1);
        let attempts: u32 = outcomes.iter().map(|o| o.1).sum();
        match backend {
            Backend::Sqlite => assert_eq!(attempts, 2, "SQLite queues writers: no retry"),
            Backend::Postgres => assert!(attempts >= 3, "the loser ran again: {outcomes:?}"),
        }
    });
}

//! Drafts (store/drafts.rs), the same test body on a SQLite file and on
//! PostgreSQL: an order and its typed fields round-trip, holds and
//! take-overs refuse the console that lost its draft, and a draft placed
//! or discarded elsewhere is gone for everyone.

use crate::common::backends::{on_both, Target};
use orderdesk::domain::money::Currency;
use orderdesk::domain::order::{Line, Order};
use orderdesk::store::drafts::{self, DraftError};
use rust_decimal_macros::dec;
use serde_json::json;

fn order(token: &str, quantity: u32) -> Order {
    let mut order = Order::new(token.into(), Currency::EUR);
    order.lines.push(Line {
        item_id: 42,
        sku: "CMK-4011".into(),
        name: "Café grinder «Ü»".into(),
        quantity,
        unit_price: dec!(19.90),
        weight_grams: 1200,
        taxable: true,
        ship_to: 0,
    });
    order.comment_warehouse = "fragile; it's glass".into();
    order
}

fn is_clock(s: &str) -> bool {
    s.len() == 5 && s.as_bytes()[2] == b':'
}

#[test]
fn drafts_round_trip_and_holds_refuse_the_console_that_lost_them() {
    on_both(|target: &Target| {
        let conn = target.connect();
        let sql = conn.sql();
        assert!(drafts::latest_draft(sql, "ann").unwrap().is_none());

        // A new draft, and what it reads back as.
        let first = order("tok-1", 2);
        let id = drafts::save_draft(sql, None, "ann", "console-1", &first).unwrap();
        let d = drafts::latest_draft(sql, "ann")
            .unwrap()
            .expect("ann's draft");
        assert_eq!(d.id, id);
        assert_eq!(d.order.as_ref().unwrap(), &first);
        assert_eq!(d.summary, "no customer, 1 line");
        assert_eq!(d.fields, None);
        assert!(
            d.updated_at.len() == 20 && d.updated_at.ends_with('Z'),
            "{}",
            d.updated_at
        );
        // The lease is live: the draft shows as in use, since HH:MM.
        assert!(d.in_use_since.as_deref().is_some_and(is_clock), "{d:?}");

        // Saving again changes the same row; the typed fields ride along.
        let second = order("tok-1", 5);
        assert_eq!(
            drafts::save_draft(sql, Some(id), "ann", "console-1", &second).unwrap(),
            id
        );
        drafts::save_draft_fields(
            sql,
            id,
            "ann",
            "console-1",
            Some(r#"{"qty":"7","sku":"CMK"}"#),
        )
        .unwrap();
        let d = drafts::latest_draft(sql, "ann").unwrap().unwrap();
        assert_eq!(d.order.unwrap().lines[0].quantity, 5);
        assert_eq!(d.fields, Some(json!({"qty": "7", "sku": "CMK"})));
        drafts::save_draft_fields(sql, id, "ann", "console-1", None).unwrap();
        assert_eq!(
            drafts::latest_draft(sql, "ann").unwrap().unwrap().fields,
            None
        );
        drafts::renew_draft(sql, id, "console-1").unwrap();

        // Drafts are their operator's.
        assert!(drafts::latest_draft(sql, "bob").unwrap().is_none());
        assert!(drafts::take_draft(sql, id, "bob", "console-9")
            .unwrap()
            .is_none());
        assert!(matches!(
            drafts::save_draft(sql, Some(id), "bob", "console-1", &second),
            Err(DraftError::Gone)
        ));

        // Another console of ann's takes it over: the first is refused,
        // told when.
        let taken = drafts::take_draft(sql, id, "ann", "console-2")
            .unwrap()
            .expect("taken over");
        assert_eq!(taken.id, id);
        assert_eq!(taken.order.unwrap().lines[0].quantity, 5);
        for refused in [
            drafts::save_draft(sql, Some(id), "ann", "console-1", &first).map(|_| ()),
            drafts::save_draft_fields(sql, id, "ann", "console-1", Some("{}")),
            drafts::renew_draft(sql, id, "console-1"),
        ] {
            match refused {
                Err(DraftError::TakenOver(at)) => assert!(is_clock(&at), "{at}"),
                other => panic!("console-1 lost the draft: {other:?}"),
            }
        }
        // Not the holder: these change nothing.
        drafts::release_draft(sql, id, "console-1").unwrap();
        drafts::drop_empty_draft(sql, id, "console-1").unwrap();
        let d = drafts::latest_draft(sql, "ann").unwrap().unwrap();
        assert_eq!(d.id, id);
        assert!(d.in_use_since.is_some());
        assert_eq!(
            d.order.unwrap().lines[0].quantity,
            5,
            "console-1's save was refused"
        );

        // The holder lets go: the next console is not told it is in use.
        drafts::release_draft(sql, id, "console-2").unwrap();
        let d = drafts::latest_draft(sql, "ann").unwrap().unwrap();
        assert_eq!(d.in_use_since, None);

        // A newer draft is the latest; deleting it brings the older back.
        let newer = drafts::save_draft(sql, None, "ann", "console-3", &first).unwrap();
        assert!(newer > id);
        assert_eq!(drafts::latest_draft(sql, "ann").unwrap().unwrap().id, newer);
        drafts::delete_draft(sql, newer).unwrap();
        assert_eq!(drafts::latest_draft(sql, "ann").unwrap().unwrap().id, id);

        // The holder drops it (nothing on it): gone for everyone.
        drafts::drop_empty_draft(sql, id, "console-2").unwrap();
        assert!(drafts::latest_draft(sql, "ann").unwrap().is_none());
        assert!(matches!(
            drafts::save_draft(sql, Some(id), "ann", "console-2", &first),
            Err(DraftError::Gone)
        ));
        assert!(matches!(
            drafts::save_draft_fields(sql, id, "ann", "console-2", None),
            Err(DraftError::Gone)
        ));
        assert!(matches!(
            drafts::renew_draft(sql, id, "console-2"),
            Err(DraftError::Gone)
        ));
        assert!(drafts::take_draft(sql, id, "ann", "console-2")
            .unwrap()
            .is_none());
    });
}

/// A draft another version wrote (data this one cannot read) still comes
/// back, with the reason, so the operator can discard it.
#[test]
fn an_unreadable_draft_comes_back_with_the_reason() {
    on_both(|target: &Target| {
        let conn = target.connect();
        let sql = conn.sql();
        sql.execute(
            "INSERT INTO drafts (operator, data, summary, created_at, updated_at, fields)
             VALUES ('ann', '{\"lines\": 3}', 'Old  summary', '2026-11-25T10:00:00Z',
                     '2026-11-25T10:00:00Z', 'not json')",
            &[],
        )
        .unwrap();
        let d = drafts::latest_draft(sql, "ann")
            .unwrap()
            .expect("the old draft");
        assert!(d.order.is_err());
        assert_eq!(d.fields, None, "unreadable fields are dropped");
        assert_eq!(d.in_use_since, None, "never held");
        assert_eq!(d.updated_at, "2026-11-25T10:00:00Z");
        drafts::delete_draft(sql, d.id).unwrap();
        assert!(drafts::latest_draft(sql, "ann").unwrap().is_none());
    });
}

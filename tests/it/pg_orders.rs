//! Placing orders and reading them back (store/orders.rs, order_write.rs,
//! order_record.rs, placed.rs), the same test body on a SQLite file and on
//! PostgreSQL: an order submitted and read back field by field, the same
//! submit twice (one after the other and at once), two consoles racing
//! for the last unit, the order lookups, and a hold and its release. Each body returns what it
//! read, and the two backends' readings must be equal.
//!
//! Both start from the demo data: the PostgreSQL database is a copy of a
//! demo SQLite file (`orderdesk migrate`), and that file, the twin, is
//! where the orders are composed (a session) and the catalog's shipping
//! methods and taxes are read until catalog.rs and quote.rs are ported.

use crate::common::backends::Conn;
use crate::common::{open_demo, pg, temp_db, today, BUSY};
use chrono::NaiveDate;
use orderdesk::domain::availability::allocate;
use orderdesk::domain::lifecycle::OrderStatus;
use orderdesk::domain::order::Order;
use orderdesk::domain::parts::split as split_parts;
use orderdesk::domain::planning::plan;
use orderdesk::domain::price_split;
use orderdesk::domain::pricing::{price, PricingContext, ShipmentInput};
use orderdesk::domain::quote::Quote;
use orderdesk::domain::rules::{CouponState, CustomerState, Facts, Violation};
use orderdesk::domain::shipping::default_free_method;
use orderdesk::session::{BackorderKind, Command, PayInput, Session};
use orderdesk::store::db::{self, Db, Sql};
use orderdesk::store::move_to_postgres::move_to_postgres;
use orderdesk::store::orders::{self, Reread};
use orderdesk::store::{inventory, operators, order_changes, order_record, placed, promotions};
use orderdesk::store::{OrderAction, ServiceError};
use orderdesk::store::{OrderQuery, PlacedOrder, Store, SubmitError, SubmitInput};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::sync::{Arc, Barrier};
use std::time::Duration;
use tempfile::TempDir;

/// How long a SQLite writer waits for another console's submit.
const WAIT: Duration = Duration::from_secs(5);

/// A demo database on one backend, and its SQLite twin (the database
/// itself on SQLite).
pub(crate) struct Place {
    _dir: TempDir,
    twin: PathBuf,
    pg: Option<String>,
}

impl Place {
    /// The demo data, with `setup` run on the SQLite file first (before the
    /// copy to PostgreSQL).
    pub(crate) fn new(postgres: bool, setup: impl Fn(&rusqlite::Connection)) -> Place {
        let (dir, path) = temp_db();
        drop(open_demo(&path));
        setup(&rusqlite::Connection::open(&path).unwrap());
        let pg = postgres.then(|| {
            let params = pg::fresh_database();
            move_to_postgres(&path, &params, BUSY, &mut |_| {}).expect("demo data moved");
            params
        });
        Place {
            _dir: dir,
            twin: path,
            pg,
        }
    }

    pub(crate) fn connect(&self) -> Conn {
        match &self.pg {
            None => Conn::Store(Box::new(Store::open(&self.twin, WAIT).unwrap().0)),
            Some(p) => Conn::Db(Db::connect_postgres(p).expect("PostgreSQL connection")),
        }
    }

    pub(crate) fn twin(&self) -> Store {
        Store::open(&self.twin, WAIT).unwrap().0
    }

    /// An order as the console composes it, on the twin (nothing placed).
    pub(crate) fn compose(&self, commands: Vec<Command>) -> Order {
        let mut s = Session::new(self.twin(), "alice", today()).without_drafts();
        for c in commands {
            let shown = format!("{c:?}");
            if let Err(r) = s.apply(c) {
                panic!("{shown} refused: {r:?}");
            }
            s.refresh(false);
        }
        s.order().clone()
    }
}

/// Runs `body` on SQLite and on PostgreSQL; both must read the same.
pub(crate) fn on_both<T: PartialEq + std::fmt::Debug>(body: impl Fn(bool) -> T) {
    let lite = body(false);
    let pg = body(true);
    assert_eq!(lite, pg, "SQLite and PostgreSQL read differently");
}

/// The store's quote and facts as portable reads: stock, promotions,
/// categories, coupons, limits from the database being written (inside
/// submit's transaction), shipping methods and taxes from the twin (the
/// catalog, the same on both). Stands in for `Store::quote`/`facts` on
/// PostgreSQL until quote.rs, catalog.rs and facts.rs are ported; on
/// SQLite the tests check it answers as the store does.
pub(crate) struct Portable {
    catalog: Store,
    /// How many times submit read the quote: more than once when
    /// `Sql::write` ran the transaction again.
    reads: std::cell::Cell<usize>,
    /// Two racing submits meet here after their first read, so each has
    /// read the stock before either writes it.
    meet: Option<Arc<Barrier>>,
}

impl Portable {
    pub(crate) fn new(place: &Place) -> Portable {
        Portable {
            catalog: place.twin(),
            reads: std::cell::Cell::new(0),
            meet: None,
        }
    }
}

impl Reread for Portable {
    fn quote(&self, sql: Sql<'_>, order: &Order, today: NaiveDate) -> Result<Quote, db::Error> {
        self.reads.set(self.reads.get() + 1);
        let first = self.reads.get() == 1;
        let ids: Vec<i64> = order.lines.iter().map(|l| l.item_id).collect();
        let stock = inventory::item_stock(sql, &ids)?;
        if let (true, Some(meet)) = (first, &self.meet) {
            meet.wait();
        }
        let customer = order.customer.as_ref().and_then(|c| c.id);
        let mut coupons = Vec::new();
        for code in &order.coupons {
            if let Some((c, true)) = promotions::coupon(sql, code, customer)? {
                coupons.push(c);
            }
        }
        let methods = self.catalog.shipping_methods(order.currency)?;
        let lines: Vec<(i64, u32)> = order
            .lines
            .iter()
            .map(|l| (l.item_id, l.quantity))
            .collect();
        let availability = allocate(&lines, &stock);
        let plan = plan(order, &availability, today);
        let free = default_free_method(&methods).map(|m| m.code.clone());
        let free = free.as_deref();
        let mut ctx = PricingContext {
            today,
            promotions: (promotions::active_promotions(sql, today)?.into_iter())
                .map(|p| p.with_default_method(free))
                .collect(),
            item_categories: promotions::item_categories(sql, &ids)?,
            method_names: (methods.iter())
                .map(|m| (m.code.clone(), m.name.clone()))
                .collect(),
            ..PricingContext::default()
        };
        for c in &mut coupons {
            c.promotion = c.promotion.clone().with_default_method(free);
        }
        for s in &order.ship_tos {
            ctx.ship_to_methods.push(s.method.clone());
            ctx.ship_to_rates.push(
                (s.method.as_ref())
                    .and_then(|code| methods.iter().find(|m| &m.code == code))
                    .map(|m| m.rate.clone()),
            );
            ctx.ship_to_tax.push(
                self.catalog
                    .tax_rate(&s.address.country, &s.address.region)?,
            );
        }
        ctx.coupons = coupons;
        ctx.adjustments = order.adjustments.clone();
        ctx.shipments = Some(
            (plan.shipments.iter())
                .map(|s| ShipmentInput {
                    ship_to: s.ship_to,
                    lines: s.lines.clone(),
                })
                .collect(),
        );
        let breakdown = price(order, &ctx);
        let mut placed_order = order.clone();
        for (i, l) in placed_order.lines.iter_mut().enumerate() {
            l.quantity = plan.shipped(i);
        }
        let placed = if placed_order == *order {
            breakdown.clone()
        } else {
            price(&placed_order, &ctx)
        };
        let parts = split_parts(order, &availability, &plan);
        let shares = price_split::split(
            &placed_order,
            &ctx.ship_to_tax,
            &placed,
            &price_split::shapes(&plan, &parts),
        );
        Ok(Quote {
            breakdown,
            placed,
            availability,
            plan,
            parts: parts.into_iter().zip(shares).collect(),
            methods,
        })
    }

    fn facts(&self, sql: Sql<'_>, order: &Order, operator: &str) -> Result<Facts, db::Error> {
        let customer_id = order.customer.as_ref().and_then(|c| c.id);
        let customer = match customer_id {
            None => None,
            Some(id) => Some(
                match sql.query_opt("SELECT enabled FROM customers WHERE id = ?1", &[id.into()])? {
                    None => CustomerState::Gone,
                    Some(r) if r.get_bool(0)? => CustomerState::Enabled,
                    Some(_) => CustomerState::Disabled,
                },
            ),
        };
        let mut coupons = Vec::new();
        for code in &order.coupons {
            let state = match promotions::coupon(sql, code, customer_id)? {
                None => CouponState::Missing,
                Some((_, false)) => CouponState::Withdrawn,
                Some((c, true)) => CouponState::Found(Box::new(c)),
            };
            coupons.push((code.clone(), state));
        }
        assert!(
            order.customer_approval.is_none()
                && order.adjustments.iter().all(|a| a.approval.is_none()),
            "the stand-in reads no approvals"
        );
        Ok(Facts {
            customer,
            limits: operators::limits(sql, operator, order.currency)?,
            reason_codes: promotions::reason_codes(sql)?
                .into_iter()
                .map(|(c, _)| c)
                .collect(),
            coupons,
            account: None,
            challenge_verified: None,
            challenge_locked: false,
            approvals: Vec::new(),
        })
    }
}

fn no_rules(_: &Quote, _: &Facts) -> Vec<Violation> {
    Vec::new()
}

/// The quote a console shows for `order` now.
pub(crate) fn quote(place: &Place, conn: &Conn, order: &Order) -> Quote {
    let reread = Portable::new(place);
    let q = reread.quote(conn.sql(), order, today()).expect("quote");
    if let Conn::Store(store) = conn {
        // The stand-in answers as the store does.
        let theirs = store.quote(order, today()).unwrap();
        assert_eq!(q.availability, theirs.availability);
        let parts = |q: &Quote| q.parts.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>();
        assert_eq!(parts(&q), parts(&theirs));
        assert_eq!(q.placed, theirs.placed);
        let facts = reread.facts(conn.sql(), order, "alice").unwrap();
        assert_eq!(facts, store.facts(order, "alice").unwrap());
    }
    q
}

/// Submits `order` as shown in `seen`: the store's own submit on SQLite,
/// the portable one on PostgreSQL.
pub(crate) fn submit(
    place: &Place,
    conn: &Conn,
    order: &Order,
    seen: &Quote,
) -> Result<Vec<PlacedOrder>, SubmitError> {
    submit_counted(place, conn, order, seen, None).0
}

/// [`submit`], and on PostgreSQL how many times it read the quote (the
/// transaction's runs that got that far); there its first read waits at
/// `meet` for another submit's (SQLite's writers queue: none would come).
fn submit_counted(
    place: &Place,
    conn: &Conn,
    order: &Order,
    seen: &Quote,
    meet: Option<Arc<Barrier>>,
) -> (Result<Vec<PlacedOrder>, SubmitError>, usize) {
    let input = SubmitInput {
        order,
        seen,
        operator: "alice",
        today: today(),
        draft: None,
        rules: &no_rules,
    };
    match conn {
        Conn::Store(store) => (store.submit_order(&input), 1),
        Conn::Db(db) => {
            let reread = Portable {
                meet,
                ..Portable::new(place)
            };
            let result = orders::submit(db.sql(), &input, &reread);
            (result, reread.reads.get())
        }
    }
}

pub(crate) fn add(sku: &str, qty: u32) -> Command {
    Command::AddItem {
        sku: sku.into(),
        qty,
    }
}

/// Jane Doe's order of `lines`, by Ground, paid by card.
pub(crate) fn jane(lines: &[(&str, u32)]) -> Vec<Command> {
    let mut c = vec![Command::PickCustomer {
        id: None,
        logon: Some("jdoe".into()),
    }];
    c.extend(lines.iter().map(|(s, q)| add(s, *q)));
    c.push(Command::SetMethod {
        ship_to: 1,
        method: "GROUND".into(),
    });
    c.push(Command::Pay(PayInput::Card {
        number: "4111111111111111".into(),
        expiry: "12/30".into(),
        cvv: "123".into(),
    }));
    c
}

/// A money amount in an export.
fn money(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{v}"))
}

/// The payment method of order `id`, as stored.
fn stored_method(sql: Sql<'_>, id: i64) -> String {
    sql.query_row(
        "SELECT method FROM payments WHERE order_id = ?1",
        &[id.into()],
    )
    .and_then(|r| r.get_string(0))
    .unwrap()
}

/// `sku`'s stock as (on hand, reserved).
pub(crate) fn stock(sql: Sql<'_>, sku: &str) -> (i64, i64) {
    let item = sql
        .query_row("SELECT id FROM items WHERE sku = ?1", &[sku.into()])
        .and_then(|r| r.get_i64(0))
        .unwrap();
    inventory::stock(sql, item).unwrap().unwrap()
}

/// Leaves `free` of `sku` free (on hand less reserved), on the SQLite file.
pub(crate) fn leave_free(conn: &rusqlite::Connection, sku: &str, free: i64) {
    conn.execute(
        "UPDATE inventory SET on_hand = reserved + ?2
         WHERE item_id = (SELECT id FROM items WHERE sku = ?1)",
        rusqlite::params![sku, free],
    )
    .unwrap();
}

/// What differs between two runs of one body whatever the backend: the
/// clock. Every `placed_at`, `at`, `created_at` and `made_at` in `v` becomes "T".
fn without_clock(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if matches!(k.as_str(), "placed_at" | "at" | "created_at" | "made_at") {
                    *x = serde_json::Value::String("T".into());
                } else {
                    without_clock(x);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_clock),
        _ => {}
    }
}

#[test]
fn an_order_placed_reads_back_field_by_field() {
    on_both(|postgres| {
        // Two of TNT-2001 ship now; of LGT-1002 one is free, so two wait.
        let place = Place::new(postgres, |c| leave_free(c, "LGT-1002", 1));
        let conn = place.connect();
        let sql = conn.sql();
        let mut commands = jane(&[("TNT-2001", 2), ("LGT-1002", 3)]);
        commands.push(Command::RedeemCoupon {
            code: "SAVE20".into(),
        });
        commands.push(Command::Adjust {
            target: "subtotal".into(),
            amount: Some("5.00".into()),
            unit_price: None,
            reason: "GOODWILL".into(),
            net: false,
        });
        commands.push(Command::Backorder {
            choice: BackorderKind::Available,
            separate: false,
        });
        let order = place.compose(commands);
        let seen = quote(&place, &conn, &order);
        let before = (stock(sql, "TNT-2001"), stock(sql, "LGT-1002"));
        let placed = submit(&place, &conn, &order, &seen).expect("placed");
        assert_eq!(placed.len(), 1);
        let p = &placed[0];
        assert!(!p.already_placed);
        assert_eq!(p.grand_total, seen.total());
        assert_eq!(orders::order_count(sql).unwrap(), 1);
        // What ships now is reserved; the rest waits, reserving nothing.
        assert_eq!(stock(sql, "TNT-2001"), (before.0 .0, before.0 .1 + 2));
        assert_eq!(stock(sql, "LGT-1002"), (before.1 .0, before.1 .1 + 1));

        let mut export = placed::export_order(sql, p.order_no)
            .unwrap()
            .expect("exported");
        assert_eq!(export["order_no"], p.order_no);
        assert_eq!(export["part"], 1);
        assert_eq!(export["status"], "placed");
        assert_eq!(export["version"], 1);
        assert_eq!(export["customer"]["name"], "Jane Doe");
        assert_eq!(money(&export["grand_total"]), seen.total());
        let lines = export["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["sku"], "TNT-2001");
        assert_eq!(
            (
                lines[0]["qty_now"].clone(),
                lines[0]["qty_backordered"].clone()
            ),
            (2.into(), 0.into())
        );
        assert_eq!(lines[1]["sku"], "LGT-1002");
        assert_eq!(
            (
                lines[1]["qty_now"].clone(),
                lines[1]["qty_backordered"].clone()
            ),
            (1.into(), 2.into())
        );
        let shipments = export["shipments"].as_array().unwrap();
        assert_eq!(shipments.len(), seen.parts[0].1.shipments.len());
        let shipped: i64 = shipments
            .iter()
            .flat_map(|s| s["lines"].as_array().unwrap().iter())
            .map(|l| l["quantity"].as_i64().unwrap())
            .sum();
        assert_eq!(shipped, 5, "every piece is in a shipment");
        assert_eq!(export["payments"][0]["method"], stored_method(sql, p.id));
        assert_eq!(export["payments"][0]["last4"], "1111");
        assert_eq!(export["payments"][0]["exp_month"], 12);
        assert_eq!(money(&export["payments"][0]["amount"]), seen.total());
        assert_eq!(export["adjustments"][0]["kind"], "subtotal");
        assert_eq!(export["adjustments"][0]["amount"], "5.00");
        assert_eq!(export["adjustments"][0]["reason_code"], "GOODWILL");
        let b = &seen.parts[0].1;
        assert_eq!(
            export["discounts"].as_array().unwrap().len(),
            b.discount_lines().len() + usize::from(b.free_shipping.is_some()),
            "{}",
            export["discounts"]
        );
        assert_eq!(export["history"], serde_json::json!([]));
        // The coupon's use, on this order.
        let used = sql
            .query_row(
                "SELECT COUNT(*) FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
                 WHERE c.code = 'SAVE20' AND r.order_id = ?1",
                &[p.id.into()],
            )
            .and_then(|r| r.get_i64(0))
            .unwrap();
        assert_eq!(used, 1);

        let stored = order_record::stored_order(sql, p.order_no)
            .unwrap()
            .expect("stored");
        assert_eq!(stored.id, p.id);
        assert_eq!(stored.customer_id, Some(p.customer_id));
        assert_eq!(stored.grand_total, p.grand_total);
        assert_eq!(stored.priced_on, "2026-11-25");
        assert_eq!(stored.payment_method.as_deref(), Some("card"));
        assert_eq!(stored.order.as_ref(), Some(&order));
        assert!(stored.events.is_empty());
        let waiting: u32 = stored.shipments.iter().map(|s| s.state.waiting).sum();
        assert_eq!(waiting, 2, "the two backordered pieces wait");
        let audit = sql
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE action = 'order.placed' AND subject = ?1",
                &[format!("order:{}", p.order_no).into()],
            )
            .and_then(|r| r.get_i64(0))
            .unwrap();
        assert_eq!(audit, 1);
        without_clock(&mut export);
        let mut shipments = stored.shipments.clone();
        shipments
            .iter_mut()
            .for_each(|s| s.ship_date = s.ship_date.as_ref().map(|_| "D".into()));
        (
            export,
            shipments,
            stored.version,
            stored.part,
            stored.linked,
        )
    });
}

#[test]
fn the_same_submit_twice_places_one_order() {
    on_both(|postgres| {
        let place = Place::new(postgres, |_| {});
        let conn = place.connect();
        let sql = conn.sql();
        let order = place.compose(jane(&[("TNT-2001", 1)]));
        let seen = quote(&place, &conn, &order);
        let before = stock(sql, "TNT-2001");
        let first = submit(&place, &conn, &order, &seen).expect("placed");
        let again = submit(&place, &conn, &order, &seen).expect("answered");
        assert_eq!(again.len(), 1);
        assert!(again[0].already_placed);
        assert_eq!(
            (
                again[0].id,
                again[0].order_no,
                again[0].grand_total,
                &again[0].content_hash
            ),
            (
                first[0].id,
                first[0].order_no,
                first[0].grand_total,
                &first[0].content_hash
            )
        );
        assert_eq!(orders::order_count(sql).unwrap(), 1);
        assert_eq!(
            stock(sql, "TNT-2001"),
            (before.0, before.1 + 1),
            "reserved once"
        );
        // The same token with other content is refused, naming the order.
        let mut other = order.clone();
        other.lines[0].quantity = 2;
        let seen_other = quote(&place, &conn, &other);
        match submit(&place, &conn, &other, &seen_other) {
            Err(SubmitError::PlacedWithOtherContent(p)) => {
                assert_eq!(p[0].order_no, first[0].order_no)
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(orders::order_count(sql).unwrap(), 1);

        // Two consoles submitting one new token at once: one order, both
        // told its number.
        let order = place.compose(jane(&[("TNT-2001", 1)]));
        let seen = quote(&place, &conn, &order);
        let gate = Arc::new(Barrier::new(2));
        let place = Arc::new(place);
        let answers: Vec<Vec<PlacedOrder>> = (0..2)
            .map(|_| {
                let (gate, place, order, seen) =
                    (gate.clone(), place.clone(), order.clone(), seen.clone());
                std::thread::spawn(move || {
                    let conn = place.connect();
                    gate.wait();
                    submit(&place, &conn, &order, &seen).expect("placed or answered")
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert_eq!(answers[0][0].order_no, answers[1][0].order_no);
        assert_eq!(
            answers.iter().filter(|a| a[0].already_placed).count(),
            1,
            "one placed it, the other found it"
        );
        assert_eq!(orders::order_count(sql).unwrap(), 2);
        (first[0].order_no, answers[0][0].order_no)
    });
}

#[test]
fn two_consoles_racing_for_the_last_unit_place_one_order() {
    on_both(|postgres| {
        let place = Arc::new(Place::new(postgres, |c| leave_free(c, "LGT-1002", 1)));
        let conn = place.connect();
        let before = stock(conn.sql(), "LGT-1002");
        // Each console composed its own order (its own token) and was shown
        // the last unit shipping now.
        let orders: Vec<Order> = (0..2)
            .map(|_| place.compose(jane(&[("LGT-1002", 1)])))
            .collect();
        let seen: Vec<Quote> = orders.iter().map(|o| quote(&place, &conn, o)).collect();
        assert!(seen.iter().all(|q| q.availability[0].now == 1));
        let gate = Arc::new(Barrier::new(2));
        let meet = Arc::new(Barrier::new(2));
        let outcomes: Vec<(Result<Vec<PlacedOrder>, String>, usize)> = (0..2)
            .map(|i| {
                let meet = postgres.then(|| meet.clone());
                let (gate, place, order, seen) = (
                    gate.clone(),
                    place.clone(),
                    orders[i].clone(),
                    seen[i].clone(),
                );
                std::thread::spawn(move || {
                    let conn = place.connect();
                    gate.wait();
                    let (result, reads) = submit_counted(&place, &conn, &order, &seen, meet);
                    let result = result.map_err(|e| match e {
                        SubmitError::Changed(lines) => lines.join("; "),
                        other => panic!("refused otherwise: {other}"),
                    });
                    (result, reads)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        let placed: Vec<_> = outcomes.iter().filter_map(|o| o.0.as_ref().ok()).collect();
        let refused: Vec<_> = outcomes.iter().filter_map(|o| o.0.as_ref().err()).collect();
        assert_eq!((placed.len(), refused.len()), (1, 1), "{outcomes:?}");
        if postgres {
            // Each read the stock before the other wrote it (they met
            // after reading): the loser's transaction failed to serialize
            // and ran again, reading the unit gone. SQLite queues the
            // second writer instead.
            let loser = outcomes.iter().find(|o| o.0.is_err()).unwrap();
            assert!(loser.1 >= 2, "the loser read the quote {} time(s)", loser.1);
        }
        assert_eq!(orders::order_count(conn.sql()).unwrap(), 1);
        let after = stock(conn.sql(), "LGT-1002");
        assert_eq!(after, (before.0, before.1 + 1));
        assert!(after.1 <= after.0, "never more reserved than on hand");
        refused[0].clone()
    });
}

#[test]
fn order_lookups_read_the_same_rows() {
    on_both(|postgres| {
        let place = Place::new(postgres, |_| {});
        let conn = place.connect();
        let sql = conn.sql();
        let first = place.compose(jane(&[("TNT-2001", 1), ("LGT-1002", 2)]));
        let seen = quote(&place, &conn, &first);
        let a = submit(&place, &conn, &first, &seen).unwrap()[0].clone();
        let second = place.compose(jane(&[("SLP-1014", 1)]));
        let seen = quote(&place, &conn, &second);
        let b = submit(&place, &conn, &second, &seen).unwrap()[0].clone();
        assert_eq!(b.order_no, a.order_no + 1);

        let all = order_record::find_orders(sql, &OrderQuery::default(), 10).unwrap();
        assert_eq!(
            all.iter().map(|f| f.order_no).collect::<Vec<_>>(),
            vec![b.order_no, a.order_no],
            "newest first"
        );
        assert!(all.iter().all(|f| f.customer == "Jane Doe"), "{all:?}");
        assert_eq!(
            all[1].grand_total.parse::<Decimal>().unwrap(),
            a.grand_total
        );
        assert!(all.iter().all(|f| f.next_ship.is_some()));
        let one = order_record::find_orders(
            sql,
            &OrderQuery {
                order_no: Some(a.order_no),
                ..OrderQuery::default()
            },
            10,
        )
        .unwrap();
        assert_eq!(one.len(), 1);
        let by_day = OrderQuery {
            customers: vec![a.customer_id],
            from: Some(chrono::Utc::now().date_naive()),
            to: Some(chrono::Utc::now().date_naive()),
            status: Some(orderdesk::domain::lifecycle::OrderStatus::Placed),
            ..OrderQuery::default()
        };
        assert_eq!(
            order_record::find_orders(sql, &by_day, 1).unwrap().len(),
            1,
            "the limit holds"
        );
        let nobody = OrderQuery {
            customers: vec![987_654],
            ..OrderQuery::default()
        };
        assert!(order_record::find_orders(sql, &nobody, 10)
            .unwrap()
            .is_empty());

        let recent = placed::recent_orders(sql, a.customer_id, 5).unwrap();
        assert_eq!(
            recent
                .iter()
                .map(|r| (r.order_no, r.lines))
                .collect::<Vec<_>>(),
            vec![(b.order_no, 1), (a.order_no, 2)]
        );
        let lines = placed::order_lines_for_reorder(sql, a.order_no).unwrap();
        assert_eq!(
            lines
                .iter()
                .map(|(_, sku, _, q)| (sku.as_str(), *q))
                .collect::<Vec<_>>(),
            vec![("TNT-2001", 1), ("LGT-1002", 2)]
        );
        let ship_tos = placed::reorder_ship_tos(sql, a.order_no).unwrap().unwrap();
        assert_eq!(ship_tos.customer_id, Some(a.customer_id));
        assert_eq!(ship_tos.line_ship_tos, vec![1, 1]);
        assert_eq!(ship_tos.ship_tos.len(), 1);
        assert_eq!(
            ship_tos.ship_tos[0].1,
            first.ship_tos[0].address.clone().cleaned()
        );
        assert_eq!(ship_tos.ship_tos[0].2, "GROUND");
        assert_eq!(
            placed::last_method(sql, a.customer_id).unwrap().as_deref(),
            Some("GROUND")
        );
        assert_eq!(placed::last_method(sql, 987_654).unwrap(), None);
        assert!(placed::reorder_ship_tos(sql, 1).unwrap().is_none());
        assert!(order_record::stored_order(sql, 1).unwrap().is_none());
        assert!(placed::export_order(sql, 1).unwrap().is_none());
        let mut all = all;
        all.iter_mut().for_each(|f| f.placed_at.clear());
        let mut recent = recent;
        recent.iter_mut().for_each(|r| r.placed_at.clear());
        (all, recent, lines, ship_tos)
    });
}

#[test]
fn a_hold_and_its_release_round_trip() {
    on_both(|postgres| {
        let place = Place::new(postgres, |_| {});
        let conn = place.connect();
        let sql = conn.sql();
        let order = place.compose(jane(&[("TNT-2001", 1)]));
        let seen = quote(&place, &conn, &order);
        let no = submit(&place, &conn, &order, &seen).unwrap()[0].order_no;
        let action = |version: i64, reason: &'static str| OrderAction {
            order_no: no,
            version,
            operator: "bob",
            reason,
        };

        let held = order_changes::hold_order(sql, &action(1, "payment")).expect("held");
        assert_eq!((held.status, held.version), (OrderStatus::Held, 2));
        assert_eq!(held.events.len(), 1);
        let e = &held.events[0];
        assert_eq!(
            (
                e.version,
                e.operator.as_str(),
                e.action.as_str(),
                e.reason.as_str()
            ),
            (2, "bob", "held", "payment")
        );
        assert_eq!(e.detail, "on hold (was placed)");
        // Based on the version before the hold: refused, saying what
        // happened since, and nothing written.
        match order_changes::hold_order(sql, &action(1, "payment")) {
            Err(ServiceError::Stale { since }) => {
                assert_eq!(since.len(), 1);
                assert!(
                    since[0].contains("bob held (payment): on hold (was placed)"),
                    "{since:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        // A reason that is none of the hold's: refused before anything.
        assert!(matches!(
            order_changes::hold_order(sql, &action(2, "no such reason")),
            Err(ServiceError::Refused(_))
        ));
        let released = order_changes::release_hold(sql, &action(2, "")).expect("released");
        assert_eq!(
            (released.status, released.version),
            (OrderStatus::Placed, 3)
        );
        assert_eq!(released.events[1].action, "hold_released");
        assert_eq!(released.events[1].detail, "hold lifted: placed");
        // Not held any more: the lifecycle refuses, nothing written.
        assert!(matches!(
            order_changes::release_hold(sql, &action(3, "")),
            Err(ServiceError::Refused(_))
        ));
        let after = order_record::stored_order(sql, no).unwrap().unwrap();
        assert_eq!(after.version, 3);
        let audit = sql
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE subject = ?1 AND action IN ('order.held', 'order.hold_released')",
                &[format!("order:{no}").into()],
            )
            .and_then(|r| r.get_i64(0))
            .unwrap();
        assert_eq!(audit, 2);
        let mut events = after.events;
        events.iter_mut().for_each(|e| e.at.clear());
        events
    });
}

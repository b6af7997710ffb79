//! Placing an order: one write transaction ([`Sql::write`]) that re-checks
//! stock, numbers the order from the sequence, writes the order with its
//! snapshots, reserves stock, records the audit entry and removes the
//! draft (docs/design.md). All of it or none of it, on either backend.

use super::customer_shown;
use super::db::{self, Abort, Row, Sql};
use super::order_record::with_subtotal_shares;
use super::order_write::{write_contents, Contents};
use super::{now_text, redemptions, Store, StoreError};
use crate::domain::availability::{changed_lines, LineAvailability};
use crate::domain::order::{Area, Order, Payment};
use crate::domain::parts::Part;
use crate::domain::pricing::Breakdown;
use crate::domain::quote::Quote;
use crate::domain::rules::{Facts, Rule, Violation};
use crate::domain::search_keys::{KeySource, SearchKeys};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedOrder {
    pub id: i64,
    pub order_no: i64,
    /// 1 for the main order, 2 for the separate backorder order.
    pub part: u8,
    pub grand_total: Decimal,
    /// The customer it was placed for (a guest's row is made by submit).
    pub customer_id: i64,
    /// True when this submit found the order placed by an earlier one.
    pub already_placed: bool,
    /// What the order held when placed ([`Order::content_hash`]).
    pub content_hash: String,
}

/// Why nothing was placed.
#[derive(Debug)]
pub enum SubmitError {
    /// Availability changed since the operator saw it; one line per
    /// changed order line, saying what changed.
    Changed(Vec<String>),
    /// Prices, promotions or shipping charges changed since the operator
    /// saw them: the order as it would be stored differs from the review.
    PricesChanged,
    /// Rules the order breaks, checked in the transaction.
    Refused(Vec<Violation>),
    /// The order's token was placed already with other content (by
    /// another console holding the same draft).
    PlacedWithOtherContent(Vec<PlacedOrder>),
    /// Another console took the draft over (or discarded it).
    TakenOver(String),
    Db(StoreError),
}

impl fmt::Display for SubmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubmitError::Changed(lines) => write!(
                f,
                "availability changed, nothing was placed: {}; choose again",
                lines.join("; ")
            ),
            SubmitError::PricesChanged => f.write_str(
                "prices or promotions changed since the review; nothing was placed: review the new totals and submit again",
            ),
            SubmitError::Refused(v) => {
                let list: Vec<&str> = v.iter().map(|v| v.message.as_str()).collect();
                write!(f, "nothing was placed: {}", list.join("; "))
            }
            SubmitError::PlacedWithOtherContent(placed) => {
                let list: Vec<String> = placed.iter().map(|p| p.order_no.to_string()).collect();
                write!(
                    f,
                    "NOT placed: another console placed this order as {} (other content)",
                    list.join(" and ")
                )
            }
            SubmitError::TakenOver(m) => f.write_str(m),
            SubmitError::Db(e) => write!(f, "the database refused the order: {e}"),
        }
    }
}

impl From<rusqlite::Error> for SubmitError {
    fn from(e: rusqlite::Error) -> Self {
        SubmitError::Db(e.into())
    }
}

impl From<super::db::Error> for SubmitError {
    fn from(e: super::db::Error) -> Self {
        SubmitError::Db(e.into())
    }
}

/// The draft an order is taken in, and the console holding it.
#[derive(Debug, Clone, Copy)]
pub struct DraftRef<'a> {
    pub id: i64,
    pub holder: &'a str,
}

/// What submit needs: the order as taken, the quote the operator was shown
/// for it, who places it and the rules it must meet. Submit prices the
/// order again inside its transaction and places it only if that equals
/// what was shown and `rules` find nothing.
pub struct SubmitInput<'a> {
    pub order: &'a Order,
    pub seen: &'a Quote,
    pub operator: &'a str,
    pub today: NaiveDate,
    pub draft: Option<DraftRef<'a>>,
    pub rules: &'a dyn Fn(&Quote, &Facts) -> Vec<Violation>,
}

/// What submit reads again inside its transaction, on the transaction's
/// handle: the quote (stock, prices, promotions) and the facts the rules
/// need. What is checked is then what is written, on either backend.
pub trait Reread {
    fn quote(&self, sql: Sql<'_>, order: &Order, today: NaiveDate) -> Result<Quote, db::Error>;
    fn facts(&self, sql: Sql<'_>, order: &Order, operator: &str) -> Result<Facts, db::Error>;
}

/// The store reads on the handle it is given, the transaction's, on
/// either backend: the quote as [`quote::quote`] takes it (stock, prices,
/// promotions, coupons) and the facts as [`facts::facts`] reads them.
impl Reread for Store {
    fn quote(&self, sql: Sql<'_>, order: &Order, today: NaiveDate) -> Result<Quote, db::Error> {
        super::quote::quote(sql, order, today)
    }

    fn facts(&self, sql: Sql<'_>, order: &Order, operator: &str) -> Result<Facts, db::Error> {
        super::facts::facts(sql, order, operator)
    }
}

impl Store {
    /// Places the order's parts in one write transaction, or nothing
    /// ([`submit`]).
    pub fn submit_order(&self, input: &SubmitInput) -> Result<Vec<PlacedOrder>, SubmitError> {
        submit(self.sql(), input, self)
    }

    pub fn order_count(&self) -> rusqlite::Result<i64> {
        Ok(order_count(self.sql())?)
    }
}

/// How many orders there are (each part of a split submit counts).
pub fn order_count(sql: Sql<'_>) -> Result<i64, db::Error> {
    sql.query_row("SELECT COUNT(*) FROM orders", &[])?
        .get_i64(0)
}

/// Places the order's parts in one [`Sql::write`] transaction, or
/// nothing: `BEGIN IMMEDIATE` on SQLite; SERIALIZABLE on PostgreSQL, run
/// again whole when another writer won (two submits meet at least on the
/// order number). A second submit of the same content (same token)
/// returns the orders the first one placed and writes nothing; the same
/// token with other content is refused. `reread` gives the quote and
/// facts as they are inside the transaction.
pub fn submit(
    sql: Sql<'_>,
    input: &SubmitInput,
    reread: &dyn Reread,
) -> Result<Vec<PlacedOrder>, SubmitError> {
    sql.write(|tx| submit_in(**tx, input, reread))
        .map_err(Abort::into_inner)
}

/// The body of [`submit`], in its transaction: the repository's refusals
/// are [`Abort::Refused`] (rolled back, not run again), the database's
/// errors [`Abort::Db`] (run again when retryable).
fn submit_in(
    tx: Sql<'_>,
    input: &SubmitInput,
    reread: &dyn Reread,
) -> Result<Vec<PlacedOrder>, Abort<SubmitError>> {
    let refuse = |e: SubmitError| Abort::Refused(e);
    let order = input.order;
    let hash = order.content_hash();
    let earlier = placed_with_token(tx, &order.token)?;
    if !earlier.is_empty() {
        if earlier.iter().any(|p| p.content_hash != hash) {
            return Err(refuse(SubmitError::PlacedWithOtherContent(earlier)));
        }
        if let Some(d) = input.draft {
            tx.execute(
                "DELETE FROM drafts WHERE id = ?1 AND holder = ?2",
                &[d.id.into(), d.holder.into()],
            )?;
        }
        return Ok(earlier);
    }
    if let Some(d) = input.draft {
        check_hold(tx, d)?;
    }
    // Everything below reads inside this transaction: what is checked
    // is what is written.
    let fresh = reread.quote(tx, order, input.today)?;
    recheck_availability(order, &input.seen.availability, &fresh.availability).map_err(refuse)?;
    // The rules first: a coupon used meanwhile is named as such, not
    // only as a price that moved.
    let facts = reread.facts(tx, order, input.operator)?;
    let violations = (input.rules)(&fresh, &facts);
    if !violations.is_empty() {
        return Err(refuse(SubmitError::Refused(violations)));
    }
    let breakdowns = |q: &Quote| q.parts.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>();
    if breakdowns(&fresh) != breakdowns(input.seen) {
        return Err(refuse(SubmitError::PricesChanged));
    }
    if fresh.parts.iter().all(|(p, _)| p.order.lines.is_empty()) {
        return Err(refuse(SubmitError::Refused(vec![Violation::new(
            Rule::Incomplete,
            Area::Fulfillment,
            "nothing left to ship: every line would be dropped",
        )])));
    }
    let method_names: Vec<String> = order
        .ship_tos
        .iter()
        .map(|s| {
            let code = s.method.clone().unwrap_or_default();
            fresh
                .methods
                .iter()
                .find(|m| m.code == code)
                .map(|m| m.name.clone())
                .unwrap_or(code)
        })
        .collect();
    let mut placed: Vec<PlacedOrder> = Vec::new();
    let split = fresh
        .parts
        .iter()
        .filter(|(p, _)| !p.order.lines.is_empty())
        .count()
        > 1;
    for (part, breakdown) in &fresh.parts {
        if part.order.lines.is_empty() {
            continue;
        }
        let parent = placed.first().map(|p| p.id);
        let w = Write {
            operator: input.operator,
            today: input.today,
            split,
            method_names: &method_names,
            hash: &hash,
        };
        placed.push(write_part(tx, &w, part, breakdown, parent)?);
    }
    // One use of each coupon per submit, on the main order, however
    // many parts carry a share of its discount.
    if let Some(main) = placed.first() {
        let codes = redemptions::applied_codes(fresh.parts.iter().map(|(_, b)| b));
        let registered = order.customer.as_ref().and_then(|c| c.id).is_some();
        redemptions::redeem(
            tx,
            &codes,
            main.id,
            main.customer_id,
            registered,
            &now_text(),
        )?;
    }
    if let Some(d) = input.draft {
        tx.execute("DELETE FROM drafts WHERE id = ?1", &[d.id.into()])?;
    }
    Ok(placed)
}

/// The draft is still this console's: not taken over, not discarded.
fn check_hold(tx: Sql<'_>, d: DraftRef) -> Result<(), Abort<SubmitError>> {
    let row = tx.query_opt(
        "SELECT holder, held_since FROM drafts WHERE id = ?1",
        &[d.id.into()],
    )?;
    match row {
        Some(r) if r.get_str(0)? == d.holder => Ok(()),
        Some(r) => Err(Abort::Refused(SubmitError::TakenOver(format!(
            "NOT placed: another console took this order over at {}",
            super::drafts::clock_time(r.get_str(1)?)
        )))),
        None => Err(Abort::Refused(SubmitError::TakenOver(
            "NOT placed: another console placed or discarded this order".into(),
        ))),
    }
}

/// What every part of one submit is written with.
struct Write<'a> {
    operator: &'a str,
    /// The day the order was priced on.
    today: NaiveDate,
    /// Two orders: each keeps its share of the amounts off.
    split: bool,
    method_names: &'a [String],
    hash: &'a str,
}

pub(super) fn json<T: serde::Serialize>(value: &T) -> Result<String, SubmitError> {
    serde_json::to_string(value).map_err(|e| SubmitError::Db(StoreError::Other(e.to_string())))
}

/// The orders an earlier submit with this token placed, main order first.
pub fn placed_with_token(sql: Sql<'_>, token: &str) -> Result<Vec<PlacedOrder>, db::Error> {
    sql.query(
        "SELECT id, order_no, part, grand_total, customer_id, content_hash FROM orders
         WHERE submit_token = ?1 ORDER BY part",
        &[token.into()],
    )?
    .iter()
    .map(|r| {
        Ok(PlacedOrder {
            id: r.get_i64(0)?,
            order_no: r.get_i64(1)?,
            part: small(r, 2)?,
            grand_total: r.get_decimal(3)?,
            customer_id: r.get_i64(4)?,
            already_placed: true,
            content_hash: r.get_string(5)?,
        })
    })
    .collect()
}

/// A small count stored as an integer (a part number).
fn small(r: &Row, i: usize) -> Result<u8, db::Error> {
    let v = r.get_i64(i)?;
    u8::try_from(v).map_err(|_| db::Error::Column {
        index: i,
        name: "part".into(),
        expected: "a part number (1 or 2)",
        found: v.to_string(),
    })
}

/// Availability as it is now, inside the transaction, against what the
/// operator saw; any difference refuses the whole submit.
pub(super) fn recheck_availability(
    order: &Order,
    seen: &[LineAvailability],
    now: &[LineAvailability],
) -> Result<(), SubmitError> {
    let changed = changed_lines(seen, now);
    if changed.is_empty() {
        return Ok(());
    }
    let describe = |a: Option<&LineAvailability>| match a {
        Some(a) if a.backordered == 0 => format!("{} now", a.now),
        Some(a) => format!(
            "{} now, {} backordered ({})",
            a.now,
            a.backordered,
            a.due
                .map(|d| d.to_string())
                .unwrap_or_else(|| "date unknown".into())
        ),
        None => "unknown".into(),
    };
    Err(SubmitError::Changed(
        changed
            .into_iter()
            .map(|i| {
                let sku = order.lines.get(i).map(|l| l.sku.as_str()).unwrap_or("?");
                format!(
                    "{sku}: was {}, is {}",
                    describe(seen.get(i)),
                    describe(now.get(i))
                )
            })
            .collect(),
    ))
}

fn write_part(
    tx: Sql<'_>,
    input: &Write,
    part: &Part,
    b: &Breakdown,
    parent: Option<i64>,
) -> Result<PlacedOrder, Abort<SubmitError>> {
    let order = &part.order;
    let cur = order.currency;
    let customer = order.customer.as_ref().ok_or_else(|| {
        Abort::Refused(SubmitError::Refused(vec![Violation::new(
            Rule::Incomplete,
            Area::Customer,
            "no customer",
        )]))
    })?;
    // Amounts are stored with exactly the currency's decimals ("0.00", "700").
    let money = |d: Decimal| cur.round(d).to_string();
    let now = now_text();
    let order_no = tx
        .query_row(
            "UPDATE order_number_sequence SET next_no = next_no + 1 WHERE id = 1 RETURNING next_no - 1",
            &[],
        )?
        .get_i64(0)?;
    let customer_id = match (customer.id, parent) {
        (Some(id), _) => id,
        // The guest row is made once, with the main order.
        (None, Some(parent_id)) => tx
            .query_row(
                "SELECT customer_id FROM orders WHERE id = ?1",
                &[parent_id.into()],
            )?
            .get_i64(0)?,
        (None, None) => {
            let home = order.ship_tos.first().map(|s| &s.address);
            let keys = SearchKeys::of(&KeySource {
                first: &customer.first_name,
                last: &customer.last_name,
                email: &customer.email,
                phone: &customer.phone,
                postal: home.map_or("", |a| &a.postal_code),
                country: home.map_or("", |a| &a.country),
                logon: None,
            });
            let id = tx
                .query_row(
                    "INSERT INTO customers (first_name, last_name, first_key, last_key, currency, phone, phone_key,
                        phone_national_key, email, email_key, postal_key, is_guest, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?12) RETURNING id",
                    &[
                        customer.first_name.as_str().into(),
                        customer.last_name.as_str().into(),
                        keys.first.into(),
                        keys.last.into(),
                        cur.code().into(),
                        customer.phone.as_str().into(),
                        keys.phone.into(),
                        keys.phone_national.into(),
                        customer.email.as_str().into(),
                        keys.email.into(),
                        keys.postal.into(),
                        now.as_str().into(),
                    ],
                )?
                .get_i64(0)?;
            // The guest's addresses go into their address book, so a later
            // conversion to a registered customer keeps them. The book is a
            // convenience: an address its table would refuse (a country
            // that is not two letters) is left out, never the order.
            for (i, s) in order.ship_tos.iter().enumerate() {
                let a = &s.address;
                if a.country.chars().count() != 2 {
                    continue;
                }
                tx.execute(
                    "INSERT INTO addresses (customer_id, nickname, first_name, last_name, line1, line2, city,
                        region, postal_code, country, phone, is_default_shipping, is_default_billing)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                     ON CONFLICT DO NOTHING",
                    &[
                        id.into(),
                        format!("Ship-to {}", i + 1).into(),
                        a.first_name.as_str().into(),
                        a.last_name.as_str().into(),
                        a.line1.as_str().into(),
                        a.line2.as_str().into(),
                        a.city.as_str().into(),
                        a.region.as_str().into(),
                        a.postal_code.as_str().into(),
                        a.country.as_str().into(),
                        a.phone.as_str().into(),
                        (i == 0).into(),
                        (i == 0 && order.billing.as_ref() == Some(a)).into(),
                    ],
                )?;
            }
            customer_shown::refresh(tx, id)?;
            id
        }
    };
    let snapshot = json!({
        "name": customer.name(),
        "logon_id": customer.logon_id,
        "email": customer.email,
        "phone": customer.phone,
        "guest": customer.guest,
        "account": customer.account.as_ref().map(|a| &a.name),
    });
    let order_data = if input.split {
        json(&with_subtotal_shares(order, b)).map_err(Abort::Refused)?
    } else {
        json(order).map_err(Abort::Refused)?
    };
    let order_id = tx
        .query_row(
            "INSERT INTO orders (order_no, submit_token, part, parent_order_id, customer_id, customer_snapshot, currency,
                backorder_choice, billing_address, merchandise_total, discount_total, shipping_total,
                tax_total, grand_total, breakdown, comment_customer, comment_warehouse, operator, placed_at, content_hash,
                order_data, priced_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
             RETURNING id",
            &[
                order_no.into(),
                order.token.as_str().into(),
                i64::from(part.number).into(),
                parent.into(),
                customer_id.into(),
                snapshot.to_string().into(),
                cur.code().into(),
                order.backorder_choice.code().into(),
                json(&order.billing).map_err(Abort::Refused)?.into(),
                money(b.merchandise).into(),
                money(b.discount_total).into(),
                money(b.shipping_total).into(),
                money(b.tax_total).into(),
                money(b.grand_total).into(),
                json(b).map_err(Abort::Refused)?.into(),
                order.comment_customer.as_str().into(),
                order.comment_warehouse.as_str().into(),
                input.operator.into(),
                now.as_str().into(),
                input.hash.into(),
                order_data.into(),
                input.today.format("%Y-%m-%d").to_string().into(),
            ],
        )?
        .get_i64(0)?;
    write_contents(
        tx,
        &Contents {
            order_id,
            order_no,
            part,
            breakdown: b,
            method_names: input.method_names,
            now: &now,
        },
    )?;
    if let Some(p) = &order.customer_approval {
        tx.execute(
            "UPDATE orders SET approval_id = ?1 WHERE id = ?2",
            &[p.id.into(), order_id.into()],
        )?;
        tx.execute(
            "INSERT INTO audit (at, operator, action, subject, detail)
             VALUES (?1, ?2, 'customer.disabled_approved', ?3, ?4)",
            &[
                now.as_str().into(),
                input.operator.into(),
                format!("order:{order_no}").into(),
                format!(
                    "placed for disabled customer {customer_id}: asked by {}, approved by {} at {}",
                    input.operator, p.supervisor, p.at
                )
                .into(),
            ],
        )?;
    }
    if let Some(p) = &order.payment {
        let (brand, last4, m, y) = match p {
            Payment::Card(c) => (
                Some(c.brand.name()),
                Some(c.last4.clone()),
                Some(c.exp_month),
                Some(c.exp_year),
            ),
            Payment::StoredCard(s) => (
                Some(s.summary.brand.name()),
                Some(s.summary.last4.clone()),
                Some(s.summary.exp_month),
                Some(s.summary.exp_year),
            ),
            _ => (None, None, None, None),
        };
        let (account_id, po) = match p {
            Payment::Account { po_number } => (
                customer.account.as_ref().map(|a| a.id),
                Some(po_number.clone()),
            ),
            _ => (None, None),
        };
        tx.execute(
            "INSERT INTO payments (order_id, method, brand, last4, exp_month, exp_year, account_id, po_number, amount, summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            &[
                order_id.into(),
                p.code().into(),
                brand.into(),
                last4.into(),
                m.into(),
                y.into(),
                account_id.into(),
                po.into(),
                money(b.grand_total).into(),
                p.describe().into(),
            ],
        )?;
    }
    tx.execute(
        "UPDATE customers SET last_order_at = ?1 WHERE id = ?2",
        &[now.as_str().into(), customer_id.into()],
    )?;
    tx.execute(
        "INSERT INTO audit (at, operator, action, subject, detail) VALUES (?1, ?2, 'order.placed', ?3, ?4)",
        &[
            now.as_str().into(),
            input.operator.into(),
            format!("order:{order_no}").into(),
            format!(
                "{} {} for customer {customer_id}{}",
                cur.format(b.grand_total),
                cur.code(),
                parent.map(|p| format!(", backorders of order id {p}")).unwrap_or_default()
            )
            .into(),
        ],
    )?;
    Ok(PlacedOrder {
        id: order_id,
        order_no,
        part: part.number,
        grand_total: b.grand_total,
        customer_id,
        already_placed: false,
        content_hash: input.hash.to_string(),
    })
}

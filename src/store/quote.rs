//! Quoting an order: availability from current stock, the shipment plan,
//! the parts to place, and their prices. The console shows this quote and
//! submit places it. The SQL is written once, for both backends, as free
//! functions over a [`Sql`] handle; the rules are the domain's.

use super::db::{self, Sql};
use super::{catalog, inventory, promotions};
use super::{Store, StoredOrder};
use crate::domain::availability::allocate;
use crate::domain::availability::ItemStock;
use crate::domain::lifecycle::ShipmentStatus;
use crate::domain::order::BackorderChoice;
use crate::domain::order::Order;
use crate::domain::parts::split as split_parts;
use crate::domain::planning::plan;
use crate::domain::price_split;
use crate::domain::pricing::Breakdown;
use crate::domain::pricing::{price, PricingContext, ShipmentInput};
use crate::domain::promotion::Coupon;
use crate::domain::quote::Quote;
use crate::domain::shipping::{default_free_method, ShippingMethod};
use chrono::NaiveDate;
use std::collections::HashMap;

/// What a quote is taken under: the day whose promotions apply, the
/// stock, and the coupons the order may use.
struct Terms {
    pricing_day: NaiveDate,
    stock: HashMap<i64, ItemStock>,
    coupons: Vec<Coupon>,
}

/// The quote of `order` on `today` from the current figures. Stock is
/// read statement by statement: run it in a transaction for figures that
/// agree with each other (the `Store` method reads them in one).
pub fn quote(sql: Sql<'_>, order: &Order, today: NaiveDate) -> Result<Quote, db::Error> {
    let ids: Vec<i64> = order.lines.iter().map(|l| l.item_id).collect();
    let terms = Terms {
        pricing_day: today,
        stock: inventory::item_stock(sql, &ids)?,
        coupons: promotions::order_coupons(sql, order)?,
    };
    quote_on(sql, order, today, terms)
}

/// A placed order's quote after a change (docs/design.md, "After the
/// order"): priced under the original order's rules — the promotions of
/// the day it was placed (those that still qualify), its coupons whatever
/// their uses since (it holds one of them), its adjustments — with the
/// stock its own lines hold counted as free for it. What it backorders
/// stays in it: a change never splits an order in two.
pub fn quote_change(
    sql: Sql<'_>,
    order: &Order,
    order_id: i64,
    placed_on: NaiveDate,
    today: NaiveDate,
) -> Result<Quote, db::Error> {
    let ids: Vec<i64> = order.lines.iter().map(|l| l.item_id).collect();
    let stock = inventory::item_stock(sql, &ids)?;
    quote_change_on(sql, order, order_id, placed_on, today, stock)
}

fn quote_change_on(
    sql: Sql<'_>,
    order: &Order,
    order_id: i64,
    placed_on: NaiveDate,
    today: NaiveDate,
    mut stock: HashMap<i64, ItemStock>,
) -> Result<Quote, db::Error> {
    let mut order = order.clone();
    if order.backorder_choice.separate() {
        order.backorder_choice = BackorderChoice::ShipAvailable { separate: false };
    }
    for (item, now, waiting) in held_by(sql, order_id)? {
        if let Some(s) = stock.get_mut(&item) {
            s.reserved = (s.reserved - now).max(0);
            s.earlier_backorders = (s.earlier_backorders - waiting).max(0);
        }
    }
    let coupons = placed_coupons(sql, &order, order_id)?;
    let terms = Terms {
        pricing_day: placed_on,
        stock,
        coupons,
    };
    quote_on(sql, &order, today, terms)
}

/// The coupons of placed order `order_id`, whatever their uses since:
/// its own use is not a use against it.
fn placed_coupons(sql: Sql<'_>, order: &Order, order_id: i64) -> Result<Vec<Coupon>, db::Error> {
    let customer = order.customer.as_ref().and_then(|c| c.id);
    let mut coupons = Vec::new();
    for code in &order.coupons {
        if let Some((mut c, _)) = promotions::coupon(sql, code, customer)? {
            let mine = sql
                .query_row(
                    "SELECT COUNT(*) FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
                     WHERE c.code = ?1 AND r.order_id = ?2",
                    &[c.code.as_str().into(), order_id.into()],
                )?
                .get_i64(0)?;
            let mine = u32::try_from(mine).unwrap_or(u32::MAX);
            c.usage.used = c.usage.used.saturating_sub(mine);
            c.usage.used_by_customer = c.usage.used_by_customer.saturating_sub(mine);
            coupons.push(c);
        }
    }
    Ok(coupons)
}

/// A fresh pricing of stored order `o` as it stands: its lines (the order
/// it keeps) in the shipments it has, under its original rules. None for
/// an order placed before orders kept their lines this way, and for one
/// of a split pair never changed (its amounts are shares of the pair's
/// pricing).
pub fn price_stored(sql: Sql<'_>, o: &StoredOrder) -> Result<Option<Breakdown>, db::Error> {
    let Some(order) = &o.order else {
        return Ok(None);
    };
    if o.linked.is_some() && !o.events.iter().any(|e| e.action == "changed") {
        return Ok(None);
    }
    let methods = catalog::shipping_methods(sql, order.currency)?;
    let coupons = placed_coupons(sql, order, o.id)?;
    let mut ctx = pricing_context(sql, order, o.placed_on(), coupons, &methods)?;
    let line_of = |n: u32| n.checked_sub(1).map(|i| i as usize);
    ctx.shipments = Some(
        (o.shipments.iter())
            .filter(|s| s.state.status != ShipmentStatus::Cancelled)
            .map(|s| ShipmentInput {
                ship_to: s.ship_to_no.saturating_sub(1) as usize,
                lines: (s.lines.iter())
                    .filter_map(|(n, _, q)| line_of(*n).map(|i| (i, *q)))
                    .collect(),
            })
            .collect(),
    );
    Ok(Some(price(order, &ctx)))
}

/// Per item, what order `order_id`'s open lines hold: (item, reserved for
/// it and not shipped, backordered). The sums are NUMERIC on PostgreSQL;
/// the layer reads a whole one as an integer.
fn held_by(sql: Sql<'_>, order_id: i64) -> Result<Vec<(i64, i64, i64)>, db::Error> {
    sql.query(
        "SELECT l.item_id,
                SUM(l.qty_now) - COALESCE(SUM((SELECT SUM(sl.quantity) FROM shipment_lines sl
                    JOIN shipments s ON s.id = sl.shipment_id
                    WHERE sl.order_line_id = l.id AND s.status = 'shipped')), 0),
                SUM(l.qty_backordered)
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE l.order_id = ?1 AND o.status <> 'cancelled' GROUP BY l.item_id",
        &[order_id.into()],
    )?
    .iter()
    .map(|r| Ok((r.get_i64(0)?, r.get_i64(1)?, r.get_i64(2)?)))
    .collect()
}

/// Everything pricing needs of `order` but its shipments: the promotions
/// of `pricing_day`, its coupons and adjustments, its ship-tos' methods,
/// rates and taxes.
fn pricing_context(
    sql: Sql<'_>,
    order: &Order,
    pricing_day: NaiveDate,
    mut coupons: Vec<Coupon>,
    methods: &[ShippingMethod],
) -> Result<PricingContext, db::Error> {
    let ids: Vec<i64> = order.lines.iter().map(|l| l.item_id).collect();
    // Free shipping that names no method frees the cheapest one.
    let free = default_free_method(methods).map(|m| m.code.clone());
    let free = free.as_deref();
    let mut base = PricingContext {
        today: pricing_day,
        promotions: (promotions::active_promotions(sql, pricing_day)?.into_iter())
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
        base.ship_to_methods.push(s.method.clone());
        let rate = s
            .method
            .as_ref()
            .and_then(|code| methods.iter().find(|m| &m.code == code))
            .map(|m| m.rate.clone());
        base.ship_to_rates.push(rate);
        base.ship_to_tax.push(catalog::tax_rate(
            sql,
            &s.address.country,
            &s.address.region,
        )?);
    }
    base.coupons = coupons;
    base.adjustments = order.adjustments.clone();
    Ok(base)
}

/// The quote of `order` on `today` under `terms`.
fn quote_on(
    sql: Sql<'_>,
    order: &Order,
    today: NaiveDate,
    terms: Terms,
) -> Result<Quote, db::Error> {
    let Terms {
        pricing_day,
        stock,
        coupons,
    } = terms;
    let methods = catalog::shipping_methods(sql, order.currency)?;
    let lines: Vec<(i64, u32)> = order
        .lines
        .iter()
        .map(|l| (l.item_id, l.quantity))
        .collect();
    let availability = allocate(&lines, &stock);
    let plan = plan(order, &availability, today);
    let base = pricing_context(sql, order, pricing_day, coupons, &methods)?;
    let whole = PricingContext {
        shipments: Some(
            plan.shipments
                .iter()
                .map(|s| ShipmentInput {
                    ship_to: s.ship_to,
                    lines: s.lines.clone(),
                })
                .collect(),
        ),
        ..base
    };
    let breakdown = price(order, &whole);
    // The goods placed, priced as one order: the cart less what is
    // dropped (a dropped line stays, at quantity 0, so line and
    // shipment numbers keep their meaning).
    let mut placed_order = order.clone();
    for (i, l) in placed_order.lines.iter_mut().enumerate() {
        l.quantity = plan.shipped(i);
    }
    let placed = if placed_order == *order {
        breakdown.clone()
    } else {
        price(&placed_order, &whole)
    };
    let parts = split_parts(order, &availability, &plan);
    let shares = price_split::split(
        &placed_order,
        &whole.ship_to_tax,
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

impl Store {
    /// See [`quote`]; the stock is read in one read transaction, so its
    /// figures agree with each other.
    pub fn quote(&self, order: &Order, today: NaiveDate) -> rusqlite::Result<Quote> {
        let ids: Vec<i64> = order.lines.iter().map(|l| l.item_id).collect();
        let terms = Terms {
            pricing_day: today,
            stock: self.item_stock(&ids)?,
            coupons: self.order_coupons(order)?,
        };
        Ok(quote_on(self.sql(), order, today, terms)?)
    }

    /// See [`quote_change`]; the stock is read as [`Store::quote`] reads it.
    pub fn quote_change(
        &self,
        order: &Order,
        order_id: i64,
        placed_on: NaiveDate,
        today: NaiveDate,
    ) -> rusqlite::Result<Quote> {
        let ids: Vec<i64> = order.lines.iter().map(|l| l.item_id).collect();
        let stock = self.item_stock(&ids)?;
        Ok(quote_change_on(
            self.sql(),
            order,
            order_id,
            placed_on,
            today,
            stock,
        )?)
    }

    /// See [`price_stored`].
    pub fn price_stored(&self, o: &StoredOrder) -> rusqlite::Result<Option<Breakdown>> {
        Ok(price_stored(self.sql(), o)?)
    }
}

//! Catalog, prices, stock, shipping methods and tax regions.

use super::customers::parse_currency;
use super::Store;
use crate::domain::money::Currency;
use crate::domain::shipping::{Rate, ShippingMethod, TaxRate};
use crate::domain::text::{clean, fold};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A category in the tree, with its depth for indenting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRow {
    pub id: i64,
    pub name: String,
    pub depth: usize,
}

/// One catalog row with its price in the order's currency and its stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category_id: i64,
    pub weight_grams: u32,
    pub taxable: bool,
    /// None when the item has no price in this currency (not sold in it).
    pub price: Option<Decimal>,
    pub on_hand: i64,
    pub reserved: i64,
    /// The next expected receipt, if any.
    pub next_due: Option<NaiveDate>,
}

impl ItemRow {
    pub fn available(&self) -> i64 {
        (self.on_hand - self.reserved).max(0)
    }

    /// An order line of `quantity` at this item's price; None when it has
    /// no price in the currency it was read in (not sold in it).
    pub fn order_line(&self, quantity: u32) -> Option<crate::domain::order::Line> {
        Some(crate::domain::order::Line {
            item_id: self.id,
            sku: self.sku.clone(),
            name: self.name.clone(),
            quantity,
            unit_price: self.price?,
            weight_grams: self.weight_grams,
            taxable: self.taxable,
            ship_to: 0,
        })
    }
}

/// The columns of an [`ItemRow`] (read by [`item_row`]) from `items i`
/// joined as [`ITEM_FROM`] joins them; the currency is parameter 1. The
/// next receipt's date follows them ([`ITEM_COLUMNS`]) or is NULL.
pub(super) const ITEM_STOCK_COLUMNS: &str =
    "i.id, i.sku, i.name, i.description, i.category_id, i.weight_grams, i.taxable,
        p.amount, COALESCE(v.on_hand, 0), COALESCE(v.reserved, 0)";

/// [`ITEM_STOCK_COLUMNS`] and the next receipt's date.
const ITEM_COLUMNS: &str = "i.id, i.sku, i.name, i.description, i.category_id, i.weight_grams,
        i.taxable, p.amount, COALESCE(v.on_hand, 0), COALESCE(v.reserved, 0),
        (SELECT MIN(due_date) FROM expected_receipts e WHERE e.item_id = i.id)";

/// The joins after `items i` that [`ITEM_COLUMNS`] read: stock and the
/// price in the currency of parameter 1.
pub(super) const ITEM_FROM: &str = "LEFT JOIN inventory v ON v.item_id = i.id
    LEFT JOIN prices p ON p.item_id = i.id
         AND p.price_list_id = (SELECT id FROM price_lists WHERE currency = ?1)";

pub(super) fn item_row(r: &Row) -> rusqlite::Result<ItemRow> {
    let price: Option<String> = r.get(7)?;
    let due: Option<String> = r.get(10)?;
    Ok(ItemRow {
        id: r.get(0)?,
        sku: clean(&r.get::<_, String>(1)?),
        name: clean(&r.get::<_, String>(2)?),
        description: clean(&r.get::<_, String>(3)?),
        category_id: r.get(4)?,
        weight_grams: r.get(5)?,
        taxable: r.get(6)?,
        price: price.and_then(|p| Decimal::from_str(&p).ok()),
        on_hand: r.get(8)?,
        reserved: r.get(9)?,
        next_due: due.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
    })
}

impl Store {
    /// The category tree in display order, parents before their children.
    pub fn category_tree(&self) -> rusqlite::Result<Vec<CategoryRow>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE tree(id, name, depth, path) AS (
                 SELECT id, name, 0, printf('%06d', sort) || name FROM categories WHERE parent_id IS NULL
                 UNION ALL
                 SELECT c.id, c.name, t.depth + 1, t.path || '/' || printf('%06d', c.sort) || c.name
                 FROM categories c JOIN tree t ON c.parent_id = t.id)
             SELECT id, name, depth FROM tree ORDER BY path",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CategoryRow {
                id: r.get(0)?,
                name: clean(&r.get::<_, String>(1)?),
                depth: r.get(2)?,
            })
        })?;
        rows.collect()
    }

    /// The active item with exactly this SKU (case-insensitive).
    pub fn item_by_sku(&self, currency: Currency, sku: &str) -> rusqlite::Result<Option<ItemRow>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM items i {ITEM_FROM}
                 WHERE i.sku_key = ?2 AND i.active = 1"
            ))?
            .query_row(params![currency.code(), fold(sku)], item_row)
            .optional()
    }

    /// The active item with this id (None once it is no longer sold).
    pub fn item(&self, currency: Currency, id: i64) -> rusqlite::Result<Option<ItemRow>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM items i {ITEM_FROM} WHERE i.id = ?2 AND i.active = 1"
            ))?
            .query_row(params![currency.code(), id], item_row)
            .optional()
    }

    /// Active shipping methods with their rate in `currency`, in display order.
    pub fn shipping_methods(&self, currency: Currency) -> rusqlite::Result<Vec<ShippingMethod>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, m.code, m.name, m.transit_days, r.base, r.per_item, r.per_kg
             FROM shipping_methods m JOIN shipping_rates r ON r.method_id = m.id AND r.currency = ?1
             WHERE m.active = 1 ORDER BY m.sort, m.code",
        )?;
        let heads = stmt
            .query_map([currency.code()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ShippingMethod {
                        code: clean(&r.get::<_, String>(1)?),
                        name: clean(&r.get::<_, String>(2)?),
                        transit_days: r.get(3)?,
                        rate: Rate {
                            base: dec_col(r, 4)?,
                            per_item: dec_col(r, 5)?,
                            per_kg: dec_col(r, 6)?,
                        },
                        regions: Vec::new(),
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut regions = self.conn.prepare_cached(
            "SELECT country, region FROM shipping_method_regions WHERE method_id = ?1",
        )?;
        heads
            .into_iter()
            .map(|(id, mut m)| {
                m.regions = regions
                    .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(m)
            })
            .collect()
    }

    /// The tax of a ship-to region: the region's own row, else the country's.
    pub fn tax_rate(&self, country: &str, region: &str) -> rusqlite::Result<Option<TaxRate>> {
        self.conn
            .prepare_cached(
                "SELECT name, rate, taxes_shipping FROM tax_regions
                 WHERE country = ?1 COLLATE NOCASE AND (region = ?2 COLLATE NOCASE OR region = '')
                 ORDER BY region = '' LIMIT 1",
            )?
            .query_row(params![country.trim(), region.trim()], |r| {
                Ok(TaxRate {
                    name: clean(&r.get::<_, String>(0)?),
                    rate: dec_col(r, 1)?,
                    taxes_shipping: r.get(2)?,
                })
            })
            .optional()
    }

    /// The default currency for guests, from settings.
    pub fn default_currency(&self) -> rusqlite::Result<Currency> {
        Ok(self
            .setting("default_currency")?
            .map(|c| parse_currency(&c))
            .unwrap_or(Currency::USD))
    }
}

/// A decimal stored as TEXT; a malformed one is a conversion error, not a panic.
pub(crate) fn dec_col(r: &Row, i: usize) -> rusqlite::Result<Decimal> {
    let s: String = r.get(i)?;
    Decimal::from_str(s.trim()).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

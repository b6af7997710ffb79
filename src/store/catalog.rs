//! Catalog, prices, stock, shipping methods and tax regions. The SQL is
//! written once, for both backends, as free functions over a [`Sql`]
//! handle; the `Store` methods run them on the store's connection.

use super::customers::parse_currency;
use super::db::{self, Sql};
use super::Store;
use crate::domain::money::Currency;
use crate::domain::shipping::{Rate, ShippingMethod, TaxRate};
use crate::domain::text::{clean, fold};
use chrono::NaiveDate;
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

/// The columns of an [`ItemRow`] (read by [`item_row_of`]) from `items i`
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

/// An [`ItemRow`] from the layer's row of [`ITEM_COLUMNS`] (or
/// [`ITEM_STOCK_COLUMNS`] and a date or NULL), on either backend.
pub(super) fn item_row_of(r: &db::Row) -> Result<ItemRow, db::Error> {
    let weight = r.get_i64(5)?;
    Ok(ItemRow {
        id: r.get_i64(0)?,
        sku: clean(r.get_str(1)?),
        name: clean(r.get_str(2)?),
        description: clean(r.get_str(3)?),
        category_id: r.get_i64(4)?,
        weight_grams: u32::try_from(weight).map_err(|_| db::Error::Column {
            index: 5,
            name: "weight_grams".into(),
            expected: "a weight in grams (0 to 4294967295)",
            found: weight.to_string(),
        })?,
        taxable: r.get_bool(6)?,
        price: r.get_opt_str(7)?.and_then(|p| Decimal::from_str(p).ok()),
        on_hand: r.get_i64(8)?,
        reserved: r.get_i64(9)?,
        next_due: (r.get_opt_str(10)?).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
    })
}

/// A decimal stored as TEXT, read through the layer.
fn decimal_of(r: &db::Row, i: usize, name: &str) -> Result<Decimal, db::Error> {
    let text = r.get_str(i)?;
    Decimal::from_str(text.trim()).map_err(|e| db::Error::Column {
        index: i,
        name: name.into(),
        expected: "a decimal",
        found: format!("{text:?} ({e})"),
    })
}

/// The category tree in display order, parents before their children:
/// siblings by `sort`, then name. Walked in Rust (the tables are small) so
/// the order is the same byte order on both backends; a category whose
/// parent chain never reaches a root is not shown.
pub fn category_tree(sql: Sql<'_>) -> Result<Vec<CategoryRow>, db::Error> {
    let rows = sql.query("SELECT id, parent_id, sort, name FROM categories", &[])?;
    let mut all = Vec::with_capacity(rows.len());
    for r in &rows {
        all.push((
            r.get_i64(0)?,
            r.get_opt_i64(1)?,
            r.get_i64(2)?,
            r.get_string(3)?,
        ));
    }
    // (path, id, name, depth): a path is each ancestor's zero-padded sort
    // and name, joined by '/', as the tree is shown.
    let mut out: Vec<(String, i64, String, usize)> = Vec::new();
    let mut placed = std::collections::HashSet::new();
    let mut children: std::collections::HashMap<Option<i64>, Vec<usize>> = Default::default();
    for (i, c) in all.iter().enumerate() {
        children.entry(c.1).or_default().push(i);
    }
    // Breadth first from the roots; a cycle would never end, so a
    // category is placed once.
    let mut level: Vec<(Option<i64>, String, usize)> = vec![(None, String::new(), 0)];
    while !level.is_empty() {
        let mut next = Vec::new();
        for (parent, ppath, depth) in &level {
            for &i in children.get(parent).into_iter().flatten() {
                let (id, _, sort, name) = &all[i];
                if !placed.insert(*id) {
                    continue;
                }
                let path = match parent {
                    None => format!("{sort:06}{name}"),
                    Some(_) => format!("{ppath}/{sort:06}{name}"),
                };
                next.push((Some(*id), path.clone(), depth + 1));
                out.push((path, *id, name.clone(), *depth));
            }
        }
        level = next;
    }
    out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(out
        .into_iter()
        .map(|(_, id, name, depth)| CategoryRow {
            id,
            name: clean(&name),
            depth,
        })
        .collect())
}

/// The active item with exactly this SKU (case-insensitive: the folded
/// `sku_key`), priced in `currency`.
pub fn item_by_sku(
    sql: Sql<'_>,
    currency: Currency,
    sku: &str,
) -> Result<Option<ItemRow>, db::Error> {
    sql.query_opt(
        &format!(
            "SELECT {ITEM_COLUMNS} FROM items i {ITEM_FROM}
             WHERE i.sku_key = ?2 AND i.active = 1"
        ),
        &[currency.code().into(), fold(sku).into()],
    )?
    .map(|r| item_row_of(&r))
    .transpose()
}

/// The active item with this id (None once it is no longer sold).
pub fn item(sql: Sql<'_>, currency: Currency, id: i64) -> Result<Option<ItemRow>, db::Error> {
    sql.query_opt(
        &format!("SELECT {ITEM_COLUMNS} FROM items i {ITEM_FROM} WHERE i.id = ?2 AND i.active = 1"),
        &[currency.code().into(), id.into()],
    )?
    .map(|r| item_row_of(&r))
    .transpose()
}

/// Active shipping methods with their rate in `currency`, in display order.
pub fn shipping_methods(
    sql: Sql<'_>,
    currency: Currency,
) -> Result<Vec<ShippingMethod>, db::Error> {
    let heads = sql.query(
        "SELECT m.id, m.code, m.name, m.transit_days, r.base, r.per_item, r.per_kg
         FROM shipping_methods m JOIN shipping_rates r ON r.method_id = m.id AND r.currency = ?1
         WHERE m.active = 1 ORDER BY m.sort, m.code",
        &[currency.code().into()],
    )?;
    let mut out = Vec::with_capacity(heads.len());
    for r in &heads {
        let id = r.get_i64(0)?;
        let days = r.get_i64(3)?;
        let regions = sql
            .query(
                "SELECT country, region FROM shipping_method_regions WHERE method_id = ?1
                 ORDER BY country, region",
                &[id.into()],
            )?
            .iter()
            .map(|g| Ok((g.get_string(0)?, g.get_string(1)?)))
            .collect::<Result<_, db::Error>>()?;
        out.push(ShippingMethod {
            code: clean(r.get_str(1)?),
            name: clean(r.get_str(2)?),
            transit_days: u32::try_from(days).map_err(|_| db::Error::Column {
                index: 3,
                name: "transit_days".into(),
                expected: "a number of days",
                found: days.to_string(),
            })?,
            rate: Rate {
                base: decimal_of(r, 4, "base")?,
                per_item: decimal_of(r, 5, "per_item")?,
                per_kg: decimal_of(r, 6, "per_kg")?,
            },
            regions,
        });
    }
    Ok(out)
}

/// The tax of a ship-to region: the region's own row, else the country's.
/// Codes compare in any case (ASCII, as SQLite's NOCASE did).
pub fn tax_rate(sql: Sql<'_>, country: &str, region: &str) -> Result<Option<TaxRate>, db::Error> {
    sql.query_opt(
        "SELECT name, rate, taxes_shipping FROM tax_regions
         WHERE upper(country) = upper(?1) AND (upper(region) = upper(?2) OR region = '')
         ORDER BY CASE WHEN region = '' THEN 1 ELSE 0 END LIMIT 1",
        &[country.trim().into(), region.trim().into()],
    )?
    .map(|r| {
        Ok(TaxRate {
            name: clean(r.get_str(0)?),
            rate: decimal_of(&r, 1, "rate")?,
            taxes_shipping: r.get_bool(2)?,
        })
    })
    .transpose()
}

/// The default currency for guests (setting `default_currency`), USD
/// when none is set.
pub fn default_currency(sql: Sql<'_>) -> Result<Currency, db::Error> {
    Ok(super::settings::setting(sql, "default_currency")?
        .map(|c| parse_currency(&c))
        .unwrap_or(Currency::USD))
}

impl Store {
    /// See [`category_tree`].
    pub fn category_tree(&self) -> rusqlite::Result<Vec<CategoryRow>> {
        Ok(category_tree(self.sql())?)
    }

    /// See [`item_by_sku`].
    pub fn item_by_sku(&self, currency: Currency, sku: &str) -> rusqlite::Result<Option<ItemRow>> {
        Ok(item_by_sku(self.sql(), currency, sku)?)
    }

    /// See [`item`].
    pub fn item(&self, currency: Currency, id: i64) -> rusqlite::Result<Option<ItemRow>> {
        Ok(item(self.sql(), currency, id)?)
    }

    /// See [`shipping_methods`].
    pub fn shipping_methods(&self, currency: Currency) -> rusqlite::Result<Vec<ShippingMethod>> {
        Ok(shipping_methods(self.sql(), currency)?)
    }

    /// See [`tax_rate`].
    pub fn tax_rate(&self, country: &str, region: &str) -> rusqlite::Result<Option<TaxRate>> {
        Ok(tax_rate(self.sql(), country, region)?)
    }

    /// See [`default_currency`].
    pub fn default_currency(&self) -> rusqlite::Result<Currency> {
        Ok(default_currency(self.sql())?)
    }
}

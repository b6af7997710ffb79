//! Catalog search (docs/design.md, section 16): the in-memory index of
//! `domain::item_index`, kept current by the `catalog_version` counter
//! (migration 006), and the rows of the items it finds with their prices
//! and stock, read in one statement.
//!
//! A search costs a fixed number of queries whatever it finds: the counter,
//! the category's subtree when browsing one, and the found rows.

use super::catalog::{item_row, ItemRow, ITEM_FROM, ITEM_STOCK_COLUMNS};
use super::Store;
use crate::domain::availability::ItemStock;
use crate::domain::item_index::{IndexBuilder, ItemIndex, WordMatch};
use crate::domain::money::Currency;
use chrono::NaiveDate;
use rusqlite::types::Type;
use rusqlite::{params, Connection};
use std::cell::RefCell;
use std::collections::HashMap;

/// One search result: the item with its price and stock, and why it was
/// found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemHit {
    pub item: ItemRow,
    /// Its stock, for the availability an order of one would have.
    pub stock: ItemStock,
    /// The SKU starts with the text.
    pub sku_match: bool,
    /// The typed words found in the name or description (empty for a
    /// SKU match on its own, or an empty search).
    pub words: Vec<WordMatch>,
}

/// The index of this connection, with the catalog version it was built at.
#[derive(Default)]
pub(super) struct IndexCache(RefCell<Option<(i64, ItemIndex)>>);

impl Store {
    /// Active items for `text`, best first (docs/design.md, section 16):
    /// SKUs starting with it, then items with its words in their name or
    /// description (prefixes, singular and plural alike, with typing
    /// mistakes), within `category` and its subcategories when given, at
    /// most `limit`. Empty text lists the catalog by name.
    pub fn find_items(
        &self,
        currency: Currency,
        text: &str,
        category: Option<i64>,
        limit: usize,
    ) -> rusqlite::Result<Vec<ItemHit>> {
        let subtree = match category {
            Some(c) => Some(self.category_subtree(c)?),
            None => None,
        };
        let within = |c: i64| subtree.as_ref().is_none_or(|s| s.contains(&c));
        let found = {
            let version = self.catalog_version()?;
            let mut cache = self.item_index.0.borrow_mut();
            if cache.as_ref().is_none_or(|(v, _)| *v != version) {
                *cache = Some(load_index(self.sqlite("the catalog search")?)?);
            }
            match cache.as_ref() {
                Some((_, index)) => index.search(text, &within, limit),
                None => Vec::new(),
            }
        };
        let ids: Vec<i64> = found.iter().map(|h| h.id).collect();
        let mut rows = self.hit_rows(currency, &ids)?;
        // An item changed by another console since the index was read is
        // left out rather than shown as it was.
        Ok(found
            .into_iter()
            .filter_map(|h| {
                let (item, stock) = rows.remove(&h.id)?;
                Some(ItemHit {
                    item,
                    stock,
                    sku_match: h.sku,
                    words: h.words,
                })
            })
            .collect())
    }

    /// [`Store::find_items`] in the whole catalog, the items alone.
    pub fn search_items(
        &self,
        currency: Currency,
        text: &str,
        limit: usize,
    ) -> rusqlite::Result<Vec<ItemRow>> {
        Ok(self
            .find_items(currency, text, None, limit)?
            .into_iter()
            .map(|h| h.item)
            .collect())
    }

    /// Builds the search index now (it is otherwise built by the first
    /// search); returns how many items it holds.
    pub fn warm_item_index(&self) -> rusqlite::Result<usize> {
        let version = self.catalog_version()?;
        let mut cache = self.item_index.0.borrow_mut();
        if cache.as_ref().is_none_or(|(v, _)| *v != version) {
            *cache = Some(load_index(self.sqlite("the catalog search")?)?);
        }
        Ok(cache.as_ref().map_or(0, |(_, index)| index.len()))
    }

    fn catalog_version(&self) -> rusqlite::Result<i64> {
        self.sqlite("the catalog search")?
            .prepare_cached("SELECT n FROM catalog_version WHERE id = 1")?
            .query_row([], |r| r.get(0))
    }

    /// A category and every category below it.
    fn category_subtree(&self, category: i64) -> rusqlite::Result<Vec<i64>> {
        self.sqlite("the catalog search")?
            .prepare_cached(
                "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL
                     SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
                 SELECT id FROM sub",
            )?
            .query_map([category], |r| r.get(0))?
            .collect()
    }

    /// The active items among `ids` with their price in `currency` and
    /// their stock, in one statement (one snapshot).
    fn hit_rows(
        &self,
        currency: Currency,
        ids: &[i64],
    ) -> rusqlite::Result<HashMap<i64, (ItemRow, ItemStock)>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let list = serde_json::Value::from(ids.to_vec()).to_string();
        let mut stmt = self.sqlite("the catalog search")?.prepare_cached(&format!(
            "SELECT {ITEM_STOCK_COLUMNS}, NULL,
                (SELECT json_group_array(json_array(due_date, quantity)) FROM
                    (SELECT due_date, quantity FROM expected_receipts e
                     WHERE e.item_id = i.id ORDER BY due_date, id)),
                (SELECT COALESCE(SUM(qty_backordered), 0) FROM order_lines
                 WHERE item_id = i.id AND qty_backordered > 0)
             FROM json_each(?2) j CROSS JOIN items i ON i.id = j.value {ITEM_FROM}
             WHERE i.active = 1"
        ))?;
        let rows = stmt.query_map(params![currency.code(), list], |r| {
            let mut item = item_row(r)?;
            let mut receipts = receipts(r, 11)?;
            receipts.sort_by_key(|(d, _)| *d);
            // In date order: the first is the next receipt.
            item.next_due = receipts.first().map(|(d, _)| *d);
            let stock = ItemStock {
                item_id: item.id,
                on_hand: item.on_hand,
                reserved: item.reserved,
                receipts,
                earlier_backorders: r.get(12)?,
            };
            Ok((item.id, (item, stock)))
        })?;
        rows.collect()
    }
}

/// Expected receipts as the JSON array `[[due date, quantity], …]`.
fn receipts(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Vec<(NaiveDate, i64)>> {
    let bad = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(i, Type::Text, e)
    };
    let text: String = r.get(i)?;
    let pairs: Vec<(String, i64)> = serde_json::from_str(&text).map_err(|e| bad(e.into()))?;
    pairs
        .into_iter()
        .map(|(d, q)| {
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map(|d| (d, q))
                .map_err(|e| bad(e.into()))
        })
        .collect()
}

/// Reads every active item and builds the index, with the catalog version
/// read in the same snapshot.
fn load_index(conn: &Connection) -> rusqlite::Result<(i64, ItemIndex)> {
    let read = |conn: &Connection| -> rusqlite::Result<(i64, ItemIndex)> {
        let version: i64 =
            conn.query_row("SELECT n FROM catalog_version WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        let mut stmt = conn.prepare(
            "SELECT id, sku, name, description, category_id FROM items WHERE active = 1",
        )?;
        let mut rows = stmt.query([])?;
        let mut builder = IndexBuilder::default();
        while let Some(r) = rows.next()? {
            builder.add(
                r.get(0)?,
                r.get_ref(1)?.as_str()?,
                r.get_ref(2)?.as_str()?,
                r.get_ref(3)?.as_str()?,
                r.get(4)?,
            );
        }
        Ok((version, builder.finish()))
    };
    // Inside a caller's transaction its snapshot already holds.
    if !conn.is_autocommit() {
        return read(conn);
    }
    let tx = conn.unchecked_transaction()?;
    let loaded = read(&tx)?;
    tx.commit()?;
    Ok(loaded)
}

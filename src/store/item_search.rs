//! Catalog search (docs/design.md, section 16): the in-memory index of
//! `domain::item_index`, kept current by the `catalog_version` counter
//! (migration 006), and the rows of the items it finds with their prices
//! and stock, read in one statement. The SQL is portable: the same
//! functions run over a [`Sql`] handle on SQLite and on PostgreSQL.
//!
//! A search costs a fixed number of statements whatever it finds: one once
//! the index is built, the found rows read with the counter (a round trip
//! counts on PostgreSQL over a network), and the category's subtree when
//! browsing one. When the counter says the catalog changed since the index
//! was built, the index is built again and the search runs again.

use super::catalog::{item_row_of, ItemRow, ITEM_FROM, ITEM_STOCK_COLUMNS};
use super::db::{self, Sql};
use super::Store;
use crate::domain::availability::ItemStock;
use crate::domain::item_index::{IndexBuilder, ItemIndex, WordMatch};
use crate::domain::money::Currency;
use chrono::NaiveDate;
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

/// The index of one connection, with the catalog version it was built at:
/// a console keeps one for as long as it keeps its connection.
#[derive(Default)]
pub struct IndexCache(RefCell<Option<(i64, ItemIndex)>>);

impl IndexCache {
    /// Runs `f` on the index, built again first when the catalog changed
    /// since it was built (the counter read first).
    fn current<T>(&self, sql: Sql<'_>, f: impl FnOnce(&ItemIndex) -> T) -> Result<T, db::Error> {
        let version = catalog_version(sql)?;
        if self.0.borrow().as_ref().is_some_and(|(v, _)| *v != version) {
            self.forget();
        }
        Ok(self.cached(sql, f)?.1)
    }

    /// Runs `f` on the index as built (built first if there is none), with
    /// the catalog version it was built at; the caller checks the version.
    fn cached<T>(
        &self,
        sql: Sql<'_>,
        f: impl FnOnce(&ItemIndex) -> T,
    ) -> Result<(i64, T), db::Error> {
        let mut cache = self.0.borrow_mut();
        let (version, index) = match &mut *cache {
            Some(built) => built,
            empty => empty.insert(load_index(sql)?),
        };
        Ok((*version, f(index)))
    }

    /// Drops the index, so the next search builds it again (the old one
    /// goes before the new one is built).
    fn forget(&self) {
        self.0.borrow_mut().take();
    }
}

/// Active items for `text`, best first (docs/design.md, section 16): SKUs
/// starting with it, then items with its words in their name or
/// description (prefixes, singular and plural alike, with typing
/// mistakes), within `category` and its subcategories when given, at most
/// `limit`. Empty text lists the catalog by name. `index` is the
/// connection's: built by the first search and again after the catalog
/// changed.
pub fn find_items(
    sql: Sql<'_>,
    index: &IndexCache,
    currency: Currency,
    text: &str,
    category: Option<i64>,
    limit: usize,
) -> Result<Vec<ItemHit>, db::Error> {
    let subtree = match category {
        Some(c) => Some(category_subtree(sql, c)?),
        None => None,
    };
    let within = |c: i64| subtree.as_ref().is_none_or(|s| s.contains(&c));
    let mut rebuilt = false;
    loop {
        let (built_at, found) = index.cached(sql, |index| index.search(text, &within, limit))?;
        let ids: Vec<i64> = found.iter().map(|h| h.id).collect();
        let (version, mut rows) = hit_rows(sql, currency, &ids)?;
        // The catalog changed since the index was built: it may hold other
        // items now, so the index is built again and the search run again
        // (once: rows changed after that are read as they are, and the
        // next search sees the new counter).
        if version != built_at && !rebuilt {
            index.forget();
            rebuilt = true;
            continue;
        }
        // An item changed by another console since the index was read is
        // left out rather than shown as it was.
        return Ok(found
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
            .collect());
    }
}

/// Builds the search index now (it is otherwise built by the first
/// search); returns how many items it holds.
pub fn warm_index(sql: Sql<'_>, index: &IndexCache) -> Result<usize, db::Error> {
    index.current(sql, ItemIndex::len)
}

impl Store {
    /// [`find_items`] on the store's connection and index.
    pub fn find_items(
        &self,
        currency: Currency,
        text: &str,
        category: Option<i64>,
        limit: usize,
    ) -> rusqlite::Result<Vec<ItemHit>> {
        Ok(find_items(
            self.sql(),
            &self.item_index,
            currency,
            text,
            category,
            limit,
        )?)
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

    /// [`warm_index`] on the store's connection and index.
    pub fn warm_item_index(&self) -> rusqlite::Result<usize> {
        Ok(warm_index(self.sql(), &self.item_index)?)
    }
}

fn catalog_version(sql: Sql<'_>) -> Result<i64, db::Error> {
    sql.query_row("SELECT n FROM catalog_version WHERE id = 1", &[])?
        .get_i64(0)
}

/// A category and every category below it.
fn category_subtree(sql: Sql<'_>, category: i64) -> Result<Vec<i64>, db::Error> {
    // The cast types the recursion's seed for PostgreSQL (a bare parameter
    // would be text there).
    sql.query(
        "WITH RECURSIVE sub(id) AS (SELECT CAST(?1 AS BIGINT) UNION ALL
             SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
         SELECT id FROM sub",
        &[category.into()],
    )?
    .iter()
    .map(|r| r.get_i64(0))
    .collect()
}

/// Found items by id: the row and the stock.
type FoundRows = HashMap<i64, (ItemRow, ItemStock)>;

/// The active items among `ids` with their price in `currency` and their
/// stock, and the catalog version, in one statement (one snapshot): a row
/// per expected receipt (one with NULLs when there is none), the item's
/// columns repeated, the version last on every row; no item found is one
/// row of NULLs with the version.
fn hit_rows(sql: Sql<'_>, currency: Currency, ids: &[i64]) -> Result<(i64, FoundRows), db::Error> {
    let (among, list) = sql.among_ids("i.id", 2, ids);
    let rows = sql.query(
        &format!(
            "SELECT {ITEM_STOCK_COLUMNS}, NULL, e.id, e.due_date, e.quantity,
                (SELECT CAST(COALESCE(SUM(qty_backordered), 0) AS BIGINT) FROM order_lines
                 WHERE item_id = i.id AND qty_backordered > 0),
                cv.n
             FROM catalog_version cv
             LEFT JOIN items i ON {among} AND i.active = 1
             {ITEM_FROM}
             LEFT JOIN expected_receipts e ON e.item_id = i.id
             WHERE cv.id = 1"
        ),
        &[currency.code().into(), list],
    )?;
    let version = match rows.first() {
        Some(r) => r.get_i64(15)?,
        None => return Err(db::Error::NoRow),
    };
    let mut out: FoundRows = HashMap::with_capacity(ids.len());
    // (item, receipt id, due date, quantity)
    let mut receipts: Vec<(i64, i64, NaiveDate, i64)> = Vec::new();
    for r in &rows {
        if r.get_opt_i64(0)?.is_none() {
            continue;
        }
        let item = item_row_of(r)?;
        let id = item.id;
        if let Some(receipt) = r.get_opt_i64(11)? {
            receipts.push((id, receipt, due_date(r, 12)?, r.get_i64(13)?));
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(id) {
            let stock = ItemStock {
                item_id: id,
                on_hand: item.on_hand,
                reserved: item.reserved,
                receipts: Vec::new(),
                earlier_backorders: r.get_i64(14)?,
            };
            slot.insert((item, stock));
        }
    }
    // In date order (then as entered): the first is the next receipt.
    receipts.sort_unstable_by_key(|&(item, receipt, due, _)| (item, due, receipt));
    for (item, _, due, quantity) in receipts {
        if let Some((row, stock)) = out.get_mut(&item) {
            row.next_due.get_or_insert(due);
            stock.receipts.push((due, quantity));
        }
    }
    Ok((version, out))
}

/// An expected receipt's due date (`YYYY-MM-DD` text on both backends).
fn due_date(r: &db::Row, i: usize) -> Result<NaiveDate, db::Error> {
    let text = r.get_str(i)?;
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| db::Error::Column {
        index: i,
        name: "due_date".into(),
        expected: "a date (YYYY-MM-DD)",
        found: format!("{text:?} ({e})"),
    })
}

/// Reads every active item and builds the index, with the catalog version
/// read in the same statement (so the same snapshot, on either backend,
/// without a transaction): every row carries it, and a catalog without
/// active items is one row of NULLs.
fn load_index(sql: Sql<'_>) -> Result<(i64, ItemIndex), db::Error> {
    let rows = sql.query(
        "SELECT v.n, i.id, i.sku, i.name, i.description, i.category_id
         FROM catalog_version v LEFT JOIN items i ON i.active = 1
         WHERE v.id = 1",
        &[],
    )?;
    let version = match rows.first() {
        Some(r) => r.get_i64(0)?,
        None => return Err(db::Error::NoRow),
    };
    let mut builder = IndexBuilder::default();
    for r in &rows {
        let Some(id) = r.get_opt_i64(1)? else {
            continue;
        };
        builder.add(
            id,
            r.get_str(2)?,
            r.get_str(3)?,
            r.get_str(4)?,
            r.get_i64(5)?,
        );
    }
    Ok((version, builder.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Statements run on the traced connection (one test uses it).
    static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

    fn counted(event: rusqlite::trace::TraceEvent<'_>) {
        // A trigger's program reports itself as "-- TRIGGER …".
        if matches!(event, rusqlite::trace::TraceEvent::Stmt(_, sql) if !sql.starts_with("--")) {
            STATEMENTS.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Once the index is built, a search is one statement (the rows with
    /// the catalog's counter), whether it finds items or none; after
    /// another connection changes the catalog, the next search builds the
    /// index again and finds the change (three statements), and the one
    /// after is one statement again.
    #[test]
    fn a_search_is_one_statement_and_a_changed_catalog_is_searched_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let (mut store, _) = Store::open(&path, std::time::Duration::from_secs(5))
            .map_err(|e| e.to_string())
            .unwrap();
        store
            .load_demo(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
            .unwrap();
        assert!(store.warm_item_index().unwrap() > 0);
        store.sqlite("the test").unwrap().trace_v2(
            rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT,
            Some(counted),
        );
        let run = |text: &str| {
            STATEMENTS.store(0, Ordering::SeqCst);
            let hits = store.find_items(Currency::USD, text, None, 20).unwrap();
            (hits, STATEMENTS.load(Ordering::SeqCst))
        };
        let (hits, statements) = run("tent");
        assert!(!hits.is_empty());
        assert_eq!(statements, 1);
        let (hits, statements) = run("zeppelin");
        assert!(hits.is_empty());
        assert_eq!(statements, 1);

        let other = rusqlite::Connection::open(&path).unwrap();
        other
            .execute(
                "UPDATE items SET name = 'Zeppelin Tent' WHERE id = (SELECT MIN(id) FROM items)",
                [],
            )
            .unwrap();
        let (hits, statements) = run("zeppelin");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].item.name, "Zeppelin Tent");
        assert_eq!(statements, 3, "rows, index, rows");
        let (hits, statements) = run("zeppelin");
        assert_eq!(hits.len(), 1);
        assert_eq!(statements, 1);
    }
}

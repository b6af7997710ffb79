//! A search on a phone number and a field that leads it in result order.
//!
//! Neither field's index narrows the other: a few digits of a number and
//! the first letters of a postal code or a name each match tens of
//! thousands of customers at a million, and their common ones may be few.
//! Pair indexes lead with a phone key's first two digits and then carry
//! the leading field's result order: the postal code's on both backends
//! (migrations/009_pair_search.sql; on PostgreSQL
//! pg/migrations/007_initial_indexes.sql), and on PostgreSQL the last and
//! first name's, the logon's and the e-mail address's too, each also
//! after the first digit alone (pg/migrations/009_pair_buckets.sql; SQLite
//! races its own indexes instead, customer_race.rs). One statement reads,
//! for each of the typed number's keys and each bucket it can start with,
//! that bucket from the typed lead on in result order, stopping at the
//! limit; the buckets are merged. A number of two digits or more is one
//! bucket per key; a single digit is one on PostgreSQL and eleven on
//! SQLite (the digit alone and followed by each digit: keys are ASCII
//! digits, domain::search_keys::phone_keys), so a read covers only
//! numbers that can match and leads that can match.

use super::customer_search_pg::NULLABLE;
use super::customers::{
    prefix_end, push_range, search_terms, CustomerQuery, SearchField, Term, ROW_COLUMNS,
};
use super::Store;
use rusqlite::params_from_iter;
use std::collections::HashSet;

/// The two-digit buckets a phone key starting with `key` falls in (none
/// for an empty key: every number matches it, and the pair indexes don't
/// narrow anything).
fn buckets(key: &str) -> Vec<String> {
    match key.len() {
        0 => Vec::new(),
        1 => std::iter::once(key.to_string())
            .chain((b'0'..=b'9').map(|d| format!("{key}{}", d as char)))
            .collect(),
        _ => key.get(..2).map(str::to_string).into_iter().collect(),
    }
}

/// The fields whose order a phone's pair indexes carry after its digits:
/// on SQLite the postal code's (`customers_phone_key_postal`), on
/// PostgreSQL these too (`customers_phone_key_first`,
/// `customers_phone_key1_first`, ...).
const PG_LEADS: [SearchField; 4] = [
    SearchField::Last,
    SearchField::First,
    SearchField::Logon,
    SearchField::Email,
];

/// The read of the buckets: the first matches in result order (the
/// leading field's order columns), an id once per phone key it matched
/// by, so the first `limit` distinct ids are among its rows.
pub(super) struct PairSql {
    pub lead: SearchField,
    pub merged: String,
    pub args: Vec<String>,
}

/// [`PairSql`] for a search that has a phone number and whose result
/// order is a field's with pair indexes (the postal code's on both
/// backends, [`PG_LEADS`] on PostgreSQL); None for any other, or when a
/// typed key matches every number. `hinted`: SQLite's statement, which
/// names each arm's index and keeps the other conditions off indexes
/// (`+`); PostgreSQL's planner finds the arm's index from its leading
/// condition, and sorts NULLs last unless told.
pub(super) fn pair_sql(terms: &[Term], limit: usize, hinted: bool) -> Option<PairSql> {
    let &(lead, ref lead_keys) = terms.first()?;
    if lead != SearchField::Postal && (hinted || !PG_LEADS.contains(&lead)) {
        return None;
    }
    let (_, phone) = terms.iter().find(|(f, _)| *f == SearchField::Phone)?;
    // The keys the typed number asks for (the other is not ASCII).
    let keys: Vec<(&str, &String)> = ["phone_key", "phone_national_key"]
        .into_iter()
        .zip(phone)
        .filter(|(_, key)| key.is_ascii())
        .collect();
    if keys.is_empty() || keys.iter().any(|(_, key)| key.is_empty()) {
        return None;
    }
    let order = lead.order();
    let columns = order
        .iter()
        .map(|c| format!("c.{c} AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let others = terms
        .iter()
        .filter(|(f, _)| *f != lead && *f != SearchField::Phone)
        .collect::<Vec<_>>();
    let filters: String = others
        .iter()
        .map(|(f, _)| match hinted {
            true => format!(" AND ({})", f.filter()),
            false => format!(" AND ({})", f.condition()),
        })
        .collect();
    let off_index = if hinted { "+" } else { "" };
    // Every arm is read in result order from its index, so SQLite merges
    // them as they come (no sort) and stops at the limit; UNION ALL, as a
    // merge that drops duplicates compares whole rows and costs twice.
    let sorted = order
        .iter()
        .map(|c| match hinted || !NULLABLE.contains(c) {
            true => c.to_string(),
            false => format!("{c} NULLS FIRST"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut args = Vec::new();
    let mut arms = Vec::new();
    for (column, key) in &keys {
        let index = match hinted {
            true => format!(" INDEXED BY customers_{column}_{}", lead_name(lead)),
            false => String::new(),
        };
        // PostgreSQL has indexes of one digit too: a digit is one arm
        // there, not eleven (logon `a` with phone `1`: 6.5 ms through the
        // twenty-two arms of both keys).
        let (len, buckets) = match hinted || key.len() > 1 {
            true => (2, buckets(key)),
            false => (1, vec![key.to_string()]),
        };
        for bucket in buckets {
            let arm = format!(
                "SELECT {columns} FROM customers c{index}
                 WHERE substr(c.{column}, 1, {len}) = ? AND {} AND {off_index}c.{column} >= ? AND {off_index}c.{column} < ?{filters}",
                lead.condition(),
            );
            // PostgreSQL expects few matches from the typed prefixes and
            // reads every arm whole to sort them; a number and a postal
            // code of one country go together (44 and LS1: 8,717 entries,
            // 17 ms). Each arm's own limit keeps it to its first `limit`
            // in index order.
            arms.push(match hinted {
                true => arm,
                false => format!("({arm} ORDER BY {sorted} LIMIT {limit})"),
            });
            args.push(bucket);
            push_range(lead_keys, &mut args);
            args.push(key.to_string());
            args.push(prefix_end(key));
            for (_, keys) in &others {
                push_range(keys, &mut args);
            }
        }
    }
    let arms = arms.join(" UNION ALL ");
    let arms = match hinted {
        true => arms,
        // One arm in parentheses would read as a second ORDER BY.
        false => format!("SELECT * FROM ({arms}) AS arms"),
    };
    let merged = format!("{arms} ORDER BY {sorted} LIMIT {}", limit * keys.len());
    Some(PairSql { lead, merged, args })
}

/// The leading field as the pair indexes' names end (`postal`).
fn lead_name(lead: SearchField) -> &'static str {
    lead.column().trim_end_matches("_key")
}

/// The whole search as one statement, duplicates dropped in SQL (what
/// [`phone_postal_ids`] does in Rust), for a query [`pair_sql`] takes.
/// Public so the benchmark can weigh it as SQL written by hand.
pub fn phone_postal_sql(q: &CustomerQuery, limit: usize) -> Option<(String, Vec<String>)> {
    let PairSql { merged, args, .. } = pair_sql(&search_terms(q), limit, true)?;
    let order = SearchField::Postal.order();
    let c_order = order
        .iter()
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {ROW_COLUMNS}
         FROM (SELECT DISTINCT {o} FROM ({merged}) ORDER BY {o} LIMIT {limit}) AS m
         JOIN customers c ON c.id = m.id
         ORDER BY {c_order}",
        o = order.join(", "),
    );
    Some((sql, args))
}

impl Store {
    /// The ids of [`pair_sql`]'s statement, each once, at most `limit`.
    pub(super) fn phone_postal_ids(
        &self,
        pair: &PairSql,
        limit: usize,
    ) -> rusqlite::Result<Vec<i64>> {
        let sql = format!("SELECT id FROM ({})", pair.merged);
        let mut stmt = self.sqlite("the customer search")?.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(pair.args.iter()))?;
        let mut seen = HashSet::with_capacity(limit);
        let mut ids = Vec::with_capacity(limit);
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if seen.insert(id) {
                ids.push(id);
                if ids.len() == limit {
                    break;
                }
            }
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digit_falls_in_eleven_buckets_and_longer_keys_in_one() {
        assert_eq!(
            buckets("4"),
            ["4", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49"]
        );
        assert_eq!(buckets("44"), ["44"]);
        assert_eq!(buckets("4420"), ["44"]);
        assert!(buckets("").is_empty());
    }

    #[test]
    fn only_postal_led_searches_with_a_number_take_the_pair_indexes() {
        let q = |phone: &str, postal: &str, last: &str| CustomerQuery {
            phone: phone.into(),
            postal: postal.into(),
            last_name: last.into(),
            ..CustomerQuery::default()
        };
        assert!(phone_postal_sql(&q("4420", "SW1", ""), 201).is_some());
        // A name leads the result order: its own index reads it in order.
        assert!(phone_postal_sql(&q("4420", "SW1", "smith"), 201).is_none());
        assert!(phone_postal_sql(&q("", "SW1", ""), 201).is_none());
        // A lone trunk "0" matches every national number.
        assert!(phone_postal_sql(&q("0", "SW1", ""), 201).is_none());
        // "+44" asks only for the international key: one branch.
        let (sql, args) = phone_postal_sql(&q("+44", "SW1", ""), 201).unwrap();
        assert_eq!(
            sql.matches("INDEXED BY customers_phone").count(),
            1,
            "{sql}"
        );
        assert_eq!(args[0], "44");
        // "7" may be either key, in eleven buckets each.
        let (sql, _) = phone_postal_sql(&q("7", "SW1", ""), 201).unwrap();
        assert_eq!(sql.matches("customers_phone_key_postal").count(), 11);
        assert_eq!(
            sql.matches("customers_phone_national_key_postal").count(),
            11
        );
    }
}

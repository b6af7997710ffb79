//! A sample of the customers' search keys, read once per connection, to
//! estimate how many index entries each way of answering a multi-field
//! search would read, and where to cut its key range into chunks
//! (customer_race.rs).
//!
//! Estimates only decide which way starts first and how long its chunks
//! are; the answer is the same whichever way gives it, so a stale sample
//! (customers added since) costs time at worst, never a wrong row.

use super::customers::{Initial, SearchField, Term, SEARCH_KEYS};
use super::{db, Store};

/// Runs of consecutive ids read at random places: 16,384 customers from 256
/// seeks (customers are numbered as they come; 256 places spread the sample
/// over the years), some 35 ms once per connection at a million customers.
/// Each sampled one then stands for about 60, so the 201 rows a search
/// shows are a few sampled matches: enough to tell roughly where in an
/// index they sit.
const RUNS: usize = 256;
const RUN: i64 = 64;

const KEY_COLUMNS: &str = "c.last_key, c.first_key, c.logon_key, c.email_key, c.postal_key,
     c.phone_key, c.phone_national_key, b.name_key";

/// One sampled customer's keys, in [`SEARCH_KEYS`] order (the account: its
/// name's key).
pub(super) type Keys = [Option<String>; 8];

pub(super) struct CustomerSample {
    rows: Vec<Keys>,
    /// Each key column's sampled rows (those with the key) in key order:
    /// where a range's entries fall in its index, and who matches it.
    sorted: [Vec<u32>; 8],
    /// Customers each sampled one stands for.
    pub(super) scale: f64,
}

/// The sampled key columns a term's range is on (phone: both of its keys).
fn columns(term: &Term) -> Vec<(usize, &str)> {
    let (field, keys) = term;
    let first = keys.first().map_or("", String::as_str);
    match field {
        SearchField::Last => vec![(0, first)],
        SearchField::First => vec![(1, first)],
        SearchField::Logon => vec![(2, first)],
        SearchField::Email => vec![(3, first)],
        SearchField::Postal => vec![(4, first)],
        SearchField::Phone => vec![(5, first), (6, keys.get(1).map_or("", String::as_str))],
        SearchField::Account => vec![(7, first)],
    }
}

impl CustomerSample {
    /// The sampled keys of column `i` starting with `prefix`.
    fn starting(&self, i: usize, prefix: &str) -> &[u32] {
        let rows = &self.sorted[i];
        let lo = rows.partition_point(|r| self.key(*r, i) < prefix);
        let n = rows[lo..]
            .iter()
            .take_while(|r| self.key(**r, i).starts_with(prefix))
            .count();
        &rows[lo..lo + n]
    }

    /// Column `i` of sampled row `row` ("" for none: such rows are not in
    /// the column's order).
    fn key(&self, row: u32, i: usize) -> &str {
        self.rows[row as usize][i].as_deref().unwrap_or("")
    }

    /// The sampled customers (rows) matching every term: the narrowest
    /// term's matches, checked against the others.
    fn matching(&self, terms: &[&Term]) -> Vec<usize> {
        let Some(narrowest) = terms.iter().min_by_key(|t| self.count_one(t)) else {
            return Vec::new();
        };
        let mut rows: Vec<usize> = columns(narrowest)
            .into_iter()
            .flat_map(|(i, prefix)| self.starting(i, prefix).iter().map(|row| *row as usize))
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows.retain(|row| terms.iter().all(|t| matches(&self.rows[*row], t)));
        rows
    }

    /// Estimated customers matching every term.
    pub(super) fn matches(&self, terms: &[&Term]) -> f64 {
        self.matching(terms).len() as f64 * self.scale
    }

    /// Sampled index entries a term's range holds (phone: in both indexes).
    fn count_one(&self, term: &Term) -> usize {
        columns(term)
            .into_iter()
            .map(|(i, prefix)| self.starting(i, prefix).len())
            .sum()
    }

    /// Estimated index entries in a term's range (at least half a sampled
    /// one's worth: none sampled still means some may match).
    pub(super) fn entries(&self, term: &Term) -> f64 {
        (self.count_one(term) as f64).max(0.5) * self.scale
    }

    /// Estimated index entries a whole read of a term's range holds;
    /// through an initial index, among the customers whose name starts
    /// with its letter.
    pub(super) fn whole_entries(&self, term: &Term, initial: Option<&Initial>) -> f64 {
        match initial {
            Some(initial) => {
                let key = term.1.first().map_or("", String::as_str);
                let within = Some((initial.column, initial.letter.as_str()));
                let n = self.keys_starting(term.0.column(), key, within).len();
                (n as f64).max(0.5) * self.scale
            }
            None => self.entries(term),
        }
    }

    /// Estimated index entries the leading term's ordered read passes
    /// before `limit` customers match every term: up to where, in the
    /// leading key's order, enough sampled customers matched (the matches
    /// of a pair bunch: "ch" logons sit among the "ch" first names, not
    /// all over the "c"s, and `jess` e-mails among the Jessicas, far into
    /// the "j"s); with fewer sampled matches than that, the lead's entries
    /// scaled by the most matches the sample's few plausibly stand for
    /// (the count plus two standard deviations, and one): a broad pair
    /// has a handful of sampled matches at best, and the way is tried
    /// first when it may well be the cheapest. Where enough matched, that
    /// density is not taken when lower: it would send `J` + `jess` down
    /// the "j"s (some 27,000 entries and 6 ms before the e-mail's 3,447
    /// won).
    pub(super) fn ordered_entries(&self, terms: &[&Term], limit: usize) -> f64 {
        let Some(lead) = terms.first() else {
            return 0.0;
        };
        let rows = self.matching(terms);
        let needed = ((limit as f64 / self.scale).ceil() as usize).max(1);
        let (column, prefix) = columns(lead)[0];
        let mut keys: Vec<&str> = rows
            .iter()
            .filter_map(|row| self.rows[*row][column].as_deref())
            .collect();
        keys.sort_unstable();
        match keys.get(needed - 1) {
            Some(last) => {
                let passed = self
                    .starting(column, prefix)
                    .partition_point(|r| self.key(*r, column) <= *last);
                (passed as f64 + 1.0) * self.scale
            }
            None => {
                let n = keys.len() as f64;
                let high = (n + 2.0 * n.sqrt() + 1.0) * self.scale;
                self.entries(lead) * (limit as f64 / high).min(1.0)
            }
        }
    }

    /// The sampled keys of a column (as [`SearchField::column`] names it,
    /// or `phone_national_key`) starting with `prefix`, sorted; with
    /// `within` (a column and a prefix), only those of customers whose key
    /// in that column starts with that prefix too.
    pub(super) fn keys_starting(
        &self,
        column: &str,
        prefix: &str,
        within: Option<(&str, &str)>,
    ) -> Vec<&str> {
        let position = |column: &str| SEARCH_KEYS.iter().position(|c| *c == column);
        let Some(i) = position(column) else {
            return Vec::new();
        };
        let within = within.map(|(column, prefix)| (position(column), prefix));
        self.starting(i, prefix)
            .iter()
            .filter(|r| match within {
                None => true,
                Some((None, _)) => false,
                Some((Some(j), prefix)) => self.key(**r, j).starts_with(prefix),
            })
            .map(|r| self.key(*r, i))
            .collect()
    }
}

/// Whether sampled keys match one term, as its SQL condition would.
fn matches(keys: &Keys, term: &Term) -> bool {
    columns(term).into_iter().any(|(i, prefix)| {
        keys[i]
            .as_deref()
            .is_some_and(|have| have.starts_with(prefix))
    })
}

/// Where the runs start: a small deterministic generator (xorshift64*),
/// since the sample needs spread, not secrecy, and the same database
/// should give the same plans every run.
fn run_starts(lo: i64, hi: i64) -> Vec<i64> {
    let span = (hi - lo + 1).max(1) as u64;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..RUNS)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            lo + (x.wrapping_mul(0x2545_F491_4F6C_DD1D) % span) as i64
        })
        .collect()
}

impl Store {
    /// The connection's sample, read on first use (on either backend: the
    /// PostgreSQL search chooses its way by it too, customer_search_pg.rs).
    pub(super) fn customer_sample(&self) -> Result<&CustomerSample, db::Error> {
        if let Some(sample) = self.customer_sample.get() {
            return Ok(sample);
        }
        let sql = self.sql();
        // Apart, so each reads one end of the table, not all of it.
        let range = sql.query_row(
            "SELECT (SELECT min(id) FROM customers), (SELECT max(id) FROM customers)",
            &[],
        )?;
        let (Some(lo), Some(hi)) = (range.get_opt_i64(0)?, range.get_opt_i64(1)?) else {
            return Ok(self.customer_sample.get_or_init(|| sample(Vec::new(), 1.0)));
        };
        let statement = format!(
            "SELECT {KEY_COLUMNS} FROM customers c
             LEFT JOIN business_accounts b ON b.id = c.account_id
             WHERE c.id >= ?1 AND c.id < ?2"
        );
        let mut rows: Vec<Keys> = Vec::new();
        let mut slots = 0;
        let mut starts = run_starts(lo, hi);
        starts.sort_unstable();
        // Runs that would overlap are cut short, so no one counts twice.
        let mut end = i64::MIN;
        for start in starts {
            let from = start.max(end);
            end = (start + RUN).min(hi + 1);
            if from >= end {
                continue;
            }
            slots += end - from;
            for row in sql.query(&statement, &[from.into(), end.into()])? {
                let mut keys: Keys = Default::default();
                for (i, key) in keys.iter_mut().enumerate() {
                    *key = row.get_opt_string(i)?;
                }
                rows.push(keys);
            }
        }
        // Each id slot read stands for its share of the whole id range
        // (ids no longer there count as read and empty).
        let scale = (hi - lo + 1) as f64 / slots.max(1) as f64;
        Ok(self.customer_sample.get_or_init(|| sample(rows, scale)))
    }
}

/// A sample of `rows`, each standing for `scale` customers.
pub(super) fn sample(rows: Vec<Keys>, scale: f64) -> CustomerSample {
    let mut sorted: [Vec<u32>; 8] = Default::default();
    for (i, column) in sorted.iter_mut().enumerate() {
        *column = (0..rows.len() as u32)
            .filter(|r| rows[*r as usize][i].is_some())
            .collect();
        column.sort_by(|a, b| rows[*a as usize][i].cmp(&rows[*b as usize][i]));
    }
    CustomerSample {
        rows,
        sorted,
        scale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// First names with e-mails made of them: the `jess` e-mails all sit
    /// among the Jessicas, after every other "j" in first-name order.
    fn jays() -> CustomerSample {
        let rows = [("jack", 300), ("james", 300), ("jessica", 20)]
            .into_iter()
            .flat_map(|(name, n)| std::iter::repeat_n(name, n))
            .map(|name| {
                let mut keys = Keys::default();
                keys[1] = Some(name.to_string());
                keys[3] = Some(format!("{name}@example.com"));
                keys
            })
            .collect();
        sample(rows, 2.0)
    }

    /// Where enough sampled customers match, the ordered read is expected
    /// to pass every entry before the last of them, however few matches
    /// that is for its range (620 sampled "j"s, 20 matches).
    #[test]
    fn an_ordered_read_passes_the_entries_before_its_bunched_matches() {
        let sample = jays();
        let first: Term = (SearchField::First, vec!["j".into()]);
        let email: Term = (SearchField::Email, vec!["jess".into()]);
        // 20 shown: the 10th sampled match, a Jessica after 600 others.
        let passed = sample.ordered_entries(&[&first, &email], 20);
        assert!((1_200.0..=1_242.0).contains(&passed), "{passed}");
        // Fewer sampled matches than the page needs: the range's entries
        // scaled by the most matches the sample plausibly stands for,
        // here fewer than 200 (20 sampled: 2 x (20 + 2 x 4.5 + 1) = 60),
        // so the whole range.
        let by_density = sample.ordered_entries(&[&first, &email], 200);
        assert_eq!(by_density, 1_240.0);
        // Matches at the range's start: the Jacks' run (a run of one key
        // counts whole), not the Jameses after it.
        let jack: Term = (SearchField::Email, vec!["jack".into()]);
        let early = sample.ordered_entries(&[&first, &jack], 20);
        assert!((600.0..=602.0).contains(&early), "{early}");
    }
}

//! A search on two or more fields, answered by reading several indexes in
//! turns.
//!
//! Each filled field's index can answer it alone: the leading field's (the
//! first in result order) read in result order, stopping at the limit, or
//! any other field's read whole (its matches filtered by the others inside
//! the index, then sorted). Which is cheapest depends on how the fields
//! overlap, which no count of one field tells: "s" + "smith" is cheap read
//! by the lead, "s" + a rare postal code by the postal code. So each way's
//! key range is cut into chunks of about [`CHUNK`] index entries (the cuts
//! taken from the sample's keys, customer_sample.rs), each chunk one
//! statement run that returns only matches. After every chunk the way
//! expected to finish soonest runs the next one: expected from the sample
//! at first, then from what each way met so far. The first to finish gives
//! the ids; a wrong estimate costs chunks, never a wrong row.

use super::customer_sample::CustomerSample;
use super::customers::{initial_for, prefix_end, push_range, SearchField, Term};
use super::Store;
use rusqlite::types::ValueRef;
use rusqlite::{params_from_iter, CachedStatement};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Index entries a chunk holds, about: SQLite checks one in some 50-100 ns
/// at a million customers, so a chunk is a few tenths of a millisecond,
/// and a wrong start costs little more than the chunks it ran.
const CHUNK: f64 = 3_000.0;

/// Seconds per index entry each kind of way takes, about: before a
/// connection's first race, 60 ns an ordered read and twice that a whole
/// read (it sorts); after, what the connection's races measured.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pace {
    ordered: f64,
    whole: f64,
}

impl Default for Pace {
    fn default() -> Pace {
        Pace {
            ordered: 60e-9,
            whole: 120e-9,
        }
    }
}

impl Pace {
    /// `self` moved towards the pace of a way of kind `way` that read
    /// `read` entries (estimated) in `spent`, by the share `read` has of
    /// `read` + [`LEARN_ENTRIES`]: a way of 5,000 entries moves it a fifth
    /// of the way, a chunk of a few dozen next to nothing (its statement's
    /// own cost, some 30 µs, would count as 1 µs an entry).
    fn learn(self, way: Way, read: f64, spent: Duration) -> Pace {
        if read <= 0.0 {
            return self;
        }
        let measured = spent.as_secs_f64() / read;
        let share = read / (read + LEARN_ENTRIES);
        let blend = |old: f64| (1.0 - share) * old + share * measured;
        match way {
            Way::Ordered => Pace {
                ordered: blend(self.ordered),
                ..self
            },
            Way::Whole(_) => Pace {
                whole: blend(self.whole),
                ..self
            },
        }
    }
}

/// Another way takes over once it expects to finish in less than this
/// share of what the running one still expects to read.
const SWITCH: f64 = 0.75;

/// Entries a connection's pace counts as having read already, against
/// which a race's measure weighs (see [`Pace::learn`]).
const LEARN_ENTRIES: f64 = 20_000.0;

/// Entries a way's prior pace counts as having read before its first
/// chunk, against which what its chunks take weighs: the first chunk of a
/// phone's key that no customer has (31 entries estimated) took 100 µs,
/// the statement's own cost, and alone made its way look 3 µs an entry.
const PRIOR_ENTRIES: f64 = 1_000.0;

/// A bound above every stored key (they are ASCII).
const ANY_KEY: &str = "\u{10FFFF}";

/// A way to answer: the leading field's index in result order, or another
/// field's index read whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    Ordered,
    Whole(SearchField),
}

/// One column of the result order as SQLite's BINARY collation sorts it
/// (NULL, then integers, then text by bytes).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Null,
    Int(i64),
    Text(Vec<u8>),
}

impl Key {
    fn of(v: ValueRef<'_>) -> Key {
        match v {
            ValueRef::Integer(i) => Key::Int(i),
            ValueRef::Text(t) | ValueRef::Blob(t) => Key::Text(t.to_vec()),
            ValueRef::Null | ValueRef::Real(_) => Key::Null,
        }
    }
}

/// One index a way reads: its statement (the driving field's condition
/// first, its two placeholders the chunk's bounds; a whole read's ?3 the
/// bound on the leading key; then the other fields' filters) and its
/// chunks.
struct Read {
    sql: String,
    chunks: Vec<Chunk>,
}

/// A stretch `from..to` of a read's key range.
struct Chunk {
    from: String,
    to: String,
    /// Estimated index entries.
    entries: f64,
}

/// The chunks of the keys starting with `prefix` in a key column, cut
/// about every `chunk / scale` sampled keys (`chunk` entries each, about).
/// A chunk ends where a key begins, so every entry of a key falls in one
/// chunk: many customers share a first name, and a chunk holds all of its
/// name's entries however many that is. Each chunk's estimate counts the
/// sampled keys inside it (a cut at the `n`-th sampled key would count
/// `n`, though that key's run may start well before: "j".."jack" holds no
/// Jack and next to no entries, and a chunk that seems to read 3,000
/// entries in 30 µs makes its way look fast).
fn chunks(
    sample: &CustomerSample,
    chunk: f64,
    column: &str,
    prefix: &str,
    within: Option<(&str, &str)>,
) -> Vec<Chunk> {
    let keys = sample.keys_starting(column, prefix, within);
    let per = ((chunk / sample.scale).ceil() as usize).max(1);
    let mut out = Vec::new();
    let (mut start, mut start_at) = (prefix.to_string(), 0);
    while let Some(cut) = keys.get(start_at + per) {
        // The chunk ends where the cut key's run begins or where it ends,
        // whichever is nearer `per` keys (after the run when the run
        // begins the chunk).
        let (before, after) = (
            keys.partition_point(|k| k < cut),
            keys.partition_point(|k| k <= cut),
        );
        let target = start_at + per;
        let end = if before > start_at && target - before <= after - target {
            before
        } else {
            after
        };
        let Some(to) = keys.get(end) else {
            break;
        };
        out.push(Chunk {
            from: std::mem::replace(&mut start, to.to_string()),
            to: to.to_string(),
            entries: (end - start_at) as f64 * sample.scale,
        });
        start_at = end;
    }
    out.push(Chunk {
        from: start,
        to: prefix_end(prefix),
        entries: ((keys.len() - start_at) as f64).max(0.5) * sample.scale,
    });
    out
}

/// The reads of one way, with the arguments of its filters.
fn reads(
    sample: &CustomerSample,
    terms: &[Term],
    way: Way,
    limit: usize,
    chunk: f64,
) -> (Vec<Read>, Vec<String>) {
    let lead = terms[0].0;
    let driver = match way {
        Way::Ordered => lead,
        Way::Whole(f) => f,
    };
    let mut filter_args = Vec::new();
    let mut filters = terms
        .iter()
        .filter(|(f, _)| *f != driver)
        .map(|(f, keys)| {
            push_range(keys, &mut filter_args);
            f.filter()
        })
        .collect::<Vec<_>>();
    // Read whole through an initial index: only where the name starts
    // with the typed one's letter.
    let initial = match way {
        Way::Whole(_) => initial_for(terms, driver),
        Way::Ordered => None,
    };
    if let Some(initial) = &initial {
        filters.push(initial.condition());
        filter_args.push(initial.letter.clone());
    }
    let filters = filters.join(") AND (");
    let order = lead
        .order()
        .iter()
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    // A whole read's chunk gives only its first `limit` in result order
    // (SQLite keeps those while it reads): the rest of a chunk can't be
    // among the answer's.
    // Once `limit` are found, an entry whose leading key sorts after the
    // last of them can't be among the answer's either (?3).
    let (columns, bound, order_by) = match way {
        Way::Ordered => (String::new(), String::new(), format!("ORDER BY {order}")),
        Way::Whole(_) => (
            format!(", {order}"),
            format!(" AND +c.{} <= ?3", lead.column()),
            format!("ORDER BY {order} LIMIT {limit}"),
        ),
    };
    let term = terms.iter().find(|(f, _)| *f == driver);
    let keys = term.map(|(_, k)| k.as_slice()).unwrap_or_default();
    let read = |index: &str, condition: &str, chunks: Vec<Chunk>| Read {
        sql: format!(
            "SELECT c.id{columns} FROM customers c INDEXED BY {index}
             WHERE {condition}{bound} AND ({filters}) {order_by}"
        ),
        chunks,
    };
    // The phone's two keys, each over its own index (its condition is the
    // OR of both).
    let key_range = |column: &str, key: &str| {
        let index = format!("customers_{column}");
        let condition = format!("c.{column} >= ? AND c.{column} < ?");
        read(&index, &condition, chunks(sample, chunk, column, key, None))
    };
    let reads = match driver {
        // Its two indexes over their own keys, one after the other (an id
        // may come from both); a key the typed number does not ask for
        // matches nothing and is not read.
        SearchField::Phone => ["phone_key", "phone_national_key"]
            .iter()
            .zip(keys)
            .filter(|(_, key)| key.is_ascii())
            .map(|(column, key)| key_range(column, key))
            .collect(),
        // The members of every account whose name matches, in one chunk.
        SearchField::Account => {
            let key = keys.first().map_or("", String::as_str);
            vec![read(
                driver.index(),
                driver.condition(),
                vec![Chunk {
                    from: key.to_string(),
                    to: prefix_end(key),
                    entries: term.map_or(0.0, |t| sample.entries(t)),
                }],
            )]
        }
        f => {
            let key = keys.first().map_or("", String::as_str);
            let (index, within) = match &initial {
                Some(initial) => (
                    initial.index,
                    Some((initial.column, initial.letter.as_str())),
                ),
                None => (f.index(), None),
            };
            vec![read(
                index,
                f.condition(),
                chunks(sample, chunk, f.column(), key, within),
            )]
        }
    };
    (reads, filter_args)
}

/// One way under way: its statements, the next chunk, and what it found.
struct Runner<'c> {
    way: Way,
    stmts: Vec<CachedStatement<'c>>,
    chunks: Vec<(usize, Chunk)>,
    next: usize,
    /// Estimated entries of the chunks run, and the time they took.
    read: f64,
    /// The last chunk's estimated entries and the matches it added.
    last_read: f64,
    last_found: usize,
    spent: Duration,
    /// The entries and time of the chunks read through, what the pace is
    /// learnt from: an ordered read stops inside its last chunk once it
    /// has `limit`, having read an unknown part of it.
    through: (f64, Duration),
    filter_args: Vec<String>,
    /// Ordered: matching ids in result order.
    ids: Vec<i64>,
    /// Whole: matching ids with their result order, to sort at the end.
    keyed: Vec<(Vec<Key>, i64)>,
    seen: HashSet<i64>,
}

impl<'c> Runner<'c> {
    fn new(
        way: Way,
        stmts: Vec<CachedStatement<'c>>,
        chunks: Vec<(usize, Chunk)>,
        filter_args: Vec<String>,
    ) -> Runner<'c> {
        Runner {
            way,
            stmts,
            chunks,
            next: 0,
            read: 0.0,
            last_read: 0.0,
            last_found: 0,
            spent: Duration::ZERO,
            through: (0.0, Duration::ZERO),
            filter_args,
            ids: Vec::new(),
            keyed: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// Counts `took`, the time of the step just run; the pace is learnt
    /// from it only if the step read its chunks through.
    fn count(&mut self, took: Duration, limit: usize) {
        self.spent += took;
        if !(self.way == Way::Ordered && self.ids.len() >= limit) {
            self.through.0 += self.last_read;
            self.through.1 += took;
        }
    }

    /// Runs the next `span` chunks of one read as one statement; true once
    /// this way has the answer.
    fn step(&mut self, limit: usize, span: usize) -> rusqlite::Result<bool> {
        let Some((read, first)) = self.chunks.get(self.next) else {
            return Ok(true);
        };
        let run = self.chunks[self.next..]
            .iter()
            .take(span.max(1))
            .take_while(|(r, _)| r == read)
            .collect::<Vec<_>>();
        let to = run.last().map_or(first.to.as_str(), |(_, c)| c.to.as_str());
        let entries: f64 = run.iter().map(|(_, c)| c.entries).sum();
        self.next += run.len();
        self.read += entries;
        self.last_read = entries;
        let found_before = self.ids.len();
        let bound = match self.way {
            Way::Whole(_) => Some(self.bound(limit)),
            Way::Ordered => None,
        };
        let mut args = vec![first.from.as_str(), to];
        args.extend(bound.as_deref());
        args.extend(self.filter_args.iter().map(String::as_str));
        let mut rows = self.stmts[*read].query(params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            match self.way {
                Way::Ordered => {
                    self.ids.push(id);
                    if self.ids.len() >= limit {
                        return Ok(true);
                    }
                }
                Way::Whole(_) => {
                    if self.seen.insert(id) {
                        let width = r.as_ref().column_count();
                        let key = (1..width)
                            .map(|i| r.get_ref(i).map(Key::of))
                            .collect::<rusqlite::Result<Vec<_>>>()?;
                        self.keyed.push((key, id));
                    }
                }
            }
        }
        self.last_found = self.ids.len() - found_before;
        self.keyed.sort_unstable();
        self.keyed.truncate(limit);
        Ok(self.next >= self.chunks.len())
    }

    /// The greatest leading key a whole read's next match may have: the
    /// `limit`-th kept one's once that many are kept (kept sorted), else
    /// any.
    fn bound(&self, limit: usize) -> String {
        match self
            .keyed
            .get(limit.wrapping_sub(1))
            .and_then(|(k, _)| k.first())
        {
            Some(Key::Text(t)) => String::from_utf8_lossy(t).into_owned(),
            _ => ANY_KEY.to_string(),
        }
    }

    /// The time this way still takes, expected: the entries it still reads
    /// at the pace it has kept so far, weighed against the pace of its
    /// kind of way (`prior`) as if that had read [`PRIOR_ENTRIES`].
    fn remaining(&self, limit: usize, ordered: f64, prior: Pace) -> f64 {
        let prior = match self.way {
            Way::Ordered => prior.ordered,
            Way::Whole(_) => prior.whole,
        };
        let pace = (self.spent.as_secs_f64() + PRIOR_ENTRIES * prior) / (self.read + PRIOR_ENTRIES);
        self.entries_to_read(limit, ordered) * pace
    }

    /// Estimated index entries this way still reads; `ordered` is the
    /// sample's estimate for the whole ordered read.
    fn entries_to_read(&self, limit: usize, ordered: f64) -> f64 {
        let left = self.entries_left();
        match self.way {
            Way::Whole(_) => left,
            Way::Ordered => match self.ids.len() {
                0 => (ordered - self.read).max(self.read).min(left),
                // Matches bunch: the last chunk's density says as much
                // about the next as all chunks' together, so half each.
                found => {
                    let all = found as f64 / self.read;
                    let last = self.last_found as f64 / self.last_read.max(1.0);
                    ((limit - found) as f64 / ((all + last) / 2.0)).min(left)
                }
            },
        }
    }

    /// Estimated index entries of the chunks not run yet.
    fn entries_left(&self) -> f64 {
        self.chunks[self.next.min(self.chunks.len())..]
            .iter()
            .map(|(_, c)| c.entries)
            .sum()
    }

    /// The answer's ids in result order, at most `limit`.
    fn answer(mut self, limit: usize) -> Vec<i64> {
        match self.way {
            Way::Ordered => self.ids,
            Way::Whole(_) => {
                self.keyed.sort_unstable();
                self.keyed.truncate(limit);
                self.keyed.into_iter().map(|(_, id)| id).collect()
            }
        }
    }
}

impl Store {
    /// The ids (in result order, at most `limit`) of customers matching
    /// every term; `terms` has two or more, and the leading one is not the
    /// phone (whose result order merges its two keys).
    pub(super) fn race(&self, terms: &[Term], limit: usize) -> rusqlite::Result<Vec<i64>> {
        self.race_in_chunks(terms, limit, CHUNK)
    }

    /// [`Store::race`] with chunks of about `chunk` entries.
    fn race_in_chunks(
        &self,
        terms: &[Term],
        limit: usize,
        chunk: f64,
    ) -> rusqlite::Result<Vec<i64>> {
        let sample = self.customer_sample()?;
        let prior = self.race_pace.get();
        let all: Vec<&Term> = terms.iter().collect();
        let ordered = sample.ordered_entries(&all, limit);
        let mut runners = Vec::with_capacity(terms.len());
        for (i, term) in terms.iter().enumerate() {
            let way = if i == 0 {
                Way::Ordered
            } else {
                Way::Whole(term.0)
            };
            let (reads, filter_args) = reads(sample, terms, way, limit, chunk);
            let mut stmts = Vec::with_capacity(reads.len());
            let mut chunks = Vec::new();
            for (r, read) in reads.into_iter().enumerate() {
                stmts.push(
                    self.sqlite("the customer search")?
                        .prepare_cached(&read.sql)?,
                );
                chunks.extend(read.chunks.into_iter().map(|c| (r, c)));
            }
            runners.push(Runner::new(way, stmts, chunks, filter_args));
        }
        // After every chunk, the way expected to finish soonest from here
        // runs the next: expected from the entries it still reads (a whole
        // read: those left in its range; the ordered read: by the density
        // of matches it met so far, or before the first, by the sample's
        // estimate and at least what it has read, which grows while it
        // finds nothing) at the pace it kept. A way keeps its turn unless
        // another is clearly closer, so near ties don't alternate.
        let mut current = (0..runners.len())
            .min_by(|a, b| {
                let at = |i: usize| runners[i].remaining(limit, ordered, prior);
                at(*a).total_cmp(&at(*b))
            })
            .unwrap_or(0);
        // A way that keeps its turn reads twice as many chunks each time
        // (up to 16): fewer statements once the race has settled.
        let mut streak = 0;
        loop {
            let began = Instant::now();
            let done = runners[current].step(limit, 1 << streak.min(4))?;
            runners[current].count(began.elapsed(), limit);
            if done {
                let learnt = runners
                    .iter()
                    .fold(prior, |p, r| p.learn(r.way, r.through.0, r.through.1));
                self.race_pace.set(learnt);
                return Ok(runners.swap_remove(current).answer(limit));
            }
            let remaining: Vec<f64> = runners
                .iter()
                .map(|r| r.remaining(limit, ordered, prior))
                .collect();
            let closest = (0..runners.len())
                .min_by(|a, b| remaining[*a].total_cmp(&remaining[*b]))
                .unwrap_or(current);
            if remaining[closest] < SWITCH * remaining[current] {
                current = closest;
                streak = 0;
            } else {
                streak += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::customers::{customer_search_sql, search_terms, CustomerQuery};

    /// The ids the plain statement gives for `q` (the leading field's index
    /// in result order).
    fn by_statement(store: &Store, q: &CustomerQuery, limit: usize) -> Vec<i64> {
        let (sql, args) = customer_search_sql(q, limit);
        store
            .sqlite("the test")
            .expect("an SQLite store")
            .prepare(&sql)
            .unwrap()
            .query_map(params_from_iter(args.iter()), |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// First names come from a pool, so the sample holds long runs of one
    /// name: each chunk's estimate is the sampled keys inside it, a run is
    /// never split, and the chunks cover the prefix's range end to end.
    #[test]
    fn chunks_count_the_sampled_keys_they_hold() {
        let names = [
            ("jack", 70),
            ("jacob", 3),
            ("jade", 30),
            ("james", 45),
            ("jane", 2),
        ];
        let rows = names
            .iter()
            .flat_map(|(name, n)| std::iter::repeat_n(*name, *n))
            .map(|name| {
                let mut keys = crate::store::customer_sample::Keys::default();
                keys[1] = Some(name.to_string());
                keys
            })
            .collect();
        let sample = crate::store::customer_sample::sample(rows, 2.0);
        let cut = chunks(&sample, 40.0, "first_key", "j", None);
        let held = |c: &Chunk| {
            names
                .iter()
                .filter(|(name, _)| c.from.as_str() <= *name && *name < c.to.as_str())
                .map(|(_, n)| *n as f64 * 2.0)
                .sum::<f64>()
        };
        for c in &cut {
            assert_eq!(c.entries, held(c), "{}..{}", c.from, c.to);
        }
        let bounds: Vec<(&str, &str)> = cut
            .iter()
            .map(|c| (c.from.as_str(), c.to.as_str()))
            .collect();
        assert_eq!(
            bounds,
            [
                ("j", "jacob"),
                ("jacob", "james"),
                ("james", "jane"),
                ("jane", prefix_end("j").as_str())
            ]
        );
    }

    /// A connection's races start from the paces its earlier races met,
    /// each race moving them by the share of the entries it read; a way
    /// that read nothing teaches nothing, one that read a few dozen next
    /// to nothing.
    #[test]
    fn races_learn_their_pace() {
        let start = Pace::default();
        let whole = start.learn(
            Way::Whole(SearchField::Phone),
            5_000.0,
            Duration::from_micros(3_100),
        );
        assert!(
            (whole.whole - (0.8 * 120e-9 + 0.2 * 620e-9)).abs() < 1e-15,
            "{whole:?}"
        );
        assert_eq!(whole.ordered, start.ordered);
        let ordered = whole.learn(Way::Ordered, 20_000.0, Duration::from_micros(5_000));
        assert!(
            (ordered.ordered - (0.5 * 60e-9 + 0.5 * 250e-9)).abs() < 1e-15,
            "{ordered:?}"
        );
        assert_eq!(ordered.whole, whole.whole);
        let idle = ordered.learn(Way::Ordered, 0.0, Duration::ZERO);
        assert_eq!((idle.ordered, idle.whole), (ordered.ordered, ordered.whole));
        // A chunk of 31 entries that took its statement's 100 µs.
        let tiny = ordered.learn(
            Way::Whole(SearchField::Phone),
            31.0,
            Duration::from_micros(100),
        );
        assert!(tiny.whole < 1.05 * ordered.whole, "{tiny:?}");
    }

    fn chunk(entries: f64) -> (usize, Chunk) {
        let (from, to) = (String::new(), String::new());
        (0, Chunk { from, to, entries })
    }

    /// A way's first chunk that held next to nothing and took its
    /// statement's own time does not make the rest of its range look slow.
    #[test]
    fn a_tiny_chunk_does_not_make_its_way_look_slow() {
        let mut way = Runner::new(
            Way::Whole(SearchField::Phone),
            Vec::new(),
            vec![chunk(31.0), chunk(9_632.0)],
            Vec::new(),
        );
        (way.next, way.read, way.last_read) = (1, 31.0, 31.0);
        way.count(Duration::from_micros(100), 201);
        let prior = Pace::default();
        let expected = way.remaining(201, 0.0, prior);
        assert!(expected < 2.0 * 9_632.0 * prior.whole, "{expected}");
        assert!(expected > 9_632.0 * prior.whole, "{expected}");
    }

    /// An ordered read that stops at the limit inside its chunk read an
    /// unknown part of it: the pace learns only from the chunks before.
    #[test]
    fn an_ordered_read_teaches_only_the_chunks_it_read_through() {
        let mut way = Runner::new(
            Way::Ordered,
            Vec::new(),
            vec![chunk(3_000.0), chunk(40_000.0)],
            Vec::new(),
        );
        way.last_read = 3_000.0;
        way.ids = vec![1; 50];
        way.count(Duration::from_micros(600), 201);
        way.last_read = 40_000.0;
        way.ids = vec![1; 201];
        way.count(Duration::from_micros(400), 201);
        assert_eq!(way.through, (3_000.0, Duration::from_micros(600)));
        assert_eq!(way.spent, Duration::from_micros(1_000));
    }

    /// Every way meets rows whose filtered column is empty (a guest has no
    /// logon, most customers no account): no match, never an error, and
    /// the statement's rows.
    #[test]
    fn the_race_passes_over_empty_columns() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) =
            Store::open(&dir.path().join("t.db"), std::time::Duration::from_secs(5))
                .map_err(|e| e.to_string())
                .unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        store.load_demo(today).unwrap();
        store.sqlite("the test").expect("an SQLite store")
            .execute(
                "INSERT INTO customers (first_name, last_name, first_key, last_key, currency, is_guest,
                    created_at, updated_at)
                 VALUES ('Gus', 'Smith', 'gus', 'smith', 'USD', 1, '2026-01-01', '2026-01-01')",
                [],
            )
            .unwrap();
        for q in [
            CustomerQuery {
                last_name: "smith".into(),
                logon: "j".into(),
                ..Default::default()
            },
            CustomerQuery {
                last_name: "j".into(),
                account: "acme".into(),
                ..Default::default()
            },
        ] {
            let expected = by_statement(&store, &q, 201);
            assert!(!expected.is_empty(), "{q:?}");
            assert_eq!(
                store.race(&search_terms(&q), 201).unwrap(),
                expected,
                "{q:?}"
            );
        }
        // The races were timed, and the connection keeps what they met.
        let (met, first) = (store.race_pace.get(), Pace::default());
        assert!(
            met.ordered != first.ordered || met.whole != first.whole,
            "{met:?}"
        );
    }

    /// With chunks of some 40 entries every way runs many chunks, the ways
    /// take turns, whole reads bound their chunks by the rows kept and the
    /// phone reads both its indexes: the ids stay the statement's.
    #[test]
    fn small_chunks_give_the_statements_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let (mut store, _) = Store::open(&path, std::time::Duration::from_secs(5))
            .map_err(|e| e.to_string())
            .unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        store.load_demo(today).unwrap();
        store.generate(4_000, 0, today, &mut |_, _| {}).unwrap();
        let prefixes = [
            "a", "b", "c", "j", "m", "s", "ma", "jo", "sm", "1", "44", "0", "2",
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        let (mut compared, mut long) = (0, 0);
        for round in 0..300 {
            let mut pick = || prefixes[rng.usize(..prefixes.len())].to_string();
            let mut q = CustomerQuery {
                last_name: pick(),
                first_name: pick(),
                email: pick(),
                phone: pick(),
                postal: pick(),
                logon: pick(),
                account: String::new(),
            };
            // Two or three of the fields, whichever.
            let keep = [round % 6, (round / 6) % 6, (round / 36) % 6];
            for (i, field) in [
                &mut q.last_name,
                &mut q.first_name,
                &mut q.email,
                &mut q.phone,
                &mut q.postal,
                &mut q.logon,
            ]
            .into_iter()
            .enumerate()
            {
                if !keep[..2 + round % 2].contains(&i) {
                    field.clear();
                }
            }
            let terms = search_terms(&q);
            if terms.len() < 2 || terms[0].0 == SearchField::Phone {
                continue;
            }
            let limit = if round % 2 == 0 { 5 } else { 201 };
            let want = by_statement(&store, &q, limit);
            let got = store.race_in_chunks(&terms, limit, 40.0).unwrap();
            assert_eq!(got, want, "{q:?} limit {limit}");
            compared += 1;
            long += usize::from(want.len() == limit);
        }
        assert!(compared > 150, "{compared} compared");
        assert!(long > 20, "{long} filled the limit");
    }
}

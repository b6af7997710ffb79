//! Customers: search on folded keys, and loading one for an order.

use super::customer_sample::CustomerSample;
use super::Store;
use crate::domain::money::Currency;
use crate::domain::order::SavedAddress;
use crate::domain::search_keys::{name_key, phone_query, postal_key};
use crate::domain::text::{clean_owned, fold};
use rusqlite::{params_from_iter, Row};
use std::collections::HashMap;
use std::str::FromStr;

/// The seven search fields of the find screen; empty ones are ignored, the
/// rest combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    pub logon: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    pub postal: String,
    pub account: String,
}

impl CustomerQuery {
    pub fn is_empty(&self) -> bool {
        [
            &self.logon,
            &self.first_name,
            &self.last_name,
            &self.phone,
            &self.email,
            &self.postal,
            &self.account,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// One row of the find screen's result list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    pub id: i64,
    pub logon_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    pub city: String,
    pub postal_code: String,
    pub account: Option<String>,
    pub guest: bool,
    /// A disabled customer is shown as such (and may not order).
    pub enabled: bool,
}

/// Upper bound of a prefix range: every key starting with `prefix` sorts
/// below it (keys are folded ASCII or digits).
pub(super) fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// The columns of a result row, on both backends; the query they finish
/// has `customers c` in scope. The city and postal code are the
/// customer's copy of them (customer_shown.rs). The account's name is a
/// subquery, run only for a customer who has an account: as a join,
/// PostgreSQL hashed every account for each search (0.7 ms of a 1.9 ms
/// last-name search on the development machine).
pub(super) const ROW_COLUMNS: &str =
    "c.id, c.logon_id, c.first_name, c.last_name, c.phone, c.email,
        c.shipping_city, c.shipping_postal_code,
        (SELECT b.name FROM business_accounts b WHERE b.id = c.account_id), c.is_guest, c.enabled";

pub(super) fn customer_row(r: &Row) -> rusqlite::Result<CustomerRow> {
    Ok(CustomerRow {
        id: r.get(0)?,
        logon_id: r.get::<_, Option<String>>(1)?.map(clean_owned),
        first_name: clean_owned(r.get(2)?),
        last_name: clean_owned(r.get(3)?),
        phone: clean_owned(r.get(4)?),
        email: clean_owned(r.get(5)?),
        city: clean_owned(r.get(6)?),
        postal_code: clean_owned(r.get(7)?),
        account: r.get::<_, Option<String>>(8)?.map(clean_owned),
        guest: r.get(9)?,
        enabled: r.get(10)?,
    })
}

/// How a search is answered: by a statement, or by the ids (in result
/// order) its first read already found.
enum Plan {
    Sql(String, Vec<String>),
    Found(Vec<i64>),
}

/// One filled search field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    Last,
    First,
    Logon,
    Email,
    Postal,
    Phone,
    Account,
}

/// Every search key of `customers`, in the order the covering search indexes
/// (schema.sql) carry them after their own leading key.
pub(super) const SEARCH_KEYS: [&str; 8] = [
    "last_key",
    "first_key",
    "logon_key",
    "email_key",
    "postal_key",
    "phone_key",
    "phone_national_key",
    "account_id",
];

/// A field whose index range holds fewer entries than this (by the
/// sample's estimate, each match counted [`MATCH_COST`] times) drives a
/// search alone, read whole in one statement: about a millisecond at
/// most, which racing the other ways would spend deciding.
pub(super) const FEW_ENTRIES: f64 = 6_000.0;

/// What a match costs a whole read, in entries passed over: it is read,
/// then sorted (some 0.7 µs against 0.23 µs here). Through an initial
/// index nearly every entry of a one-letter name's search matches: "G"
/// with postal code "1", some 5,000 entries, took 6 ms read whole and 1.5
/// ms in the last name's order.
pub(super) const MATCH_COST: f64 = 3.0;

/// The field whose range (through its initial index, where a name it
/// pairs with is typed) the sample expects to be small enough to read
/// whole and sort, matches and all, below [`FEW_ENTRIES`]; None when
/// every field's is larger. SQLite answers such a search by that range
/// alone, without racing.
pub(super) fn few_driver(sample: &CustomerSample, terms: &[Term]) -> Option<SearchField> {
    let (driver, entries) = terms
        .iter()
        .map(|term| {
            (
                term.0,
                sample.whole_entries(term, initial_for(terms, term.0).as_ref()),
            )
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    // The matches only count once the range is small enough: a broad
    // search races without estimating them twice.
    let few = entries < FEW_ENTRIES && {
        let all: Vec<&Term> = terms.iter().collect();
        entries + (MATCH_COST - 1.0) * sample.matches(&all) < FEW_ENTRIES
    };
    few.then_some(driver)
}

impl SearchField {
    /// The condition on `customers c`, with two placeholders (from, to);
    /// phone has four (the same range twice).
    pub(super) fn condition(self) -> &'static str {
        match self {
            SearchField::Last => "c.last_key >= ? AND c.last_key < ?",
            SearchField::First => "c.first_key >= ? AND c.first_key < ?",
            SearchField::Logon => "c.logon_key >= ? AND c.logon_key < ?",
            SearchField::Email => "c.email_key >= ? AND c.email_key < ?",
            SearchField::Postal => "c.postal_key >= ? AND c.postal_key < ?",
            SearchField::Phone => {
                "((c.phone_key >= ? AND c.phone_key < ?) OR (c.phone_national_key >= ? AND c.phone_national_key < ?))"
            }
            SearchField::Account => {
                "c.account_id IN (SELECT id FROM business_accounts WHERE name_key >= ? AND name_key < ?)"
            }
        }
    }

    /// The condition as a filter only: `+` keeps its columns from steering
    /// the choice of index (SQLite would otherwise skip-scan the driver's
    /// index over every distinct leading key), while the check still runs
    /// on the index entry.
    pub(super) fn filter(self) -> String {
        self.condition().replace("c.", "+c.")
    }

    /// The column the field's index leads with (phone: the full number's).
    pub(super) fn column(self) -> &'static str {
        match self {
            SearchField::Last => "last_key",
            SearchField::First => "first_key",
            SearchField::Logon => "logon_key",
            SearchField::Email => "email_key",
            SearchField::Postal => "postal_key",
            SearchField::Phone => "phone_key",
            SearchField::Account => "account_id",
        }
    }

    /// The covering index that leads with this field's key.
    pub(super) fn index(self) -> &'static str {
        match self {
            SearchField::Last => "customers_last_key",
            SearchField::First => "customers_first_key",
            SearchField::Logon => "customers_logon_key",
            SearchField::Email => "customers_email_key",
            SearchField::Postal => "customers_postal_key",
            SearchField::Phone => "customers_phone_key",
            SearchField::Account => "customers_account",
        }
    }

    /// The result order when this field leads: the columns of its index and
    /// then the rowid, so that index is read in result order and the scan
    /// stops at the limit. Account lists its members by name.
    pub(super) fn order(self) -> Vec<&'static str> {
        let lead = match self {
            SearchField::Account => "last_key",
            f => f.column(),
        };
        let mut cols = vec![lead];
        cols.extend(SEARCH_KEYS.iter().copied().filter(|c| *c != lead));
        cols.push("id");
        cols
    }
}

/// A filled field and its keys (one per range of its condition).
pub(super) type Term = (SearchField, Vec<String>);

/// Indexes that read a field's range whole only among the customers
/// whose name or e-mail address (another field typed) starts with the
/// typed one's first letter: the field read, the other field, the index
/// (migrations 9, 11 and 12). "K" and "k" are some 1,500 customers of a
/// million, not 40,000.
const INITIAL_INDEXES: [(SearchField, SearchField, &str); 5] = [
    (
        SearchField::First,
        SearchField::Last,
        "customers_last_initial_first",
    ),
    (
        SearchField::Postal,
        SearchField::Last,
        "customers_last_initial_postal",
    ),
    (
        SearchField::Postal,
        SearchField::First,
        "customers_first_initial_postal",
    ),
    (
        SearchField::Postal,
        SearchField::Email,
        "customers_email_initial_postal",
    ),
    (
        SearchField::Email,
        SearchField::First,
        "customers_first_initial_email",
    ),
];

/// Where a whole read of one field's range reads, when a field it pairs
/// with in [`INITIAL_INDEXES`] (a name or the e-mail address) is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Initial {
    pub index: &'static str,
    /// The paired field's key column.
    pub column: &'static str,
    /// The first letter typed in it.
    pub letter: String,
}

impl Initial {
    /// The condition that picks the customers, the letter its placeholder.
    pub fn condition(&self) -> String {
        format!("substr(c.{}, 1, 1) = ?", self.column)
    }
}

/// The initial index `driver`'s range is read whole through, if the
/// search has a field it pairs with (the first such field in
/// [`INITIAL_INDEXES`]).
pub(super) fn initial_for(terms: &[Term], driver: SearchField) -> Option<Initial> {
    INITIAL_INDEXES
        .iter()
        .filter(|(read, _, _)| *read == driver)
        .find_map(|&(_, name, index)| {
            let (_, keys) = terms.iter().find(|(f, _)| *f == name)?;
            let letter = keys.first()?.chars().next()?;
            Some(Initial {
                index,
                column: name.column(),
                letter: letter.to_string(),
            })
        })
}

/// A key that no stored key starts with (they are ASCII): the phone range a
/// typed number does not ask for.
const NO_KEY: &str = "\u{10FFFF}";

/// The filled fields of `q` with their keys, in the order that decides the
/// result order: last name, first name, logon, e-mail, postal code, phone,
/// account. Each field has one key per range of its condition: phone has
/// the international and the national key ([`NO_KEY`] for the one the
/// typed number does not ask for).
pub(super) fn search_terms(q: &CustomerQuery) -> Vec<Term> {
    let phone = phone_query(&q.phone);
    let phone = match (phone.international, phone.national) {
        (None, None) => Vec::new(),
        (i, n) => vec![
            i.unwrap_or_else(|| NO_KEY.into()),
            n.unwrap_or_else(|| NO_KEY.into()),
        ],
    };
    let one = |k: String| if k.is_empty() { Vec::new() } else { vec![k] };
    [
        (SearchField::Last, one(name_key(&q.last_name))),
        (SearchField::First, one(name_key(&q.first_name))),
        (SearchField::Logon, one(fold(&q.logon))),
        (SearchField::Email, one(fold(&q.email))),
        (SearchField::Postal, one(postal_key(&q.postal))),
        (SearchField::Phone, phone),
        (SearchField::Account, one(fold(&q.account))),
    ]
    .into_iter()
    .filter(|(_, keys)| !keys.is_empty())
    .collect()
}

/// The arguments of a field's condition: a (from, to) pair per key.
pub(super) fn push_range(keys: &[String], args: &mut Vec<String>) {
    for key in keys {
        args.push(key.clone());
        args.push(prefix_end(key));
    }
}

/// The SQL (and its arguments) of [`Store::search_customers`] when `driver`
/// is the field whose index is read (None: the leading field, read in
/// result order). Public so the benchmark can run the very same statement
/// on a bare connection.
///
/// Every search index carries all the search keys (schema.sql), so each
/// filter is checked inside the index and only the rows shown are read from
/// the table:
/// - no fields: the customers who ordered last (the partial index on
///   `last_order_at`), filled up with the first customers by id;
/// - phone leading: the first `limit` matches of `phone_key` and of
///   `phone_national_key`, each read in order from its own index, merged;
/// - driver = the leading field: its index in result order, stopping at
///   `limit`;
/// - another driver (a field with few matches): all its matches, filtered
///   and sorted inside the index.
pub fn customer_search_sql_with(
    q: &CustomerQuery,
    limit: usize,
    driver: Option<SearchField>,
) -> (String, Vec<String>) {
    let terms = search_terms(q);
    let mut args = Vec::new();
    let Some(&(lead, _)) = terms.first() else {
        let sql = format!(
            "SELECT {ROW_COLUMNS}
             FROM (SELECT id, at FROM
                     (SELECT id, last_order_at AS at FROM customers WHERE last_order_at IS NOT NULL
                      ORDER BY last_order_at DESC, id DESC LIMIT {limit})
                   UNION
                   SELECT id, at FROM (SELECT id, last_order_at AS at FROM customers ORDER BY id LIMIT {limit})
                  ) AS m
             JOIN customers c ON c.id = m.id
             ORDER BY m.at DESC NULLS LAST, m.id LIMIT {limit}"
        );
        return (sql, args);
    };
    let driver = driver
        .filter(|d| terms.iter().any(|(f, _)| f == d))
        .unwrap_or(lead);
    let order = lead.order();
    let c_order = order
        .iter()
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");

    if lead == SearchField::Phone || driver == SearchField::Phone {
        // One branch per phone key, each with that key's range instead of
        // the OR of both (so each can use its own index), merged.
        let Some((_, phone)) = terms.iter().find(|(f, _)| *f == SearchField::Phone) else {
            return (String::new(), args);
        };
        let mut branches = Vec::new();
        for (col, key) in ["phone_key", "phone_national_key"].into_iter().zip(phone) {
            let index = if driver == SearchField::Phone {
                format!("customers_{col}")
            } else {
                driver.index().to_string()
            };
            let mut conds = vec![format!("c.{col} >= ? AND c.{col} < ?")];
            push_range(std::slice::from_ref(key), &mut args);
            for (f, keys) in terms.iter().filter(|(f, _)| *f != SearchField::Phone) {
                conds.push(if *f == driver {
                    f.condition().to_string()
                } else {
                    f.filter()
                });
                push_range(keys, &mut args);
            }
            let (select, branch_order) = if lead == SearchField::Phone {
                // Phone leads: ordered by the number as matched.
                let mut cols = vec![col];
                cols.extend(SEARCH_KEYS.iter().copied().filter(|c| *c != col));
                cols.push("id");
                (
                    format!("c.id AS id, c.{col} AS k"),
                    cols.iter()
                        .map(|c| format!("c.{c}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            } else {
                let cols = order
                    .iter()
                    .map(|c| format!("c.{c} AS {c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                (cols, c_order.clone())
            };
            branches.push(format!(
                "SELECT * FROM (SELECT {select} FROM customers c INDEXED BY {index}
                  WHERE {} ORDER BY {branch_order} LIMIT {limit})",
                conds.join(" AND ")
            ));
        }
        let sql = if lead == SearchField::Phone {
            format!(
                "SELECT {ROW_COLUMNS}
                 FROM (SELECT id, MIN(k) AS k FROM ({} UNION ALL {}) GROUP BY id ORDER BY k, id LIMIT {limit}) AS m
                 JOIN customers c ON c.id = m.id
                 ORDER BY m.k, m.id",
                branches[0], branches[1]
            )
        } else {
            format!(
                "SELECT {ROW_COLUMNS}
                 FROM (SELECT id FROM ({} UNION {}) ORDER BY {} LIMIT {limit}) AS m
                 JOIN customers c ON c.id = m.id
                 ORDER BY {c_order}",
                branches[0],
                branches[1],
                order.join(", ")
            )
        };
        return (sql, args);
    }

    let mut conds = Vec::new();
    for (f, keys) in &terms {
        conds.push(if *f == driver {
            f.condition().to_string()
        } else {
            f.filter()
        });
        push_range(keys, &mut args);
    }
    let mut index = driver.index();
    if let Some(initial) = initial_for(&terms, driver) {
        index = initial.index;
        conds.push(initial.condition());
        args.push(initial.letter);
    }
    let sql = format!(
        "SELECT {ROW_COLUMNS}
         FROM (SELECT c.id FROM customers c INDEXED BY {index}
               WHERE {} ORDER BY {c_order} LIMIT {limit}) AS m
         JOIN customers c ON c.id = m.id
         ORDER BY {c_order}",
        conds.join(" AND ")
    );
    (sql, args)
}

/// [`customer_search_sql_with`] reading the leading field's index; what
/// [`Store::search_customers`] runs when at most one field is filled.
pub fn customer_search_sql(q: &CustomerQuery, limit: usize) -> (String, Vec<String>) {
    customer_search_sql_with(q, limit, None)
}

impl Store {
    /// Customers matching every filled field by prefix, at most `limit`.
    /// An empty query lists the customers who ordered most recently.
    pub fn search_customers(
        &self,
        q: &CustomerQuery,
        limit: usize,
    ) -> rusqlite::Result<Vec<CustomerRow>> {
        // PostgreSQL plans its one statement itself, told which range the
        // sample expects cheapest: an account's few members, or a range
        // through an initial index (customer_search_pg.rs).
        if let sql @ super::db::Sql::Postgres(_) = self.sql() {
            let terms = search_terms(q);
            let driver = match terms.len() {
                0 | 1 => None,
                _ => super::customer_search_pg::driver(self.customer_sample()?, &terms, limit),
            };
            return Ok(super::customer_search_pg::search_customers(
                sql, &terms, limit, driver,
            )?);
        }
        match self.plan(q, limit)? {
            Plan::Sql(sql, args) => {
                let mut stmt = self.sqlite("the customer search")?.prepare_cached(&sql)?;
                let rows = stmt.query_map(params_from_iter(args.iter()), customer_row)?;
                rows.collect()
            }
            Plan::Found(ids) => {
                // The rows of ids already found, put back in their order
                // here: an ORDER BY would sort the wide rows in SQLite.
                let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
                let sql = format!(
                    "SELECT {ROW_COLUMNS} FROM json_each(?1) j
                     JOIN customers c ON c.id = j.value"
                );
                let mut stmt = self.sqlite("the customer search")?.prepare_cached(&sql)?;
                let mut rows = stmt
                    .query_map([json], customer_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let at: HashMap<i64, usize> =
                    ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
                rows.sort_unstable_by_key(|r| at.get(&r.id).copied());
                Ok(rows)
            }
        }
    }

    /// How [`Store::search_customers`] answers `q`: one field by its
    /// index in result order; a phone number with a postal code by their
    /// pair indexes (customer_pair.rs); a field whose range is small (by
    /// the sample's estimate; where an initial index serves, among the
    /// typed name's initial) by one statement reading that range whole;
    /// phone with a large account (the only pair the phone leads) by the
    /// phone's two indexes in order; any other two or more fields by
    /// reading their indexes in turns (customer_race.rs).
    fn plan(&self, q: &CustomerQuery, limit: usize) -> rusqlite::Result<Plan> {
        let terms = search_terms(q);
        if terms.len() < 2 {
            let (sql, args) = customer_search_sql(q, limit);
            return Ok(Plan::Sql(sql, args));
        }
        if let Some(pair) = super::customer_pair::pair_sql(&terms, limit, true) {
            return Ok(Plan::Found(self.phone_postal_ids(&pair, limit)?));
        }
        let sample = self.customer_sample()?;
        if let Some(driver) = few_driver(sample, &terms) {
            let (sql, args) = customer_search_sql_with(q, limit, Some(driver));
            return Ok(Plan::Sql(sql, args));
        }
        if terms[0].0 == SearchField::Phone {
            let (sql, args) = customer_search_sql(q, limit);
            return Ok(Plan::Sql(sql, args));
        }
        Ok(Plan::Found(self.race(&terms, limit)?))
    }

    pub fn addresses_of(&self, customer_id: i64) -> rusqlite::Result<Vec<SavedAddress>> {
        Ok(super::customer_records::addresses(self.sql(), customer_id)?)
    }
}

/// Currencies in the database are checked by a foreign key; an unknown one
/// (a newer program's) falls back to USD rather than failing the screen.
pub(crate) fn parse_currency(code: &str) -> Currency {
    Currency::from_str(code).unwrap_or(Currency::USD)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Terms of one key each, as `search_terms` makes them for all but the
    /// phone.
    pub(in crate::store) fn terms(fields: &[(SearchField, &str)]) -> Vec<Term> {
        fields
            .iter()
            .map(|(f, key)| (*f, vec![key.to_string()]))
            .collect()
    }

    #[test]
    fn a_whole_read_takes_the_initial_index_of_a_typed_name() {
        let found = |fields: &[(SearchField, &str)], driver| {
            initial_for(&terms(fields), driver).map(|i| (i.index, i.column, i.letter))
        };
        use SearchField::*;
        assert_eq!(
            found(&[(Last, "bro"), (Postal, "23")], Postal),
            Some(("customers_last_initial_postal", "last_key", "b".into()))
        );
        assert_eq!(
            found(&[(First, "m"), (Postal, "04")], Postal),
            Some(("customers_first_initial_postal", "first_key", "m".into()))
        );
        // Both names: the last name's, as the results' order leads with it.
        assert_eq!(
            found(&[(Last, "k"), (First, "ann"), (Postal, "h2")], Postal),
            Some(("customers_last_initial_postal", "last_key", "k".into()))
        );
        assert_eq!(
            found(&[(Last, "k"), (First, "ann")], First),
            Some(("customers_last_initial_first", "last_key", "k".into()))
        );
        // An e-mail address among a first name's initial, a postal code
        // among an e-mail address's (migration 12).
        assert_eq!(
            found(&[(First, "jo"), (Email, "smi")], Email),
            Some(("customers_first_initial_email", "first_key", "j".into()))
        );
        assert_eq!(
            found(&[(Email, "lee"), (Postal, "282")], Postal),
            Some(("customers_email_initial_postal", "email_key", "l".into()))
        );
        // No index for these: their own.
        assert_eq!(found(&[(Last, "k"), (Phone, "492")], Phone), None);
        assert_eq!(found(&[(Last, "k"), (Email, "smi")], Email), None);
        assert_eq!(found(&[(Last, "k"), (Postal, "04")], Last), None);
    }
}

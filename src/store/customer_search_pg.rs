//! Customer search on PostgreSQL: the find screen's fields as one
//! statement per search, with the same terms, conditions and result order
//! as SQLite's (customers.rs). PostgreSQL's planner picks the index, given
//! what SQLite's plan knows that it cannot: a phone number with a field
//! that leads it in result order is read through the phone's pair indexes
//! (customer_pair.rs), the pairs of customer_buckets.rs and a business
//! account alone through their bucket indexes, a range the connection's
//! sample (customer_sample.rs) expects cheaper to read among a typed
//! name's initial than in the name's order is offered that initial index,
//! and a business account with another field whose members are few is
//! read by account. There is no race between indexes (customer_race.rs)
//! here: a search is the planner's one read.
//!
//! What differs from SQLite's statement, and why:
//! - no `INDEXED BY` and no `+` on filters (SQLite's index hints);
//! - `NULLS FIRST` on the nullable keys (`logon_key`, `account_id`):
//!   SQLite sorts NULL first, PostgreSQL last unless told; the indexes of
//!   pg/migrations/005_customer_search.sql and 007_initial_indexes.sql
//!   carry the same order, so a leading field's index is read in result
//!   order and stops at the limit;
//! - every subquery in FROM is named (PostgreSQL 15 requires it);
//! - one field's statement, the phone's pair indexes' (whose arms fix the
//!   indexes read), a bucket's (which fixes it) and an account's few
//!   members' (`account_sql`) hide their values from the planner, so each
//!   is planned once per connection (`planned_once`); one field reads the
//!   shown rows through its index rather than by id afterwards
//!   (`led_sql`); the other statements of several fields show their
//!   values and, but with an account, are planned for them at every run
//!   (`Sql::query_planned`).

use super::customer_buckets::bucket_for;
use super::customer_duplicates::customer_row_of;
use super::customer_pair::pair_sql;
use super::customer_sample::CustomerSample;
use super::customers::{
    initial_for, push_range, CustomerRow, SearchField, Term, FEW_ENTRIES, MATCH_COST, ROW_COLUMNS,
    SEARCH_KEYS,
};
use super::db::{self, Sql, Value};

/// The customer's columns [`ROW_COLUMNS`] shows besides the keys and the id.
const SHOWN: &str = "c.logon_id, c.first_name, c.last_name, c.phone, c.email, c.shipping_city,
    c.shipping_postal_code, c.is_guest, c.enabled";

/// The keys a customer may lack: a guest's logon, a consumer's account.
pub(super) const NULLABLE: [&str; 2] = ["logon_key", "account_id"];

/// Customers matching every filled term (`search_terms` of the find
/// screen's query) by prefix, at most `limit`, in SQLite's result order;
/// no terms lists the customers who ordered most recently. With `driver`
/// ([`driver`]), an account's members are read by account, or that
/// field's range is offered through its initial index.
pub(super) fn search_customers(
    sql: Sql<'_>,
    terms: &[Term],
    limit: usize,
    driver: Option<SearchField>,
) -> Result<Vec<CustomerRow>, db::Error> {
    let (statement, args, planning) = search_sql(terms, limit, driver);
    let params: Vec<Value> = args.into_iter().map(Value::from).collect();
    let rows = match planning {
        Planning::Kept => sql.query(&statement, &params)?,
        Planning::EachRun => sql.query_planned(&statement, &params)?,
    };
    rows.iter().map(customer_row_of).collect()
}

/// How a search's statement is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Planning {
    /// Kept prepared, PostgreSQL settling on its plan for any value: one
    /// field, the phone's pair indexes' statement, a bucket's and an
    /// account's few members' (their values hidden, [`planned_once`]),
    /// no field, and the other searches with an account (planned for the
    /// values, phone + account read the phone's range: p99 16 -> 169
    /// ms). Planning a bucket's statement at every run instead cost 0.7-1.6
    /// ms of its p50 (the customers have 62 indexes to weigh).
    Kept,
    /// Planned for its values at every run (`Sql::query_planned`): several
    /// fields but an account, without a bucket or the phone's pair
    /// indexes (a name with a lone trunk `0`). Kept, such a statement was given
    /// one plan for any value after five runs, and for last `vaz` +
    /// postal `7` (before the buckets) that read the postal code's range
    /// whole, not the 1,437 Vaz... in order (26 ms against 1).
    EachRun,
}

/// The field that drives a search: none for one read through a bucket
/// (customer_buckets.rs); a business account whose members the sample
/// expects to be few (under `FEW_ENTRIES`), read by account
/// ([`account_sql`]); otherwise [`initial_driver`]'s choice.
pub(super) fn driver(sample: &CustomerSample, terms: &[Term], limit: usize) -> Option<SearchField> {
    if bucket_for(terms).is_some() {
        return None;
    }
    let few_members = terms
        .iter()
        .find(|(f, _)| *f == SearchField::Account)
        .is_some_and(|account| sample.entries(account) < FEW_ENTRIES);
    match few_members {
        true => Some(SearchField::Account),
        false => initial_driver(sample, terms, limit),
    }
}

/// The field whose range the sample expects cheaper to read through its
/// initial index (the range's entries among the typed name's initial, and
/// each match sorted: `MATCH_COST`) than the leading field's ordered read
/// is; None when no field has such an index, or the ordered read is
/// expected cheaper. PostgreSQL's planner estimates both ways itself, but
/// takes the conditions on one name as independent (see [`led_sql`]).
pub(super) fn initial_driver(
    sample: &CustomerSample,
    terms: &[Term],
    limit: usize,
) -> Option<SearchField> {
    let all: Vec<&Term> = terms.iter().collect();
    let ordered = sample.ordered_entries(&all, limit);
    let sorted = (MATCH_COST - 1.0) * sample.matches(&all);
    terms
        .iter()
        .filter_map(|term| {
            let initial = initial_for(terms, term.0)?;
            let whole = sample.whole_entries(term, Some(&initial)) + sorted;
            (whole < ordered).then_some((term.0, whole))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(field, _)| field)
}

/// The statement of [`search_customers`], its arguments (`?`
/// placeholders, in order) and how it is planned.
fn search_sql(
    terms: &[Term],
    limit: usize,
    driver: Option<SearchField>,
) -> (String, Vec<String>, Planning) {
    if let (Some(bucket), Some(&(lead, _))) = (bucket_for(terms), terms.first()) {
        // The bucket decides the index, whatever the values.
        let mut args = Vec::new();
        // One field (an account alone) reads its rows with its index.
        let statement = led_sql(lead, &bucket.conditions(&mut args), terms.len() == 1, limit);
        return (planned_once(&statement), args, Planning::Kept);
    }
    if terms.len() >= 2 {
        if driver == Some(SearchField::Account) {
            let mut args = Vec::new();
            let statement = account_sql(terms, limit, &mut args);
            return (planned_once(&statement), args, Planning::Kept);
        }
        if let Some(pair) = pair_sql(terms, limit, false) {
            // So do the arms.
            let statement = phone_pair_sql(pair.lead, &pair.merged, limit);
            return (planned_once(&statement), pair.args, Planning::Kept);
        }
    }
    let mut args = Vec::new();
    let statement = match terms.first() {
        None => recent_sql(limit),
        Some((SearchField::Phone, _)) => phone_led_sql(terms, limit, &mut args),
        Some(&(lead, _)) => {
            let mut conds = conditions(terms.iter(), &mut args);
            if let Some(initial) = driver.and_then(|driver| initial_for(terms, driver)) {
                conds.push(initial.condition());
                args.push(initial.letter);
            }
            led_sql(lead, &conds, terms.len() == 1, limit)
        }
    };
    if terms.len() < 2 {
        return (planned_once(&statement), args, Planning::Kept);
    }
    let planning = match terms.iter().any(|(f, _)| *f == SearchField::Account) {
        true => Planning::Kept,
        false => Planning::EachRun,
    };
    (statement, args, planning)
}

/// A phone number with the field that leads it: the first `limit`
/// distinct customers of the pair indexes' arms (customer_pair.rs,
/// `merged`), in the leading field's result order. Without them
/// PostgreSQL read the leading field's range and filtered each entry by
/// the number (postal `23` with phone `334`: 18,976 entries, 12.5 ms,
/// against 0.3 ms; first `h` with phone `334`: 31,662 entries, 19 ms).
fn phone_pair_sql(lead: SearchField, merged: &str, limit: usize) -> String {
    let order = lead.order();
    let columns = order
        .iter()
        .map(|c| format!("p.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let page = format!(
        "SELECT DISTINCT {columns} FROM ({merged}) AS p ORDER BY {} LIMIT {limit}",
        order_by("p", &order)
    );
    page_sql(&page, false, |name| order_by(name, &order))
}

/// An account's few members drive: the members of each matching account,
/// read by account, each checked against the other fields, then sorted in
/// the leading field's order (the phone's: the smaller key it matched by,
/// then the id). The members are read inside a LATERAL subquery that
/// `OFFSET 0` keeps PostgreSQL from flattening: flattened, its plan for
/// any value read every member's index entry (some 20,000 at a million
/// customers) to merge them with the accounts, postal `4` + account `m`
/// 5.9 ms against 2.1 read by account.
fn account_sql(terms: &[Term], limit: usize, args: &mut Vec<String>) -> String {
    let (lead, lead_keys) = terms
        .first()
        .map_or((SearchField::Account, &[][..]), |(f, keys)| (*f, keys));
    let order = |name: &str| match lead {
        SearchField::Phone => format!("{name}.k COLLATE \"C\", {name}.id"),
        _ => order_by(name, &lead.order()),
    };
    let select = match lead {
        // The smaller of the phone's keys that matched.
        SearchField::Phone => {
            let matched = ["phone_key", "phone_national_key"]
                .into_iter()
                .zip(lead_keys)
                .map(|(col, key)| {
                    push_range(std::slice::from_ref(key), args);
                    format!("CASE WHEN c.{col} >= ? AND c.{col} < ? THEN c.{col} END COLLATE \"C\"")
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("c.id AS id, LEAST({matched}) AS k")
        }
        _ => lead
            .order()
            .iter()
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let others = terms.iter().filter(|(f, _)| *f != SearchField::Account);
    let conds: String = conditions(others, args)
        .iter()
        .map(|c| format!(" AND {c}"))
        .collect();
    let account = terms.iter().find(|(f, _)| *f == SearchField::Account);
    push_range(
        account.map(|(_, keys)| keys.as_slice()).unwrap_or_default(),
        args,
    );
    let page = format!(
        "SELECT m.* FROM business_accounts b,
           LATERAL (SELECT {select} FROM customers c
                    WHERE c.account_id = b.id{conds} OFFSET 0) AS m
         WHERE b.name_key >= ? AND b.name_key < ?
         ORDER BY {} LIMIT {limit}",
        order("m")
    );
    page_sql(&page, false, order)
}

/// `statement` with each value behind a subquery, where the planner cannot
/// see it. PostgreSQL plans a prepared statement again at every run while
/// plans made for the values seen cost less than its plan for any value
/// (for one field's narrow prefixes they do: its plan for any value
/// expects 5,000 matches), and that planning took 0.9 ms of a 3 ms search
/// on the development machine. With the values unseen, both plans cost the
/// same and PostgreSQL keeps the plan for any value after five runs. One
/// field has only its own index to read, so the values change nothing in
/// the plan; with two they decide which index to read, so those
/// statements show them.
fn planned_once(statement: &str) -> String {
    statement.replace('?', "(SELECT ?::text)")
}

/// `columns` as an ORDER BY list on `table`, NULLs first as SQLite sorts
/// them.
fn order_by(table: &str, columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| {
            if NULLABLE.contains(c) {
                format!("{table}.{c} NULLS FIRST")
            } else {
                format!("{table}.{c}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every term's condition, its ranges pushed onto `args` in the same order.
fn conditions<'a>(terms: impl Iterator<Item = &'a Term>, args: &mut Vec<String>) -> Vec<String> {
    terms
        .map(|(f, keys)| {
            push_range(keys, args);
            f.condition().to_string()
        })
        .collect()
}

/// No fields: the customers who ordered last, filled up with the first
/// customers by id (as SQLite's).
fn recent_sql(limit: usize) -> String {
    format!(
        "SELECT {ROW_COLUMNS}
         FROM (SELECT id, at FROM
                 (SELECT id, last_order_at AS at FROM customers WHERE last_order_at IS NOT NULL
                  ORDER BY last_order_at DESC, id DESC LIMIT {limit}) AS recent
               UNION
               SELECT id, at FROM (SELECT id, last_order_at AS at FROM customers
                                   ORDER BY id LIMIT {limit}) AS first_ids
              ) AS m
         JOIN customers c ON c.id = m.id
         ORDER BY m.at DESC NULLS LAST, m.id LIMIT {limit}"
    )
}

/// The shown columns of the customers on `page`, a subquery giving them
/// in result order with their `id` and `account_id`, and with the shown
/// customer columns ([`SHOWN`]) too when `with_rows` (else each row is read
/// by id); ordered by `order` of the subquery's name.
fn page_sql(page: &str, with_rows: bool, order: impl Fn(&str) -> String) -> String {
    let (name, by_id) = if with_rows {
        ("c", "")
    } else {
        ("m", "JOIN customers c ON c.id = m.id")
    };
    format!(
        "SELECT {ROW_COLUMNS}
         FROM ({page}) AS {name}
         {by_id}
         ORDER BY {}",
        order(name)
    )
}

/// Any field but the phone leads, with `conds`: its order (the lead's key,
/// the other keys, the id); the phone, when filled, is its OR of two
/// ranges.
///
/// `with_rows` for one field: its page reads its rows with its index: an
/// index scan fetches each row's table page by the entry's own pointer,
/// where reading only the index and then the rows by id walks the primary
/// key too (812 buffer hits against 1,452 for a page of 201 last names,
/// 1.4 ms against 2.1-3.6; the account alone through its members' buckets,
/// p50 2.1-2.2 -> 1.1-1.4 ms). With another field not every entry read is
/// shown, and PostgreSQL checks a filter on the row when it reads rows,
/// so pairs read only the index first (even a typed key that is its whole
/// bucket, customer_buckets.rs: p50 0.2-0.8 ms lower, but the plan for
/// rows went elsewhere for some values, p99 up to 70 ms planned for the
/// values and 125 ms planned once).
///
/// Besides the fields' own conditions, `conds` may name a bucket or a
/// name's first letter: implied by the name's own, the letter lets the
/// planner read the other field's range through the initial index
/// (customers.rs, `INITIAL_INDEXES`). Only where the sample expects that
/// read cheaper ([`initial_driver`]): the planner takes the two
/// conditions on the name as independent, so it then expects few matches
/// everywhere, and for a broad pair (last name `s` with postal code `1`)
/// chose reading 11,659 entries through the initial index over 1,106 in
/// the name's order, 8 ms against 3.
fn led_sql(lead: SearchField, conds: &[String], with_rows: bool, limit: usize) -> String {
    let order = lead.order();
    let mut columns = order
        .iter()
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    if with_rows {
        columns = format!("{columns}, {SHOWN}");
    }
    let page = format!(
        "SELECT {columns} FROM customers c WHERE {} ORDER BY {} LIMIT {limit}",
        conds.join(" AND "),
        order_by("c", &order),
    );
    page_sql(&page, with_rows, |name| order_by(name, &order))
}

/// The phone leads: as on SQLite, the first `limit` matches of each phone
/// key in that key's order, merged, each customer at the smaller key it
/// matched by, then by id. The phone alone reads each branch's rows with
/// its index, as [`led_sql`] does for one field.
fn phone_led_sql(terms: &[Term], limit: usize, args: &mut Vec<String>) -> String {
    let phone = terms
        .iter()
        .find(|(f, _)| *f == SearchField::Phone)
        .map(|(_, keys)| keys.as_slice())
        .unwrap_or_default();
    let others: Vec<&Term> = terms
        .iter()
        .filter(|(f, _)| *f != SearchField::Phone)
        .collect();
    let with_rows = others.is_empty();
    let shown = if with_rows {
        format!(", c.account_id, {SHOWN}")
    } else {
        String::new()
    };
    let mut branches = Vec::new();
    for (col, key) in ["phone_key", "phone_national_key"].into_iter().zip(phone) {
        let mut conds = vec![format!("c.{col} >= ? AND c.{col} < ?")];
        push_range(std::slice::from_ref(key), args);
        conds.extend(conditions(others.iter().copied(), args));
        let mut order = vec![col];
        order.extend(SEARCH_KEYS.iter().copied().filter(|c| *c != col));
        order.push("id");
        branches.push(format!(
            "(SELECT c.id AS id, c.{col} AS k{shown} FROM customers c
              WHERE {} ORDER BY {} LIMIT {limit})",
            conds.join(" AND "),
            order_by("c", &order)
        ));
    }
    let branches = branches.join(" UNION ALL ");
    let page = if with_rows {
        format!(
            "SELECT d.* FROM (SELECT DISTINCT ON (b.id) b.* FROM ({branches}) AS b
                              ORDER BY b.id, b.k COLLATE \"C\") AS d
             ORDER BY d.k COLLATE \"C\", d.id LIMIT {limit}"
        )
    } else {
        format!(
            "SELECT id, MIN(k) AS k FROM ({branches}) AS b
             GROUP BY id ORDER BY MIN(k) COLLATE \"C\", id LIMIT {limit}"
        )
    };
    page_sql(&page, with_rows, |name| {
        format!("{name}.k COLLATE \"C\", {name}.id")
    })
}

#[cfg(test)]
mod tests {
    use super::super::customer_sample::{sample, Keys};
    use super::super::customers::{search_terms, CustomerQuery};
    use super::*;

    /// The statement of `q`'s terms and its arguments.
    fn with(q: &CustomerQuery, limit: usize, driver: Option<SearchField>) -> (String, Vec<String>) {
        let (sql, args, _) = search_sql(&search_terms(q), limit, driver);
        (sql, args)
    }

    /// The statement without the sample's choice.
    fn plain(q: &CustomerQuery, limit: usize) -> (String, Vec<String>) {
        with(q, limit, None)
    }

    fn q(f: impl FnOnce(&mut CustomerQuery)) -> CustomerQuery {
        let mut q = CustomerQuery::default();
        f(&mut q);
        q
    }

    /// Each statement has as many placeholders as arguments, and none of
    /// SQLite's hints.
    #[test]
    fn placeholders_match_arguments_and_no_sqlite_hints() {
        let queries = [
            CustomerQuery::default(),
            q(|q| q.last_name = "obrien".into()),
            q(|q| q.phone = "020 7946".into()),
            q(|q| {
                q.phone = "020 7946".into();
                q.account = "acme".into();
            }),
            q(|q| {
                q.last_name = "smi".into();
                q.phone = "+44 20".into();
                q.postal = "sw1".into();
            }),
            q(|q| {
                q.logon = "j".into();
                q.email = "j@".into();
                q.first_name = "jo".into();
            }),
        ];
        for query in &queries {
            let (sql, args) = plain(query, 50);
            assert_eq!(sql.matches('?').count(), args.len(), "{query:?}: {sql}");
            assert!(!sql.contains("INDEXED BY"), "{sql}");
            assert!(!sql.contains("+c."), "{sql}");
        }
    }

    /// One field reads each shown row through its index (the phone:
    /// through each of its two; the account alone: through its members'
    /// bucket); two fields read the index first and the rows by id.
    #[test]
    fn one_field_reads_its_rows_through_its_index() {
        let one = |f: fn(&mut CustomerQuery)| plain(&q(f), 10).0;
        for sql in [
            one(|q| q.last_name = "smi".into()),
            one(|q| q.email = "j@".into()),
            one(|q| q.phone = "020 7946".into()),
            one(|q| q.account = "ac".into()),
            one(|q| q.account = "acme".into()),
        ] {
            assert!(!sql.contains("JOIN customers"), "{sql}");
        }
        for first in ["j", "john"] {
            let (two, _) = plain(
                &q(|q| {
                    q.last_name = "smi".into();
                    q.first_name = first.into();
                }),
                10,
            );
            assert!(two.contains("JOIN customers c ON c.id = m.id"), "{two}");
        }
    }

    /// One field's values are hidden from the planner, and so are a
    /// bucket's (with a third field too); a number that matches every
    /// national key (a lone trunk `0`) with a name shows them.
    #[test]
    fn one_field_and_a_bucket_hide_their_values() {
        let hidden = |sql: &str, args: &[String]| {
            sql.matches("(SELECT ?::text)").count() == args.len()
                && !sql.replace("(SELECT ?::text)", "").contains('?')
        };
        let (one, args) = plain(&q(|q| q.phone = "020 7946".into()), 10);
        assert!(hidden(&one, &args), "{one}");
        for postal in ["sw1", ""] {
            let (bucket, args) = plain(
                &q(|q| {
                    q.last_name = "smi".into();
                    q.first_name = "j".into();
                    q.postal = postal.into();
                }),
                10,
            );
            assert!(hidden(&bucket, &args), "{bucket}");
        }
        let (shown, _) = plain(
            &q(|q| {
                q.last_name = "smi".into();
                q.phone = "0".into();
            }),
            10,
        );
        assert!(!shown.contains("(SELECT ?"), "{shown}");
    }

    #[test]
    fn nullable_keys_sort_first_as_on_sqlite() {
        let (one, _) = plain(&q(|q| q.last_name = "o".into()), 10);
        assert!(
            one.contains("c.logon_key NULLS FIRST") && one.contains("c.account_id NULLS FIRST"),
            "{one}"
        );
        assert!(!one.contains("last_key NULLS FIRST"), "{one}");
        let (two, _) = plain(
            &q(|q| {
                q.last_name = "o".into();
                q.postal = "sw".into();
            }),
            10,
        );
        assert!(
            two.contains("c.logon_key NULLS FIRST") && two.contains("m.account_id NULLS FIRST"),
            "{two}"
        );
    }

    #[test]
    fn a_phone_without_a_national_form_still_has_both_branches() {
        let (sql, args) = plain(&q(|q| q.phone = "+44 20 7946".into()), 10);
        assert_eq!(sql.matches("UNION ALL").count(), 1, "{sql}");
        assert_eq!(args.len(), 4);
    }

    /// The arms of a pair statement (limit 50) that each stop at the limit.
    fn arms(sql: &str) -> usize {
        let last = sql.contains(" LIMIT 50)) AS arms");
        sql.matches(" LIMIT 50) UNION ALL (").count() + usize::from(last)
    }

    /// A phone number with a postal code reads the pair indexes' arms,
    /// each stopping at the limit in its index's order, whatever the
    /// sample says; its values are hidden from the planner.
    #[test]
    fn a_phone_with_a_postal_code_reads_the_pair_indexes() {
        // Either key: `2079…` may be dialled with or without the country.
        let pair = q(|q| {
            q.phone = "2079".into();
            q.postal = "sw1".into();
        });
        for driver in [None, Some(SearchField::Postal)] {
            let (sql, args) = with(&pair, 50, driver);
            assert!(
                sql.contains("substr(c.phone_key, 1, 2) = (SELECT ?::text)"),
                "{sql}"
            );
            assert!(sql.contains("substr(c.phone_national_key, 1, 2)"), "{sql}");
            assert_eq!(arms(&sql), 2, "{sql}");
            assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
            assert!(!sql.contains("INDEXED BY") && !sql.contains("+c."), "{sql}");
        }
        // One digit: one arm on each key, through its one-digit index.
        let (sql, _) = plain(
            &q(|q| {
                q.phone = "4".into();
                q.postal = "1".into();
            }),
            50,
        );
        assert_eq!(arms(&sql), 2, "{sql}");
        assert!(
            sql.contains("substr(c.phone_key, 1, 1) = (SELECT ?::text)"),
            "{sql}"
        );
    }

    /// With a postal code as the driver of a search with an account (whose
    /// members are many), the typed last name's first letter is a
    /// condition too, so the planner may read that range among the name's
    /// initial; otherwise not. (Searches without an account read their
    /// buckets instead, the test below.)
    #[test]
    fn a_small_range_is_offered_its_initial_index() {
        let three = q(|q| {
            q.last_name = "sm".into();
            q.postal = "k1".into();
            q.account = "acme".into();
        });
        let (sql, args) = with(&three, 50, Some(SearchField::Postal));
        assert!(sql.contains("substr(c.last_key, 1, 1) = ?"), "{sql}");
        assert_eq!(args.last().map(String::as_str), Some("s"));
        assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        let (sql, _) = plain(&three, 50);
        assert!(!sql.contains("substr("), "{sql}");
        // The name leads and is the small range: no index reads it among
        // its own initial.
        let (sql, _) = with(&three, 50, Some(SearchField::Last));
        assert!(!sql.contains("substr("), "{sql}");
    }

    /// A pair with buckets (customer_buckets.rs) reads its bucket whatever
    /// the driver: the other field's range is the bucket's condition.
    #[test]
    fn a_pair_with_buckets_reads_its_bucket() {
        let pair = q(|q| {
            q.first_name = "ma".into();
            q.postal = "k1".into();
        });
        for driver in [None, Some(SearchField::Postal)] {
            let (sql, args) = with(&pair, 50, driver);
            assert!(
                sql.contains("substr(c.postal_key, 1, 2) = (SELECT ?::text)"),
                "{sql}"
            );
            assert!(!sql.contains("c.postal_key >="), "{sql}");
            assert!(!sql.contains("substr(c.first_key"), "{sql}");
            assert!(sql.contains("ORDER BY c.first_key, c.last_key"), "{sql}");
            assert_eq!(args, ["ma", "ma\u{10FFFF}", "k1"]);
        }
    }

    /// A phone number with a name, a logon or an e-mail address reads the
    /// phone's pair indexes in that field's order, as with a postal code.
    #[test]
    fn a_phone_with_a_name_reads_the_pair_indexes_in_the_names_order() {
        let (sql, args) = plain(
            &q(|q| {
                q.phone = "2079".into();
                q.last_name = "h".into();
            }),
            50,
        );
        assert_eq!(arms(&sql), 2, "{sql}");
        assert!(sql.contains("ORDER BY p.last_key, p.first_key"), "{sql}");
        assert!(sql.contains("c.last_key >= (SELECT ?::text)"), "{sql}");
        assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        let (sql, _) = plain(
            &q(|q| {
                q.phone = "+44".into();
                q.logon = "j".into();
            }),
            50,
        );
        assert_eq!(arms(&sql), 1, "{sql}");
        assert!(sql.contains("ORDER BY p.logon_key NULLS FIRST"), "{sql}");
        // One digit: one arm on each key, through its one-digit index.
        let (sql, _) = plain(
            &q(|q| {
                q.phone = "4".into();
                q.logon = "j".into();
            }),
            50,
        );
        assert_eq!(arms(&sql), 2, "{sql}");
        assert!(
            sql.contains("substr(c.phone_national_key, 1, 1) = (SELECT ?::text)"),
            "{sql}"
        );
    }

    /// The initial index is offered where the sample expects it to read
    /// fewer entries than the leading name's ordered read, not where the
    /// matches come early in the name's order.
    #[test]
    fn the_sample_chooses_the_initial_index_or_the_ordered_read() {
        let customer = |last: &str, first: &str, postal: &str| {
            let mut keys = Keys::default();
            keys[0] = Some(last.to_string());
            keys[1] = Some(first.to_string());
            keys[4] = Some(postal.to_string());
            keys
        };
        let mut rows: Vec<Keys> = (0..500).map(|_| customer("smith", "bob", "1ab")).collect();
        rows.extend((0..500).map(|_| customer("kane", "bob", "2cd")));
        rows.extend((0..10).map(|_| customer("kyle", "ann", "3ef")));
        let sample = sample(rows, 1.0);
        let term = |f: SearchField, key: &str| (f, vec![key.to_string()]);
        // "k" + "ann": ten matches after 500 Kanes in last-name order; ten
        // entries among the k's first names.
        let kyle = [
            term(SearchField::Last, "k"),
            term(SearchField::First, "ann"),
        ];
        assert_eq!(initial_driver(&sample, &kyle, 20), Some(SearchField::First));
        // "s" + "1": every Smith matches, so the ordered read has its 20
        // at once; the initial index would read all 500.
        let smith = [term(SearchField::Last, "s"), term(SearchField::Postal, "1")];
        assert_eq!(initial_driver(&sample, &smith, 20), None);
        // No name typed: no initial index.
        let email = [
            term(SearchField::Email, "k"),
            term(SearchField::Postal, "3"),
        ];
        assert_eq!(initial_driver(&sample, &email, 20), None);
    }

    /// An account whose members the sample expects to be few drives a
    /// search of two fields; one with many members leaves the choice to
    /// the initial indexes (none here).
    #[test]
    fn an_account_with_few_members_drives() {
        let member = |account: &str| {
            let mut keys = Keys::default();
            keys[0] = Some("smith".to_string());
            keys[7] = Some(account.to_string());
            keys
        };
        let mut rows: Vec<Keys> = (0..10).map(|_| member("acme ltd")).collect();
        rows.extend((0..200).map(|_| member("bigco")));
        let sample = sample(rows, 50.0);
        let terms = |account: &str| {
            search_terms(&q(|q| {
                q.last_name = "s".into();
                q.account = account.into();
            }))
        };
        assert_eq!(
            driver(&sample, &terms("ac"), 50),
            Some(SearchField::Account)
        );
        // 200 sampled members of 50 customers each: 10,000.
        assert_eq!(driver(&sample, &terms("big"), 50), None);
    }

    /// Driven by an account, the statement reads each matching account's
    /// members (a LATERAL subquery kept apart by OFFSET 0) and sorts them
    /// in the leading field's order; the phone's by the smaller key it
    /// matched by. The values are hidden from the planner.
    #[test]
    fn an_account_reads_its_members_by_account() {
        let account = Some(SearchField::Account);
        let postal = q(|q| {
            q.postal = "4".into();
            q.account = "m".into();
        });
        let (sql, args) = with(&postal, 50, account);
        assert!(sql.contains("LATERAL (SELECT c.postal_key"), "{sql}");
        assert!(sql.contains("WHERE c.account_id = b.id AND"), "{sql}");
        assert!(sql.contains("OFFSET 0) AS m"), "{sql}");
        assert!(sql.contains("ORDER BY m.postal_key, m.last_key"), "{sql}");
        assert_eq!(args, ["4", "4\u{10FFFF}", "m", "m\u{10FFFF}"]);
        assert_eq!(sql.matches("(SELECT ?::text)").count(), args.len(), "{sql}");
        let phone = q(|q| {
            q.phone = "020 7946".into();
            q.last_name = "o".into();
            q.account = "acme".into();
        });
        let (sql, args) = with(&phone, 50, account);
        assert!(sql.contains("LATERAL (SELECT c.last_key"), "{sql}");
        assert_eq!(args.len(), 2 + 4 + 2);
        let (sql, args_phone) = with(
            &q(|q| {
                q.phone = "020 7946".into();
                q.account = "acme".into();
            }),
            50,
            account,
        );
        assert!(sql.contains("LEAST(CASE WHEN c.phone_key"), "{sql}");
        assert!(sql.contains("ORDER BY m.k COLLATE \"C\", m.id"), "{sql}");
        assert_eq!(sql.matches("(SELECT ?::text)").count(), args_phone.len());
        // Without the account's lead the pair statements stay as they were.
        let (sql, _) = plain(&postal, 50);
        assert!(!sql.contains("LATERAL"), "{sql}");
    }

    /// A search of several fields whose reads no bucket or pair index
    /// fixes is planned for its values at every run, but with an account;
    /// one field, a bucket's statement (a third field too) and the phone's
    /// pair indexes' are kept.
    #[test]
    fn only_unfixed_reads_are_planned_for_their_values() {
        let planning = |q: &CustomerQuery| search_sql(&search_terms(q), 10, None).2;
        let pair = |f: fn(&mut CustomerQuery)| {
            q(|q| {
                q.last_name = "smi".into();
                f(q);
            })
        };
        // A lone trunk `0` matches every national number: no pair index.
        assert_eq!(planning(&pair(|q| q.phone = "0".into())), Planning::EachRun);
        let three = q(|q| {
            q.last_name = "smi".into();
            q.first_name = "j".into();
            q.postal = "sw1".into();
        });
        assert_eq!(planning(&three), Planning::Kept);
        // The bucket and the phone's arms fix the indexes read.
        assert_eq!(planning(&pair(|q| q.postal = "sw1".into())), Planning::Kept);
        assert_eq!(planning(&pair(|q| q.email = "jo".into())), Planning::Kept);
        assert_eq!(planning(&pair(|q| q.phone = "020".into())), Planning::Kept);
        assert_eq!(
            planning(&pair(|q| q.account = "acme".into())),
            Planning::Kept
        );
        assert_eq!(planning(&q(|q| q.last_name = "smi".into())), Planning::Kept);
        let phone_postal = q(|q| {
            q.phone = "2079".into();
            q.postal = "sw1".into();
        });
        assert_eq!(planning(&phone_postal), Planning::Kept);
        assert_eq!(planning(&CustomerQuery::default()), Planning::Kept);
    }
}

//! Two-field customer searches on PostgreSQL read through bucket indexes:
//! the leading field's result order among the customers whose other key
//! starts with the typed key's first one, two or three characters
//! (pg/migrations/009_pair_buckets.sql). The search condition names the
//! bucket (`substr(c.email_key, 1, 2) = 'jo'`), so the planner reads that
//! index in result order and stops at the limit; the bucket fixes the
//! index whatever the values, so the statement is planned once per
//! connection (customer_search_pg.rs, `planned_once`).
//!
//! Why: reading one field's index and checking the other on each entry
//! costs PostgreSQL some 300-450 ns an entry, so a pair meets 5 ms only by
//! passing under some 10,000. Fields that go together defeat both plain
//! ways: first name `j` with e-mail `jo` has 19,814 matches, but only 244
//! among the 42,992 `j` names before `jo`, so the first name's order
//! passes 43,000 entries and the e-mail's range sorts 19,814. Within the
//! e-mail bucket `jo`, every entry in the first name's order is a match.
//! A typed key as long as its bucket or shorter is the bucket itself; a
//! longer one is also checked on each entry of its bucket, in the POSIX
//! collation (the same byte order as the keys' "C", but not their
//! collation, so no index takes it and the planner cannot count the same
//! condition twice and expect no matches).
//!
//! A business account typed alone reads the same way: each member's row
//! carries its account's name key (`account_name_key`, kept by triggers,
//! pg/migrations/010_account_buckets.sql), with buckets of it in the
//! account search's result order (last name first). Before, every member
//! of every matching account was sorted: prefix `m` is 2,605 members.
//!
//! SQLite keeps its race over fewer indexes (customer_race.rs): its
//! entries cost a tenth, and its generator budget counts every index.
//! The phone's buckets, one or two digits of either key in the leading
//! field's order, are customer_pair.rs's.

use super::customers::{push_range, SearchField, Term};

/// The pairs read through buckets: the leading field, the other field,
/// and the longest bucket; every pair of two fields but the phone's and
/// the account's. Measured on a million customers (README, "Benchmarks"):
/// names, logons and e-mail addresses go together and need buckets of
/// three characters (of two, logon+first, logon+email and first+email
/// missed 5 ms at p99); a postal code goes with none, and two are enough.
const BUCKETS: [(SearchField, SearchField, usize); 10] = [
    (SearchField::Last, SearchField::First, 3),
    (SearchField::Last, SearchField::Logon, 3),
    (SearchField::First, SearchField::Logon, 3),
    (SearchField::Logon, SearchField::Email, 3),
    (SearchField::First, SearchField::Email, 3),
    (SearchField::Last, SearchField::Email, 3),
    (SearchField::Logon, SearchField::Postal, 2),
    (SearchField::First, SearchField::Postal, 2),
    (SearchField::Last, SearchField::Postal, 2),
    (SearchField::Email, SearchField::Postal, 2),
];

/// The account alone's bucket column (each member's account name key)
/// and its longest bucket: at a million customers, 763 members at most
/// share a three-character bucket.
const ACCOUNT_BUCKET: (&str, usize) = ("account_name_key", 3);

/// The bucket a search reads: the leading field when it is read by its
/// own condition, the bucket's key column, its length in characters, the
/// typed key, and the fields after the pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bucket {
    lead: Option<Term>,
    column: &'static str,
    len: usize,
    key: String,
    rest: Vec<Term>,
}

/// The bucket of a search whose first two fields [`BUCKETS`] lists, the
/// other field's key cut to at most the bucket's length; a third field or
/// more (names, logon, e-mail, postal code: the phone's and the account's
/// searches have reads of their own) is checked on each entry. A business
/// account alone is its own bucket ([`ACCOUNT_BUCKET`]).
pub(super) fn bucket_for(terms: &[Term]) -> Option<Bucket> {
    if let [(SearchField::Account, keys)] = terms {
        let (column, longest) = ACCOUNT_BUCKET;
        return Bucket::new(None, column, longest, keys, &[]);
    }
    let [first @ (lead, _), (other, keys), rest @ ..] = terms else {
        return None;
    };
    let &(_, _, longest) = BUCKETS.iter().find(|(l, o, _)| l == lead && o == other)?;
    if rest
        .iter()
        .any(|(f, _)| matches!(f, SearchField::Phone | SearchField::Account))
    {
        return None;
    }
    Bucket::new(Some(first), other.column(), longest, keys, rest)
}

impl Bucket {
    /// The bucket of `column` for the typed `keys`' first (None when it is
    /// empty: no bucket holds every customer), at most `longest` long.
    fn new(
        lead: Option<&Term>,
        column: &'static str,
        longest: usize,
        keys: &[String],
        rest: &[Term],
    ) -> Option<Bucket> {
        let key = keys.first().filter(|k| !k.is_empty())?;
        Some(Bucket {
            lead: lead.cloned(),
            column,
            len: key.chars().count().min(longest),
            key: key.clone(),
            rest: rest.to_vec(),
        })
    }

    /// The search's conditions, their values pushed onto `args` in the
    /// same order: the leading field's range (when it is not the bucket's
    /// own), the bucket, the typed key's range when it is longer than the
    /// bucket, and each further field's.
    pub(super) fn conditions(&self, args: &mut Vec<String>) -> Vec<String> {
        let mut conds = Vec::new();
        if let Some((field, keys)) = &self.lead {
            push_range(keys, args);
            conds.push(field.condition().to_string());
        }
        conds.push(format!("substr(c.{}, 1, {}) = ?", self.column, self.len));
        args.push(self.key.chars().take(self.len).collect());
        if self.key.chars().count() > self.len {
            conds.push(checked(self.column, &self.key, args));
        }
        for (field, keys) in &self.rest {
            if let Some(key) = keys.first() {
                conds.push(checked(field.column(), key, args));
            }
        }
        conds
    }
}

/// The range of `key` on `column`, checked on each entry read in the
/// POSIX collation, where no index takes it.
fn checked(column: &str, key: &str, args: &mut Vec<String>) -> String {
    push_range(&[key.to_string()], args);
    format!("c.{column} COLLATE \"POSIX\" >= ? AND c.{column} COLLATE \"POSIX\" < ?")
}

/// The names of the bucket indexes, `customers_{other}{length}_{lead}`
/// (`customers_email2_first`, `customers_account_name3_last`), for the
/// migrations' test.
pub fn index_names() -> Vec<String> {
    let name = |column: &'static str| column.trim_end_matches("_key");
    let (account, longest) = ACCOUNT_BUCKET;
    let account = (name(account), longest, name(SearchField::Last.column()));
    BUCKETS
        .iter()
        .map(|&(lead, other, longest)| (name(other.column()), longest, name(lead.column())))
        .chain([account])
        .flat_map(|(other, longest, lead)| {
            (1..=longest).map(move |len| format!("customers_{other}{len}_{lead}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::customers::tests::terms;
    use super::*;

    #[test]
    fn a_key_up_to_its_bucket_is_the_bucket() {
        let t = terms(&[(SearchField::First, "j"), (SearchField::Email, "jo")]);
        let bucket = bucket_for(&t).expect("first+email has buckets");
        let mut args = Vec::new();
        assert_eq!(
            bucket.conditions(&mut args),
            [
                "c.first_key >= ? AND c.first_key < ?",
                "substr(c.email_key, 1, 2) = ?"
            ]
        );
        assert_eq!(args, ["j", "j\u{10FFFF}", "jo"]);
    }

    #[test]
    fn a_longer_key_is_checked_within_the_longest_bucket() {
        let t = terms(&[(SearchField::Last, "m"), (SearchField::Postal, "sw1a")]);
        let mut args = Vec::new();
        let conds = bucket_for(&t).expect("last+postal").conditions(&mut args);
        assert_eq!(
            conds,
            [
                "c.last_key >= ? AND c.last_key < ?",
                "substr(c.postal_key, 1, 2) = ?",
                "c.postal_key COLLATE \"POSIX\" >= ? AND c.postal_key COLLATE \"POSIX\" < ?"
            ]
        );
        assert_eq!(args, ["m", "m\u{10FFFF}", "sw", "sw1a", "sw1a\u{10FFFF}"]);
    }

    #[test]
    fn only_the_listed_pairs_of_two_fields_have_buckets() {
        // An account is read by account; phone pairs are customer_pair.rs's.
        assert!(bucket_for(&terms(&[
            (SearchField::Email, "j"),
            (SearchField::Account, "a")
        ]))
        .is_none());
        assert!(bucket_for(&terms(&[
            (SearchField::First, "j"),
            (SearchField::Phone, "44")
        ]))
        .is_none());
        assert!(bucket_for(&terms(&[(SearchField::First, "j")])).is_none());
        let with_account = terms(&[
            (SearchField::Last, "s"),
            (SearchField::First, "j"),
            (SearchField::Account, "a"),
        ]);
        assert!(bucket_for(&with_account).is_none());
    }

    #[test]
    fn a_third_field_is_checked_on_each_entry_of_the_bucket() {
        let three = terms(&[
            (SearchField::Last, "s"),
            (SearchField::First, "j"),
            (SearchField::Postal, "sw1"),
        ]);
        let mut args = Vec::new();
        let conds = bucket_for(&three)
            .expect("last+first")
            .conditions(&mut args);
        assert_eq!(
            conds,
            [
                "c.last_key >= ? AND c.last_key < ?",
                "substr(c.first_key, 1, 1) = ?",
                "c.postal_key COLLATE \"POSIX\" >= ? AND c.postal_key COLLATE \"POSIX\" < ?"
            ]
        );
        assert_eq!(args, ["s", "s\u{10FFFF}", "j", "sw1", "sw1\u{10FFFF}"]);
    }

    #[test]
    fn an_account_alone_is_read_through_its_members_buckets() {
        let short = terms(&[(SearchField::Account, "ac")]);
        let mut args = Vec::new();
        let conds = bucket_for(&short).expect("account").conditions(&mut args);
        assert_eq!(conds, ["substr(c.account_name_key, 1, 2) = ?"]);
        assert_eq!(args, ["ac"]);
        let long = terms(&[(SearchField::Account, "acme")]);
        let mut args = Vec::new();
        let conds = bucket_for(&long).expect("account").conditions(&mut args);
        assert_eq!(
            conds,
            [
                "substr(c.account_name_key, 1, 3) = ?",
                "c.account_name_key COLLATE \"POSIX\" >= ? AND c.account_name_key COLLATE \"POSIX\" < ?"
            ]
        );
        assert_eq!(args, ["acm", "acme", "acme\u{10FFFF}"]);
        // Another field leads: the account's own reads (customer_search_pg.rs).
        let led = terms(&[(SearchField::Last, "s"), (SearchField::Account, "a")]);
        assert!(bucket_for(&led).is_none());
    }

    #[test]
    fn every_bucket_length_has_its_index() {
        let names = index_names();
        assert_eq!(names.len(), 6 * 3 + 4 * 2 + 3);
        assert!(names.contains(&"customers_account_name3_last".to_string()));
        assert!(names.contains(&"customers_logon3_first".to_string()));
        assert!(names.contains(&"customers_postal2_last".to_string()));
        assert!(!names.contains(&"customers_postal3_last".to_string()));
    }
}

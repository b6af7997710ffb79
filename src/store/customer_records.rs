//! Customer records: create and edit registered customers, and business
//! accounts. The challenge question is in `customer_challenge.rs`, turning
//! a guest into a registered customer in `guest_conversion.rs`. Secrets are
//! hashed before any transaction starts (Argon2 is slow on purpose) and
//! only hashes reach the database.
//!
//! The *_key columns are made by `SearchKeys::of`, as by every writer, so
//! `search_customers` finds records made here like any other.
//!
//! The SQL is written once, for both backends, as free functions over a
//! [`Sql`] handle; each save is one [`Sql::write`], whose refusals
//! ([`Abort::Refused`]) roll back without running again.

use super::customer_shown;
use super::customers::parse_currency;
use super::db::{self, Abort, Sql, Value};
use super::{now_text, Store};
use crate::domain::customer::{AddressEntry, CustomerDraft, Field, DEMOGRAPHICS, LANGUAGES};
use crate::domain::customer_edit::{describe_changes, field_label, same_address};
use crate::domain::order::{AccountRef, Address, SavedAddress};
use crate::domain::search_keys::{KeySource, SearchKeys};
use crate::domain::secret;
use crate::domain::text::{clean, fold};
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

#[derive(Debug)]
pub enum SaveError {
    /// Another customer has this logon ID (compared folded).
    LogonTaken,
    /// Problems at fields, as [`CustomerDraft::validate`] names them.
    Invalid(Vec<(Field, String)>),
    /// No such customer (or not of the expected kind).
    NotFound(String),
    /// The record moved on since the edit was loaded: another console
    /// saved it. Nothing was written.
    Stale {
        /// The record as stored now, with its version.
        current: Box<CustomerDraft>,
        /// What changed since the edit's base, each with the value stored
        /// now, in the order of the form.
        changed: Vec<(Field, String)>,
    },
    /// Hashing failed; nothing was written.
    Hash(String),
    Db(super::StoreError),
}

impl SaveError {
    /// The messages to show next to fields.
    pub fn field_errors(&self) -> Vec<(Field, String)> {
        match self {
            SaveError::LogonTaken => vec![(Field::Logon, "logon ID taken; try another".into())],
            SaveError::Invalid(v) => v.clone(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::LogonTaken => f.write_str("that logon ID is taken: choose another"),
            SaveError::Invalid(v) => write!(
                f,
                "not saved: {} field{} to fix",
                v.len(),
                if v.len() == 1 { "" } else { "s" }
            ),
            SaveError::NotFound(m) => f.write_str(m),
            SaveError::Stale { changed, .. } if changed.is_empty() => {
                f.write_str("not saved: changed by another console meanwhile; review, save again")
            }
            SaveError::Stale { changed, .. } => {
                // One status line of 80 columns, its "! " included.
                let head = "not saved: changed by another console: ";
                let tail = "; save again";
                let room = STATUS_WIDTH - head.len() - tail.len();
                write!(f, "{head}{}{tail}", describe_changes(changed, room))
            }
            SaveError::Hash(m) => write!(f, "not saved: {m}"),
            SaveError::Db(e) => write!(f, "not saved: {e}"),
        }
    }
}

impl std::error::Error for SaveError {}

impl From<rusqlite::Error> for SaveError {
    fn from(e: rusqlite::Error) -> Self {
        SaveError::from(db::Error::from(e))
    }
}

impl From<db::Error> for SaveError {
    fn from(e: db::Error) -> Self {
        if is_logon_conflict(&e) {
            SaveError::LogonTaken
        } else {
            SaveError::Db(e.into())
        }
    }
}

/// What a message may take of the 80-column status line ("! " before it).
const STATUS_WIDTH: usize = 78;

/// The UNIQUE constraint on customers.logon_id, hit by a concurrent
/// insert: SQLite names the column (`customers.logon_id`), PostgreSQL the
/// constraint (`customers_logon_id_key`).
fn is_logon_conflict(e: &db::Error) -> bool {
    e.is_unique_violation() && {
        let text = e.to_string();
        text.contains("customers.logon_id") || text.contains("customers_logon_id_key")
    }
}

pub(super) fn hash(secret_text: &str) -> Result<String, SaveError> {
    secret::hash(secret_text).map_err(SaveError::Hash)
}

/// Cleaned and trimmed, as stored.
pub(super) fn tidy(s: &str) -> String {
    clean(s).trim().to_string()
}

/// Creates a registered customer; returns its id.
pub fn create_customer(
    sql: Sql<'_>,
    draft: &CustomerDraft,
    operator: &str,
) -> Result<i64, SaveError> {
    let mut d = draft.clone();
    d.normalize_defaults();
    let problems = d.validate(true);
    if !problems.is_empty() {
        return Err(SaveError::Invalid(problems));
    }
    // Refused before the slow hashing; asked again in the transaction.
    if logon_owner(sql, &d.logon_id)?.is_some() {
        return Err(SaveError::LogonTaken);
    }
    check_account(sql, d.account_id)??;
    let password_hash = hash(&d.password)?;
    let answer_hash = hash(&secret::normalize_answer(&d.challenge_answer))?;
    let logon = tidy(&d.logon_id);
    let keys = draft_keys(&d);
    sql.write(|tx| {
        // `JDoe` while another console saved `jdoe`: only the folded key
        // tells, and no constraint holds it.
        if logon_owner(**tx, &d.logon_id)?.is_some() {
            return Err(Abort::Refused(SaveError::LogonTaken));
        }
        let now = now_text();
        let id = tx
            .query_row(
                "INSERT INTO customers (logon_id, logon_key, password_hash, first_name, last_name,
                    first_key, last_key, challenge_question, challenge_answer_hash, currency,
                    language, phone, phone_key, phone_national_key, email, email_key, postal_key,
                    account_id, enabled, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?20)
                 RETURNING id",
                &[
                    logon.as_str().into(),
                    keys.logon.as_deref().into(),
                    password_hash.as_str().into(),
                    tidy(&d.first_name).into(),
                    tidy(&d.last_name).into(),
                    keys.first.as_str().into(),
                    keys.last.as_str().into(),
                    tidy(&d.challenge_question).into(),
                    answer_hash.as_str().into(),
                    d.currency.code().into(),
                    d.language.as_str().into(),
                    tidy(&d.phone).into(),
                    keys.phone.as_str().into(),
                    keys.phone_national.as_str().into(),
                    tidy(&d.email).into(),
                    keys.email.as_str().into(),
                    keys.postal.as_str().into(),
                    d.account_id.into(),
                    d.enabled.into(),
                    now.into(),
                ],
            )?
            .get_i64(0)?;
        write_addresses(**tx, id, &d.addresses)?;
        write_demographics(**tx, id, &d.demographics)?;
        audit(**tx, operator, "customer.created", id, &logon)?;
        Ok(id)
    })
    .map_err(Abort::into_inner)
}

/// Saves an edit of a registered customer. `base` is the record as it
/// was loaded for the edit ([`load_customer_draft`]), with its version;
/// `draft` the record as edited. Only what the edit changes of `base` is
/// checked and written: a stored value the operator did not touch is kept
/// as stored, whatever its length. Refused with [`SaveError::Stale`]
/// (nothing written) when the record's version is no longer
/// `base.version`. An empty password or challenge answer keeps the stored
/// hash. Returns the record's version after the save.
pub fn update_customer(
    sql: Sql<'_>,
    id: i64,
    base: &CustomerDraft,
    draft: &CustomerDraft,
    operator: &str,
) -> Result<i64, SaveError> {
    let mut d = draft.clone();
    if d.changes_from(base).contains(&Field::Addresses) {
        d.normalize_defaults();
    }
    let changed = d.changes_from(base);
    let problems = d.validate_edit(base);
    if !problems.is_empty() {
        return Err(SaveError::Invalid(problems));
    }
    let has = |f: Field| changed.contains(&f);
    let password_hash = match has(Field::Password) {
        true => Some(hash(&d.password)?),
        false => None,
    };
    let answer_hash = match has(Field::ChallengeAnswer) {
        true => Some(hash(&secret::normalize_answer(&d.challenge_answer))?),
        false => None,
    };
    let refuse = |e: SaveError| Abort::Refused(e);
    sql.write(|tx| {
        let stored = tx
            .query_opt(
                "SELECT is_guest, version FROM customers WHERE id = ?1",
                &[id.into()],
            )?
            .map(|r| Ok::<_, db::Error>((r.get_bool(0)?, r.get_i64(1)?)))
            .transpose()?;
        let version = match stored {
            Some((false, v)) => v,
            _ => {
                return Err(refuse(SaveError::NotFound(format!(
                    "customer {id} is not a registered customer"
                ))))
            }
        };
        if version != base.version {
            return Err(refuse(stale(**tx, id, base)?));
        }
        if changed.is_empty() {
            return Ok(version);
        }
        if has(Field::Logon) && logon_owner(**tx, &d.logon_id)?.is_some_and(|owner| owner != id) {
            return Err(refuse(SaveError::LogonTaken));
        }
        if has(Field::Account) {
            check_account(**tx, d.account_id)?.map_err(refuse)?;
        }
        // Only the columns of the fields the edit changes.
        let mut set: Vec<(&str, Value)> = Vec::new();
        for field in &changed {
            match field {
                Field::Logon => set.push(("logon_id", tidy(&d.logon_id).into())),
                Field::FirstName => set.push(("first_name", tidy(&d.first_name).into())),
                Field::LastName => set.push(("last_name", tidy(&d.last_name).into())),
                Field::ChallengeQuestion => {
                    set.push(("challenge_question", tidy(&d.challenge_question).into()))
                }
                Field::Currency => set.push(("currency", d.currency.code().into())),
                Field::Language => set.push(("language", d.language.as_str().into())),
                Field::Phone => set.push(("phone", tidy(&d.phone).into())),
                Field::Email => set.push(("email", tidy(&d.email).into())),
                Field::Account => set.push(("account_id", d.account_id.into())),
                Field::Enabled => set.push(("enabled", d.enabled.into())),
                _ => {}
            }
        }
        // The keys hang together (a phone's key takes the country of the
        // default shipping address): all of them, when one may move.
        let keyed = [
            Field::Logon,
            Field::FirstName,
            Field::LastName,
            Field::Phone,
            Field::Email,
            Field::Addresses,
        ];
        if keyed.iter().any(|f| has(*f)) {
            let k = draft_keys(&d);
            set.push(("logon_key", k.logon.into()));
            set.push(("first_key", k.first.into()));
            set.push(("last_key", k.last.into()));
            set.push(("phone_key", k.phone.into()));
            set.push(("phone_national_key", k.phone_national.into()));
            set.push(("email_key", k.email.into()));
            set.push(("postal_key", k.postal.into()));
        }
        if let Some(h) = &password_hash {
            set.push(("password_hash", h.into()));
        }
        if let Some(h) = &answer_hash {
            set.push(("challenge_answer_hash", h.into()));
        }
        let columns: Vec<String> = set
            .iter()
            .enumerate()
            .map(|(i, (column, _))| format!("{column} = ?{}", i + 1))
            .collect();
        let n = set.len();
        // Column names are compile-time constants, not input.
        let statement = format!(
            "UPDATE customers SET {}{}version = version + 1, updated_at = ?{}
             WHERE id = ?{} AND version = ?{}",
            columns.join(", "),
            if columns.is_empty() { "" } else { ", " },
            n + 1,
            n + 2,
            n + 3
        );
        let mut values: Vec<Value> = set.into_iter().map(|(_, v)| v).collect();
        values.extend([now_text().into(), id.into(), version.into()]);
        tx.execute(&statement, &values)?;
        if has(Field::Addresses) {
            write_book_changes(**tx, id, &base.addresses, &d.addresses)?;
        }
        for (i, demographic) in DEMOGRAPHICS.iter().enumerate() {
            if has(Field::Demographic(i)) {
                write_demographic(**tx, id, demographic.column, d.demographics[i].as_deref())?;
            }
        }
        let names: Vec<String> = changed.iter().map(|f| field_label(*f)).collect();
        audit(
            **tx,
            operator,
            "customer.updated",
            id,
            &format!("changed: {}", names.join(", ")),
        )?;
        Ok(version + 1)
    })
    .map_err(Abort::into_inner)
}

/// The refusal of an edit of `base` when the record moved on: the record
/// as stored now and what changed since `base`.
fn stale(sql: Sql<'_>, id: i64, base: &CustomerDraft) -> Result<SaveError, db::Error> {
    let Some(current) = load_customer_draft(sql, id)? else {
        return Ok(SaveError::NotFound(format!(
            "customer {id} is no longer on file"
        )));
    };
    let accounts = business_accounts(sql)?;
    let changed = current
        .changes_from(base)
        .into_iter()
        .map(|f| {
            let now = match f {
                Field::Account => current
                    .account_id
                    .and_then(|a| accounts.iter().find(|x| x.id == a))
                    .map_or_else(|| "none".to_string(), |a| a.name.clone()),
                f => current.shown(f),
            };
            (f, now)
        })
        .collect();
    Ok(SaveError::Stale {
        current: Box::new(current),
        changed,
    })
}

/// A customer's saved addresses, the default shipping one first
/// (`Store::addresses_of`).
pub fn addresses(sql: Sql<'_>, customer_id: i64) -> Result<Vec<SavedAddress>, db::Error> {
    sql.query(
        "SELECT id, nickname, first_name, last_name, line1, line2, city, region, postal_code,
                country, phone, is_default_shipping, is_default_billing
         FROM addresses WHERE customer_id = ?1 ORDER BY is_default_shipping DESC, id",
        &[customer_id.into()],
    )?
    .iter()
    .map(|r| {
        let s = |i: usize| r.get_str(i).map(clean);
        Ok(SavedAddress {
            id: r.get_i64(0)?,
            address: Address {
                nickname: s(1)?,
                first_name: s(2)?,
                last_name: s(3)?,
                line1: s(4)?,
                line2: s(5)?,
                city: s(6)?,
                region: s(7)?,
                postal_code: s(8)?,
                country: s(9)?,
                phone: s(10)?,
            },
            default_shipping: r.get_bool(11)?,
            default_billing: r.get_bool(12)?,
        })
    })
    .collect()
}

/// The address book as the edit form holds it.
pub(super) fn book_of(saved: Vec<SavedAddress>) -> Vec<AddressEntry> {
    saved
        .into_iter()
        .map(|a| AddressEntry {
            id: Some(a.id),
            address: a.address,
            default_shipping: a.default_shipping,
            default_billing: a.default_billing,
        })
        .collect()
}

/// A registered customer's record for editing, with its version: secrets
/// come back empty (only their hashes are stored). Text comes back whole,
/// however long. None for a guest or no such id.
pub fn load_customer_draft(sql: Sql<'_>, id: i64) -> Result<Option<CustomerDraft>, db::Error> {
    let Some(r) = sql.query_opt(
        "SELECT logon_id, first_name, last_name, challenge_question, currency, language,
                phone, email, account_id, enabled, version
         FROM customers WHERE id = ?1 AND is_guest = 0",
        &[id.into()],
    )?
    else {
        return Ok(None);
    };
    let s = |i: usize| r.get_opt_str(i).map(|v| clean(v.unwrap_or_default()));
    let language = s(5)?;
    let mut d = CustomerDraft {
        logon_id: s(0)?,
        first_name: s(1)?,
        last_name: s(2)?,
        challenge_question: s(3)?,
        currency: parse_currency(&s(4)?),
        // A language outside the list (older data) shows as English.
        language: if LANGUAGES.iter().any(|(c, _)| *c == language) {
            language
        } else {
            "en".into()
        },
        phone: s(6)?,
        email: s(7)?,
        account_id: r.get_opt_i64(8)?,
        enabled: r.get_bool(9)?,
        version: r.get_i64(10)?,
        ..CustomerDraft::default()
    };
    d.addresses = book_of(addresses(sql, id)?);
    let cols: Vec<&str> = DEMOGRAPHICS.iter().map(|x| x.column).collect();
    // Column names are compile-time constants, not input.
    let statement = format!(
        "SELECT {} FROM demographics WHERE customer_id = ?1",
        cols.join(", ")
    );
    if let Some(r) = sql.query_opt(&statement, &[id.into()])? {
        for (i, slot) in d.demographics.iter_mut().enumerate() {
            // Values outside today's lists are dropped from the form
            // rather than failing validation the operator cannot fix.
            *slot = r
                .get_opt_string(i)?
                .filter(|v| DEMOGRAPHICS[i].values.contains(&v.as_str()));
        }
    }
    Ok(Some(d))
}

/// Every business account, by name, for the record's account list.
pub fn business_accounts(sql: Sql<'_>) -> Result<Vec<AccountRef>, db::Error> {
    sql.query(
        "SELECT id, name, currency, credit_limit, po_required FROM business_accounts
         ORDER BY name_key, id",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(AccountRef {
            id: r.get_i64(0)?,
            name: clean(r.get_str(1)?),
            currency: parse_currency(r.get_str(2)?),
            credit_limit: Decimal::from_str(r.get_str(3)?).unwrap_or_default(),
            po_required: r.get_bool(4)?,
        })
    })
    .collect()
}

/// The id of the customer holding this logon ID (compared folded, so
/// `JDoe` and `jdoe` cannot both exist).
pub fn logon_owner(sql: Sql<'_>, logon: &str) -> Result<Option<i64>, db::Error> {
    sql.query_opt(
        "SELECT id FROM customers WHERE logon_key = ?1 OR logon_id = ?2 LIMIT 1",
        &[fold(logon).into(), tidy(logon).into()],
    )?
    .map(|r| r.get_i64(0))
    .transpose()
}

/// Refuses an account that is not (or no longer) on file; None is fine.
fn check_account(sql: Sql<'_>, account: Option<i64>) -> Result<Result<(), SaveError>, db::Error> {
    let Some(id) = account else {
        return Ok(Ok(()));
    };
    let found = sql.query_opt(
        "SELECT id FROM business_accounts WHERE id = ?1",
        &[id.into()],
    )?;
    Ok(match found {
        Some(_) => Ok(()),
        None => Err(SaveError::Invalid(vec![(
            Field::Account,
            "that business account no longer exists".into(),
        )])),
    })
}

impl Store {
    /// See [`create_customer`].
    pub fn create_customer(&self, draft: &CustomerDraft, operator: &str) -> Result<i64, SaveError> {
        create_customer(self.sql(), draft, operator)
    }

    /// See [`update_customer`].
    pub fn update_customer(
        &self,
        id: i64,
        base: &CustomerDraft,
        draft: &CustomerDraft,
        operator: &str,
    ) -> Result<i64, SaveError> {
        update_customer(self.sql(), id, base, draft, operator)
    }

    /// See [`load_customer_draft`].
    pub fn load_customer_draft(&self, id: i64) -> rusqlite::Result<Option<CustomerDraft>> {
        Ok(load_customer_draft(self.sql(), id)?)
    }

    /// See [`business_accounts`].
    pub fn business_accounts(&self) -> rusqlite::Result<Vec<AccountRef>> {
        Ok(business_accounts(self.sql())?)
    }
}

/// The search keys of a record as it will be stored.
fn draft_keys(d: &CustomerDraft) -> SearchKeys {
    let home = d.addresses.iter().find(|a| a.default_shipping);
    let logon = tidy(&d.logon_id);
    SearchKeys::of(&KeySource {
        logon: Some(&logon),
        first: &d.first_name,
        last: &d.last_name,
        email: &d.email,
        phone: &d.phone,
        postal: home.map_or("", |a| &a.address.postal_code),
        country: home.map_or("", |a| &a.address.country),
    })
}

/// Writes the address book's entries; an entry with an id keeps it (an
/// edited address), one without gets the next (the id column is an
/// identity on PostgreSQL, which refuses an explicit NULL). Then the
/// customer's shown copy of the default shipping address is set from the
/// book as it now stands (customer_shown.rs), so every writer of a book
/// keeps it.
pub(super) fn write_addresses(
    sql: Sql<'_>,
    customer_id: i64,
    book: &[AddressEntry],
) -> Result<(), db::Error> {
    for e in book {
        let a = &e.address;
        let mut values: Vec<Value> = vec![
            customer_id.into(),
            tidy(&a.nickname).into(),
            tidy(&a.first_name).into(),
            tidy(&a.last_name).into(),
            tidy(&a.line1).into(),
            tidy(&a.line2).into(),
            tidy(&a.city).into(),
            tidy(&a.region).to_uppercase().into(),
            tidy(&a.postal_code).to_uppercase().into(),
            tidy(&a.country).to_uppercase().into(),
            tidy(&a.phone).into(),
            e.default_shipping.into(),
            e.default_billing.into(),
        ];
        let (id_column, id_value) = match e.id {
            Some(id) => {
                values.push(id.into());
                (", id", ", ?14")
            }
            None => ("", ""),
        };
        sql.execute(
            &format!(
                "INSERT INTO addresses (customer_id, nickname, first_name, last_name, line1, line2,
                    city, region, postal_code, country, phone, is_default_shipping,
                    is_default_billing{id_column})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13{id_value})"
            ),
            &values,
        )?;
    }
    customer_shown::refresh(sql, customer_id)
}

fn write_demographics(
    sql: Sql<'_>,
    customer_id: i64,
    values: &[Option<String>; 6],
) -> Result<(), db::Error> {
    sql.execute(
        "DELETE FROM demographics WHERE customer_id = ?1",
        &[customer_id.into()],
    )?;
    if values.iter().all(Option::is_none) {
        return Ok(());
    }
    let cols: Vec<&str> = DEMOGRAPHICS.iter().map(|x| x.column).collect();
    // Column names are compile-time constants, not input.
    let statement = format!(
        "INSERT INTO demographics (customer_id, {}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        cols.join(", ")
    );
    let mut params: Vec<Value> = vec![customer_id.into()];
    params.extend(values.iter().map(|v| v.as_deref().into()));
    sql.execute(&statement, &params)?;
    Ok(())
}

/// Writes the address book's changes from `base` (as stored) to `book`:
/// removed addresses go, changed and new ones are written, and of the
/// others only the default marks when they moved; an address the edit did
/// not change is not rewritten. Changed ones are deleted before any is
/// written (ids kept), so swapping two nicknames never trips UNIQUE
/// (customer_id, nickname) midway.
fn write_book_changes(
    sql: Sql<'_>,
    customer_id: i64,
    base: &[AddressEntry],
    book: &[AddressEntry],
) -> Result<(), db::Error> {
    let delete = |id: i64| {
        sql.execute(
            "DELETE FROM addresses WHERE id = ?1 AND customer_id = ?2",
            &[id.into(), customer_id.into()],
        )
    };
    for b in base {
        if let Some(id) = b.id {
            if !book.iter().any(|e| e.id == Some(id)) {
                delete(id)?;
            }
        }
    }
    let mut write = Vec::new();
    let mut marks = Vec::new();
    for e in book {
        match e
            .id
            .and_then(|id| base.iter().find(|b| b.id == Some(id)).map(|b| (id, b)))
        {
            Some((_, b)) if same_address(&b.address, &e.address) => {
                if (b.default_shipping, b.default_billing)
                    != (e.default_shipping, e.default_billing)
                {
                    marks.push(e);
                }
            }
            Some((id, _)) => {
                delete(id)?;
                write.push(e.clone());
            }
            // New, or an id that is not this record's: a new address.
            None => write.push(AddressEntry {
                id: None,
                ..e.clone()
            }),
        }
    }
    for e in marks {
        sql.execute(
            "UPDATE addresses SET is_default_shipping = ?1, is_default_billing = ?2
             WHERE id = ?3 AND customer_id = ?4",
            &[
                e.default_shipping.into(),
                e.default_billing.into(),
                e.id.into(),
                customer_id.into(),
            ],
        )?;
    }
    // Last, so the shown copy it sets sees the marks moved too.
    write_addresses(sql, customer_id, &write)
}

/// Sets one demographic column, leaving the others as stored.
fn write_demographic(
    sql: Sql<'_>,
    customer_id: i64,
    column: &str,
    value: Option<&str>,
) -> Result<(), db::Error> {
    sql.execute(
        "INSERT INTO demographics (customer_id) VALUES (?1) ON CONFLICT (customer_id) DO NOTHING",
        &[customer_id.into()],
    )?;
    // Column names are compile-time constants, not input.
    sql.execute(
        &format!("UPDATE demographics SET {column} = ?2 WHERE customer_id = ?1"),
        &[customer_id.into(), value.into()],
    )?;
    Ok(())
}

/// The customer's audit row, stamped now.
pub(super) fn audit(
    sql: Sql<'_>,
    operator: &str,
    action: &str,
    id: i64,
    detail: &str,
) -> Result<(), db::Error> {
    super::settings::audit(sql, operator, action, &format!("customer:{id}"), detail)?;
    Ok(())
}

//! Customer records: create and edit registered customers, and business
//! accounts. The challenge question is in `customer_challenge.rs`, turning
//! a guest into a registered customer in `guest_conversion.rs`. Secrets are
//! hashed before any transaction starts (Argon2 is slow on purpose) and
//! only hashes reach the database.
//!
//! The *_key columns are made by `SearchKeys::of`, as by every writer, so
//! `search_customers` finds records made here like any other.

pub(crate) use super::customer_challenge::challenge_locked_in;
use super::customers::parse_currency;
use super::{now_text, Store};
use crate::domain::customer::{AddressEntry, CustomerDraft, Field, DEMOGRAPHICS, LANGUAGES};
use crate::domain::customer_edit::{describe_changes, field_label, same_address};
use crate::domain::order::AccountRef;
use crate::domain::search_keys::{KeySource, SearchKeys};
use crate::domain::secret;
use crate::domain::text::{clean, fold};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Transaction, TransactionBehavior};
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
        if is_logon_conflict(&e) {
            SaveError::LogonTaken
        } else {
            SaveError::Db(e.into())
        }
    }
}

/// What a message may take of the 80-column status line ("! " before it).
const STATUS_WIDTH: usize = 78;

/// The UNIQUE constraint on customers.logon_id, hit by a concurrent insert.
fn is_logon_conflict(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, Some(m))
        if f.code == rusqlite::ErrorCode::ConstraintViolation && m.contains("customers.logon_id"))
}

pub(super) fn hash(secret_text: &str) -> Result<String, SaveError> {
    secret::hash(secret_text).map_err(SaveError::Hash)
}

/// Cleaned and trimmed, as stored.
pub(super) fn tidy(s: &str) -> String {
    clean(s).trim().to_string()
}

impl Store {
    /// Creates a registered customer; returns its id.
    pub fn create_customer(&self, draft: &CustomerDraft, operator: &str) -> Result<i64, SaveError> {
        let mut d = draft.clone();
        d.normalize_defaults();
        let problems = d.validate(true);
        if !problems.is_empty() {
            return Err(SaveError::Invalid(problems));
        }
        if self.logon_owner(&d.logon_id)?.is_some() {
            return Err(SaveError::LogonTaken);
        }
        self.check_account(d.account_id)?;
        let password_hash = hash(&d.password)?;
        let answer_hash = hash(&secret::normalize_answer(&d.challenge_answer))?;
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let now = now_text();
        let logon = tidy(&d.logon_id);
        let keys = draft_keys(&d);
        tx.execute(
            "INSERT INTO customers (logon_id, logon_key, password_hash, first_name, last_name, first_key, last_key,
                challenge_question, challenge_answer_hash, currency, language, phone, phone_key, phone_national_key,
                email, email_key, postal_key, account_id, enabled, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20)",
            params![
                logon,
                keys.logon,
                password_hash,
                tidy(&d.first_name),
                tidy(&d.last_name),
                keys.first,
                keys.last,
                tidy(&d.challenge_question),
                answer_hash,
                d.currency.code(),
                d.language,
                tidy(&d.phone),
                keys.phone,
                keys.phone_national,
                tidy(&d.email),
                keys.email,
                keys.postal,
                d.account_id,
                d.enabled,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        write_addresses(&tx, id, &d.addresses)?;
        write_demographics(&tx, id, &d.demographics)?;
        audit(&tx, operator, "customer.created", id, &logon)?;
        tx.commit()?;
        Ok(id)
    }

    /// Saves an edit of a registered customer. `base` is the record as it
    /// was loaded for the edit ([`Store::load_customer_draft`]), with its
    /// version; `draft` the record as edited. Only what the edit changes of
    /// `base` is checked and written: a stored value the operator did not
    /// touch is kept as stored, whatever its length. Refused with
    /// [`SaveError::Stale`] (nothing written) when the record's version is
    /// no longer `base.version`. An empty password or challenge answer keeps
    /// the stored hash. Returns the record's version after the save.
    pub fn update_customer(
        &self,
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
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let stored: Option<(bool, i64)> = tx
            .query_row(
                "SELECT is_guest, version FROM customers WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let version = match stored {
            Some((false, v)) => v,
            _ => {
                return Err(SaveError::NotFound(format!(
                    "customer {id} is not a registered customer"
                )))
            }
        };
        if version != base.version {
            return Err(self.stale(id, base)?);
        }
        if changed.is_empty() {
            return Ok(version);
        }
        if has(Field::Logon)
            && self
                .logon_owner(&d.logon_id)?
                .is_some_and(|owner| owner != id)
        {
            return Err(SaveError::LogonTaken);
        }
        if has(Field::Account) {
            self.check_account(d.account_id)?;
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
                Field::Currency => set.push(("currency", d.currency.code().to_string().into())),
                Field::Language => set.push(("language", d.language.clone().into())),
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
            set.push(("password_hash", h.clone().into()));
        }
        if let Some(h) = &answer_hash {
            set.push(("challenge_answer_hash", h.clone().into()));
        }
        let columns: Vec<String> = set
            .iter()
            .enumerate()
            .map(|(i, (column, _))| format!("{column} = ?{}", i + 1))
            .collect();
        let n = set.len();
        // Column names are compile-time constants, not input.
        let sql = format!(
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
        tx.execute(&sql, params_from_iter(values))?;
        if has(Field::Addresses) {
            write_book_changes(&tx, id, &base.addresses, &d.addresses)?;
        }
        for (i, demographic) in DEMOGRAPHICS.iter().enumerate() {
            if has(Field::Demographic(i)) {
                write_demographic(&tx, id, demographic.column, d.demographics[i].as_deref())?;
            }
        }
        let names: Vec<String> = changed.iter().map(|f| field_label(*f)).collect();
        audit(
            &tx,
            operator,
            "customer.updated",
            id,
            &format!("changed: {}", names.join(", ")),
        )?;
        tx.commit()?;
        Ok(version + 1)
    }

    /// The refusal of an edit of `base` when the record moved on: the record
    /// as stored now and what changed since `base`.
    fn stale(&self, id: i64, base: &CustomerDraft) -> Result<SaveError, SaveError> {
        let Some(current) = self.load_customer_draft(id)? else {
            return Ok(SaveError::NotFound(format!(
                "customer {id} is no longer on file"
            )));
        };
        let accounts = self.business_accounts()?;
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

    /// A registered customer's record for editing, with its version:
    /// secrets come back empty (only their hashes are stored). Text comes
    /// back whole, however long. None for a guest or no such id.
    pub fn load_customer_draft(&self, id: i64) -> rusqlite::Result<Option<CustomerDraft>> {
        let head = self
            .conn
            .query_row(
                "SELECT logon_id, first_name, last_name, challenge_question, currency, language,
                        phone, email, account_id, enabled, version
                 FROM customers WHERE id = ?1 AND is_guest = 0",
                [id],
                |r| {
                    let s = |i: usize| {
                        r.get::<_, Option<String>>(i)
                            .map(|v| clean(&v.unwrap_or_default()))
                    };
                    let language = s(5)?;
                    Ok(CustomerDraft {
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
                        account_id: r.get(8)?,
                        enabled: r.get(9)?,
                        version: r.get(10)?,
                        ..CustomerDraft::default()
                    })
                },
            )
            .optional()?;
        let Some(mut d) = head else {
            return Ok(None);
        };
        d.addresses = self
            .addresses_of(id)?
            .into_iter()
            .map(|a| AddressEntry {
                id: Some(a.id),
                address: a.address,
                default_shipping: a.default_shipping,
                default_billing: a.default_billing,
            })
            .collect();
        let cols: Vec<&str> = DEMOGRAPHICS.iter().map(|x| x.column).collect();
        // Column names are compile-time constants, not input.
        let sql = format!(
            "SELECT {} FROM demographics WHERE customer_id = ?1",
            cols.join(", ")
        );
        if let Some(values) = self
            .conn
            .query_row(&sql, [id], |r| {
                let mut out: [Option<String>; 6] = Default::default();
                for (i, slot) in out.iter_mut().enumerate() {
                    *slot = r.get::<_, Option<String>>(i)?;
                }
                Ok(out)
            })
            .optional()?
        {
            for (i, v) in values.into_iter().enumerate() {
                // Values outside today's lists are dropped from the form
                // rather than failing validation the operator cannot fix.
                d.demographics[i] = v.filter(|v| DEMOGRAPHICS[i].values.contains(&v.as_str()));
            }
        }
        Ok(Some(d))
    }

    /// Every business account, by name, for the record's account list.
    pub fn business_accounts(&self) -> rusqlite::Result<Vec<AccountRef>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, currency, credit_limit, po_required FROM business_accounts ORDER BY name_key, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AccountRef {
                id: r.get(0)?,
                name: clean(&r.get::<_, String>(1)?),
                currency: parse_currency(&r.get::<_, String>(2)?),
                credit_limit: Decimal::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                po_required: r.get(4)?,
            })
        })?;
        rows.collect()
    }

    /// The id of the customer holding this logon ID (compared folded, so
    /// `JDoe` and `jdoe` cannot both exist).
    pub(super) fn logon_owner(&self, logon: &str) -> rusqlite::Result<Option<i64>> {
        let key = fold(logon);
        self.conn
            .query_row(
                "SELECT id FROM customers WHERE logon_key = ?1 OR logon_id = ?2 LIMIT 1",
                params![key, tidy(logon)],
                |r| r.get(0),
            )
            .optional()
    }

    fn check_account(&self, account: Option<i64>) -> Result<(), SaveError> {
        let Some(id) = account else {
            return Ok(());
        };
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM business_accounts WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match found {
            Some(_) => Ok(()),
            None => Err(SaveError::Invalid(vec![(
                Field::Account,
                "that business account no longer exists".into(),
            )])),
        }
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

pub(super) fn write_addresses(
    tx: &Transaction,
    customer_id: i64,
    book: &[AddressEntry],
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO addresses (id, customer_id, nickname, first_name, last_name, line1, line2, city, region,
            postal_code, country, phone, is_default_shipping, is_default_billing)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for e in book {
        let a = &e.address;
        stmt.execute(params![
            e.id,
            customer_id,
            tidy(&a.nickname),
            tidy(&a.first_name),
            tidy(&a.last_name),
            tidy(&a.line1),
            tidy(&a.line2),
            tidy(&a.city),
            tidy(&a.region).to_uppercase(),
            tidy(&a.postal_code).to_uppercase(),
            tidy(&a.country).to_uppercase(),
            tidy(&a.phone),
            e.default_shipping,
            e.default_billing
        ])?;
    }
    Ok(())
}

fn write_demographics(
    tx: &Transaction,
    customer_id: i64,
    values: &[Option<String>; 6],
) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM demographics WHERE customer_id = ?1",
        [customer_id],
    )?;
    if values.iter().all(Option::is_none) {
        return Ok(());
    }
    let cols: Vec<&str> = DEMOGRAPHICS.iter().map(|x| x.column).collect();
    // Column names are compile-time constants, not input.
    let sql = format!(
        "INSERT INTO demographics (customer_id, {}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        cols.join(", ")
    );
    tx.execute(
        &sql,
        params![
            customer_id,
            values[0],
            values[1],
            values[2],
            values[3],
            values[4],
            values[5]
        ],
    )?;
    Ok(())
}

/// Writes the address book's changes from `base` (as stored) to `book`:
/// removed addresses go, changed and new ones are written, and of the
/// others only the default marks when they moved; an address the edit did
/// not change is not rewritten. Changed ones are deleted before any is
/// written (ids kept), so swapping two nicknames never trips UNIQUE
/// (customer_id, nickname) midway.
fn write_book_changes(
    tx: &Transaction,
    customer_id: i64,
    base: &[AddressEntry],
    book: &[AddressEntry],
) -> rusqlite::Result<()> {
    let mut delete =
        tx.prepare_cached("DELETE FROM addresses WHERE id = ?1 AND customer_id = ?2")?;
    for b in base {
        if let Some(id) = b.id {
            if !book.iter().any(|e| e.id == Some(id)) {
                delete.execute(params![id, customer_id])?;
            }
        }
    }
    let mut write = Vec::new();
    let mut marks = Vec::new();
    for e in book {
        match e.id.and_then(|id| base.iter().find(|b| b.id == Some(id))) {
            Some(b) if same_address(&b.address, &e.address) => {
                if (b.default_shipping, b.default_billing)
                    != (e.default_shipping, e.default_billing)
                {
                    marks.push(e);
                }
            }
            Some(_) => {
                delete.execute(params![e.id, customer_id])?;
                write.push(e.clone());
            }
            // New, or an id that is not this record's: a new address.
            None => write.push(AddressEntry {
                id: None,
                ..e.clone()
            }),
        }
    }
    write_addresses(tx, customer_id, &write)?;
    let mut mark = tx.prepare_cached(
        "UPDATE addresses SET is_default_shipping = ?1, is_default_billing = ?2
         WHERE id = ?3 AND customer_id = ?4",
    )?;
    for e in marks {
        mark.execute(params![
            e.default_shipping,
            e.default_billing,
            e.id,
            customer_id
        ])?;
    }
    Ok(())
}

/// Sets one demographic column, leaving the others as stored.
fn write_demographic(
    tx: &Transaction,
    customer_id: i64,
    column: &str,
    value: Option<&str>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO demographics (customer_id) VALUES (?1) ON CONFLICT (customer_id) DO NOTHING",
        [customer_id],
    )?;
    // Column names are compile-time constants, not input.
    tx.execute(
        &format!("UPDATE demographics SET {column} = ?2 WHERE customer_id = ?1"),
        params![customer_id, value],
    )?;
    Ok(())
}

pub(super) fn audit(
    tx: &Transaction,
    operator: &str,
    action: &str,
    id: i64,
    detail: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit (at, operator, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            now_text(),
            operator,
            action,
            format!("customer:{id}"),
            detail
        ],
    )?;
    Ok(())
}

//! Customer records: create and edit registered customers, business
//! accounts, the challenge question, and turning a guest into a registered
//! customer. Secrets are hashed before any transaction starts (Argon2 is
//! slow on purpose) and only hashes reach the database.
//!
//! The *_key columns are filled exactly as the demo loader fills them, so
//! `search_customers` finds records made here like any other.

use super::customers::parse_currency;
use super::{now_text, Store};
use crate::domain::customer::{
    AddressEntry, CustomerDraft, Field, GuestConversion, DEMOGRAPHICS, LANGUAGES,
};
use crate::domain::order::{AccountRef, Address};
use crate::domain::secret;
use crate::domain::text::{clean, digits, fold, national_digits};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
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
    /// Hashing failed; nothing was written.
    Hash(String),
    Db(rusqlite::Error),
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
            SaveError::Hash(m) => write!(f, "not saved: {m}"),
            SaveError::Db(e) => write!(f, "the database refused the record: {e}"),
        }
    }
}

impl std::error::Error for SaveError {}

impl From<rusqlite::Error> for SaveError {
    fn from(e: rusqlite::Error) -> Self {
        if is_logon_conflict(&e) {
            SaveError::LogonTaken
        } else {
            SaveError::Db(e)
        }
    }
}

/// The UNIQUE constraint on customers.logon_id, hit by a concurrent insert.
fn is_logon_conflict(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, Some(m))
        if f.code == rusqlite::ErrorCode::ConstraintViolation && m.contains("customers.logon_id"))
}

fn hash(secret_text: &str) -> Result<String, SaveError> {
    secret::hash(secret_text).map_err(SaveError::Hash)
}

/// Cleaned and trimmed, as stored.
fn tidy(s: &str) -> String {
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
        tx.execute(
            "INSERT INTO customers (logon_id, logon_key, password_hash, first_name, last_name, first_key, last_key,
                challenge_question, challenge_answer_hash, currency, language, phone, phone_key, phone_national_key,
                email, email_key, postal_key, account_id, enabled, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20)",
            params![
                logon,
                fold(&logon),
                password_hash,
                tidy(&d.first_name),
                tidy(&d.last_name),
                fold(&d.first_name),
                fold(&d.last_name),
                tidy(&d.challenge_question),
                answer_hash,
                d.currency.code(),
                d.language,
                tidy(&d.phone),
                digits(&d.phone),
                national_digits(&d.phone),
                tidy(&d.email),
                fold(&d.email),
                postal_key(&d),
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

    /// Saves an edited registered customer. An empty password or challenge
    /// answer keeps the stored hash.
    pub fn update_customer(
        &self,
        id: i64,
        draft: &CustomerDraft,
        operator: &str,
    ) -> Result<(), SaveError> {
        let mut d = draft.clone();
        d.normalize_defaults();
        let problems = d.validate(false);
        if !problems.is_empty() {
            return Err(SaveError::Invalid(problems));
        }
        if !self.is_registered(id)? {
            return Err(SaveError::NotFound(format!(
                "customer {id} is not a registered customer"
            )));
        }
        if self
            .logon_owner(&d.logon_id)?
            .is_some_and(|owner| owner != id)
        {
            return Err(SaveError::LogonTaken);
        }
        self.check_account(d.account_id)?;
        let password_hash = match d.password.is_empty() {
            true => None,
            false => Some(hash(&d.password)?),
        };
        let answer_hash = match d.challenge_answer.trim().is_empty() {
            true => None,
            false => Some(hash(&secret::normalize_answer(&d.challenge_answer))?),
        };
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let logon = tidy(&d.logon_id);
        tx.execute(
            "UPDATE customers SET logon_id = ?2, logon_key = ?3,
                password_hash = COALESCE(?4, password_hash),
                first_name = ?5, last_name = ?6, first_key = ?7, last_key = ?8,
                challenge_question = ?9, challenge_answer_hash = COALESCE(?10, challenge_answer_hash),
                currency = ?11, language = ?12, phone = ?13, phone_key = ?14, phone_national_key = ?15,
                email = ?16, email_key = ?17, postal_key = ?18, account_id = ?19, enabled = ?20,
                updated_at = ?21
             WHERE id = ?1",
            params![
                id,
                logon,
                fold(&logon),
                password_hash,
                tidy(&d.first_name),
                tidy(&d.last_name),
                fold(&d.first_name),
                fold(&d.last_name),
                tidy(&d.challenge_question),
                answer_hash,
                d.currency.code(),
                d.language,
                tidy(&d.phone),
                digits(&d.phone),
                national_digits(&d.phone),
                tidy(&d.email),
                fold(&d.email),
                postal_key(&d),
                d.account_id,
                d.enabled,
                now_text()
            ],
        )?;
        // The book is rewritten whole (ids kept), so swapping two
        // nicknames never trips UNIQUE (customer_id, nickname) midway.
        tx.execute("DELETE FROM addresses WHERE customer_id = ?1", [id])?;
        write_addresses(&tx, id, &d.addresses)?;
        write_demographics(&tx, id, &d.demographics)?;
        let mut changed = Vec::new();
        if password_hash.is_some() {
            changed.push("password changed");
        }
        if answer_hash.is_some() {
            changed.push("challenge answer changed");
        }
        audit(&tx, operator, "customer.updated", id, &changed.join(", "))?;
        tx.commit()?;
        Ok(())
    }

    /// A registered customer's record for editing: secrets come back empty
    /// (only their hashes are stored). None for a guest or no such id.
    pub fn load_customer_draft(&self, id: i64) -> rusqlite::Result<Option<CustomerDraft>> {
        let head = self
            .conn
            .query_row(
                "SELECT logon_id, first_name, last_name, challenge_question, currency, language,
                        phone, email, account_id, enabled
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

    /// The customer's challenge question, if one is stored.
    pub fn challenge_question(&self, id: i64) -> rusqlite::Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT challenge_question FROM customers WHERE id = ?1 AND challenge_answer_hash IS NOT NULL",
                [id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .map(|q| clean(&q))
            .filter(|q| !q.trim().is_empty()))
    }

    /// Checks an answer to the challenge question (trimmed, any case).
    /// A wrong answer is recorded in the audit as `challenge.failed`.
    pub fn verify_challenge(
        &self,
        id: i64,
        answer: &str,
        operator: &str,
    ) -> rusqlite::Result<bool> {
        let stored: Option<String> = self
            .conn
            .query_row(
                "SELECT challenge_answer_hash FROM customers WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let ok = stored.is_some_and(|h| secret::verify(&secret::normalize_answer(answer), &h));
        if !ok {
            self.audit(
                operator,
                "challenge.failed",
                &format!("customer:{id}"),
                "wrong answer",
            )?;
        }
        Ok(ok)
    }

    /// How many wrong challenge answers the audit holds for a customer.
    pub fn challenge_failures(&self, id: i64) -> rusqlite::Result<i64> {
        self.conn.query_row(
            "SELECT COUNT(*) FROM audit WHERE subject = ?1 AND action = 'challenge.failed'",
            [format!("customer:{id}")],
            |r| r.get(0),
        )
    }

    /// Turns a guest (made when their order was placed) into a registered
    /// customer in one step. Guests' orders keep the addresses only as
    /// snapshots, so the ship-to and billing addresses of their orders
    /// become the address book.
    pub fn convert_guest(
        &self,
        customer_id: i64,
        conversion: &GuestConversion,
        operator: &str,
    ) -> Result<(), SaveError> {
        let problems = conversion.validate();
        if !problems.is_empty() {
            return Err(SaveError::Invalid(problems));
        }
        let guest: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT first_name, last_name, phone FROM customers WHERE id = ?1 AND is_guest = 1",
                [customer_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((first, last, phone)) = guest else {
            return Err(SaveError::NotFound(format!(
                "customer {customer_id} is not a guest"
            )));
        };
        if self.logon_owner(&conversion.logon_id)?.is_some() {
            return Err(SaveError::LogonTaken);
        }
        let password_hash = hash(&conversion.password)?;
        let answer_hash = hash(&secret::normalize_answer(&conversion.challenge_answer))?;
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let mut book = self.guest_address_book(&tx, customer_id, &first, &last)?;
        let existing: i64 = tx.query_row(
            "SELECT COUNT(*) FROM addresses WHERE customer_id = ?1",
            [customer_id],
            |r| r.get(0),
        )?;
        if existing == 0 {
            write_addresses(&tx, customer_id, &book)?;
        } else {
            book = self
                .addresses_of(customer_id)?
                .into_iter()
                .map(|a| AddressEntry {
                    id: Some(a.id),
                    address: a.address,
                    default_shipping: a.default_shipping,
                    default_billing: a.default_billing,
                })
                .collect();
        }
        let postal = book
            .iter()
            .find(|a| a.default_shipping)
            .map(|a| fold(&a.address.postal_code))
            .unwrap_or_default();
        let logon = tidy(&conversion.logon_id);
        tx.execute(
            "UPDATE customers SET logon_id = ?2, logon_key = ?3, password_hash = ?4,
                challenge_question = ?5, challenge_answer_hash = ?6, is_guest = 0, enabled = 1,
                phone_key = ?7, phone_national_key = ?8, postal_key = ?9, updated_at = ?10
             WHERE id = ?1",
            params![
                customer_id,
                logon,
                fold(&logon),
                password_hash,
                tidy(&conversion.challenge_question),
                answer_hash,
                digits(&phone),
                national_digits(&phone),
                postal,
                now_text()
            ],
        )?;
        audit(&tx, operator, "customer.converted", customer_id, &logon)?;
        tx.commit()?;
        Ok(())
    }

    /// The distinct addresses a guest's orders were shipped and billed to,
    /// newest order first; the newest ship-to is the default shipping
    /// address, the newest billing address the default billing one.
    fn guest_address_book(
        &self,
        tx: &Transaction,
        customer_id: i64,
        first: &str,
        last: &str,
    ) -> rusqlite::Result<Vec<AddressEntry>> {
        let mut ship: Vec<Address> = Vec::new();
        let mut stmt = tx.prepare(
            "SELECT s.address FROM order_ship_tos s JOIN orders o ON o.id = s.order_id
             WHERE o.customer_id = ?1 ORDER BY o.placed_at DESC, o.id DESC, s.ship_to_no",
        )?;
        for text in stmt.query_map([customer_id], |r| r.get::<_, String>(0))? {
            if let Ok(a) = serde_json::from_str::<Address>(&text?) {
                ship.push(a);
            }
        }
        let mut bill: Vec<Address> = Vec::new();
        let mut stmt = tx.prepare(
            "SELECT billing_address FROM orders WHERE customer_id = ?1 ORDER BY placed_at DESC, id DESC",
        )?;
        for text in stmt.query_map([customer_id], |r| r.get::<_, String>(0))? {
            if let Ok(Some(a)) = serde_json::from_str::<Option<Address>>(&text?) {
                bill.push(a);
            }
        }
        let mut book: Vec<AddressEntry> = Vec::new();
        let same = |a: &Address, b: &Address| {
            let key = |x: &Address| {
                [&x.line1, &x.line2, &x.city, &x.postal_code, &x.country].map(|s| fold(s))
            };
            key(a) == key(b)
        };
        for (a, is_ship) in ship
            .into_iter()
            .map(|a| (a, true))
            .chain(bill.into_iter().map(|a| (a, false)))
        {
            let first_of_kind = !book.iter().any(|e| {
                if is_ship {
                    e.default_shipping
                } else {
                    e.default_billing
                }
            });
            if let Some(e) = book.iter_mut().find(|e| same(&e.address, &a)) {
                if is_ship && first_of_kind {
                    e.default_shipping = true;
                } else if !is_ship && first_of_kind {
                    e.default_billing = true;
                }
                continue;
            }
            let mut a = a;
            if a.first_name.trim().is_empty() && a.last_name.trim().is_empty() {
                a.first_name = first.to_string();
                a.last_name = last.to_string();
            }
            book.push(AddressEntry {
                id: None,
                address: a,
                default_shipping: is_ship && first_of_kind,
                default_billing: !is_ship && first_of_kind,
            });
        }
        // Nicknames must be unique per customer: "Ship to", "Ship to 2", ...
        let mut used: Vec<String> = Vec::new();
        for e in &mut book {
            let base = match e.address.nickname.trim() {
                "" => "Address".to_string(),
                n => n.to_string(),
            };
            let mut nick = base.clone();
            let mut n = 2;
            while used.iter().any(|u| u.eq_ignore_ascii_case(&nick)) {
                nick = format!("{base} {n}");
                n += 1;
            }
            used.push(nick.clone());
            e.address.nickname = nick;
        }
        Ok(book)
    }

    /// The id of the customer holding this logon ID (compared folded, so
    /// `JDoe` and `jdoe` cannot both exist).
    fn logon_owner(&self, logon: &str) -> rusqlite::Result<Option<i64>> {
        let key = fold(logon);
        self.conn
            .query_row(
                "SELECT id FROM customers WHERE logon_key = ?1 OR logon_id = ?2 LIMIT 1",
                params![key, tidy(logon)],
                |r| r.get(0),
            )
            .optional()
    }

    fn is_registered(&self, id: i64) -> rusqlite::Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT is_guest FROM customers WHERE id = ?1", [id], |r| {
                r.get::<_, bool>(0)
            })
            .optional()?
            == Some(false))
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

/// The folded postal code of the default shipping address, as the demo
/// loader stores it.
fn postal_key(d: &CustomerDraft) -> String {
    d.addresses
        .iter()
        .find(|a| a.default_shipping)
        .map(|a| fold(&a.address.postal_code))
        .unwrap_or_default()
}

fn write_addresses(
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

fn audit(
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

//! Turning a guest (made when their order was placed) into a registered
//! customer, with the addresses of their orders as the address book.

use super::customer_records::{audit, hash, tidy, write_addresses, SaveError};
use super::{now_text, Store};
use crate::domain::customer::{AddressEntry, GuestConversion};
use crate::domain::order::Address;
use crate::domain::search_keys::{KeySource, SearchKeys};
use crate::domain::secret;
use crate::domain::text::fold;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

impl Store {
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
        let guest: Option<(String, String, String, String)> = self
            .conn
            .query_row(
                "SELECT first_name, last_name, phone, email FROM customers WHERE id = ?1 AND is_guest = 1",
                [customer_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((first, last, phone, email)) = guest else {
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
        let logon = tidy(&conversion.logon_id);
        let home = book.iter().find(|a| a.default_shipping);
        let keys = SearchKeys::of(&KeySource {
            logon: Some(&logon),
            first: &first,
            last: &last,
            email: &email,
            phone: &phone,
            postal: home.map_or("", |a| &a.address.postal_code),
            country: home.map_or("", |a| &a.address.country),
        });
        let converted = tx.execute(
            "UPDATE customers SET logon_id = ?2, logon_key = ?3, password_hash = ?4,
                challenge_question = ?5, challenge_answer_hash = ?6, is_guest = 0, enabled = 1,
                phone_key = ?7, phone_national_key = ?8, postal_key = ?9, updated_at = ?10,
                first_key = ?11, last_key = ?12, email_key = ?13, version = version + 1
             WHERE id = ?1 AND is_guest = 1",
            params![
                customer_id,
                logon,
                keys.logon,
                password_hash,
                tidy(&conversion.challenge_question),
                answer_hash,
                keys.phone,
                keys.phone_national,
                keys.postal,
                now_text(),
                keys.first,
                keys.last,
                keys.email
            ],
        )?;
        if converted != 1 {
            // Registered by another console meanwhile.
            return Err(SaveError::NotFound(format!(
                "customer {customer_id} is not a guest"
            )));
        }
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
}

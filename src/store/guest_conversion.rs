//! Turning a guest (made when their order was placed) into a registered
//! customer, with the addresses of their orders as the address book. The
//! SQL is written once, for both backends, over a [`Sql`] handle.

use super::customer_records::{
    addresses, audit, book_of, hash, logon_owner, tidy, write_addresses, SaveError,
};
use super::db::{self, Abort, Sql};
use super::{now_text, Store};
use crate::domain::customer::{AddressEntry, GuestConversion};
use crate::domain::order::Address;
use crate::domain::search_keys::{KeySource, SearchKeys};
use crate::domain::secret;
use crate::domain::text::fold;

/// Turns a guest (made when their order was placed) into a registered
/// customer in one step. Guests' orders keep the addresses only as
/// snapshots, so the ship-to and billing addresses of their orders become
/// the address book (unless the guest has one already).
pub fn convert_guest(
    sql: Sql<'_>,
    customer_id: i64,
    conversion: &GuestConversion,
    operator: &str,
) -> Result<(), SaveError> {
    let problems = conversion.validate();
    if !problems.is_empty() {
        return Err(SaveError::Invalid(problems));
    }
    let not_a_guest = || SaveError::NotFound(format!("customer {customer_id} is not a guest"));
    let guest = sql.query_opt(
        "SELECT first_name, last_name, phone, email FROM customers WHERE id = ?1 AND is_guest = 1",
        &[customer_id.into()],
    )?;
    let Some(g) = guest else {
        return Err(not_a_guest());
    };
    let (first, last, phone, email) = (
        g.get_string(0)?,
        g.get_string(1)?,
        g.get_string(2)?,
        g.get_string(3)?,
    );
    // Refused before the slow hashing; asked again in the transaction.
    if logon_owner(sql, &conversion.logon_id)?.is_some() {
        return Err(SaveError::LogonTaken);
    }
    let password_hash = hash(&conversion.password)?;
    let answer_hash = hash(&secret::normalize_answer(&conversion.challenge_answer))?;
    let logon = tidy(&conversion.logon_id);
    sql.write(|tx| {
        if logon_owner(**tx, &conversion.logon_id)?.is_some() {
            return Err(Abort::Refused(SaveError::LogonTaken));
        }
        let existing = addresses(**tx, customer_id)?;
        let book = if existing.is_empty() {
            let book = guest_address_book(**tx, customer_id, &first, &last)?;
            write_addresses(**tx, customer_id, &book)?;
            book
        } else {
            book_of(existing)
        };
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
            &[
                customer_id.into(),
                logon.as_str().into(),
                keys.logon.as_deref().into(),
                password_hash.as_str().into(),
                tidy(&conversion.challenge_question).into(),
                answer_hash.as_str().into(),
                keys.phone.as_str().into(),
                keys.phone_national.as_str().into(),
                keys.postal.as_str().into(),
                now_text().into(),
                keys.first.as_str().into(),
                keys.last.as_str().into(),
                keys.email.as_str().into(),
            ],
        )?;
        if converted != 1 {
            // Registered by another console meanwhile.
            return Err(Abort::Refused(not_a_guest()));
        }
        audit(**tx, operator, "customer.converted", customer_id, &logon)?;
        Ok(())
    })
    .map_err(Abort::into_inner)
}

/// The distinct addresses a guest's orders were shipped and billed to,
/// newest order first; the newest ship-to is the default shipping
/// address, the newest billing address the default billing one.
/// (Snapshots are JSON, read in Rust; one that does not read is skipped.)
fn guest_address_book(
    sql: Sql<'_>,
    customer_id: i64,
    first: &str,
    last: &str,
) -> Result<Vec<AddressEntry>, db::Error> {
    let mut ship: Vec<Address> = Vec::new();
    for r in sql.query(
        "SELECT s.address FROM order_ship_tos s JOIN orders o ON o.id = s.order_id
         WHERE o.customer_id = ?1 ORDER BY o.placed_at DESC, o.id DESC, s.ship_to_no",
        &[customer_id.into()],
    )? {
        if let Ok(a) = serde_json::from_str::<Address>(r.get_str(0)?) {
            ship.push(a);
        }
    }
    let mut bill: Vec<Address> = Vec::new();
    for r in sql.query(
        "SELECT billing_address FROM orders WHERE customer_id = ?1
         ORDER BY placed_at DESC, id DESC",
        &[customer_id.into()],
    )? {
        if let Ok(Some(a)) = serde_json::from_str::<Option<Address>>(r.get_str(0)?) {
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

impl Store {
    /// See [`convert_guest`].
    pub fn convert_guest(
        &self,
        customer_id: i64,
        conversion: &GuestConversion,
        operator: &str,
    ) -> Result<(), SaveError> {
        convert_guest(self.sql(), customer_id, conversion, operator)
    }
}

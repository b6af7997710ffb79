//! The city and postal code a customer's search row shows: those of their
//! default shipping address (the one with the lowest id, as its postal
//! code's search key), copied into `customers` (migration 10) so a search
//! reads each shown customer's row and nothing else. Looking the address
//! up for each of a page's 201 customers took about half of a one-field
//! search. `customer_records::write_addresses` calls [`refresh`] after
//! every book it writes (a record's create and edit, a guest's
//! registration); a guest's order and the demo's customers, which insert
//! their own addresses, call it too; the generator, which knows the
//! address it writes, fills the copy as it inserts
//! ([`generate`](super::generate)); `orderdesk check` finds a copy that
//! differs.

use super::db::{self, Sql};

/// The schema versions that carry the copy: SQLite's and PostgreSQL's.
pub(super) const SQLITE_SINCE: i64 = 10;
pub(super) const POSTGRES_SINCE: i64 = 6;

/// The one statement that sets customer `?1`'s copy from their address
/// book (empty without a default shipping address); plain SQL both
/// backends run.
pub(super) const REFRESH: &str = "UPDATE customers SET
        shipping_city = COALESCE((SELECT a.city FROM addresses a
            WHERE a.customer_id = customers.id AND a.is_default_shipping = 1
            ORDER BY a.id LIMIT 1), ''),
        shipping_postal_code = COALESCE((SELECT a.postal_code FROM addresses a
            WHERE a.customer_id = customers.id AND a.is_default_shipping = 1
            ORDER BY a.id LIMIT 1), '')
    WHERE id = ?1";

/// Sets customer `id`'s shown city and postal code from their address
/// book, in the writer's transaction.
pub(super) fn refresh(sql: Sql<'_>, id: i64) -> Result<(), db::Error> {
    sql.execute(REFRESH, &[id.into()])?;
    Ok(())
}

/// Customers whose copy differs from their address book, by id, with the
/// copy and the address: for `orderdesk check`, on both backends.
pub(super) const DIFFERING: &str = "SELECT c.id, c.shipping_city, c.shipping_postal_code,
        COALESCE(a.city, ''), COALESCE(a.postal_code, '')
    FROM customers c
    LEFT JOIN addresses a ON a.id = (SELECT min(d.id) FROM addresses d
        WHERE d.customer_id = c.id AND d.is_default_shipping = 1)
    WHERE c.shipping_city <> COALESCE(a.city, '')
       OR c.shipping_postal_code <> COALESCE(a.postal_code, '')
    ORDER BY c.id";

//! `orderdesk search`: the console's item and customer searches from the
//! command line, for scripting and support. One JSON object a line on
//! standard output, best match first; nothing printed when nothing
//! matches. The searches are the store's, as the console runs them.

use crate::domain::availability::allocate;
use crate::domain::item_index::Field;
use crate::domain::money::Currency;
use crate::domain::text::json_safe;
use crate::store::{CustomerQuery, CustomerRow, ItemHit, Store};
use clap::Subcommand;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;

#[derive(Subcommand, Debug)]
pub enum SearchCommand {
    /// Items by SKU prefix or words of name and description, as the
    /// catalog screen finds them (plural and singular alike, with typing
    /// mistakes, ranked)
    Items {
        /// What the operator would type (empty: the catalog by name)
        text: String,
        /// At most this many results
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
        /// Prices in this currency [default: the database's default currency]
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
    },
    /// Customers by any of the find screen's fields (they combine with AND),
    /// as the find screen finds them
    #[command(group(
        clap::ArgGroup::new("field")
            .required(true)
            .multiple(true)
            .args(["last", "first", "phone", "email", "logon", "postal", "account"])
    ))]
    Customers {
        #[arg(long, value_name = "X")]
        last: Option<String>,
        #[arg(long, value_name = "X")]
        first: Option<String>,
        #[arg(long, value_name = "X")]
        phone: Option<String>,
        #[arg(long, value_name = "X")]
        email: Option<String>,
        #[arg(long, value_name = "X")]
        logon: Option<String>,
        #[arg(long, value_name = "X")]
        postal: Option<String>,
        /// Business account name
        #[arg(long, value_name = "X")]
        account: Option<String>,
        /// At most this many results
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
    },
}

/// A search the command line cannot run (an unknown currency).
#[derive(Debug)]
pub struct BadSearch(pub String);

impl std::fmt::Display for BadSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadSearch {}

/// Runs one `orderdesk search` command, writing its JSON lines to `out`.
pub fn run(store: &Store, command: SearchCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        SearchCommand::Items {
            text,
            limit,
            currency,
        } => {
            let currency = match currency {
                Some(code) => code
                    .trim()
                    .to_uppercase()
                    .parse::<Currency>()
                    .map_err(|_| {
                        BadSearch(format!(
                            "unknown currency {code:?}: one of USD, EUR, GBP, CAD, JPY"
                        ))
                    })?,
                None => store.default_currency()?,
            };
            for hit in store.find_items(currency, &text, None, limit as usize)? {
                writeln!(out, "{}", json_safe(&item_json(&hit, currency).to_string()))?;
            }
        }
        SearchCommand::Customers {
            last,
            first,
            phone,
            email,
            logon,
            postal,
            account,
            limit,
        } => {
            let query = CustomerQuery {
                logon: logon.unwrap_or_default(),
                first_name: first.unwrap_or_default(),
                last_name: last.unwrap_or_default(),
                phone: phone.unwrap_or_default(),
                email: email.unwrap_or_default(),
                postal: postal.unwrap_or_default(),
                account: account.unwrap_or_default(),
            };
            if query.is_empty() {
                return Err(
                    BadSearch("every search field is empty: nothing to search for".into()).into(),
                );
            }
            // The one call to adapt when the customer search changes.
            let rows = store.search_customers(&query, limit as usize)?;
            for row in &rows {
                writeln!(out, "{}", json_safe(&customer_json(row).to_string()))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// An item as a search result: what the catalog row shows (price in
/// `currency`, availability and the date one more would be due) and why
/// it was found.
pub fn item_json(hit: &ItemHit, currency: Currency) -> Value {
    let item = &hit.item;
    let due = (item.available() == 0)
        .then(|| {
            let stock = HashMap::from([(item.id, hit.stock.clone())]);
            allocate(&[(item.id, 1)], &stock)
                .first()
                .and_then(|a| a.due)
        })
        .flatten();
    let matched: Vec<Value> = hit
        .words
        .iter()
        .map(|w| {
            json!({
                "typed": w.typed,
                "found": w.found,
                "in": match w.field {
                    Field::Name => "name",
                    Field::Description => "description",
                },
                "typos": w.typos,
            })
        })
        .collect();
    json!({
        "sku": item.sku,
        "name": item.name,
        "description": item.description,
        "price": item.price.map(|p| p.to_string()),
        "currency": currency.code(),
        "available": item.available(),
        "backorder_due": due.map(|d| d.to_string()),
        "sku_match": hit.sku_match,
        "matched": matched,
    })
}

/// A customer as the find screen lists them.
pub fn customer_json(row: &CustomerRow) -> Value {
    json!({
        "id": row.id,
        "logon_id": row.logon_id,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "phone": row.phone,
        "email": row.email,
        "city": row.city,
        "postal_code": row.postal_code,
        "account": row.account,
        "guest": row.guest,
        "enabled": row.enabled,
    })
}

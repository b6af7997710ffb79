//! Demo data: the files in `assets/` (compiled in, so the binary carries
//! them), loaded into a new database in one transaction.

use super::{customer_shown, Store};
use crate::domain::search_keys::{KeySource, SearchKeys};
use crate::domain::secret;
use crate::domain::text::{clean, fold};
use anyhow::{anyhow, Context, Result};
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Transaction};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

const SETTINGS: &str = include_str!("../../assets/settings.json");
const CURRENCIES: &str = include_str!("../../assets/currencies.json");
const CATEGORIES: &str = include_str!("../../assets/categories.json");
const ITEMS: &str = include_str!("../../assets/items.json");
const ACCOUNTS: &str = include_str!("../../assets/accounts.json");
const CUSTOMERS: &str = include_str!("../../assets/customers.json");
const SHIPPING: &str = include_str!("../../assets/shipping.json");
const TAX_REGIONS: &str = include_str!("../../assets/tax_regions.json");
const PROMOTIONS: &str = include_str!("../../assets/promotions.json");
const COUPONS: &str = include_str!("../../assets/coupons.json");
const REASON_CODES: &str = include_str!("../../assets/reason_codes.json");

#[derive(Deserialize)]
struct CurrencyA {
    code: String,
    minor_units: u32,
    name: String,
}

#[derive(Deserialize)]
struct CategoryA {
    code: String,
    name: String,
    parent: Option<String>,
    sort: i64,
}

#[derive(Deserialize)]
struct Receipt {
    due_in_days: i64,
    quantity: i64,
}

#[derive(Deserialize)]
pub(crate) struct ItemA {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub weight_grams: i64,
    pub taxable: bool,
    pub prices: HashMap<String, String>,
    pub on_hand: i64,
    #[serde(default)]
    receipts: Vec<Receipt>,
}

#[derive(Deserialize)]
struct AccountA {
    name: String,
    currency: String,
    credit_limit: String,
    po_required: bool,
}

#[derive(Deserialize)]
pub(crate) struct AddressA {
    pub nickname: String,
    pub first_name: String,
    pub last_name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    pub city: String,
    #[serde(default)]
    pub region: String,
    pub postal_code: String,
    pub country: String,
    #[serde(default)]
    pub phone: String,
    pub default_shipping: bool,
    pub default_billing: bool,
}

#[derive(Deserialize)]
struct CardA {
    brand: String,
    last4: String,
    exp_month: u32,
    exp_year: i32,
}

#[derive(Deserialize)]
pub(crate) struct CustomerA {
    pub logon_id: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub challenge_question: String,
    pub challenge_answer: String,
    pub currency: String,
    pub language: String,
    pub phone: String,
    pub email: String,
    pub account: Option<String>,
    pub demographics: Option<HashMap<String, String>>,
    pub addresses: Vec<AddressA>,
    #[serde(default)]
    payment_methods: Vec<CardA>,
}

#[derive(Deserialize)]
struct RateA {
    base: String,
    per_item: String,
    per_kg: String,
}

#[derive(Deserialize)]
struct RegionA {
    country: String,
    region: String,
}

#[derive(Deserialize)]
struct MethodA {
    code: String,
    name: String,
    transit_days: i64,
    sort: i64,
    rates: HashMap<String, RateA>,
    regions: Vec<RegionA>,
}

#[derive(Deserialize)]
struct TaxA {
    country: String,
    region: String,
    name: String,
    rate: String,
    taxes_shipping: bool,
}

#[derive(Deserialize)]
struct PromotionA {
    code: String,
    name: String,
    kind: String,
    item: Option<String>,
    category: Option<String>,
    params: Value,
    combinable: bool,
    automatic: bool,
    starts_in_days: Option<i64>,
    ends_in_days: Option<i64>,
}

#[derive(Deserialize)]
struct MinSpend {
    currency: String,
    amount: String,
}

#[derive(Deserialize)]
struct CouponA {
    code: String,
    promotion: String,
    customer: Option<String>,
    starts_in_days: Option<i64>,
    ends_in_days: Option<i64>,
    min_spend: Option<MinSpend>,
    /// False: a single-use code. True: used up to `max_uses` times in all
    /// and `max_uses_per_customer` per customer (absent: no limit).
    #[serde(default)]
    multi_use: bool,
    #[serde(default)]
    max_uses: Option<u32>,
    #[serde(default)]
    max_uses_per_customer: Option<u32>,
}

#[derive(Deserialize)]
struct ReasonA {
    code: String,
    label: String,
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).with_context(|| format!("assets/{name}"))
}

pub(crate) fn demo_items() -> Result<Vec<ItemA>> {
    parse("items.json", ITEMS)
}

pub(crate) fn demo_customers() -> Result<Vec<CustomerA>> {
    parse("customers.json", CUSTOMERS)
}

fn day(today: NaiveDate, offset: Option<i64>) -> Option<String> {
    offset.map(|d| (today + Duration::days(d)).format("%Y-%m-%d").to_string())
}

impl Store {
    /// Fills an empty database with the demo data, dates relative to
    /// `today`; the login loading it is recorded as the database's admin
    /// (allowed to act as any operator).
    pub fn load_demo(&mut self, today: NaiveDate) -> Result<()> {
        let conn = self.sqlite("loading the demo data in place")?;
        let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        load_reference_data(&tx)?;
        let categories = load_catalog(&tx, today)?;
        let accounts = load_accounts(&tx)?;
        let customers = load_customers(&tx, &accounts)?;
        load_promotions(&tx, today, &categories, &customers)?;
        // Whoever loads the demo data made the database: its admin.
        super::operators::record_creator(
            super::db::Sql::Sqlite(&tx),
            &super::operators::os_login(),
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn load_reference_data(tx: &Transaction) -> Result<()> {
    let settings: HashMap<String, String> = parse("settings.json", SETTINGS)?;
    for (k, v) in settings {
        tx.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            params![k, clean(&v)],
        )?;
    }
    for c in parse::<Vec<CurrencyA>>("currencies.json", CURRENCIES)? {
        tx.execute(
            "INSERT INTO currencies (code, minor_units, name) VALUES (?1, ?2, ?3)",
            params![c.code, c.minor_units, clean(&c.name)],
        )?;
        tx.execute(
            "INSERT INTO price_lists (currency, name) VALUES (?1, ?2)",
            params![c.code, format!("{} list prices", c.code)],
        )?;
    }
    for m in parse::<Vec<MethodA>>("shipping.json", SHIPPING)? {
        tx.execute(
            "INSERT INTO shipping_methods (code, name, transit_days, sort) VALUES (?1, ?2, ?3, ?4)",
            params![m.code, clean(&m.name), m.transit_days, m.sort],
        )?;
        let id = tx.last_insert_rowid();
        for (cur, r) in m.rates {
            tx.execute(
                "INSERT INTO shipping_rates (method_id, currency, base, per_item, per_kg) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, cur, r.base, r.per_item, r.per_kg],
            )?;
        }
        for r in m.regions {
            tx.execute(
                "INSERT INTO shipping_method_regions (method_id, country, region) VALUES (?1, ?2, ?3)",
                params![id, r.country, r.region],
            )?;
        }
    }
    for t in parse::<Vec<TaxA>>("tax_regions.json", TAX_REGIONS)? {
        tx.execute(
            "INSERT INTO tax_regions (country, region, name, rate, taxes_shipping) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![t.country, t.region, clean(&t.name), t.rate, t.taxes_shipping],
        )?;
    }
    for r in parse::<Vec<ReasonA>>("reason_codes.json", REASON_CODES)? {
        tx.execute(
            "INSERT INTO reason_codes (code, label) VALUES (?1, ?2)",
            params![r.code, clean(&r.label)],
        )?;
    }
    Ok(())
}

/// Returns category code → id.
fn load_catalog(tx: &Transaction, today: NaiveDate) -> Result<HashMap<String, i64>> {
    let mut categories = HashMap::new();
    for c in parse::<Vec<CategoryA>>("categories.json", CATEGORIES)? {
        let parent = match &c.parent {
            Some(p) => Some(
                *categories
                    .get(p)
                    .ok_or_else(|| anyhow!("category {}: unknown parent {p}", c.code))?,
            ),
            None => None,
        };
        tx.execute(
            "INSERT INTO categories (parent_id, code, name, sort) VALUES (?1, ?2, ?3, ?4)",
            params![parent, c.code, clean(&c.name), c.sort],
        )?;
        categories.insert(c.code, tx.last_insert_rowid());
    }
    let price_lists: HashMap<String, i64> = tx
        .prepare("SELECT currency, id FROM price_lists")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for item in demo_items()? {
        let category = *categories
            .get(&item.category)
            .ok_or_else(|| anyhow!("item {}: unknown category {}", item.sku, item.category))?;
        let id = insert_item(tx, &item, category)?;
        for (cur, amount) in &item.prices {
            let list = price_lists
                .get(cur)
                .ok_or_else(|| anyhow!("item {}: unknown currency {cur}", item.sku))?;
            tx.execute(
                "INSERT INTO prices (price_list_id, item_id, amount) VALUES (?1, ?2, ?3)",
                params![list, id, amount],
            )?;
        }
        for r in &item.receipts {
            tx.execute(
                "INSERT INTO expected_receipts (item_id, due_date, quantity) VALUES (?1, ?2, ?3)",
                params![id, day(today, Some(r.due_in_days)), r.quantity],
            )?;
        }
    }
    Ok(categories)
}

pub(crate) fn insert_item(tx: &Transaction, item: &ItemA, category: i64) -> Result<i64> {
    let name = clean(&item.name);
    tx.prepare_cached(
        "INSERT INTO items (sku, sku_key, name, name_key, description, category_id, weight_grams, taxable)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        clean(&item.sku),
        fold(&item.sku),
        name,
        fold(&name),
        clean(&item.description),
        category,
        item.weight_grams,
        item.taxable
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO inventory (item_id, on_hand, reserved) VALUES (?1, ?2, 0)")?
        .execute(params![id, item.on_hand])?;
    Ok(id)
}

/// Returns account name → id.
fn load_accounts(tx: &Transaction) -> Result<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for a in parse::<Vec<AccountA>>("accounts.json", ACCOUNTS)? {
        tx.execute(
            "INSERT INTO business_accounts (name, name_key, currency, credit_limit, po_required)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                clean(&a.name),
                fold(&a.name),
                a.currency,
                a.credit_limit,
                a.po_required
            ],
        )?;
        out.insert(a.name, tx.last_insert_rowid());
    }
    Ok(out)
}

/// Returns logon id → customer id.
fn load_customers(
    tx: &Transaction,
    accounts: &HashMap<String, i64>,
) -> Result<HashMap<String, i64>> {
    // Argon2 is slow on purpose; the demo reuses a few secrets, so hash each once.
    let mut hashes: HashMap<String, String> = HashMap::new();
    let mut hashed = |plain: &str| -> Result<String> {
        if let Some(h) = hashes.get(plain) {
            return Ok(h.clone());
        }
        let h = secret::hash(plain).map_err(|e| anyhow!(e))?;
        hashes.insert(plain.to_string(), h.clone());
        Ok(h)
    };
    let mut out = HashMap::new();
    let now = super::now_text();
    for c in demo_customers()? {
        let account = match &c.account {
            Some(a) => Some(
                *accounts
                    .get(a)
                    .ok_or_else(|| anyhow!("customer {}: unknown account {a}", c.logon_id))?,
            ),
            None => None,
        };
        let home = c.addresses.iter().find(|a| a.default_shipping);
        let logon = clean(&c.logon_id);
        let keys = SearchKeys::of(&KeySource {
            logon: Some(&logon),
            first: &c.first_name,
            last: &c.last_name,
            email: &c.email,
            phone: &c.phone,
            postal: home.map_or("", |a| &a.postal_code),
            country: home.map_or("", |a| &a.country),
        });
        tx.execute(
            "INSERT INTO customers (logon_id, logon_key, password_hash, first_name, last_name, first_key, last_key,
                challenge_question, challenge_answer_hash, currency, language, phone, phone_key, phone_national_key,
                email, email_key, postal_key, account_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
            params![
                logon,
                keys.logon,
                hashed(&c.password)?,
                clean(&c.first_name),
                clean(&c.last_name),
                keys.first,
                keys.last,
                clean(&c.challenge_question),
                hashed(&secret::normalize_answer(&c.challenge_answer))?,
                c.currency,
                c.language,
                clean(&c.phone),
                keys.phone,
                keys.phone_national,
                clean(&c.email),
                keys.email,
                keys.postal,
                account,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        insert_addresses(tx, id, &c.addresses)?;
        tx.execute(customer_shown::REFRESH, params![id])?;
        if let Some(d) = &c.demographics {
            let g = |k: &str| d.get(k).map(|v| clean(v));
            tx.execute(
                "INSERT INTO demographics (customer_id, gender, age_range, income_range, marital_status, children, household_size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, g("gender"), g("age_range"), g("income_range"), g("marital_status"), g("children"), g("household_size")],
            )?;
        }
        for (n, card) in c.payment_methods.iter().enumerate() {
            tx.execute(
                "INSERT INTO payment_methods (customer_id, kind, brand, last4, exp_month, exp_year, token, is_default)
                 VALUES (?1, 'card', ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, card.brand, card.last4, card.exp_month, card.exp_year, format!("tok_demo_{id}_{n}"), n == 0],
            )?;
        }
        out.insert(c.logon_id, id);
    }
    Ok(out)
}

pub(crate) fn insert_addresses(
    tx: &Transaction,
    customer_id: i64,
    addresses: &[AddressA],
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO addresses (customer_id, nickname, first_name, last_name, line1, line2, city, region,
            postal_code, country, phone, is_default_shipping, is_default_billing)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for a in addresses {
        stmt.execute(params![
            customer_id,
            clean(&a.nickname),
            clean(&a.first_name),
            clean(&a.last_name),
            clean(&a.line1),
            clean(&a.line2),
            clean(&a.city),
            clean(&a.region),
            clean(&a.postal_code),
            clean(&a.country),
            clean(&a.phone),
            a.default_shipping,
            a.default_billing
        ])?;
    }
    Ok(())
}

fn load_promotions(
    tx: &Transaction,
    today: NaiveDate,
    categories: &HashMap<String, i64>,
    customers: &HashMap<String, i64>,
) -> Result<()> {
    let mut promotions = HashMap::new();
    for p in parse::<Vec<PromotionA>>("promotions.json", PROMOTIONS)? {
        let item: Option<i64> = match &p.item {
            Some(sku) => Some(
                tx.query_row("SELECT id FROM items WHERE sku = ?1", [sku], |r| r.get(0))
                    .with_context(|| format!("promotion {}: unknown item {sku}", p.code))?,
            ),
            None => None,
        };
        let category = match &p.category {
            Some(c) => Some(
                *categories
                    .get(c)
                    .ok_or_else(|| anyhow!("promotion {}: unknown category {c}", p.code))?,
            ),
            None => None,
        };
        tx.execute(
            "INSERT INTO promotions (code, name, kind, item_id, category_id, params, combinable, automatic, starts_on, ends_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                p.code,
                clean(&p.name),
                p.kind,
                item,
                category,
                p.params.to_string(),
                p.combinable,
                p.automatic,
                day(today, p.starts_in_days),
                day(today, p.ends_in_days)
            ],
        )?;
        promotions.insert(p.code, tx.last_insert_rowid());
    }
    for c in parse::<Vec<CouponA>>("coupons.json", COUPONS)? {
        let promotion = *promotions
            .get(&c.promotion)
            .ok_or_else(|| anyhow!("coupon {}: unknown promotion {}", c.code, c.promotion))?;
        let customer = match &c.customer {
            Some(l) => Some(
                *customers
                    .get(l)
                    .ok_or_else(|| anyhow!("coupon {}: unknown customer {l}", c.code))?,
            ),
            None => None,
        };
        tx.execute(
            "INSERT INTO coupons (code, code_key, promotion_id, customer_id, starts_on, ends_on, min_spend,
                min_spend_currency, max_uses, max_uses_per_customer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                c.code,
                fold(&c.code),
                promotion,
                customer,
                day(today, c.starts_in_days),
                day(today, c.ends_in_days),
                c.min_spend.as_ref().map(|m| m.amount.clone()),
                c.min_spend.as_ref().map(|m| m.currency.clone()),
                if c.multi_use { c.max_uses } else { Some(1) },
                c.max_uses_per_customer
            ],
        )?;
    }
    Ok(())
}

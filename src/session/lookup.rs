//! What screens may read besides the order: searches and records to show,
//! run when a screen refreshes after a batch of keys (never while drawing).
//! Read-only by construction: the order changes only through commands.

use crate::domain::availability::ItemStock;
use crate::domain::customer::CustomerDraft;
use crate::domain::money::Currency;
use crate::domain::order::AccountRef;
use crate::domain::promotion::Coupon;
use crate::domain::rules::Limits;
use crate::domain::search_keys::KeySource;
use crate::domain::shipping::ShippingMethod;
use crate::store::{
    CategoryRow, CustomerQuery, CustomerRow, Duplicate, ItemHit, ItemRow, OrderSummary, Store,
    StoreError,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

pub struct Lookup<'a> {
    store: &'a Store,
    pub operator: &'a str,
    pub today: NaiveDate,
    /// The order's currency: limits are in it.
    pub currency: Currency,
}

/// Each lookup is the store's query of the same name, with its error as
/// the operator is told of it.
macro_rules! lookups {
    ($( $(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty; )*) => {
        $(
            $(#[$doc])*
            pub fn $name(&self, $($arg: $ty),*) -> Result<$ret, StoreError> {
                self.store.$name($($arg),*).map_err(StoreError::from)
            }
        )*
    };
}

impl<'a> Lookup<'a> {
    pub(super) fn new(
        store: &'a Store,
        operator: &'a str,
        today: NaiveDate,
        currency: Currency,
    ) -> Lookup<'a> {
        Lookup {
            store,
            operator,
            today,
            currency,
        }
    }

    lookups! {
        fn search_customers(q: &CustomerQuery, limit: usize) -> Vec<CustomerRow>;
        fn find_items(currency: Currency, text: &str, category: Option<i64>, limit: usize) -> Vec<ItemHit>;
        fn category_tree() -> Vec<CategoryRow>;
        fn item_by_sku(currency: Currency, sku: &str) -> Option<ItemRow>;
        fn item_stock(item_ids: &[i64]) -> HashMap<i64, ItemStock>;
        fn recent_orders(customer_id: i64, limit: usize) -> Vec<OrderSummary>;
        fn export_order(order_no: i64) -> Option<serde_json::Value>;
        /// (credit limit, used) of a business account.
        fn account_credit(account_id: i64) -> Option<(Decimal, Decimal)>;
        /// (code, label) of the adjustment reasons.
        fn reason_codes() -> Vec<(String, String)>;
        fn available_coupons(customer_id: Option<i64>, today: NaiveDate) -> Vec<Coupon>;
        fn load_customer_draft(id: i64) -> Option<CustomerDraft>;
        fn challenge_question(id: i64) -> Option<String>;
        fn business_accounts() -> Vec<AccountRef>;
        /// The store's country for guests and new addresses.
        fn default_country() -> Option<String>;
        /// Customers who share the e-mail, phone, or last name and postal code.
        fn possible_duplicates(who: &KeySource, limit: usize) -> Vec<Duplicate>;
        /// The shipping methods with a rate in `currency`.
        fn shipping_methods(currency: Currency) -> Vec<ShippingMethod>;
    }

    /// The operator's adjustment limits in the order's currency (amount,
    /// percent).
    pub fn adjustment_limits(&self) -> Result<(Decimal, Decimal), StoreError> {
        self.limits().map(|l| (l.amount, l.percent))
    }

    /// Everything the operator may adjust in the order's currency.
    pub fn limits(&self) -> Result<Limits, StoreError> {
        self.store
            .limits(self.operator, self.currency)
            .map_err(StoreError::from)
    }
}

//! The business: money, customers, catalog, cart, pricing, availability,
//! payment and the order being taken. Pure functions and plain data only.

pub mod address_line;
pub mod adjustment;
pub mod availability;
pub mod card;
pub mod coupon_offer;
pub mod customer;
pub mod customer_edit;
pub mod guest;
pub mod item_index;
pub mod item_rank;
pub mod item_vocabulary;
pub mod lifecycle;
pub mod money;
pub mod operator;
pub mod order;
pub mod order_change;
pub mod parts;
pub mod planning;
pub mod price_split;
pub mod pricing;
pub mod promotion;
pub mod quote;
pub mod rules;
pub mod search_keys;
pub mod search_words;
pub mod secret;
pub mod shipping;
pub mod text;

//! The business: money, customers, catalog, cart, pricing, availability,
//! payment and the order being taken. Pure functions and plain data only.

pub mod card;
pub mod money;
pub mod order;
pub mod pricing;
pub mod secret;
pub mod shipping;
pub mod text;

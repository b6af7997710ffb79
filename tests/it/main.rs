//! The integration tests, linked as one test binary so a fresh `cargo test`
//! builds and links once instead of once per file.

mod common;

mod adjustments;
mod availability;
mod catalog_cart;
mod check_backup;
mod cli;
mod cli_search;
mod coupons;
mod crash;
mod customer_search;
mod customers;
mod e2e;
mod e2e_busy;
mod e2e_coupons_waiver;
mod e2e_customer_edit;
mod e2e_customers;
mod e2e_fields;
mod e2e_find_new;
mod e2e_hangup;
mod e2e_pricing;
mod e2e_review;
mod e2e_session;
mod e2e_small;
mod e2e_speed;
mod e2e_typed;
mod fields;
mod generate;
mod history;
mod item_search;
mod messages;
mod operators;
mod pricing_cases;
mod pricing_props;
mod pricing_review;
mod render;
mod secrets;
mod separate_order;
mod session;
mod shipping_waiver;
mod snapshot_draw;
mod store_open;
mod stress;
mod typed;
mod widths;

//! orderdesk: a keyboard-only console for phone-order operators.
//!
//! Four layers, arrows one way (tui → session → store → domain) (docs/design.md):
//! - [`domain`]: the business as pure functions and plain data; no SQL, no terminal.
//! - [`session`]: the order session, the only way to change an order; every
//!   rule is checked there and again where the order is written.
//! - [`store`]: SQLite, and the only place with SQL.
//! - [`tui`]: ratatui and crossterm, and the only place that draws or reads keys.

pub mod domain;
pub mod log;
pub mod session;
pub mod store;
pub mod tui;

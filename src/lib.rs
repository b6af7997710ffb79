//! orderdesk: a keyboard-only console for phone-order operators.
//!
//! Three layers, arrows one way (DESIGN.md section 8):
//! - [`domain`]: the business as pure functions and plain data; no SQL, no terminal.
//! - [`store`]: SQLite, and the only place with SQL.
//! - [`tui`]: ratatui and crossterm, and the only place that draws or reads keys.

pub mod domain;
pub mod store;
pub mod tui;

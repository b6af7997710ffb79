//! The console: terminal set-up and restore, the event loop, screens.
//!
//! Model: [`app::App`] owns the order session ([`crate::session::Session`])
//! and one state value per screen. Each screen lists its key bindings
//! (which also produce the key bar and help, so hints never lie), turns
//! keys into [`action::Action`]s, and draws itself from the session's
//! snapshot. Actions that change the order carry a session command;
//! `App::update` is the one place they are applied, and the session is the
//! one place the order changes. The loop handles every key already waiting
//! before it draws one frame, and draws only when something changed.

pub mod action;
pub mod app;
pub mod approval;
pub mod busy_wait;
pub mod flow;
pub mod frame_writer;
pub mod keymap;
pub mod screens;
pub mod secret_prompt;
pub mod terminal;
pub mod theme;
pub mod widgets;

//! Shared widgets: text field, form, selectable list, step bar, key bar,
//! help overlay.

pub mod form;
pub mod help;
pub mod key_bar;
pub mod list;
pub mod step_bar;
pub mod text_field;

//! Actions: what screens ask the app to do. Screens turn keys into actions;
//! [`crate::tui::app::App::update`] is the one place that applies them.
//! Everything that changes the order is a session [`Command`]; the rest
//! moves between screens or edits customer records.

use crate::domain::customer::{CustomerDraft, GuestConversion};
use crate::domain::order::Address;
use crate::domain::order_change::Change;
use crate::session::servicing::OrderSearch;
use crate::session::Command;
use crate::store::CustomerQuery;
use crate::tui::flow::Step;

// Actions live for one key; boxing the command would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Goto(Step),
    /// A message for the status line.
    Status(String),
    /// An error for the status line.
    Error(String),
    /// A change of the order, for the session.
    Order(Command),
    /// Opens the guest form (even with a registered customer on the order),
    /// with what was typed in the search.
    GuestForm(Box<CustomerQuery>),
    /// After a guest order: a new order for that guest, on the record
    /// screen's registration form.
    RegisterGuest(i64),
    /// ^N on the find screen: the record screen in create mode, with what
    /// was typed in the search.
    NewCustomer(Box<CustomerQuery>),
    /// Store a new or edited customer, then take them for the order.
    SaveCustomer {
        /// When editing: the customer's id and the record as loaded for the
        /// edit (with its version), which the edit is based on. None when
        /// creating.
        edit: Option<(i64, Box<CustomerDraft>)>,
        draft: Box<CustomerDraft>,
    },
    /// Turn a stored guest into a registered customer.
    ConvertGuest {
        id: i64,
        conversion: Box<GuestConversion>,
    },
    /// Check an answer to the customer's challenge question (wrong ones are audited).
    CheckChallenge {
        customer_id: i64,
        answer: String,
    },
    /// Opens placed order `order_no` on the Orders screen; Esc there goes
    /// back to `from` (None: the Orders screen's own list).
    OpenOrder {
        order_no: i64,
        from: Option<Step>,
    },
    /// Something for the session's servicing of placed orders.
    Service(Service),
}

/// What the Orders screen asks of the session's servicing (session/
/// servicing.rs), one method each; the screen hears the answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Service {
    Find(OrderSearch),
    /// Closes the open order (its changes not confirmed are dropped).
    Close,
    Change(Change),
    /// `quantity` of `sku` to ship-to `ship_to` (0-based).
    Add {
        sku: String,
        quantity: u32,
        ship_to: usize,
    },
    Readdress {
        ship_to: usize,
        address: Address,
    },
    Discard,
    /// Writes the changes, with the operator's reason.
    Confirm(String),
    /// Cancels the order with a reason code.
    Cancel(String),
    /// Holds the order with a reason code.
    Hold(String),
    /// Lifts the hold, with the operator's words.
    ReleaseHold(String),
    /// The confirmation text, to read to the customer.
    Text,
}

impl Action {
    /// Take a registered customer for the order.
    pub fn pick(id: i64) -> Action {
        Action::Order(Command::PickCustomer {
            id: Some(id),
            logon: None,
        })
    }
    /// Copy a placed order's lines into the cart.
    pub fn reorder(order_no: i64) -> Action {
        Action::Order(Command::Reorder { order_no })
    }
}

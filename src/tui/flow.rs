//! The steps of the flow (docs/design.md, "The flow"): the order in which
//! the console guides the operator, each step's title and its keys. The
//! order history is not a step: it is opened from the customer record; nor
//! are the placed orders (F10), found and serviced outside the flow.

use crate::domain::order::Area;
use crate::tui::keymap::Key;
use crossterm::event::KeyCode;

/// The steps of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Find,
    Customer,
    Catalog,
    Cart,
    Fulfillment,
    Payment,
    Adjustments,
    Review,
    Confirmation,
    /// A customer's order history, opened from the customer record; not a
    /// step of the flow, so it is not in `ALL` (nor in the step bar).
    History,
    /// Placed orders: find one, view it, change, cancel or hold it. Not a
    /// step of the flow either, but reached from anywhere by its key.
    Orders,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::Find,
        Step::Customer,
        Step::Catalog,
        Step::Cart,
        Step::Fulfillment,
        Step::Payment,
        Step::Adjustments,
        Step::Review,
        Step::Confirmation,
    ];

    pub fn short(self) -> &'static str {
        match self {
            Step::Find => "Find",
            Step::Customer => "Cust",
            Step::Catalog => "Catalog",
            Step::Cart => "Cart",
            Step::Fulfillment => "Ship",
            Step::Payment => "Pay",
            Step::Adjustments => "Adjust",
            Step::Review => "Review",
            Step::Confirmation => "Done",
            Step::History => "History",
            Step::Orders => "Orders",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Find => "Find customer",
            Step::Customer => "Customer record",
            Step::Catalog => "Catalog",
            Step::Cart => "Cart",
            Step::Fulfillment => "Fulfillment",
            Step::Payment => "Billing and payment",
            Step::Adjustments => "Adjustments",
            Step::Review => "Review and submit",
            Step::Confirmation => "Confirmation",
            Step::History => "Order history",
            Step::Orders => "Placed orders",
        }
    }

    /// A stable name for the step in what a draft keeps of the screens.
    pub fn name(self) -> &'static str {
        match self {
            Step::Find => "find",
            Step::Customer => "customer",
            Step::Catalog => "catalog",
            Step::Cart => "cart",
            Step::Fulfillment => "fulfillment",
            Step::Payment => "payment",
            Step::Adjustments => "adjustments",
            Step::Review => "review",
            Step::Confirmation => "confirmation",
            Step::History => "history",
            Step::Orders => "orders",
        }
    }

    /// The step named `name` by [`Step::name`].
    pub fn named(name: &str) -> Option<Step> {
        Step::ALL
            .into_iter()
            .chain([Step::History, Step::Orders])
            .find(|s| s.name() == name)
    }

    /// The function key and its Ctrl twin (some terminals take F-keys).
    pub fn keys(self) -> Option<[Key; 2]> {
        let (n, c) = match self {
            Step::Find => (2, 'f'),
            Step::Customer => (3, 'e'),
            Step::Catalog => (4, 'k'),
            Step::Cart => (5, 't'),
            Step::Fulfillment => (6, 'g'),
            Step::Payment => (7, 'p'),
            Step::Adjustments => (8, 'a'),
            Step::Review => (9, 'r'),
            // ^Q: raw mode turns flow control off, so it arrives as a key.
            Step::Orders => (10, 'j'),
            Step::Confirmation | Step::History => return None,
        };
        Some([Key::plain(KeyCode::F(n)), Key::ctrl(c)])
    }

    pub fn key_label(self) -> String {
        self.keys().map(|k| k[0].label()).unwrap_or_default()
    }

    /// The step that fixes a problem in `area`.
    pub fn for_area(area: Area) -> Step {
        match area {
            Area::Customer => Step::Find,
            Area::Cart => Step::Cart,
            Area::Fulfillment => Step::Fulfillment,
            Area::Payment => Step::Payment,
            Area::Adjustments => Step::Adjustments,
        }
    }
}

//! The session's commands and their answers. Commands are plain data
//! (serde, tagged by `cmd`), so the console, `orderdesk play` scripts and
//! the tests say the same things the same way. Line, ship-to, shipment and
//! adjustment numbers are 1-based, as the operator sees them.

use crate::domain::guest::GuestDetails;
use crate::domain::order::{Address, Area};
use crate::domain::rules::{Rule, Violation};
use crate::store::PlacedOrder;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// A registered customer, by record id or logon ID.
    PickCustomer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logon: Option<String>,
    },
    Guest(GuestDetails),
    AddItem {
        sku: String,
        qty: u32,
    },
    SetQuantity {
        line: usize,
        qty: u32,
    },
    RemoveLine {
        line: usize,
    },
    /// Puts back the line removed last.
    Undo,
    /// Copies a placed order's lines at today's prices.
    Reorder {
        order_no: i64,
    },
    /// Ships `qty` of a line to `address` (a new ship-to, or the one the
    /// order has with that address).
    MoveLine {
        line: usize,
        qty: u32,
        address: Address,
    },
    SetMethod {
        ship_to: usize,
        method: String,
    },
    Backorder {
        choice: BackorderKind,
        #[serde(default)]
        separate: bool,
    },
    Billing {
        address: Address,
    },
    Pay(PayInput),
    VerifyChallenge {
        answer: String,
    },
    RedeemCoupon {
        code: String,
    },
    RemoveCoupon {
        code: String,
    },
    /// `target`: `subtotal`, `shipment:N` (with `amount`, the new charge)
    /// or `line:N` (with `unit_price`). Amounts are strings, parsed by the
    /// console's strict money parser. A line's new unit price comes before
    /// item promotions, unless `net` (a line only): then it is what the
    /// customer pays and item promotions do not apply to the line.
    Adjust {
        target: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit_price: Option<String>,
        reason: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        net: bool,
    },
    RemoveAdjustment {
        index: usize,
    },
    /// Order comments; a field left out keeps its text.
    Comment {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warehouse: Option<String>,
    },
    Submit,
    /// Leaves the order (the draft stays) and starts a fresh one.
    NewOrder,
    /// A supervisor approves the command refused last, when a supervisor
    /// may approve it: an adjustment beyond the operator's limits (it is
    /// then measured against the supervisor's), picking a disabled
    /// customer, or a customer's stored payment locked by wrong challenge
    /// answers (unlocked, then the answer given is checked).
    Approve {
        supervisor: String,
        pin: Pin,
    },
    /// Opens a placed order for servicing (docs/design.md, "After the
    /// order"); the commands below act on it. Changes wait for
    /// `confirm_changes`; cancel, hold and release act at once.
    OpenOrder {
        order_no: i64,
    },
    OrderQuantity {
        line: usize,
        qty: u32,
    },
    OrderRemoveLine {
        line: usize,
    },
    OrderAddItem {
        sku: String,
        qty: u32,
        #[serde(default = "first")]
        ship_to: usize,
    },
    OrderAddress {
        ship_to: usize,
        address: Address,
    },
    OrderMethod {
        ship_to: usize,
        method: String,
    },
    ConfirmChanges {
        reason: String,
    },
    DiscardChanges,
    /// `reason`: a cancel reason code (domain::lifecycle::CANCEL_REASONS).
    CancelOrder {
        reason: String,
    },
    /// `reason`: a hold reason code (domain::lifecycle::HOLD_REASONS).
    HoldOrder {
        reason: String,
    },
    ReleaseHold {
        #[serde(default)]
        reason: String,
    },
}

fn first() -> usize {
    1
}

impl Command {
    /// Acts on the placed order open for servicing, not on the order
    /// being taken.
    pub fn is_servicing(&self) -> bool {
        matches!(
            self,
            Command::OpenOrder { .. }
                | Command::OrderQuantity { .. }
                | Command::OrderRemoveLine { .. }
                | Command::OrderAddItem { .. }
                | Command::OrderAddress { .. }
                | Command::OrderMethod { .. }
                | Command::ConfirmChanges { .. }
                | Command::DiscardChanges
                | Command::CancelOrder { .. }
                | Command::HoldOrder { .. }
                | Command::ReleaseHold { .. }
        )
    }
}

/// A supervisor's PIN as typed: never shown, never printed in full.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pin(pub String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackorderKind {
    Complete,
    Available,
    Drop,
}

/// How the customer pays, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PayInput {
    Cod,
    /// A card typed in this call; only its summary is kept.
    Card {
        number: String,
        expiry: String,
        cvv: String,
    },
    /// One of the customer's stored cards, by its last four digits.
    Stored {
        last4: String,
    },
    Account {
        #[serde(default)]
        po: String,
    },
}

/// A command that was carried out: what to tell the operator, and the
/// orders a submit placed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Done {
    pub message: String,
    pub placed: Vec<PlacedOrder>,
}

impl Done {
    pub fn said(message: impl Into<String>) -> Done {
        Done {
            message: message.into(),
            placed: Vec::new(),
        }
    }
}

/// A command that was refused: the rule, where it is fixed (None when the
/// command itself was at fault) and what to do. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    pub area: Option<Area>,
    pub message: String,
}

impl Refusal {
    pub fn new(rule: Rule, message: impl Into<String>) -> Refusal {
        Refusal {
            rule,
            area: None,
            message: message.into(),
        }
    }
    pub fn input(message: impl Into<String>) -> Refusal {
        Refusal::new(Rule::InvalidInput, message)
    }
    pub fn not_found(message: impl Into<String>) -> Refusal {
        Refusal::new(Rule::NotFound, message)
    }
    pub fn db(e: impl std::fmt::Display) -> Refusal {
        Refusal::new(Rule::Database, e.to_string())
    }
    /// The first violation names the rule and where it is fixed; the
    /// message lists them all.
    pub fn of(violations: &[Violation]) -> Refusal {
        let first = violations.first();
        Refusal {
            rule: first.map(|v| v.rule).unwrap_or(Rule::Incomplete),
            area: first.map(|v| v.area),
            message: violations
                .iter()
                .map(|v| v.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Refusal::db(crate::store::StoreError::from(e))
    }
}

pub type Outcome = Result<Done, Refusal>;

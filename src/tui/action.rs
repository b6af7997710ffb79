//! Actions: what screens ask the app to do. Screens turn keys into actions;
//! [`crate::tui::app::App::update`] is the one place that applies them to
//! the order and the store.

use crate::domain::adjustment::AdjustmentKind;
use crate::domain::customer::{CustomerDraft, GuestConversion};
use crate::domain::order::{Address, BackorderChoice, CustomerRef, Payment};
use crate::tui::app::Step;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Goto(Step),
    /// A message for the status line.
    Status(String),
    /// An error for the status line.
    Error(String),
    PickCustomer(i64),
    StartGuest(CustomerRef),
    /// Opens the guest form (even with a registered customer on the order).
    GuestForm,
    /// After a guest order: a new order for that guest, on the record
    /// screen's registration form.
    RegisterGuest(i64),
    /// ^N on the find screen: the record screen in create mode.
    NewCustomer,
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
    AddItem {
        item_id: i64,
        quantity: u32,
    },
    /// Quick entry: a SKU as typed and a quantity.
    AddSku {
        sku: String,
        quantity: u32,
    },
    /// Copies a placed order's lines into the cart at today's prices.
    Reorder(i64),
    SetQuantity {
        line: usize,
        quantity: u32,
    },
    RemoveLine(usize),
    UndoRemove,
    SetShipMethod {
        ship_to: usize,
        code: String,
    },
    SetBackorderChoice(BackorderChoice),
    ToggleSeparateBackorders,
    /// Moves `quantity` of a line to an address (a new ship-to or one the
    /// order has already).
    ShipLineTo {
        line: usize,
        quantity: u32,
        address: Address,
    },
    SetBilling(Address),
    SetPayment(Payment),
    SetComments {
        customer: String,
        warehouse: String,
    },
    /// Redeem a coupon by its code as typed; the app checks it.
    AddCoupon(String),
    RemoveCoupon(String),
    /// An operator adjustment; the app records the operator and checks the
    /// reason and the operator's limit. It replaces one of the same kind
    /// on the same line or shipment.
    AddAdjustment {
        kind: AdjustmentKind,
        reason_code: String,
    },
    /// Index into `Order::adjustments`.
    RemoveAdjustment(usize),
    Submit,
    NewOrder,
}

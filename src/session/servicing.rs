//! Servicing a placed order (docs/design.md, "After the order"): find it,
//! open it, change it, cancel it, hold it. UI-free like the rest of the
//! session: the order view maps keys to these methods and draws from
//! [`Session::case`].
//!
//! A change is made in two steps, as on the phone: the operator makes the
//! changes (each re-quoted at once under the original order's rules, so
//! the difference is on screen), then confirms them with a reason. The
//! store checks the order's version when it writes: if another operator
//! changed the order meanwhile, the case is reloaded, the operator's
//! changes are applied again to the new version (nothing typed is lost)
//! and the refusal says what happened since.

use super::command::{Command, Done, Outcome, Refusal};
use super::Session;
use crate::domain::order::{Address, Order};
use crate::domain::order_change::{difference, Change};
use crate::domain::quote::Quote;
use crate::domain::rules::Rule;
use crate::domain::text::clean;
use crate::store::{
    ChangeInput, CustomerQuery, FoundOrder, OrderAction, OrderQuery, ServiceError, StoredOrder,
};

/// Orders the find screen shows at most: more than a call needs.
pub const FIND_LIMIT: usize = 200;
/// Customers whose orders one search looks through at most.
const CUSTOMER_LIMIT: usize = 200;

/// The placed order the operator has open, with the changes typed so far.
#[derive(Debug, Clone)]
pub struct Case {
    pub stored: StoredOrder,
    /// The stored order with `changes` applied (None: placed before
    /// orders kept their lines this way; it cannot be changed).
    pub edited: Option<Order>,
    /// Each change with what it does in words, in the order typed.
    pub changes: Vec<(Change, String)>,
    /// The edited order's quote under the original rules (None until a
    /// change is made).
    pub preview: Option<Quote>,
}

impl Case {
    /// "+24.95, new total 124.95" while changes wait for confirmation.
    pub fn difference(&self) -> Option<String> {
        let q = self.preview.as_ref()?;
        Some(difference(
            self.stored.currency,
            self.stored.grand_total,
            q.total(),
        ))
    }
}

/// What to find orders by, as typed; empty fields do not narrow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderSearch {
    pub order_no: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    pub postal: String,
    /// YYYY-MM-DD, inclusive.
    pub from: String,
    pub to: String,
    pub status: String,
}

impl Session {
    /// Orders matching `search`, newest first.
    pub fn find_orders(&self, search: &OrderSearch) -> Result<Vec<FoundOrder>, Refusal> {
        let mut q = OrderQuery::default();
        let no = search.order_no.trim();
        if !no.is_empty() {
            q.order_no = Some(no.parse().map_err(|_| {
                Refusal::input(format!(
                    "'{}' is not an order number: digits only",
                    clean(no)
                ))
            })?);
        }
        let date = |text: &str, what: &str| -> Result<Option<chrono::NaiveDate>, Refusal> {
            match text.trim() {
                "" => Ok(None),
                t => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| {
                        Refusal::input(format!("{what} '{}' is not a date: YYYY-MM-DD", clean(t)))
                    }),
            }
        };
        q.from = date(&search.from, "from")?;
        q.to = date(&search.to, "to")?;
        if let (Some(f), Some(t)) = (q.from, q.to) {
            if f > t {
                return Err(Refusal::input("the from date is after the to date"));
            }
        }
        q.status = match search.status.trim() {
            "" => None,
            t => Some(crate::domain::lifecycle::OrderStatus::parse(t).ok_or_else(|| {
                Refusal::input(format!(
                    "'{}' is not a status: placed, held, released, partly shipped, shipped or cancelled",
                    clean(t)
                ))
            })?),
        };
        let customer = CustomerQuery {
            last_name: search.last_name.clone(),
            phone: search.phone.clone(),
            email: search.email.clone(),
            postal: search.postal.clone(),
            ..CustomerQuery::default()
        };
        if !customer.is_empty() {
            let rows = self.store.search_customers(&customer, CUSTOMER_LIMIT)?;
            if rows.is_empty() {
                return Ok(Vec::new());
            }
            q.customers = rows.iter().map(|r| r.id).collect();
        }
        Ok(self.store.find_orders(&q, FIND_LIMIT)?)
    }

    /// Opens order `order_no` for servicing (any changes typed on another
    /// order are dropped).
    pub fn open_order(&mut self, order_no: i64) -> Result<(), Refusal> {
        let stored = self
            .store
            .stored_order(order_no)?
            .ok_or_else(|| Refusal::not_found(format!("there is no order {order_no}")))?;
        self.case = Some(Case {
            edited: stored.order.clone(),
            stored,
            changes: Vec::new(),
            preview: None,
        });
        Ok(())
    }

    /// The open order, as the order view draws it.
    pub fn case(&self) -> Option<&Case> {
        self.case.as_ref()
    }

    pub fn close_order(&mut self) {
        self.case = None;
    }

    /// The order's confirmation as the customer hears it, with every
    /// change since it was placed (what `export --text` prints).
    pub fn order_text(&self) -> Result<String, Refusal> {
        let case = self.case.as_ref().ok_or_else(no_case)?;
        let json = self
            .store
            .export_order(case.stored.order_no)?
            .ok_or_else(|| Refusal::not_found("the order is gone"))?;
        Ok(super::order_text::order_text(&json))
    }

    /// Makes one change (not yet confirmed): checked against what the
    /// order's state allows, applied and re-quoted. Returns what it does
    /// and the difference so far.
    pub fn change_order(&mut self, change: Change) -> Result<String, Refusal> {
        let case = self.case.as_ref().ok_or_else(no_case)?;
        case.stored
            .may_change()
            .map_err(|e| Refusal::new(Rule::InvalidInput, format!("cannot change: {e}")))?;
        let mut edited = case
            .edited
            .clone()
            .ok_or_else(|| Refusal::input("this order was placed before orders could be changed here: cancel it and place it again"))?;
        let said = change.apply(&mut edited).map_err(Refusal::input)?;
        let preview = self.preview(&case.stored, &edited)?;
        let case = self.case.as_mut().ok_or_else(no_case)?;
        case.edited = Some(edited);
        case.changes.push((change, said.clone()));
        case.preview = Some(preview);
        Ok(format!(
            "{said} ({})",
            case.difference().unwrap_or_default()
        ))
    }

    /// Adds `qty` of `sku` to ship-to `ship_to` (0-based) at today's price.
    pub fn add_to_order(&mut self, sku: &str, qty: u32, ship_to: usize) -> Result<String, Refusal> {
        let case = self.case.as_ref().ok_or_else(no_case)?;
        let currency = case.stored.currency;
        let qty = crate::domain::order::parse_quantity(&qty.to_string()).map_err(Refusal::input)?;
        let item = self
            .store
            .item_by_sku(currency, sku.trim())?
            .ok_or_else(|| Refusal::not_found(format!("no item with SKU '{}'", clean(sku))))?;
        let mut line = item
            .order_line(qty)
            .ok_or_else(|| Refusal::not_found(format!("{} has no {currency} price", item.sku)))?;
        line.ship_to = ship_to;
        self.change_order(Change::Add { line })
    }

    /// Sends ship-to `ship_to` to `address` (cleaned, all of it required).
    pub fn readdress_order(&mut self, ship_to: usize, address: Address) -> Result<String, Refusal> {
        let address = address.cleaned();
        let missing: Vec<&str> = [
            ("first name", &address.first_name),
            ("last name", &address.last_name),
            ("street", &address.line1),
            ("city", &address.city),
            ("postal code", &address.postal_code),
            ("country", &address.country),
        ]
        .into_iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(n, _)| n)
        .collect();
        if !missing.is_empty() {
            return Err(Refusal::input(format!(
                "the address needs: {}",
                missing.join(", ")
            )));
        }
        self.change_order(Change::Address { ship_to, address })
    }

    /// Drops the changes not confirmed yet.
    pub fn discard_changes(&mut self) {
        if let Some(case) = &mut self.case {
            case.edited = case.stored.order.clone();
            case.changes.clear();
            case.preview = None;
        }
    }

    /// Writes the changes made, with the operator's reason. On a version
    /// conflict the case is reloaded and the changes applied again to the
    /// new version (to confirm once more); the refusal says what happened.
    pub fn confirm_changes(&mut self, reason: &str) -> Result<String, Refusal> {
        let case = self.case.clone().ok_or_else(no_case)?;
        let (Some(edited), Some(seen)) = (&case.edited, &case.preview) else {
            return Err(Refusal::input("no changes to confirm"));
        };
        if reason.trim().is_empty() {
            return Err(Refusal::input(
                "say why the order changes (the customer's words will do)",
            ));
        }
        let description: Vec<&str> = case.changes.iter().map(|(_, s)| s.as_str()).collect();
        let description = description.join("\n");
        let input = ChangeInput {
            action: OrderAction {
                order_no: case.stored.order_no,
                version: case.stored.version,
                operator: &self.operator,
                reason,
            },
            order: edited,
            seen,
            today: self.today,
            description: &description,
        };
        match self.store.change_order(&input) {
            Ok(stored) => {
                let said = format!(
                    "Order {} changed: {}",
                    stored.order_no,
                    difference(stored.currency, case.stored.grand_total, stored.grand_total)
                );
                self.case = Some(Case {
                    edited: stored.order.clone(),
                    stored,
                    changes: Vec::new(),
                    preview: None,
                });
                Ok(said)
            }
            Err(e) => Err(self.after_refusal(e, &case)),
        }
    }

    /// Cancels the whole order with a reason code.
    pub fn cancel_order(&mut self, reason: &str) -> Result<String, Refusal> {
        self.act(reason, |s, a| s.store.cancel_order(a, s.today), "cancelled")
    }

    /// Holds the order with a reason code.
    pub fn hold_order(&mut self, reason: &str) -> Result<String, Refusal> {
        self.act(reason, |s, a| s.store.hold_order(a), "on hold")
    }

    /// Lifts the hold, with the operator's words.
    pub fn release_hold(&mut self, reason: &str) -> Result<String, Refusal> {
        self.act(reason, |s, a| s.store.release_hold(a), "released from hold")
    }

    /// One status action on the open order; changes typed and not
    /// confirmed stay typed (applied again to the new version).
    fn act(
        &mut self,
        reason: &str,
        run: impl Fn(&Session, &OrderAction) -> Result<StoredOrder, ServiceError>,
        done: &str,
    ) -> Result<String, Refusal> {
        let case = self.case.clone().ok_or_else(no_case)?;
        let action = OrderAction {
            order_no: case.stored.order_no,
            version: case.stored.version,
            operator: &self.operator.clone(),
            reason,
        };
        match run(self, &action) {
            Ok(stored) => {
                let said = format!("Order {} {done}.", stored.order_no);
                self.reload(stored, &case.changes);
                Ok(said)
            }
            Err(e) => Err(self.after_refusal(e, &case)),
        }
    }

    /// The refusal for `e`; on a version conflict the case is reloaded
    /// with the operator's changes applied again.
    fn after_refusal(&mut self, e: ServiceError, case: &Case) -> Refusal {
        let message = e.to_string();
        if let ServiceError::Stale { .. } = e {
            match self.store.stored_order(case.stored.order_no) {
                Ok(Some(fresh)) => {
                    let kept = self.reload(fresh, &case.changes);
                    return Refusal::new(Rule::PricesChanged, format!("{message}. {kept}"));
                }
                Ok(None) => return Refusal::not_found("the order is gone"),
                Err(db) => return Refusal::from(db),
            }
        }
        match e {
            ServiceError::Db(_) => Refusal::db(message),
            ServiceError::NotFound(_) => Refusal::not_found(message),
            ServiceError::Changed(_) => {
                // Show the new difference: stock moved under the change.
                if let Some(c) = self.case.clone() {
                    if let (Some(edited), false) = (&c.edited, c.changes.is_empty()) {
                        if let Ok(q) = self.preview(&c.stored, edited) {
                            if let Some(open) = &mut self.case {
                                open.preview = Some(q);
                            }
                        }
                    }
                }
                Refusal::new(Rule::Availability, message)
            }
            ServiceError::Violations(v) => {
                let mut r = Refusal::of(&v);
                r.message = format!("not changed: {}", r.message);
                r
            }
            _ => Refusal::input(message),
        }
    }

    /// Opens `stored` as the case and applies `changes` to it again;
    /// returns what became of them, in words.
    fn reload(&mut self, stored: StoredOrder, changes: &[(Change, String)]) -> String {
        let mut case = Case {
            edited: stored.order.clone(),
            stored,
            changes: Vec::new(),
            preview: None,
        };
        let mut lost = Vec::new();
        for (change, said) in changes {
            let applied = case.edited.as_mut().map(|o| change.apply(o));
            match applied {
                Some(Ok(now)) => case.changes.push((change.clone(), now)),
                Some(Err(why)) => lost.push(format!("{said} ({why})")),
                None => lost.push(said.clone()),
            }
        }
        if !case.changes.is_empty() {
            if let Some(edited) = &case.edited {
                case.preview = self.preview(&case.stored, edited).ok();
            }
        }
        let kept = case.changes.len();
        self.case = Some(case);
        match (kept, lost.is_empty()) {
            (0, true) => String::new(),
            (_, true) => format!("Your {kept} change(s) are kept: confirm them again."),
            (_, false) => format!(
                "Your changes were applied again where they still fit; not: {}",
                lost.join("; ")
            ),
        }
    }

    fn preview(&self, stored: &StoredOrder, edited: &Order) -> Result<Quote, Refusal> {
        Ok(self
            .store
            .quote_change(edited, stored.id, stored.placed_on(), self.today)?)
    }
}

impl Session {
    /// The servicing commands of a script (`orderdesk play`): 1-based
    /// line and ship-to numbers, as the operator sees them.
    pub(super) fn service(&mut self, cmd: Command) -> Outcome {
        let index = |n: usize, what: &str| {
            n.checked_sub(1)
                .ok_or_else(|| Refusal::input(format!("{what} numbers start at 1")))
        };
        let said = match cmd {
            Command::OpenOrder { order_no } => {
                self.open_order(order_no)?;
                format!("Order {order_no} open.")
            }
            Command::OrderQuantity { line, qty } => self.change_order(Change::Quantity {
                line: index(line, "line")?,
                quantity: qty,
            })?,
            Command::OrderRemoveLine { line } => self.change_order(Change::Remove {
                line: index(line, "line")?,
            })?,
            Command::OrderAddItem { sku, qty, ship_to } => {
                self.add_to_order(&sku, qty, index(ship_to, "ship-to")?)?
            }
            Command::OrderAddress { ship_to, address } => {
                self.readdress_order(index(ship_to, "ship-to")?, address)?
            }
            Command::OrderMethod { ship_to, method } => self.change_order(Change::Method {
                ship_to: index(ship_to, "ship-to")?,
                method: method.trim().to_ascii_uppercase(),
            })?,
            Command::ConfirmChanges { reason } => self.confirm_changes(&reason)?,
            Command::DiscardChanges => {
                self.discard_changes();
                "Changes dropped.".into()
            }
            Command::CancelOrder { reason } => self.cancel_order(&reason)?,
            Command::HoldOrder { reason } => self.hold_order(&reason)?,
            Command::ReleaseHold { reason } => self.release_hold(&reason)?,
            other => {
                return Err(Refusal::input(format!(
                    "{other:?} is not a servicing command"
                )))
            }
        };
        Ok(Done::said(said))
    }
}

fn no_case() -> Refusal {
    Refusal::input("no order is open: find one first")
}

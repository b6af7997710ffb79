//! Carrying out one command: each either changes the order and says what
//! it did, or refuses and changes nothing. Checks that need the order as
//! it would be after the command (limits, coupons, credit) quote that
//! candidate and run the same rules submit runs.

use super::command::{BackorderKind, Command, Done, Outcome, PayInput, Refusal};
use super::Session;
use crate::domain::adjustment::{Adjustment, AdjustmentKind};
use crate::domain::card::check_card;
use crate::domain::guest::GuestDetails;
use crate::domain::operator::Approval;
use crate::domain::order::{
    parse_quantity, Address, BackorderChoice, CustomerRef, Order, Payment, MAX_QUANTITY,
};
use crate::domain::rules::{self, ApprovalState, CustomerState, Rule, Violation};
use crate::domain::text::clean;
use crate::store::operators::{time_text, NewApproval};

/// Comments are kept to what a warehouse slip and a receipt can print.
pub const MAX_COMMENT: usize = 500;

impl Session {
    /// Carries out `cmd` on the order.
    pub fn apply(&mut self, cmd: Command) -> Outcome {
        if !self.placed.is_empty()
            && !matches!(cmd, Command::NewOrder | Command::Submit)
            && !cmd.is_servicing()
        {
            // The confirmation is on screen: the next order starts first.
            self.start_new();
        }
        let lines_before = self.order.line_keys();
        let approving = matches!(cmd, Command::Approve { .. });
        let asked = (!approving).then(|| cmd.clone());
        if !approving {
            // An approval is for the command refused last, no other.
            self.pending = None;
        }
        let name = command_name(&cmd);
        let result = self.dispatch(cmd);
        if let Err(r) = &result {
            // The rule, never the text: messages name customers.
            tracing::info!(cmd = %name, rule = %r.rule.name(), operator = %self.operator, "refused");
        }
        if let (Some(cmd), Err(r)) = (asked, &result) {
            self.pending = self.approvable(cmd, r);
        }
        // Price overrides follow their lines when lines move or go.
        self.order.follow_lines(&lines_before);
        result
    }

    pub(super) fn dispatch(&mut self, cmd: Command) -> Outcome {
        match cmd {
            Command::PickCustomer { id, logon } => self.pick_customer(id, logon, None),
            Command::Guest(details) => self.guest(&details),
            Command::AddItem { sku, qty } => self.add_item(&sku, qty),
            Command::SetQuantity { line, qty } => {
                let i = self.line_index(line)?;
                let qty = quantity(qty)?;
                self.order.lines[i].quantity = qty;
                self.changed();
                Ok(Done::said(format!(
                    "{}: quantity {qty}",
                    self.order.lines[i].sku
                )))
            }
            Command::RemoveLine { line } => {
                let i = self.line_index(line)?;
                let l = self.order.lines.remove(i);
                let message = format!("Removed {} (^Y puts it back)", l.sku);
                self.removed.push((i, l));
                self.changed();
                Ok(Done::said(message))
            }
            Command::Undo => {
                let (i, l) = self
                    .removed
                    .pop()
                    .ok_or_else(|| Refusal::not_found("nothing to put back"))?;
                let message = format!("Put back {}", l.sku);
                let at = i.min(self.order.lines.len());
                self.order.lines.insert(at, l);
                self.changed();
                Ok(Done::said(message))
            }
            Command::Reorder { order_no } => self.reorder(order_no),
            Command::MoveLine { line, qty, address } => self.move_line(line, qty, address),
            Command::SetMethod { ship_to, method } => self.set_method(ship_to, &method),
            Command::Backorder { choice, separate } => {
                let choice = match (choice, separate) {
                    (BackorderKind::Available, separate) => BackorderChoice::ShipAvailable { separate },
                    (_, true) => {
                        return Err(Refusal::input(
                            "a separate backorder order goes with 'ship available now, backorders later' (2)",
                        ))
                    }
                    (BackorderKind::Complete, false) => BackorderChoice::ShipComplete,
                    (BackorderKind::Drop, false) => BackorderChoice::DropBackorders,
                };
                if choice == self.order.backorder_choice {
                    return Ok(Done::said(format!("Backorders: {}", choice.label())));
                }
                self.order.backorder_choice = choice;
                // Another choice makes other shipments, numbered otherwise:
                // an override made for one shipment's charge must not land
                // on another's.
                let before = self.order.adjustments.len();
                self.order
                    .adjustments
                    .retain(|a| !matches!(a.kind, AdjustmentKind::ShippingOverride { .. }));
                let dropped = before - self.order.adjustments.len();
                self.changed();
                Ok(Done::said(match dropped {
                    0 => format!("Backorders: {}", choice.label()),
                    _ => format!(
                        "Backorders: {}. Shipping overrides removed, as the shipments changed: set them again (F8).",
                        choice.label()
                    ),
                }))
            }
            Command::Billing { address } => {
                self.order.billing = Some(address);
                self.changed();
                Ok(Done::said("Billing address set."))
            }
            Command::Pay(input) => self.pay(input),
            Command::VerifyChallenge { answer } => self.verify_challenge(&answer),
            Command::Approve { supervisor, pin } => self.approve(&supervisor, &pin.0),
            Command::RedeemCoupon { code } => self.redeem_coupon(&code),
            Command::RemoveCoupon { code } => {
                let before = self.order.coupons.len();
                self.order
                    .coupons
                    .retain(|c| !c.eq_ignore_ascii_case(code.trim()));
                if self.order.coupons.len() == before {
                    return Err(Refusal::not_found(format!(
                        "coupon {code} is not on this order"
                    )));
                }
                self.changed();
                Ok(Done::said(format!("Coupon {code} removed.")))
            }
            Command::Adjust {
                target,
                amount,
                unit_price,
                reason,
                net,
            } => self.adjust(&target, amount, unit_price, net, &reason, None),
            Command::RemoveAdjustment { index } => {
                if index == 0 || index > self.order.adjustments.len() {
                    return Err(Refusal::not_found(format!(
                        "there is no adjustment {index}"
                    )));
                }
                self.order.adjustments.remove(index - 1);
                self.changed();
                Ok(Done::said("Adjustment removed."))
            }
            Command::Comment {
                customer,
                warehouse,
            } => {
                let text = |s: Option<String>, old: &str| -> Result<String, Refusal> {
                    let Some(s) = s else {
                        return Ok(old.to_string());
                    };
                    let s = clean(&s);
                    if s.chars().count() > MAX_COMMENT {
                        return Err(Refusal::input(format!(
                            "a comment holds {MAX_COMMENT} characters at most; this one has {}",
                            s.chars().count()
                        )));
                    }
                    Ok(s)
                };
                let c = text(customer, &self.order.comment_customer)?;
                let w = text(warehouse, &self.order.comment_warehouse)?;
                self.order.comment_customer = c;
                self.order.comment_warehouse = w;
                self.changed();
                Ok(Done::said("Comments saved."))
            }
            Command::Submit => self.submit(),
            Command::NewOrder => {
                self.start_new();
                Ok(Done::said("A new order starts."))
            }
            servicing => self.service(servicing),
        }
    }

    /// 0-based index of the 1-based line number.
    fn line_index(&self, line: usize) -> Result<usize, Refusal> {
        if line == 0 || line > self.order.lines.len() {
            return Err(Refusal::not_found(format!("there is no line {line}")));
        }
        Ok(line - 1)
    }

    /// Takes a registered customer for the order; a disabled one only with
    /// a supervisor's approval (`approver`), kept with the order.
    pub(super) fn pick_customer(
        &mut self,
        id: Option<i64>,
        logon: Option<String>,
        approver: Option<&str>,
    ) -> Outcome {
        let id = match (id, logon) {
            (Some(id), _) => id,
            (None, Some(logon)) => self.store.customer_id_by_logon(&logon)?.ok_or_else(|| {
                Refusal::not_found(format!("no customer with logon ID '{}'", clean(&logon)))
            })?,
            (None, None) => return Err(Refusal::input("name the customer: id or logon")),
        };
        let customer = self
            .store
            .customer_ref(id)?
            .ok_or_else(|| Refusal::not_found("that customer no longer exists"))?;
        if self.store.customer_state(id)? != CustomerState::Disabled {
            return Ok(self.take_customer(customer));
        }
        let Some(supervisor) = approver else {
            return Err(Refusal {
                rule: Rule::CustomerDisabled,
                area: Some(crate::domain::order::Area::Customer),
                message: format!(
                    "{} is disabled: orders cannot be placed for them",
                    customer.name()
                ),
            });
        };
        let name = customer.name();
        let approval = self.store.record_approval(
            &NewApproval {
                operator: &self.operator,
                supervisor,
                action: "disabled_customer",
                order_token: &self.order.token,
                subject: &format!("customer:{id}"),
                detail: &format!("an order for {name}, who is disabled"),
            },
            self.now(),
        )?;
        let mut done = self.take_customer(customer);
        self.order.customer_approval = Some(approval);
        done.message = format!("{} (disabled; approved by {supervisor})", done.message);
        Ok(done)
    }

    fn guest(&mut self, details: &GuestDetails) -> Outcome {
        let g = details.tidy();
        let problems = g.problems();
        if !problems.is_empty() {
            let list: Vec<String> = problems.into_iter().map(|(_, m)| m).collect();
            return Err(Refusal::input(format!("guest: {}", list.join("; "))));
        }
        Ok(self.take_customer(g.customer(self.order.currency)))
    }

    /// The customer for the order; lines are re-priced in their currency
    /// (those not sold in it are removed and named).
    pub(super) fn take_customer(&mut self, customer: CustomerRef) -> Done {
        let name = customer.name();
        let guest = customer.guest;
        if self.verified != customer.id {
            self.verified = None;
        }
        // An approval to order for a disabled customer is for that one.
        self.order.customer_approval = None;
        self.order.set_customer(customer);
        let dropped = self.reprice_lines();
        let defaults = self.customer_defaults();
        self.changed();
        let mut message = if guest {
            format!("Guest order for {name}")
        } else {
            format!("Customer: {name}")
        };
        if !defaults.is_empty() {
            message.push_str(&format!("; defaults: {}", defaults.join(", ")));
        }
        if !dropped.is_empty() {
            message.push_str(&format!(
                "; not sold in {}, removed: {}",
                self.order.currency,
                dropped.join(", ")
            ));
        }
        Done::said(message)
    }

    /// The customer's defaults, each shown on its step and one key from
    /// changing: the first ship-to's method is the one of a registered
    /// customer's last order, else the store's default (where it still
    /// ships there); a registered customer's default stored card is
    /// preselected (its challenge still applies before submit). Says what
    /// it set.
    fn customer_defaults(&mut self) -> Vec<String> {
        let mut said = Vec::new();
        let Some(c) = self.order.customer.clone() else {
            return said;
        };
        let registered = c.id.filter(|_| !c.guest);
        if let Some(first) = self.order.ship_tos.first().cloned() {
            if first.method.is_none() {
                let last = registered.and_then(|id| self.store.last_method(id).ok().flatten());
                let (code, why) = match last {
                    Some(m) => (Some(m), "last used"),
                    None => (self.store.default_method().ok().flatten(), "store default"),
                };
                if let Some(Ok(Some(m))) = code.map(|code| self.valid_method(&code, &first.address))
                {
                    said.push(format!("{m} ({why})"));
                    self.order.ship_tos[0].method = Some(m);
                }
            }
        }
        if registered.is_some() && self.order.payment.is_none() {
            if let Some(card) = c.default_card() {
                // Said without its digits (the record shows them after
                // the challenge); F7 names it.
                said.push("default card".into());
                self.order.payment = Some(Payment::StoredCard(card.clone()));
            }
        }
        said
    }

    /// The method `code` as the store has it now, where it is offered in
    /// the order's currency and ships to `address`; None otherwise.
    fn valid_method(&self, code: &str, address: &Address) -> Result<Option<String>, Refusal> {
        let methods = self.store.shipping_methods(self.order.currency)?;
        Ok(methods
            .iter()
            .find(|m| m.code.eq_ignore_ascii_case(code.trim()))
            .filter(|m| m.covers(&address.country, &address.region))
            .map(|m| m.code.clone()))
    }

    fn reprice_lines(&mut self) -> Vec<String> {
        let currency = self.order.currency;
        let mut dropped = Vec::new();
        let mut kept = Vec::new();
        for mut l in std::mem::take(&mut self.order.lines) {
            match self.store.item(currency, l.item_id) {
                Ok(Some(item)) => match item.price {
                    Some(p) => {
                        l.unit_price = p;
                        kept.push(l);
                    }
                    None => dropped.push(l.sku),
                },
                Ok(None) => dropped.push(l.sku),
                Err(e) => {
                    self.notice = Some(format!("could not re-price {}: {e}", l.sku));
                    kept.push(l);
                }
            }
        }
        self.order.lines = kept;
        dropped
    }

    fn add_item(&mut self, sku: &str, qty: u32) -> Outcome {
        let qty = quantity(qty)?;
        let currency = self.order.currency;
        let item = self
            .store
            .item_by_sku(currency, sku.trim())?
            .ok_or_else(|| Refusal::not_found(format!("no item with SKU '{}'", clean(sku))))?;
        let line = item
            .order_line(qty)
            .ok_or_else(|| Refusal::not_found(format!("{} has no {currency} price", item.sku)))?;
        self.order.add_line(line).map_err(Refusal::input)?;
        self.changed();
        Ok(Done::said(format!(
            "Added {qty} x {} {}",
            item.sku, item.name
        )))
    }

    fn reorder(&mut self, order_no: i64) -> Outcome {
        let lines = self.store.order_lines_for_reorder(order_no)?;
        if lines.is_empty() {
            return Err(Refusal::not_found(format!("there is no order {order_no}")));
        }
        let mut order = self.order.clone();
        let targets = self.reorder_ship_tos(&mut order, order_no, lines.len())?;
        let mut added = 0;
        let mut skipped = Vec::new();
        for ((item_id, sku, _, qty), to) in lines.into_iter().zip(targets) {
            let line = self
                .store
                .item(order.currency, item_id)?
                .and_then(|item| item.order_line(qty))
                .map(|mut l| {
                    l.ship_to = to;
                    l
                });
            match line.map(|l| order.add_line(l)) {
                Some(Ok(())) => added += 1,
                _ => skipped.push(sku),
            }
        }
        if added > 0 {
            order.prune_ship_tos();
            self.order = order;
            self.changed();
        }
        Ok(Done::said(if skipped.is_empty() {
            format!("Copied {added} lines of order {order_no} at today's prices.")
        } else {
            format!(
                "Copied {added} lines of order {order_no}; not sold any more, left out: {}",
                skipped.join(", ")
            )
        }))
    }

    /// Where each of the `count` lines of placed order `order_no` goes on
    /// `order` (ship-to index): the customer's own order ships to the
    /// same addresses again, each ship-to with its method where that still
    /// ships there and none was chosen; anyone else's lines go to the
    /// first ship-to.
    fn reorder_ship_tos(
        &self,
        order: &mut Order,
        order_no: i64,
        count: usize,
    ) -> Result<Vec<usize>, Refusal> {
        let mut targets = vec![0; count];
        let Some(placed) = self.store.reorder_ship_tos(order_no)? else {
            return Ok(targets);
        };
        let ours = order.customer.as_ref().and_then(|c| c.id);
        if placed.customer_id.is_none() || placed.customer_id != ours {
            return Ok(targets);
        }
        let mut index = std::collections::HashMap::new();
        for (no, address, method) in placed.ship_tos {
            let to = order.add_ship_to(address.clone());
            if order.ship_tos[to].method.is_none() {
                order.ship_tos[to].method = self.valid_method(&method, &address)?;
            }
            index.insert(no, to);
        }
        for (t, no) in targets.iter_mut().zip(placed.line_ship_tos) {
            *t = index.get(&no).copied().unwrap_or(0);
        }
        Ok(targets)
    }

    fn move_line(&mut self, line: usize, qty: u32, address: Address) -> Outcome {
        let i = self.line_index(line)?;
        let qty = quantity(qty)?;
        let mut order = self.order.clone();
        let known = order.ship_tos.len();
        let to = order.add_ship_to(address.clone());
        let mut inherited = None;
        if to >= known {
            // A new ship-to ships as the first does, where that reaches it.
            if let Some(code) = order.ship_tos.first().and_then(|s| s.method.clone()) {
                inherited = self.valid_method(&code, &address)?;
                order.ship_tos[to].method = inherited.clone();
            }
        }
        order.split_line(i, qty, to).map_err(Refusal::input)?;
        order.prune_ship_tos();
        let to = order
            .ship_tos
            .iter()
            .position(|s| s.address == address)
            .unwrap_or(0);
        self.order = order;
        self.changed();
        let by = inherited
            .map(|m| format!(", by {m} as ship-to 1"))
            .unwrap_or_default();
        Ok(Done::said(format!("Moved {qty} to ship-to {}{by}", to + 1)))
    }

    fn set_method(&mut self, ship_to: usize, code: &str) -> Outcome {
        if ship_to == 0 || ship_to > self.order.ship_tos.len() {
            return Err(Refusal::not_found(format!("there is no ship-to {ship_to}")));
        }
        let methods = self.store.shipping_methods(self.order.currency)?;
        let address = &self.order.ship_tos[ship_to - 1].address;
        let method = methods
            .iter()
            .find(|m| m.code.eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| {
                Refusal::not_found(format!(
                    "no shipping method '{}' in {}",
                    clean(code),
                    self.order.currency
                ))
            })?;
        if !method.covers(&address.country, &address.region) {
            return Err(Refusal::input(format!(
                "{} does not ship to {} {}",
                method.name, address.country, address.region
            )));
        }
        let code = method.code.clone();
        self.order.ship_tos[ship_to - 1].method = Some(code.clone());
        self.changed();
        Ok(Done::said(format!("Ship-to {ship_to}: {code}")))
    }

    fn pay(&mut self, input: PayInput) -> Outcome {
        let customer = self.order.customer.as_ref();
        let payment = match input {
            PayInput::Cod => Payment::CashOnDelivery,
            PayInput::Card {
                number,
                expiry,
                cvv,
            } => Payment::Card(
                check_card(&number, &expiry, &cvv, self.today).map_err(Refusal::input)?,
            ),
            PayInput::Stored { last4 } => {
                let c = customer.ok_or_else(|| Refusal::input("pick the customer first"))?;
                let card = c
                    .cards
                    .iter()
                    .find(|k| k.summary.last4 == last4.trim())
                    .ok_or_else(|| {
                        Refusal::not_found(format!(
                            "{} has no stored card ending {last4}",
                            c.name()
                        ))
                    })?;
                Payment::StoredCard(card.clone())
            }
            PayInput::Account { po } => Payment::Account {
                po_number: clean(&po).trim().to_string(),
            },
        };
        let mut candidate = self.order.clone();
        candidate.payment = Some(payment.clone());
        // Paying is refused on the payment's own rules (challenge, account
        // and credit); what else is missing is the review's to name.
        let v: Vec<Violation> = self
            .check_candidate(&candidate)?
            .into_iter()
            .filter(|v| {
                matches!(
                    v.rule,
                    Rule::ChallengeRequired | Rule::ChallengeLocked | Rule::AccountCredit
                )
            })
            .collect();
        if !v.is_empty() {
            return Err(Refusal::of(&v));
        }
        let text = payment.describe();
        self.order.payment = Some(payment);
        self.changed();
        Ok(Done::said(format!("Payment: {text}")))
    }

    fn redeem_coupon(&mut self, typed: &str) -> Outcome {
        let typed = clean(typed).trim().to_string();
        if typed.is_empty() {
            return Err(Refusal::input("type a coupon code"));
        }
        let coupon = self
            .store
            .coupon_by_code(&typed, self.order.customer.as_ref().and_then(|c| c.id))?
            .ok_or_else(|| Refusal::not_found(format!("there is no coupon {typed}")))?;
        if self
            .order
            .coupons
            .iter()
            .any(|c| c.eq_ignore_ascii_case(&coupon.code))
        {
            return Err(Refusal::input(format!(
                "coupon {} is on this order already",
                coupon.code
            )));
        }
        let mut candidate = self.order.clone();
        candidate.coupons.push(coupon.code.clone());
        let v: Vec<Violation> = self
            .check_candidate(&candidate)?
            .into_iter()
            .filter(|v| v.rule == Rule::Coupon && v.message.contains(&coupon.code))
            .collect();
        if !v.is_empty() {
            return Err(Refusal::of(&v));
        }
        self.order = candidate;
        self.changed();
        Ok(Done::said(format!("Coupon {} redeemed.", coupon.code)))
    }

    /// An adjustment within the operator's limits, or, approved by
    /// `approver`, within that supervisor's (the approval is recorded and
    /// kept with the adjustment).
    pub(super) fn adjust(
        &mut self,
        target: &str,
        amount: Option<String>,
        unit_price: Option<String>,
        net: bool,
        reason: &str,
        approver: Option<&str>,
    ) -> Outcome {
        let cur = self.order.currency;
        if net && !target.trim().starts_with("line:") {
            return Err(Refusal::input(
                "a net price is for a line's price override only ('line:N')",
            ));
        }
        let money = |v: Option<String>, what: &str| -> Result<rust_decimal::Decimal, Refusal> {
            let v = v.ok_or_else(|| Refusal::input(format!("enter the {what}")))?;
            cur.parse_amount(&v).map_err(Refusal::input)
        };
        let number = |s: &str, what: &str| -> Result<usize, Refusal> {
            s.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| Refusal::input(format!("'{s}' is not a {what} number")))
        };
        let what = format!(
            "{}{} {} ({})",
            clean(target).trim(),
            if net { " net price" } else { "" },
            amount
                .as_deref()
                .or(unit_price.as_deref())
                .unwrap_or_default(),
            clean(reason).trim()
        );
        let kind = match target.trim().split_once(':') {
            None if target.trim() == "subtotal" => {
                let amount = money(amount, "amount off the subtotal")?;
                if amount.is_zero() {
                    return Err(Refusal::input("enter an amount over zero"));
                }
                AdjustmentKind::SubtotalOff { amount }
            }
            Some(("line", n)) => {
                let line = self.line_index(number(n, "line")?)?;
                AdjustmentKind::PriceOverride {
                    line,
                    unit_price: money(unit_price, "new unit price")?,
                    net,
                }
            }
            Some(("shipment", n)) => {
                let shipment = number(n, "shipment")? - 1;
                AdjustmentKind::ShippingOverride {
                    shipment,
                    amount: money(amount, "shipping charge")?,
                }
            }
            _ => {
                return Err(Refusal::input(format!(
                    "adjust what: 'subtotal', 'line:N' or 'shipment:N', not '{}'",
                    clean(target)
                )))
            }
        };
        // Until recorded, the approval is known by this id only.
        const UNRECORDED: i64 = 0;
        let now = self.now();
        let adj = Adjustment {
            kind,
            reason_code: clean(reason).trim().to_string(),
            operator: self.operator.clone(),
            approval: approver.map(|s| Approval {
                id: UNRECORDED,
                supervisor: s.to_string(),
                at: time_text(now),
            }),
            made_at: Some(time_text(now)),
        };
        // One of the same kind on the same line or shipment is replaced.
        let mut candidate = self.order.clone();
        candidate
            .adjustments
            .retain(|a| a.kind.code() != adj.kind.code() || a.kind.target() != adj.kind.target());
        candidate.adjustments.push(adj);
        let quote = self.store.quote(&candidate, self.today)?;
        let mut facts = self.facts_for(&candidate)?;
        if let Some(s) = approver {
            facts.approvals.retain(|(id, _)| *id != UNRECORDED);
            facts.approvals.push((
                UNRECORDED,
                ApprovalState::Holds {
                    supervisor: s.to_string(),
                    limits: self.store.limits(s, cur)?,
                },
            ));
        }
        let v = rules::adjustment_violations(&candidate, &quote, &facts);
        if !v.is_empty() {
            let mut r = Refusal::of(&v);
            if let (Some(s), Rule::AdjustmentLimit) = (approver, r.rule) {
                // Beyond the supervisor too: another (an admin) may approve.
                r.rule = Rule::Approval;
                r.message = format!("beyond {s}'s limits too: {}", r.message);
            }
            return Err(r);
        }
        let message = match approver {
            None => "Adjustment made.".to_string(),
            Some(s) => {
                let approval = self.store.record_approval(
                    &NewApproval {
                        operator: &self.operator,
                        supervisor: s,
                        action: "adjustment",
                        order_token: &candidate.token,
                        subject: &format!("order:{}", candidate.token),
                        detail: &what,
                    },
                    now,
                )?;
                if let Some(a) = candidate.adjustments.last_mut() {
                    a.approval = Some(approval);
                }
                format!("Adjustment made, approved by {s}.")
            }
        };
        self.order = candidate;
        self.changed();
        Ok(Done::said(message))
    }

    /// Every rule, on `candidate` as it would be priced now.
    fn check_candidate(&self, candidate: &Order) -> Result<Vec<Violation>, Refusal> {
        let quote = self.store.quote(candidate, self.today)?;
        let facts = self.facts_for(candidate)?;
        Ok(rules::check(candidate, &quote, &facts))
    }
}

/// A quantity as commanded: whole, 1 to [`MAX_QUANTITY`].
fn quantity(qty: u32) -> Result<u32, Refusal> {
    parse_quantity(&qty.to_string()).map_err(Refusal::input)?;
    debug_assert!(qty <= MAX_QUANTITY);
    Ok(qty)
}

/// The command's name as scripts write it (`add_item`), for the log.
fn command_name(cmd: &Command) -> String {
    serde_json::to_value(cmd)
        .ok()
        .and_then(|v| v.get("cmd").and_then(|c| c.as_str().map(str::to_string)))
        .unwrap_or_default()
}

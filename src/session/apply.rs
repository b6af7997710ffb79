//! Carrying out one command: each either changes the order and says what
//! it did, or refuses and changes nothing. Checks that need the order as
//! it would be after the command (limits, coupons, credit) quote that
//! candidate and run the same rules submit runs.

use super::command::{BackorderKind, Command, Done, Outcome, PayInput, Refusal};
use super::{Pending, Session};
use crate::domain::adjustment::{Adjustment, AdjustmentKind};
use crate::domain::card::check_card;
use crate::domain::guest::GuestDetails;
use crate::domain::operator::{Approval, CHALLENGE_ATTEMPTS, PIN_ATTEMPTS, PIN_LOCK_MINUTES};
use crate::domain::order::{
    parse_quantity, Address, BackorderChoice, CustomerRef, Line, Order, Payment, MAX_QUANTITY,
};
use crate::domain::rules::{self, ApprovalState, CustomerState, Rule, Violation};
use crate::domain::text::clean;
use crate::store::operators::{time_text, ChallengeCheck, NewApproval, PinCheck};
use crate::store::{DraftRef, SubmitError, SubmitInput};

/// Comments are kept to what a warehouse slip and a receipt can print.
pub const MAX_COMMENT: usize = 500;

impl Session {
    /// Carries out `cmd` on the order.
    pub fn apply(&mut self, cmd: Command) -> Outcome {
        if !self.placed.is_empty() && !matches!(cmd, Command::NewOrder | Command::Submit) {
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

    /// What a supervisor may approve of `cmd`, refused as `r`, if anything.
    fn approvable(&self, cmd: Command, r: &Refusal) -> Option<(Pending, String)> {
        let customer = self.order.customer.as_ref().filter(|c| !c.guest);
        match (&cmd, r.rule) {
            (Command::Adjust { .. }, Rule::AdjustmentLimit) => Some((
                Pending::Command(Box::new(cmd)),
                format!("an adjustment beyond your limits: {}", r.message),
            )),
            (Command::PickCustomer { .. }, Rule::CustomerDisabled) => Some((
                Pending::Command(Box::new(cmd)),
                format!(
                    "an order for a customer who {}",
                    disabled_clause(&r.message)
                ),
            )),
            (Command::VerifyChallenge { answer }, Rule::ChallengeLocked) => {
                let id = customer.and_then(|c| c.id)?;
                Some(self.unlock_pending(id, answer, &r.message))
            }
            (Command::Pay(PayInput::Stored { .. }), Rule::ChallengeLocked) => {
                let id = customer.and_then(|c| c.id)?;
                Some((
                    Pending::Unlock {
                        customer: id,
                        answer: None,
                        retry: Some(Box::new(cmd.clone())),
                    },
                    format!("unlocking stored payment: {}", r.message),
                ))
            }
            _ => None,
        }
    }

    /// Unlocking customer `id`'s stored payment, refused as `message`:
    /// the answer given is checked once unlocked, unless it was the answer
    /// that locked it.
    fn unlock_pending(&self, id: i64, answer: &str, message: &str) -> (Pending, String) {
        let checked_already = message.starts_with("wrong answer");
        (
            Pending::Unlock {
                customer: id,
                answer: (!checked_already).then(|| answer.to_string()),
                retry: None,
            },
            format!("unlocking stored payment: {message}"),
        )
    }

    fn dispatch(&mut self, cmd: Command) -> Outcome {
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
                self.order.backorder_choice = choice;
                self.changed();
                Ok(Done::said(format!("Backorders: {}", choice.label())))
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
            } => self.adjust(&target, amount, unit_price, &reason, None),
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
    fn pick_customer(
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
        self.changed();
        let mut message = if guest {
            format!("Guest order for {name}")
        } else {
            format!("Customer: {name}")
        };
        if !dropped.is_empty() {
            message.push_str(&format!(
                "; not sold in {}, removed: {}",
                self.order.currency,
                dropped.join(", ")
            ));
        }
        Done::said(message)
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
        let price = item
            .price
            .ok_or_else(|| Refusal::not_found(format!("{} has no {currency} price", item.sku)))?;
        let line = Line {
            item_id: item.id,
            sku: item.sku.clone(),
            name: item.name.clone(),
            quantity: qty,
            unit_price: price,
            weight_grams: item.weight_grams,
            taxable: item.taxable,
            ship_to: 0,
        };
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
        let mut added = 0;
        let mut skipped = Vec::new();
        for (item_id, sku, _, qty) in lines {
            let line = match self.store.item(self.order.currency, item_id)? {
                Some(item) => item.price.map(|price| Line {
                    item_id,
                    sku: item.sku.clone(),
                    name: item.name.clone(),
                    quantity: qty,
                    unit_price: price,
                    weight_grams: item.weight_grams,
                    taxable: item.taxable,
                    ship_to: 0,
                }),
                None => None,
            };
            match line.map(|l| self.order.add_line(l)) {
                Some(Ok(())) => added += 1,
                _ => skipped.push(sku),
            }
        }
        if added > 0 {
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

    fn move_line(&mut self, line: usize, qty: u32, address: Address) -> Outcome {
        let i = self.line_index(line)?;
        let qty = quantity(qty)?;
        let mut order = self.order.clone();
        let to = order.add_ship_to(address.clone());
        order.split_line(i, qty, to).map_err(Refusal::input)?;
        order.prune_ship_tos();
        let to = order
            .ship_tos
            .iter()
            .position(|s| s.address == address)
            .unwrap_or(0);
        self.order = order;
        self.changed();
        Ok(Done::said(format!("Moved {qty} to ship-to {}", to + 1)))
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

    fn verify_challenge(&mut self, answer: &str) -> Outcome {
        let Some(id) = self
            .order
            .customer
            .as_ref()
            .filter(|c| !c.guest)
            .and_then(|c| c.id)
        else {
            return Err(Refusal::input(
                "a challenge question is for a registered customer",
            ));
        };
        self.challenge_answer(id, answer)
    }

    /// Checks an answer to customer `id`'s challenge question (any
    /// customer: the record screen asks it too); the order's customer is
    /// then verified for this session. Five wrong answers within an hour
    /// lock the customer's stored payment until a supervisor unlocks it
    /// ([`Command::Approve`] right after the refusal).
    pub fn check_challenge(&mut self, id: i64, answer: &str) -> Outcome {
        self.pending = None;
        let result = self.challenge_answer(id, answer);
        if let Err(r) = &result {
            if r.rule == Rule::ChallengeLocked {
                self.pending = Some(self.unlock_pending(id, answer, &r.message));
            }
        }
        result
    }

    fn challenge_answer(&mut self, id: i64, answer: &str) -> Outcome {
        let name = self
            .store
            .customer_ref(id)?
            .map(|c| c.name())
            .unwrap_or_else(|| "the customer".into());
        match self
            .store
            .check_challenge(id, answer, &self.operator, self.now())?
        {
            ChallengeCheck::Passed => {
                let on_order = self.order.customer.as_ref().and_then(|c| c.id) == Some(id);
                if on_order {
                    self.verified = Some(id);
                    self.changed();
                }
                Ok(Done::said("Challenge answered correctly."))
            }
            ChallengeCheck::Wrong {
                failures,
                locked: false,
            } => Err(Refusal::new(
                Rule::ChallengeRequired,
                format!(
                    "wrong answer to the challenge question (recorded; {failures} wrong so far)"
                ),
            )),
            ChallengeCheck::Wrong {
                failures,
                locked: true,
            } => Err(Refusal::new(
                Rule::ChallengeLocked,
                format!(
                    "wrong answer to the challenge question (recorded; {failures} wrong within the hour): {name}'s stored payment is locked until a supervisor unlocks it"
                ),
            )),
            ChallengeCheck::Locked => Err(Refusal::new(
                Rule::ChallengeLocked,
                format!(
                    "{name}'s stored payment is locked after {CHALLENGE_ATTEMPTS} wrong challenge answers: a supervisor unlocks it (the answer was not checked)"
                ),
            )),
        }
    }

    /// A supervisor approves what waits (see [`Command::Approve`]) with
    /// their name and PIN. A wrong PIN counts toward the supervisor's
    /// lockout; what waits keeps waiting until approved or another command
    /// is given.
    fn approve(&mut self, supervisor: &str, pin: &str) -> Outcome {
        let Some((pending, _)) = self.pending.clone() else {
            return Err(Refusal::not_found(
                "nothing waits for a supervisor's approval",
            ));
        };
        let name = clean(supervisor).trim().to_string();
        let refuse = |m: String| Err(Refusal::new(Rule::Approval, m));
        if name == self.operator {
            return refuse(format!(
                "{name} cannot approve their own request: another supervisor approves it"
            ));
        }
        let now = self.now();
        let login = match self
            .store
            .verify_supervisor_pin(&name, pin, &self.operator, now)?
        {
            PinCheck::Approved { login, .. } => login,
            PinCheck::Wrong {
                failures,
                locked_until: None,
            } => {
                return refuse(format!(
                    "wrong PIN for {name} ({failures} of {PIN_ATTEMPTS}; then it locks for {PIN_LOCK_MINUTES} minutes)"
                ))
            }
            PinCheck::Wrong {
                locked_until: Some(until),
                ..
            } => {
                return refuse(format!(
                    "wrong PIN for {name}: {PIN_ATTEMPTS} wrong in a row lock it until {}",
                    clock_time(&until)
                ))
            }
            PinCheck::Locked { until } => {
                return refuse(format!(
                    "{name}'s PIN is locked until {} after {PIN_ATTEMPTS} wrong PINs",
                    clock_time(&until)
                ))
            }
            PinCheck::Refused(why) => return refuse(why),
        };
        let result = match pending {
            Pending::Command(cmd) => match *cmd {
                Command::Adjust {
                    target,
                    amount,
                    unit_price,
                    reason,
                } => self.adjust(&target, amount, unit_price, &reason, Some(&login)),
                Command::PickCustomer { id, logon } => self.pick_customer(id, logon, Some(&login)),
                other => Err(Refusal::input(format!(
                    "a supervisor does not approve {other:?}"
                ))),
            },
            Pending::Unlock {
                customer,
                answer,
                retry,
            } => self.unlock(customer, answer, retry, &login),
        };
        if result.is_ok() {
            self.pending = None;
        }
        result
    }

    /// Unlocks customer `id`'s stored payment with `supervisor`'s
    /// approval, then checks the answer that was refused, if one was, or
    /// carries out the payment that was refused (`retry`).
    fn unlock(
        &mut self,
        id: i64,
        answer: Option<String>,
        retry: Option<Box<Command>>,
        supervisor: &str,
    ) -> Outcome {
        let now = self.now();
        self.store
            .unlock_challenge(id, &self.operator, supervisor, now)?;
        self.store.record_approval(
            &NewApproval {
                operator: &self.operator,
                supervisor,
                action: "challenge_unlock",
                order_token: &self.order.token,
                subject: &format!("customer:{id}"),
                detail: "stored payment unlocked after wrong challenge answers",
            },
            now,
        )?;
        self.pending = None;
        let then = match (answer, retry) {
            (Some(answer), _) => self.challenge_answer(id, &answer),
            (None, Some(cmd)) => self.dispatch(*cmd),
            (None, None) => {
                return Ok(Done::said(format!(
                    "Stored payment unlocked by {supervisor}: ask the challenge question again."
                )))
            }
        };
        match then {
            Ok(done) => Ok(Done::said(format!(
                "Unlocked by {supervisor}; {}",
                lower_first(&done.message)
            ))),
            Err(mut r) => {
                r.message = format!("unlocked by {supervisor}, but: {}", r.message);
                Err(r)
            }
        }
    }

    fn redeem_coupon(&mut self, typed: &str) -> Outcome {
        let typed = clean(typed).trim().to_string();
        if typed.is_empty() {
            return Err(Refusal::input("type a coupon code"));
        }
        let coupon = self
            .store
            .coupon_by_code(&typed)?
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
    fn adjust(
        &mut self,
        target: &str,
        amount: Option<String>,
        unit_price: Option<String>,
        reason: &str,
        approver: Option<&str>,
    ) -> Outcome {
        let cur = self.order.currency;
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
            "{} {} ({})",
            clean(target).trim(),
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

    fn facts_for(&self, order: &Order) -> rusqlite::Result<rules::Facts> {
        let mut f = self.store.facts(order, &self.operator)?;
        f.challenge_verified = self.verified;
        Ok(f)
    }

    /// Places the order as last quoted, re-checked inside the store's
    /// transaction; nothing is written if any rule fails there.
    fn submit(&mut self) -> Outcome {
        if !self.placed.is_empty() {
            return Err(Refusal::input(
                "this order is placed already; a new order starts with any change",
            ));
        }
        self.refresh(false);
        if !self.violations.is_empty() {
            return Err(Refusal::of(&self.violations));
        }
        let verified = self.verified;
        let order = self.order.clone();
        let check = |q: &crate::domain::quote::Quote, f: &rules::Facts| {
            let mut f = f.clone();
            f.challenge_verified = verified;
            rules::check(&order, q, &f)
        };
        let holder = self.holder.clone();
        let input = SubmitInput {
            order: &self.order,
            seen: &self.quote,
            operator: &self.operator,
            today: self.today,
            draft: self.draft_id.map(|id| DraftRef {
                id,
                holder: &holder,
            }),
            rules: &check,
        };
        let started = std::time::Instant::now();
        let outcome = self.store.submit_order(&input);
        let ms = started.elapsed().as_millis() as u64;
        match outcome {
            Ok(placed) => {
                let numbers: Vec<String> = placed.iter().map(|p| p.order_no.to_string()).collect();
                tracing::info!(orders = %numbers.join(","), ms, operator = %self.operator, "placed");
                let message = if placed.iter().any(|p| p.already_placed) {
                    format!(
                        "Order {} was placed already; nothing new was written.",
                        numbers.join(" and ")
                    )
                } else {
                    format!("Order {} placed.", numbers.join(" and "))
                };
                self.draft_id = None;
                self.saved_revision = self.revision;
                self.placed_quote = Some(self.quote.clone());
                self.placed = placed.clone();
                Ok(Done { message, placed })
            }
            Err(e) => {
                if let SubmitError::Db(db) = &e {
                    tracing::error!(ms, error = %db, "submit failed");
                }
                let refusal = match &e {
                    SubmitError::Changed(_) => Refusal::new(Rule::Availability, e.to_string()),
                    SubmitError::PricesChanged => Refusal::new(Rule::PricesChanged, e.to_string()),
                    SubmitError::Refused(v) => {
                        let mut r = Refusal::of(v);
                        r.message = format!("nothing was placed: {}", r.message);
                        r
                    }
                    SubmitError::PlacedWithOtherContent(_) if self.draft_id.is_some() => {
                        // The draft went with the other console's order:
                        // this one can never be placed under its token.
                        self.detach(e.to_string());
                        return Err(Refusal::new(Rule::AlreadyPlaced, e.to_string()));
                    }
                    SubmitError::PlacedWithOtherContent(_) => {
                        Refusal::new(Rule::AlreadyPlaced, e.to_string())
                    }
                    SubmitError::TakenOver(m) => {
                        self.detach(m.clone());
                        return Err(Refusal::new(Rule::DraftTakenOver, m.clone()));
                    }
                    SubmitError::Db(_) => Refusal::db(&e),
                };
                // Show what changed: the quote is taken again from the store.
                self.refresh(true);
                Err(refusal)
            }
        }
    }
}

/// `text` with its first letter in lower case ("Challenge answered" →
/// "challenge answered"), to follow a semicolon.
fn lower_first(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "14:05 UTC" of a stored time (`YYYY-MM-DDTHH:MM:SSZ`).
fn clock_time(at: &str) -> String {
    match at.get(11..16) {
        Some(hm) => format!("{hm} UTC"),
        None => at.to_string(),
    }
}

/// "is disabled: …" of a refusal "<name> is disabled: …".
fn disabled_clause(message: &str) -> String {
    message
        .split_once(" is disabled")
        .map(|(_, rest)| format!("is disabled{rest}"))
        .unwrap_or_else(|| message.to_string())
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

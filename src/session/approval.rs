//! Approvals and the challenge question: what a supervisor's name and PIN
//! allow beyond an operator's limits (the command refused last), answers to
//! a customer's challenge with their lockout, and a supervisor's unlock.

use super::command::{Command, Done, Outcome, PayInput, Refusal};
use super::{Pending, Session};
use crate::domain::operator::{CHALLENGE_ATTEMPTS, PIN_ATTEMPTS, PIN_LOCK_MINUTES};
use crate::domain::rules::Rule;
use crate::domain::text::clean;
use crate::store::operators::{ChallengeCheck, NewApproval, PinCheck};

impl Session {
    /// What a supervisor may approve of `cmd`, refused as `r`, if anything.
    pub(super) fn approvable(&self, cmd: Command, r: &Refusal) -> Option<(Pending, String)> {
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
    pub(super) fn unlock_pending(&self, id: i64, answer: &str, message: &str) -> (Pending, String) {
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

    pub(super) fn verify_challenge(&mut self, answer: &str) -> Outcome {
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

    pub(super) fn challenge_answer(&mut self, id: i64, answer: &str) -> Outcome {
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
    pub(super) fn approve(&mut self, supervisor: &str, pin: &str) -> Outcome {
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
                    net,
                } => self.adjust(&target, amount, unit_price, net, &reason, Some(&login)),
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
    pub(super) fn unlock(
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

//! Submit: the order as last quoted, placed by the store in one
//! transaction that checks every rule again on the order as it will be
//! stored; nothing is written if one fails.

use super::command::{Done, Outcome, Refusal};
use super::Session;
use crate::domain::rules::{self, Rule};
use crate::store::{DraftRef, SubmitError, SubmitInput};

impl Session {
    /// Places the order as last quoted, re-checked inside the store's
    /// transaction; nothing is written if any rule fails there.
    pub(super) fn submit(&mut self) -> Outcome {
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
        let order = &self.order;
        let check = |q: &crate::domain::quote::Quote, f: &rules::Facts| {
            let mut f = f.clone();
            f.challenge_verified = verified;
            rules::check(order, q, &f)
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

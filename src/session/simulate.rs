//! Simulated operators: random orders placed through the order session,
//! command by command as the console places them. `orderdesk simulate`
//! uses it for load, many processes at once, and crash testing (killed at
//! any moment).

use super::{BackorderKind, Command, PayInput, Session};
use crate::domain::rules::Rule;
use anyhow::{anyhow, Result};

/// What one simulated order came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Order numbers placed (two with a separate backorder order).
    Placed(Vec<i64>),
    /// Refused every time (stock kept changing, or nothing to ship).
    Refused(String),
}

impl Session {
    /// Places one random order for a random registered customer, with 1-3
    /// lines from `skus`, submitting again when stock changed meanwhile.
    pub fn place_random_order(
        &mut self,
        rng: &mut fastrand::Rng,
        skus: &[String],
    ) -> Result<Outcome> {
        if skus.is_empty() {
            return Err(anyhow!("no items to order"));
        }
        let id = self.store().random_customer(&mut |max| rng.i64(1..=max))?;
        self.apply(Command::NewOrder)
            .map_err(|r| anyhow!(r.message))?;
        let mut script = vec![Command::PickCustomer {
            id: Some(id),
            logon: None,
        }];
        for _ in 0..rng.usize(1..=3) {
            script.push(Command::AddItem {
                sku: skus[rng.usize(..skus.len())].clone(),
                qty: rng.u32(1..=3),
            });
        }
        for cmd in script {
            if let Err(r) = self.apply(cmd) {
                // An item not sold in the customer's currency is left out.
                if r.rule != Rule::NotFound {
                    return Ok(Outcome::Refused(r.message));
                }
            }
        }
        let Some(ship_to) = self.order().ship_tos.first() else {
            return Ok(Outcome::Refused(format!("customer {id} has no address")));
        };
        let (country, region) = (
            ship_to.address.country.clone(),
            ship_to.address.region.clone(),
        );
        let method = self
            .store()
            .shipping_methods(self.order().currency)?
            .into_iter()
            .find(|m| m.covers(&country, &region))
            .ok_or_else(|| anyhow!("no method covers {country}"))?;
        let choice = [
            BackorderKind::Complete,
            BackorderKind::Available,
            BackorderKind::Drop,
        ][rng.usize(..3)];
        let separate = choice == BackorderKind::Available && rng.bool();
        for cmd in [
            Command::SetMethod {
                ship_to: 1,
                method: method.code,
            },
            Command::Pay(PayInput::Cod),
            Command::Backorder { choice, separate },
        ] {
            if let Err(r) = self.apply(cmd) {
                return Ok(Outcome::Refused(r.message));
            }
        }
        let mut last = String::new();
        for _ in 0..5 {
            self.refresh(true);
            match self.apply(Command::Submit) {
                Ok(done) => {
                    return Ok(Outcome::Placed(
                        done.placed.iter().map(|p| p.order_no).collect(),
                    ))
                }
                Err(r) if r.rule == Rule::Database => return Err(anyhow!(r.message)),
                Err(r) => last = r.message,
            }
        }
        Ok(Outcome::Refused(last))
    }
}

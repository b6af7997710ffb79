//! The facts an order's rules depend on ([`Facts`]), read together: by the
//! session after each change, and by submit inside its transaction. Written
//! once for both backends (store/db).

use super::customer_challenge::challenge_locked;
use super::db::{self, Sql};
use super::operators::{approval_state, limits};
use super::promotions::{account_credit, coupon, reason_codes};
use super::Store;
use crate::domain::order::{Order, Payment};
use crate::domain::rules::{CouponState, CustomerState, Facts};

/// Whether customer `id` is on file and enabled.
pub fn customer_state(sql: Sql<'_>, id: i64) -> Result<CustomerState, db::Error> {
    let enabled = sql
        .query_opt("SELECT enabled FROM customers WHERE id = ?1", &[id.into()])?
        .map(|r| r.get_bool(0))
        .transpose()?;
    Ok(match enabled {
        None => CustomerState::Gone,
        Some(true) => CustomerState::Enabled,
        Some(false) => CustomerState::Disabled,
    })
}

impl Store {
    /// See [`customer_state`].
    pub fn customer_state(&self, id: i64) -> rusqlite::Result<CustomerState> {
        Ok(customer_state(self.sql(), id)?)
    }

    /// The registered customer with this logon ID (compared folded).
    pub fn customer_id_by_logon(&self, logon: &str) -> rusqlite::Result<Option<i64>> {
        let key = crate::domain::text::fold(logon.trim());
        Ok(self
            .sql()
            .query_opt(
                "SELECT id FROM customers WHERE logon_key = ?1 AND is_guest = 0",
                &[key.into()],
            )?
            .map(|r| r.get_i64(0))
            .transpose()?)
    }

    /// See [`facts`].
    pub fn facts(&self, order: &Order, operator: &str) -> rusqlite::Result<Facts> {
        Ok(facts(self.sql(), order, operator)?)
    }
}

/// What the database holds now about `order`'s customer, coupons and
/// account, `operator`'s limits in the order's currency, the approvals the
/// order carries, and the reason codes. The challenge is the session's to
/// fill in.
pub fn facts(sql: Sql<'_>, order: &Order, operator: &str) -> Result<Facts, db::Error> {
    let customer_id = order.customer.as_ref().and_then(|c| c.id);
    let customer = match customer_id {
        None => None,
        Some(id) => Some(customer_state(sql, id)?),
    };
    let limits = limits(sql, operator, order.currency)?;
    let reason_codes = reason_codes(sql)?.into_iter().map(|(c, _)| c).collect();
    let mut coupons = Vec::new();
    for code in &order.coupons {
        let state = match coupon(sql, code, customer_id)? {
            None => CouponState::Missing,
            Some((_, false)) => CouponState::Withdrawn,
            Some((c, true)) => CouponState::Found(Box::new(c)),
        };
        coupons.push((code.clone(), state));
    }
    let account = match (
        &order.payment,
        order.customer.as_ref().and_then(|c| c.account.as_ref()),
    ) {
        (Some(Payment::Account { .. }), Some(a)) => account_credit(sql, a.id)?,
        _ => None,
    };
    // Each approval holds for what it was given for: an adjustment on
    // this order, or ordering for this customer.
    let mut approvals = Vec::new();
    let on_order = format!("order:{}", order.token);
    for a in order.adjustments.iter().filter_map(|a| a.approval.as_ref()) {
        let state = approval_state(
            sql,
            a.id,
            operator,
            &order.token,
            "adjustment",
            &on_order,
            order.currency,
        )?;
        approvals.push((a.id, state));
    }
    if let Some(a) = &order.customer_approval {
        let subject = customer_id
            .map(|id| format!("customer:{id}"))
            .unwrap_or_default();
        let state = approval_state(
            sql,
            a.id,
            operator,
            &order.token,
            "disabled_customer",
            &subject,
            order.currency,
        )?;
        approvals.push((a.id, state));
    }
    let challenge_locked = match (customer_id, &order.payment) {
        (Some(id), Some(Payment::StoredCard(_))) => challenge_locked(sql, id)?,
        _ => false,
    };
    Ok(Facts {
        customer,
        limits,
        reason_codes,
        coupons,
        account,
        challenge_verified: None,
        challenge_locked,
        approvals,
    })
}

//! Operators, their roles and supervisor approval (docs/design.md, section
//! 13): plain data and the pure decisions about them. The store keeps the
//! operators, limits and approvals; the rules measure adjustments against
//! the limits ([`crate::domain::rules::Limits`]).

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an operator is allowed to do. An operator not in the operators
/// table has the `operator` role's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Takes orders within the operator limits.
    Operator,
    /// Wider limits; approves what is beyond an operator's (name + PIN).
    Supervisor,
    /// A supervisor who also manages operators (`orderdesk operators`).
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Operator, Role::Supervisor, Role::Admin];

    /// The name stored and typed: `operator`, `supervisor`, `admin`.
    pub fn code(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Role, String> {
        let t = text.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.code() == t)
            .ok_or_else(|| format!("'{text}' is not a role: operator, supervisor or admin"))
    }

    /// Whether this role may approve what is beyond an operator's limits,
    /// an order for a disabled customer, or unlock a customer's challenge.
    pub fn approves(self) -> bool {
        self >= Role::Supervisor
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A supervisor's approval, kept with what it approved (an adjustment, an
/// order for a disabled customer): the row in `approvals`, who gave it and
/// when. Submit checks it again against the order as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// `approvals.id`.
    pub id: i64,
    /// The approving supervisor's login.
    pub supervisor: String,
    /// When it was given (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub at: String,
}

/// Wrong PINs in a row that lock a supervisor's PIN.
pub const PIN_ATTEMPTS: i64 = 5;
/// How long a locked PIN stays locked.
pub const PIN_LOCK_MINUTES: i64 = 15;
/// Wrong challenge answers for one customer, within
/// [`CHALLENGE_WINDOW_MINUTES`], that lock the customer's stored payment
/// until a supervisor unlocks it.
pub const CHALLENGE_ATTEMPTS: i64 = 5;
pub const CHALLENGE_WINDOW_MINUTES: i64 = 60;

/// A supervisor PIN: 4 to 12 digits.
pub fn check_pin(pin: &str) -> Result<(), String> {
    let n = pin.chars().count();
    if !(4..=12).contains(&n) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err("a PIN is 4 to 12 digits".into());
    }
    Ok(())
}

/// Whom a login may act as (`operators.act_as`): nobody else (empty),
/// anyone (`*`), or the operators named, comma-separated.
pub fn may_act_as(act_as: &str, other: &str) -> bool {
    act_as
        .split(',')
        .map(str::trim)
        .any(|a| a == "*" || (!a.is_empty() && a == other))
}

/// A login or operator name as typed: trimmed, no control characters, no
/// commas (they separate names in `act_as`), 1 to 64 characters.
pub fn check_login(name: &str) -> Result<String, String> {
    let t = crate::domain::text::clean(name).trim().to_string();
    if t.is_empty() {
        return Err("an operator needs a login name".into());
    }
    if t.chars().count() > 64 {
        return Err("a login name is 64 characters at most".into());
    }
    if t.contains(',') || t == "*" {
        return Err(format!("'{t}' cannot be a login name"));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_and_rank() {
        assert_eq!(Role::parse(" Supervisor ").unwrap(), Role::Supervisor);
        assert!(Role::parse("boss").is_err());
        assert!(!Role::Operator.approves());
        assert!(Role::Supervisor.approves() && Role::Admin.approves());
    }

    #[test]
    fn act_as_lists() {
        assert!(may_act_as("*", "anyone"));
        assert!(may_act_as("ann, bob", "bob"));
        assert!(!may_act_as("ann,bob", "bo"));
        assert!(!may_act_as("", "ann"));
        assert!(!may_act_as(" , ", ""));
    }

    #[test]
    fn pins_are_digits() {
        assert!(check_pin("4821").is_ok());
        assert!(check_pin("123").is_err());
        assert!(check_pin("12a4").is_err());
        assert!(check_pin("1234567890123").is_err());
    }
}

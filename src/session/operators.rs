//! Who is at the console, and `orderdesk operators` (docs/design.md,
//! section 13).
//!
//! The operator is the OS login name of the session ([`os_login`]).
//! `--operator` (or `ORDERDESK_OPERATOR`) may name another operator only
//! where the operators table lets that login act as them (a kiosk login
//! shared by several operators); each such start is audited. Managing
//! operators is for admins: the login that created the database is one.

use crate::domain::money::Currency;
use crate::domain::operator::{check_login, check_pin, may_act_as, Role};
use crate::domain::rules::Limits;
pub use crate::store::operators::os_login;
use crate::store::operators::{describe_limits, waiver_text, LimitsOf, OperatorError};
use crate::store::Store;
use clap::Subcommand;
use rust_decimal::Decimal;
use std::fmt;
use std::io::Write;
use std::str::FromStr;

/// Why the session cannot start as the operator asked for, or an
/// `orderdesk operators` command was refused. Nothing was changed.
#[derive(Debug)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl From<OperatorError> for Refused {
    fn from(e: OperatorError) -> Self {
        Refused(e.to_string())
    }
}

impl From<rusqlite::Error> for Refused {
    fn from(e: rusqlite::Error) -> Self {
        Refused(crate::store::StoreError::from(e).to_string())
    }
}

/// The operator this session acts as: `login` itself, or `requested`
/// (`--operator`, `ORDERDESK_OPERATOR`) where the operators table lets
/// `login` act as them, which is audited. A disabled operator cannot
/// start.
pub fn acting_operator(
    store: &Store,
    login: &str,
    requested: Option<&str>,
) -> Result<String, Refused> {
    let requested = requested
        .map(|r| crate::domain::text::clean(r).trim().to_string())
        .filter(|r| !r.is_empty());
    let me = store.operator(login)?;
    if me.as_ref().is_some_and(|o| !o.enabled) {
        return Err(Refused(format!(
            "login {login} is disabled in this database"
        )));
    }
    let operator = match requested {
        None => login.to_string(),
        Some(r) if r == login => r,
        Some(r) => {
            let allowed = me
                .as_ref()
                .is_some_and(|o| o.enabled && may_act_as(&o.act_as, &r));
            if !allowed {
                return Err(Refused(format!(
                    "login {login} may not act as operator {r}: only a login the operators table allows may name another operator (orderdesk operators set-act-as {login} {r}, by an admin)"
                )));
            }
            store.audit_acting(login, &r)?;
            r
        }
    };
    if let Some(o) = store.operator(&operator)? {
        if !o.enabled {
            return Err(Refused(format!(
                "operator {operator} is disabled in this database"
            )));
        }
    }
    Ok(operator)
}

/// `orderdesk operators …`: who may take orders, their roles, limits
/// and supervisor PINs. Admins only (the login that created the
/// database is one); every change is audited.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum OperatorsCommand {
    /// List the operators and the limits of each role and operator
    List,
    /// Add an operator by login name
    Add {
        /// The OS login name
        login: String,
        /// operator, supervisor or admin
        #[arg(long, default_value = "operator")]
        role: String,
        /// The person's name, for the list
        #[arg(long, default_value = "")]
        name: String,
        /// Whom this login may name with --operator: '*' for anyone, or
        /// logins separated by commas (a kiosk login)
        #[arg(long, default_value = "")]
        act_as: String,
    },
    /// Change an operator's role
    SetRole {
        login: String,
        /// operator, supervisor or admin
        role: String,
    },
    /// Set the adjustment limits of an operator (or of a role, with
    /// --role) in one currency; what is not given stays as it is. An
    /// operator's own limits replace their role's in that currency
    SetLimits {
        /// The operator (leave out with --role)
        login: Option<String>,
        /// The role whose limits to set, instead of an operator's
        #[arg(long)]
        role: Option<String>,
        /// The currency (USD, EUR, GBP, CAD, JPY, …)
        #[arg(long)]
        currency: String,
        /// The most one adjustment may take off (or add), in the currency
        #[arg(long)]
        amount: Option<String>,
        /// The most, in percent of the amount adjusted
        #[arg(long)]
        percent: Option<String>,
        /// May set a shipping charge to zero: yes or no
        #[arg(long)]
        shipping_waiver: Option<String>,
        /// The largest shipping charge the waiver may set to zero, in the
        /// currency, or "any"
        #[arg(long)]
        waiver_max: Option<String>,
        /// May raise a price: yes or no
        #[arg(long)]
        price_increase: Option<String>,
        /// Remove the operator's own limits in the currency (their role's
        /// hold again)
        #[arg(long)]
        clear: bool,
    },
    /// Set a supervisor's PIN (4 to 12 digits), read from standard input,
    /// never from the command line
    SetPin { login: String },
    /// Whom a login may name with --operator: '*', logins separated by
    /// commas, or '' for nobody else
    SetActAs { login: String, act_as: String },
    /// Disable an operator: they can neither start nor approve
    Disable { login: String },
    /// Enable a disabled operator again
    Enable { login: String },
}

/// Carries out `cmd` as `login`, writing what it did to `out`; `pin`
/// reads a PIN (from the terminal without echo, or standard input).
pub fn run(
    store: &Store,
    login: &str,
    cmd: OperatorsCommand,
    out: &mut impl Write,
    pin: &mut dyn FnMut(&str) -> std::io::Result<String>,
) -> Result<(), Refused> {
    let io = |e: std::io::Error| Refused(format!("could not write: {e}"));
    if cmd != OperatorsCommand::List && store.has_admin()? {
        let admin = store
            .operator(login)?
            .is_some_and(|o| o.enabled && o.role == Role::Admin);
        if !admin {
            return Err(Refused(format!(
                "login {login} is not an admin here: an admin manages operators"
            )));
        }
    }
    let role = |r: &str| Role::parse(r).map_err(Refused);
    let name = |l: &str| check_login(l).map_err(Refused);
    match cmd {
        OperatorsCommand::List => list(store, out).map_err(io)?,
        OperatorsCommand::Add {
            login: who,
            role: r,
            name: person,
            act_as,
        } => {
            let who = name(&who)?;
            let r = role(&r)?;
            store.add_operator(&who, r, &person, &tidy_act_as(&act_as)?, login)?;
            writeln!(out, "added {who} ({r})").map_err(io)?;
        }
        OperatorsCommand::SetRole {
            login: who,
            role: r,
        } => {
            let who = name(&who)?;
            let r = role(&r)?;
            store.set_role(&who, r, login)?;
            writeln!(out, "{who} is {r} now").map_err(io)?;
        }
        OperatorsCommand::SetLimits {
            login: who,
            role: r,
            currency,
            amount,
            percent,
            shipping_waiver,
            waiver_max,
            price_increase,
            clear,
        } => {
            let currency = Currency::from_str(&currency).map_err(Refused)?;
            let of = match (who, r) {
                (Some(w), None) => LimitsOf::Operator(name(&w)?),
                (None, Some(r)) => LimitsOf::Role(role(&r)?),
                _ => {
                    return Err(Refused(
                        "name an operator or a role (--role), one of them".into(),
                    ))
                }
            };
            if clear {
                let LimitsOf::Operator(w) = &of else {
                    return Err(Refused("--clear is for an operator's own limits".into()));
                };
                let gone = store.clear_limits(w, currency, login)?;
                writeln!(
                    out,
                    "{w}: {}",
                    if gone {
                        format!("{currency} limits of the role again")
                    } else {
                        format!("had no {currency} limits of their own")
                    }
                )
                .map_err(io)?;
                return Ok(());
            }
            let now = match &of {
                LimitsOf::Operator(w) => store.limits(w, currency)?,
                LimitsOf::Role(r) => role_limits(store, *r, currency)?,
            };
            let limits = Limits {
                amount: match amount {
                    Some(a) => currency
                        .parse_amount(&a)
                        .map_err(|e| Refused(format!("--amount: {e}")))?,
                    None => now.amount,
                },
                percent: match percent {
                    Some(p) => parse_percent(&p)?,
                    None => now.percent,
                },
                shipping_waiver: match shipping_waiver {
                    Some(y) => yes_no(&y, "--shipping-waiver")?,
                    None => now.shipping_waiver,
                },
                price_increase: match price_increase {
                    Some(y) => yes_no(&y, "--price-increase")?,
                    None => now.price_increase,
                },
                waiver_max: match waiver_max.as_deref().map(str::trim) {
                    Some("any") => None,
                    Some(m) => Some(
                        currency
                            .parse_amount(m)
                            .map_err(|e| Refused(format!("--waiver-max: {e}")))?,
                    ),
                    None => now.waiver_max,
                },
            };
            store.set_limits(&of, currency, &limits, login)?;
            writeln!(out, "{of}: {}", describe_limits(currency, &limits)).map_err(io)?;
        }
        OperatorsCommand::SetPin { login: who } => {
            let who = name(&who)?;
            let row = store
                .operator(&who)?
                .ok_or_else(|| Refused(OperatorError::NotFound(who.clone()).to_string()))?;
            if !row.role.approves() {
                return Err(Refused(format!(
                    "{who} is {}: a PIN is for supervisors and admins",
                    row.role
                )));
            }
            let typed = pin(&format!("PIN for {who}: "))
                .map_err(|e| Refused(format!("could not read the PIN: {e}")))?;
            let typed = typed.trim();
            check_pin(typed).map_err(Refused)?;
            store.set_pin(&who, typed, login)?;
            writeln!(out, "PIN set for {who}").map_err(io)?;
        }
        OperatorsCommand::SetActAs { login: who, act_as } => {
            let who = name(&who)?;
            let act_as = tidy_act_as(&act_as)?;
            store.set_act_as(&who, &act_as, login)?;
            let whom = if act_as.is_empty() {
                "nobody else".to_string()
            } else if act_as == "*" {
                "any operator".to_string()
            } else {
                act_as
            };
            writeln!(out, "{who} may act as {whom}").map_err(io)?;
        }
        OperatorsCommand::Disable { login: who } => {
            let who = name(&who)?;
            store.set_enabled(&who, false, login)?;
            writeln!(out, "{who} is disabled").map_err(io)?;
        }
        OperatorsCommand::Enable { login: who } => {
            let who = name(&who)?;
            store.set_enabled(&who, true, login)?;
            writeln!(out, "{who} is enabled").map_err(io)?;
        }
    }
    Ok(())
}

/// A role's own limits in `currency` (none: nothing allowed).
fn role_limits(store: &Store, role: Role, currency: Currency) -> Result<Limits, Refused> {
    Ok(store
        .limit_rows()?
        .into_iter()
        .find(|r| r.of == LimitsOf::Role(role) && r.currency == currency.code())
        .map(|r| r.limits)
        .unwrap_or_default())
}

fn parse_percent(text: &str) -> Result<Decimal, Refused> {
    let t = text.trim().trim_end_matches('%');
    Decimal::from_str(t)
        .ok()
        .filter(|d| *d >= Decimal::ZERO && *d <= Decimal::ONE_HUNDRED)
        .ok_or_else(|| {
            Refused(format!(
                "--percent: '{text}' is not a percent from 0 to 100"
            ))
        })
}

fn yes_no(text: &str, what: &str) -> Result<bool, Refused> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" => Ok(false),
        _ => Err(Refused(format!("{what}: yes or no, not '{text}'"))),
    }
}

/// `*`, or login names separated by commas, each checked; empty: nobody.
fn tidy_act_as(text: &str) -> Result<String, Refused> {
    let t = text.trim();
    if t.is_empty() || t == "*" {
        return Ok(t.to_string());
    }
    let names = t
        .split(',')
        .map(|n| check_login(n).map_err(Refused))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(names.join(","))
}

/// The operators, then the limits of each role and operator.
fn list(store: &Store, out: &mut impl Write) -> std::io::Result<()> {
    let rows = store
        .operators()
        .map_err(|e| std::io::Error::other(crate::store::StoreError::from(e).to_string()))?;
    writeln!(
        out,
        "{:<16} {:<10} {:<8} {:<12} {:<10} NAME",
        "LOGIN", "ROLE", "STATUS", "ACTS AS", "PIN"
    )?;
    for o in &rows {
        let acts = match o.act_as.as_str() {
            "" => "-".to_string(),
            "*" => "anyone".to_string(),
            other => other.to_string(),
        };
        let pin = match (&o.pin_locked_until, o.pin_set) {
            (Some(u), _) if *u > crate::store::operators::time_text(chrono::Utc::now()) => {
                format!("locked until {u}")
            }
            (_, true) => "set".to_string(),
            (_, false) => "-".to_string(),
        };
        writeln!(
            out,
            "{:<16} {:<10} {:<8} {:<12} {:<10} {}",
            o.login,
            o.role.code(),
            if o.enabled { "enabled" } else { "disabled" },
            acts,
            pin,
            o.name
        )?;
    }
    writeln!(out, "\nAnyone not listed has the operator role's limits.\n")?;
    writeln!(
        out,
        "{:<22} {:<4} {:>12} {:>6}  {:<16} PRICE INCREASE",
        "LIMITS OF", "CUR", "AMOUNT OFF", "% OFF", "SHIPPING WAIVER"
    )?;
    let limits = store
        .limit_rows()
        .map_err(|e| std::io::Error::other(crate::store::StoreError::from(e).to_string()))?;
    let yes = |b: bool| if b { "yes" } else { "no" };
    for r in limits {
        writeln!(
            out,
            "{:<22} {:<4} {:>12} {:>6}  {:<16} {}",
            r.of.to_string(),
            r.currency,
            r.limits.amount.to_string(),
            r.limits.percent.normalize().to_string(),
            waiver_text(&r.limits),
            yes(r.limits.price_increase)
        )?;
    }
    Ok(())
}

//! `orderdesk play`: a JSON-lines script of session commands, one per
//! line, run as the operator running it; one JSON line answers each
//! command. Support staff replay a call with it; tests drive the real
//! binary with it.
//!
//! The whole script is read and parsed before the first command runs, so
//! a malformed line (named by its number) changes nothing.

use super::{Command, Session};
use serde_json::{json, Value};
use std::fmt;
use std::io::{BufRead, Write};

#[derive(Debug)]
pub enum PlayError {
    /// Line `line` (1-based) is not a command.
    Malformed {
        line: usize,
        message: String,
    },
    Io(std::io::Error),
}

impl fmt::Display for PlayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlayError::Malformed { line, message } => {
                write!(f, "script line {line} is not a command: {message}")
            }
            PlayError::Io(e) => write!(f, "could not read the script: {e}"),
        }
    }
}

impl std::error::Error for PlayError {}

/// The commands of a script; blank lines and lines starting with `#` are
/// skipped.
pub fn parse(input: impl BufRead) -> Result<Vec<Command>, PlayError> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(PlayError::Io)?;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let cmd = serde_json::from_str(t).map_err(|e| PlayError::Malformed {
            line: i + 1,
            message: e.to_string(),
        })?;
        out.push(cmd);
    }
    Ok(out)
}

/// Runs `commands` on `session`, writing one JSON line per command.
pub fn run(
    session: &mut Session,
    commands: Vec<Command>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    for cmd in commands {
        let name = serde_json::to_value(&cmd)
            .ok()
            .and_then(|v| v.get("cmd").cloned())
            .unwrap_or(Value::Null);
        let servicing = cmd.is_servicing();
        let answer = match session.apply(cmd) {
            Ok(done) if servicing => {
                let mut v = json!({ "ok": true, "cmd": name, "message": done.message });
                if let Some(case) = session.case() {
                    let o = &case.stored;
                    v["order_no"] = json!(o.order_no);
                    v["status"] = json!(o.status.code());
                    v["version"] = json!(o.version);
                    v["total"] = json!(o.currency.round(o.grand_total).to_string());
                    v["pending"] = json!(case.changes.len());
                    if let Some(d) = case.difference() {
                        v["difference"] = json!(d);
                    }
                }
                v
            }
            Ok(done) => {
                session.refresh(false);
                let order = session.order();
                let mut v = json!({
                    "ok": true,
                    "cmd": name,
                    "message": done.message,
                    "lines": order.lines.len(),
                    "currency": order.currency.code(),
                    "total": order.currency.round(session.quote().total()).to_string(),
                });
                if !done.placed.is_empty() {
                    v["orders"] = json!(done.placed.iter().map(|p| p.order_no).collect::<Vec<_>>());
                    v["totals"] = json!(done
                        .placed
                        .iter()
                        .map(|p| order.currency.round(p.grand_total).to_string())
                        .collect::<Vec<_>>());
                    v["already_placed"] = json!(done.placed.iter().any(|p| p.already_placed));
                }
                v
            }
            Err(r) => {
                session.refresh(false);
                let mut v = json!({
                    "ok": false,
                    "cmd": name,
                    "rule": r.rule.name(),
                    "message": r.message,
                    "area": r.area.map(|a| format!("{a:?}").to_lowercase()),
                });
                // The next line may be {"cmd":"approve",...}.
                if session.awaiting_approval().is_some() {
                    v["awaits_approval"] = json!(true);
                }
                v
            }
        };
        writeln!(
            out,
            "{}",
            crate::domain::text::json_safe(&answer.to_string())
        )?;
        out.flush()?;
    }
    Ok(())
}

//! The read-only record view: the order's registered customer as stored,
//! loaded when shown; Enter turns it into the edit form.

use super::form::Record;
use super::{CustomerScreen, Mode};
use crate::domain::customer::{DEMOGRAPHICS, LANGUAGES};
use crate::domain::order::CustomerRef;
use crate::tui::action::Action;
use crate::tui::screens::Ctx;

/// How a line of the view is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    Plain,
    Dim,
    Error,
}

impl CustomerScreen {
    /// Loads the order's customer as stored, unless already loaded.
    pub(super) fn load_view(&mut self, ctx: &Ctx) {
        let Some(id) = ctx.order.customer.as_ref().and_then(|c| c.id) else {
            return;
        };
        if self.view.as_ref().is_some_and(|(v, _)| *v == id) {
            return;
        }
        if self.verified != Some(id) {
            self.verified = None;
        }
        match ctx.lookup.load_customer_draft(id) {
            Ok(Some(d)) => {
                self.view = Some((id, d));
                self.load_error = None;
            }
            Ok(None) => self.load_error = Some("this customer is no longer on file".into()),
            Err(e) => self.load_error = Some(format!("could not load the record: {e}")),
        }
    }

    /// Enter on the view: the loaded record becomes the edit form.
    pub(super) fn start_edit(&mut self) -> Vec<Action> {
        let Some((id, d)) = &self.view else {
            return vec![Action::Error("no record to edit".into())];
        };
        self.record = Record::from_draft(*id, d, &self.accounts);
        // Answered already on this visit: no need to ask again.
        self.record.secrets_open = self.verified == Some(*id);
        self.mode = Mode::Edit;
        vec![Action::Status(
            "Editing: ^S saves, Esc cancels; PgDn for demographics and addresses.".into(),
        )]
    }

    /// The view's lines, top to bottom, for the order's customer `c`.
    pub(super) fn view_lines(&self, c: &CustomerRef) -> Vec<(String, Tone)> {
        let mut lines: Vec<(String, Tone)> = Vec::new();
        if let Some(e) = &self.load_error {
            lines.push((format!("! {e}"), Tone::Error));
        }
        let plain = Tone::Plain;
        if let Some((_, d)) = &self.view {
            let language = LANGUAGES
                .iter()
                .find(|(code, _)| *code == d.language)
                .map(|(_, n)| *n)
                .unwrap_or("—");
            let account = d
                .account_id
                .and_then(|id| self.accounts.iter().find(|a| a.id == id))
                .map(|a| a.name.clone())
                .unwrap_or_else(|| "—".into());
            let demo: Vec<String> = d
                .demographics
                .iter()
                .zip(DEMOGRAPHICS.iter())
                .filter_map(|(v, m)| {
                    v.as_ref()
                        .map(|v| format!("{} {v}", m.label.to_lowercase()))
                })
                .collect();
            for l in [
                format!(
                    "Logon ID   {:<24} {}",
                    d.logon_id,
                    if d.enabled { "enabled" } else { "DISABLED" }
                ),
                format!("Phone      {:<24} E-mail  {}", d.phone, d.email),
                format!("Currency   {:<24} Language {language}", d.currency.code()),
                format!("Account    {account}"),
                format!(
                    "Demograph. {}",
                    if demo.is_empty() {
                        "—".to_string()
                    } else {
                        demo.join(", ")
                    }
                ),
                String::new(),
                "Address book".to_string(),
            ] {
                lines.push((l, plain));
            }
            for a in &d.addresses {
                let flags = match (a.default_shipping, a.default_billing) {
                    (true, true) => " [ship+bill]",
                    (true, false) => " [ship]",
                    (false, true) => " [bill]",
                    _ => "",
                };
                lines.push((
                    format!(
                        "  {}{}: {}",
                        a.address.nickname,
                        flags,
                        a.address.one_line()
                    ),
                    plain,
                ));
            }
        }
        lines.push((String::new(), plain));
        if self.verified.is_some() && self.verified == c.id {
            lines.push(("Stored payment methods".into(), plain));
            if c.cards.is_empty() {
                lines.push(("  none on file".into(), plain));
            }
            for s in &c.cards {
                lines.push((format!("  {}", s.summary.describe()), plain));
            }
        } else {
            lines.push((
                format!(
                    "Stored payment methods: {} on file — ^Y asks the challenge question to show them",
                    c.cards.len()
                ),
                Tone::Dim,
            ));
        }
        lines
    }
}

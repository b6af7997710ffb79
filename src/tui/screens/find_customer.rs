//! Step 1, find customer: seven search fields (AND, prefix, case- and
//! accent-insensitive), results as the operator types; pick, new customer
//! or guest.

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::text::{fit, pad};
use crate::session::{Done, Refusal};
use crate::store::{CustomerQuery, CustomerRow};
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, list_moves, Binding, Cmd, Key};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

/// Results shown at most; more matches show as "200+ — type more".
pub const RESULT_LIMIT: usize = 200;

/// Columns of the results, in terminal columns (docs/design.md, section 10).
const NAME_W: usize = 22;
const LOGON_W: usize = 11;
const PHONE_W: usize = 17;
const PLACE_W: usize = 14;

const LAST: usize = 0;
const FIRST: usize = 1;
const PHONE: usize = 2;
const EMAIL: usize = 3;
const LOGON: usize = 4;
const POSTAL: usize = 5;
const ACCOUNT: usize = 6;

pub struct FindCustomer {
    form: Form,
    /// At most [`RESULT_LIMIT`] rows: all of them can be shown and selected.
    results: Vec<CustomerRow>,
    /// More rows match than are shown.
    more: bool,
    list: ListState,
    /// The query the results belong to; a different one triggers a search.
    searched: Option<CustomerQuery>,
    /// The search as it stands picked the order's customer: nothing in it
    /// is waiting to be confirmed (a draft does not keep it) until it is
    /// edited again.
    confirmed: bool,
}

impl Default for FindCustomer {
    fn default() -> Self {
        FindCustomer {
            form: Form::new(vec![
                TextField::new("Last name", 40),
                TextField::new("First name", 40),
                TextField::new("Phone", 30),
                TextField::new("E-mail", 60),
                TextField::new("Logon ID", 40),
                TextField::new("ZIP/postal", 12),
                TextField::new("Account", 40),
            ]),
            results: Vec::new(),
            more: false,
            list: ListState::default(),
            searched: None,
            confirmed: false,
        }
    }
}

impl FindCustomer {
    pub fn query(&self) -> CustomerQuery {
        CustomerQuery {
            last_name: self.form.value(LAST).into(),
            first_name: self.form.value(FIRST).into(),
            phone: self.form.value(PHONE).into(),
            email: self.form.value(EMAIL).into(),
            logon: self.form.value(LOGON).into(),
            postal: self.form.value(POSTAL).into(),
            account: self.form.value(ACCOUNT).into(),
        }
    }
}

impl Screen for FindCustomer {
    fn bindings(&self, _ctx: &DrawCtx) -> Vec<Binding> {
        let mut b = vec![
            Binding::new(&[Key::plain(KeyCode::Enter)], "Pick", Cmd::PickCustomer),
            Binding::new(&[Key::ctrl('n')], "New customer", Cmd::NewCustomer),
            Binding::new(&[Key::ctrl('d')], "Guest order", Cmd::GuestOrder),
            Binding::new(
                &[Key::plain(KeyCode::Esc)],
                "Clear search",
                Cmd::ClearSearch,
            ),
        ];
        b.extend(field_moves());
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, _ctx: &Ctx) -> Option<Vec<Action>> {
        Some(match cmd {
            Cmd::PickCustomer => match self.results.get(self.list.selected) {
                Some(c) => vec![Action::pick(c.id)],
                None => vec![Action::Error(
                    "no customer to pick: change the search, or ^D for a guest order".into(),
                )],
            },
            Cmd::GuestOrder => vec![
                Action::GuestForm(Box::new(self.query())),
                Action::Status("Guest order: name, contact and address.".into()),
            ],
            Cmd::NewCustomer => vec![Action::NewCustomer(Box::new(self.query()))],
            Cmd::ClearSearch => {
                for f in &mut self.form.fields {
                    f.clear();
                }
                self.form.focus = 0;
                vec![]
            }
            Cmd::NextField => {
                self.form.next();
                vec![]
            }
            Cmd::PrevField => {
                self.form.prev();
                vec![]
            }
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                self.list.step(cmd, self.results.len());
                vec![]
            }
            _ => return None,
        })
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        if let Some(f) = self.form.focused() {
            f.handle_key(key);
        }
        self.confirmed = false;
        vec![]
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        if let Some(f) = self.form.focused() {
            f.insert(text);
        }
        self.confirmed = false;
        vec![]
    }

    /// The only order command this screen asks for is picking a customer.
    fn answered(&mut self, outcome: &Result<Done, Refusal>) -> Vec<Action> {
        self.confirmed = outcome.is_ok();
        Vec::new()
    }

    fn typing(&self) -> bool {
        true
    }

    fn refresh(&mut self, ctx: &Ctx) -> Result<(), String> {
        let q = self.query();
        if self.searched.as_ref() == Some(&q) {
            return Ok(());
        }
        let mut rows = ctx
            .lookup
            .search_customers(&q, RESULT_LIMIT + 1)
            .map_err(|e| format!("search failed: {e}"))?;
        // Only what is shown can be selected: one row more says "more".
        self.more = rows.len() > RESULT_LIMIT;
        rows.truncate(RESULT_LIMIT);
        self.results = rows;
        self.list = ListState::default();
        self.searched = Some(q);
        Ok(())
    }

    /// The search fields, unless they are empty or just picked the
    /// order's customer.
    fn typed(&self) -> Option<serde_json::Value> {
        (!self.confirmed && !self.form.is_blank()).then(|| self.form.kept())
    }

    fn restore_typed(&mut self, typed: &serde_json::Value) {
        self.form.put_back(typed);
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        title(
            f,
            area,
            "Find customer — type in any fields; they combine",
            theme,
        );
        let count = if self.more {
            format!("{RESULT_LIMIT}+ — type more")
        } else if self.searched.as_ref().is_some_and(|q| q.is_empty()) {
            format!("{} recent customers", self.results.len())
        } else {
            match self.results.len() {
                1 => "1 match".to_string(),
                n => format!("{n} matches"),
            }
        };
        let cw = crate::domain::text::width(&count) as u16;
        f.render_widget(
            Line::styled(count, theme.title()),
            Rect::new(area.right().saturating_sub(cw + 1), area.y, cw, 1),
        );
        let half = area.width / 2;
        let lw = 13;
        for (i, field) in self.form.fields.iter().enumerate() {
            let (col, row) = (i % 2, i / 2);
            let r = Rect::new(
                area.x + col as u16 * half,
                area.y + 1 + row as u16,
                half - 1,
                1,
            );
            field.draw(f, r, lw, i == self.form.focus, theme);
        }
        let top = area.y + 6;
        f.render_widget(
            Line::styled(
                format!(
                    "  {} {} {} {} Account",
                    pad("Name", NAME_W),
                    pad("Logon", LOGON_W),
                    pad("Phone", PHONE_W),
                    pad("City/postal", PLACE_W),
                ),
                theme.label(),
            ),
            Rect::new(area.x, top, area.width, 1),
        );
        let height = area.bottom().saturating_sub(top + 1) as usize;
        let shown = &self.results[..];
        let from = self.list.visible_from(height);
        for (i, c) in shown.iter().enumerate().skip(from).take(height) {
            let (marker, style) = row_style(i == self.list.selected, theme);
            let name = format!("{}, {}", c.last_name, c.first_name);
            let logon = c.logon_id.clone().unwrap_or_else(|| "(guest)".into());
            let place = format!("{} {}", c.city, c.postal_code);
            // Said in words, not by colour alone, where it is always seen.
            let account = match (&c.account, c.enabled) {
                (Some(a), true) => a.clone(),
                (None, true) => String::new(),
                (Some(a), false) => format!("DISABLED · {a}"),
                (None, false) => "DISABLED".into(),
            };
            let style = if c.enabled || i == self.list.selected {
                style
            } else {
                theme.dim()
            };
            let text = format!(
                "{marker}{} {} {} {} {account}",
                pad(&name, NAME_W),
                pad(&logon, LOGON_W),
                pad(&c.phone, PHONE_W),
                pad(&place, PLACE_W),
            );
            f.render_widget(
                Line::styled(fit(&text, area.width as usize), style),
                Rect::new(area.x, top + 1 + (i - from) as u16, area.width, 1),
            );
        }
        if shown.is_empty() && self.searched.is_some() {
            f.render_widget(
                Line::styled(
                    "  No customer matches: ^N new customer or ^D guest order, with what you typed.",
                    theme.warn(),
                ),
                Rect::new(area.x, top + 1, area.width, 1),
            );
        }
    }
}

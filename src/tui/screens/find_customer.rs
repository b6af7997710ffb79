//! Step 1, find customer: one field that takes whatever the customer
//! says (digits go to the phone, `@` to the e-mail, a postal-code shape
//! to ZIP/postal, words to the names), and the seven explicit search
//! fields a Tab away (AND, prefix, case- and accent-insensitive); results
//! as the operator types; pick, new customer or guest.

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

const ANY: usize = 0;
const LAST: usize = 1;
const FIRST: usize = 2;
const PHONE: usize = 3;
const EMAIL: usize = 4;
const LOGON: usize = 5;
const POSTAL: usize = 6;
const ACCOUNT: usize = 7;

/// Where what the customer says goes, by its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Said {
    Nothing,
    Email(String),
    Phone(String),
    Postal(String),
    /// One word: the last name.
    Last(String),
    /// Two words or more: the first name, then the last.
    Names(String, String),
}

impl Said {
    fn of(text: &str) -> Said {
        let t = text.trim();
        let has_digit = t.bytes().any(|b| b.is_ascii_digit());
        let has_letter = t.chars().any(char::is_alphabetic);
        if t.is_empty() {
            Said::Nothing
        } else if t.contains('@') {
            Said::Email(t.into())
        } else if has_digit
            && t.chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            && !is_zip(t)
        {
            Said::Phone(t.into())
        } else if has_digit
            && t.len() <= 10
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            // Letters and digits mixed (M5V 3L9, SW1A 1AA) or a ZIP+4.
            Said::Postal(t.into())
        } else if has_letter {
            match t.rsplit_once(char::is_whitespace) {
                Some((first, last)) => Said::Names(first.trim().into(), last.trim().into()),
                None => Said::Last(t.into()),
            }
        } else {
            Said::Nothing
        }
    }

    /// The field it goes to, as the title names it.
    fn field(&self) -> &'static str {
        match self {
            Said::Nothing => "",
            Said::Email(_) => "e-mail",
            Said::Phone(_) => "phone",
            Said::Postal(_) => "ZIP/postal",
            Said::Last(_) => "last name",
            Said::Names(..) => "first and last name",
        }
    }
}

/// A ZIP+4 (12345-6789): a postal code, not a phone number.
fn is_zip(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 10
        && b[5] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 5 || c.is_ascii_digit())
}

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
                TextField::new("Say it", 60),
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
    /// The explicit fields, with what was said in the first field put
    /// where its shape says (an explicit field typed in wins over it).
    pub fn query(&self) -> CustomerQuery {
        let mut q = CustomerQuery {
            last_name: self.form.value(LAST).into(),
            first_name: self.form.value(FIRST).into(),
            phone: self.form.value(PHONE).into(),
            email: self.form.value(EMAIL).into(),
            logon: self.form.value(LOGON).into(),
            postal: self.form.value(POSTAL).into(),
            account: self.form.value(ACCOUNT).into(),
        };
        let fill = |field: &mut String, v: String| {
            if field.trim().is_empty() {
                *field = v;
            }
        };
        match Said::of(self.form.value(ANY)) {
            Said::Nothing => {}
            Said::Email(v) => fill(&mut q.email, v),
            Said::Phone(v) => fill(&mut q.phone, v),
            Said::Postal(v) => fill(&mut q.postal, v),
            Said::Last(v) => fill(&mut q.last_name, v),
            Said::Names(first, last) => {
                fill(&mut q.first_name, first);
                fill(&mut q.last_name, last);
            }
        }
        q
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
        let said = Said::of(self.form.value(ANY));
        let heading = match said.field() {
            "" => "Find customer — say it, or Tab to a field; they combine".to_string(),
            field => format!("Find customer — searching the {field}"),
        };
        title(f, area, &heading, theme);
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

#[cfg(test)]
mod tests {
    use super::Said;

    #[test]
    fn what_is_said_goes_where_its_shape_says() {
        assert_eq!(Said::of("555 318 7702"), Said::Phone("555 318 7702".into()));
        assert_eq!(
            Said::of("+1 (555) 318-7702"),
            Said::Phone("+1 (555) 318-7702".into())
        );
        assert_eq!(
            Said::of("zoe@example.com"),
            Said::Email("zoe@example.com".into())
        );
        assert_eq!(Said::of("M5V 3L9"), Said::Postal("M5V 3L9".into()));
        assert_eq!(Said::of("62701-1234"), Said::Postal("62701-1234".into()));
        assert_eq!(Said::of("smi"), Said::Last("smi".into()));
        assert_eq!(
            Said::of("Maria Smith"),
            Said::Names("Maria".into(), "Smith".into())
        );
        assert_eq!(Said::of("  "), Said::Nothing);
    }
}

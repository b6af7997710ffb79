//! Step 2, customer record (docs/design.md). Modes:
//! - View: the order's registered customer as stored; Enter edits.
//! - Create (^N on the find screen) and Edit: the whole record as a form in
//!   three sections (PgUp/PgDn): customer, demographics, address book.
//! - Guest: only what the order needs (name, contact, address).
//! - Register: a guest picked from the search becomes a registered customer.
//!
//! Stored payment methods, the password and the challenge answer are behind
//! the challenge question; the store checks the answer and audits wrong ones.
//!
//! Here: the screen, its modes and keys. `form` and `address` hold the
//! record form's model, `view` the read-only record, `guest` the guest and
//! registration forms, `challenge` the question, `draw` all drawing.

mod address;
mod challenge;
mod draw;
mod duplicates;
mod form;
mod guest;
mod view;

use super::{Ctx, DrawCtx, Screen};
use crate::domain::customer::CustomerDraft;
use crate::domain::order::AccountRef;
use crate::domain::search_keys::KeySource;
use crate::store::{CustomerQuery, SaveError};
use crate::tui::action::Action;
use crate::tui::flow::Step;
use crate::tui::keymap::{field_moves, Binding, Cmd, Key};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::text_field::TextField;
use challenge::{Challenge, Purpose};
use crossterm::event::{KeyCode, KeyEvent};
use form::{account_index, Record, Row};
use guest::{form_moves, guest_form, register_form, register_index};
use ratatui::layout::Rect;
use ratatui::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Decided from the order when the screen is shown.
    Auto,
    View,
    Create,
    Edit,
    Guest,
    Register,
}

pub struct CustomerScreen {
    mode: Mode,
    guest: Form,
    register: Form,
    record: Record,
    /// View mode: the loaded record (id, draft).
    view: Option<(i64, CustomerDraft)>,
    accounts: Vec<AccountRef>,
    challenge: Option<Challenge>,
    challenge_error: Option<String>,
    /// The customer whose challenge was answered on this visit.
    verified: Option<i64>,
    load_error: Option<String>,
    /// ^D asked for the guest form: it stays up even while a registered
    /// customer is still on the order, until the guest order starts.
    guest_requested: bool,
    /// Possible duplicates of the customer or guest about to be stored,
    /// shown instead of the form until the operator chooses.
    duplicates: Option<duplicates::Duplicates>,
    /// The details the operator chose to store anyway after seeing their
    /// duplicates: saving them again does not ask twice.
    anyway: Option<String>,
}

impl Default for CustomerScreen {
    fn default() -> Self {
        CustomerScreen {
            mode: Mode::Auto,
            guest: guest_form(),
            register: register_form(),
            record: Record::new(None),
            view: None,
            accounts: Vec::new(),
            challenge: None,
            challenge_error: None,
            verified: None,
            load_error: None,
            guest_requested: false,
            duplicates: None,
            anyway: None,
        }
    }
}

impl CustomerScreen {
    /// ^N on the find screen: a new customer, with what was typed in the
    /// search (the caller's name, phone, e-mail, logon, postal code). A
    /// new-customer form already started is kept (nothing typed is lost by
    /// looking elsewhere); the search fills only what it left empty.
    pub fn start_create(&mut self, search: &CustomerQuery) {
        if !(self.mode == Mode::Create && self.record.creating()) {
            self.record = Record::new(None);
        }
        self.record.prefill(search);
        self.mode = Mode::Create;
        self.challenge = None;
        self.duplicates = None;
    }

    /// The field that has the keys: the challenge answer while it is asked,
    /// else the focused field of the mode's form (none when viewing).
    fn focused_field(&mut self) -> Option<&mut TextField> {
        if let Some(c) = &mut self.challenge {
            return Some(&mut c.answer);
        }
        match self.mode {
            Mode::Create | Mode::Edit => self.record.focused_text(),
            Mode::Register => self.register.focused(),
            Mode::Guest | Mode::Auto => self.guest.focused(),
            Mode::View => None,
        }
    }

    /// A key or a paste for the focused field. A refusal goes to the
    /// status line too; once the value changes, the record's message at
    /// that field goes (it is checked again when the field is left).
    fn type_into(&mut self, typing: impl FnOnce(&mut TextField)) -> Vec<Action> {
        // Typing goes back to the form the list of duplicates covered.
        self.duplicates = None;
        let Some(f) = self.focused_field() else {
            return Vec::new();
        };
        let before = f.value().to_string();
        typing(f);
        let changed = f.value() != before;
        let show = f.status();
        let on_record = self.challenge.is_none() && matches!(self.mode, Mode::Create | Mode::Edit);
        if changed && on_record {
            if let Some(field) = self.record.field_of(self.record.row()) {
                self.record.errors.retain(|(f, _)| *f != field);
            }
        }
        show
    }

    /// ^D on the find screen: the guest form, whoever is on the order now,
    /// with what was typed in the search where the form is still empty.
    pub fn start_guest(&mut self, search: &CustomerQuery) {
        self.mode = Mode::Guest;
        self.guest_requested = true;
        self.challenge = None;
        self.duplicates = None;
        guest::prefill(&mut self.guest, search);
    }

    /// The guest order started: the screen follows the order again.
    pub fn guest_started(&mut self) {
        self.guest_requested = false;
    }

    /// The record was saved: the next visit shows it as stored.
    pub fn saved(&mut self) {
        self.duplicates = None;
        self.anyway = None;
        self.mode = Mode::Auto;
        self.record = Record::new(None);
        self.register = register_form();
        self.view = None;
        self.challenge = None;
    }

    /// The store refused the record: its messages go next to the fields.
    /// Refused because another console saved it meanwhile: the edit moves
    /// onto the record as stored now, keeping everything typed.
    pub fn save_failed(&mut self, e: &SaveError) {
        if let SaveError::Stale { current, changed } = e {
            if self.mode == Mode::Edit {
                self.record.rebase(current, changed, &self.accounts);
            }
            return;
        }
        let errors = e.field_errors();
        match self.mode {
            Mode::Register => {
                for f in &mut self.register.fields {
                    f.error = None;
                }
                for (field, msg) in &errors {
                    if let Some(i) = register_index(*field) {
                        self.register.set_error(i, msg.clone());
                    }
                }
                if let Some(i) = self.register.fields.iter().position(|f| f.error.is_some()) {
                    self.register.focus = i;
                }
            }
            _ => {
                if let Some((first, _)) = errors.first() {
                    self.record.focus_on(*first);
                }
                self.record.errors = errors;
            }
        }
    }

    fn decide_mode(&mut self, ctx: &DrawCtx) {
        if matches!(self.mode, Mode::Create | Mode::Edit)
            || (self.mode == Mode::Guest && self.guest_requested)
        {
            return;
        }
        self.mode = match &ctx.order.customer {
            Some(c) if !c.guest => Mode::View,
            Some(c) if c.id.is_some() => Mode::Register,
            _ => Mode::Guest,
        };
    }

    fn save(&mut self, ctx: &Ctx) -> Vec<Action> {
        self.record.check_left();
        let draft = self.record.to_draft();
        let errors = self.record.problems();
        if let Some((first, _)) = errors.first() {
            let n = errors.len();
            self.record.focus_on(*first);
            self.record.errors = errors;
            return vec![Action::Error(format!(
                "not saved: {n} field{} to fix, marked with !",
                if n == 1 { "" } else { "s" }
            ))];
        }
        self.record.errors.clear();
        if self.record.id.is_none() {
            let home = draft.addresses.iter().find(|a| a.default_shipping);
            let who = KeySource {
                logon: None,
                first: &draft.first_name,
                last: &draft.last_name,
                email: &draft.email,
                phone: &draft.phone,
                postal: home.map_or("", |a| &a.address.postal_code),
                country: home.map_or("", |a| &a.address.country),
            };
            if let Some(shown) = self.check_duplicates(&who, None, ctx) {
                return shown;
            }
        }
        let edit = match (self.record.id, &self.record.base) {
            (None, _) => None,
            (Some(id), Some(base)) => Some((id, Box::new(base.clone()))),
            (Some(_), None) => {
                return vec![Action::Error(
                    "the record is no longer loaded: Esc, then edit it again".into(),
                )]
            }
        };
        vec![Action::SaveCustomer {
            edit,
            draft: Box::new(draft),
        }]
    }

    fn record_bindings(&self) -> Vec<Binding> {
        let r = &self.record;
        let mut b = vec![Binding::new(&[Key::ctrl('s')], "Save", Cmd::SaveRecord)];
        b.push(Binding::new(
            &[Key::plain(KeyCode::PageDown)],
            "Section",
            Cmd::NextSection,
        ));
        b.push(
            Binding::new(
                &[Key::plain(KeyCode::PageUp)],
                "Previous section",
                Cmd::PrevSection,
            )
            .help_only(),
        );
        match r.row() {
            Row::Choice(_) | Row::Picker => {
                b.push(Binding::new(
                    &[Key::plain(KeyCode::Right)],
                    "Choice",
                    Cmd::NextChoice,
                ));
                b.push(
                    Binding::new(
                        &[Key::plain(KeyCode::Left)],
                        "Previous choice",
                        Cmd::PrevChoice,
                    )
                    .help_only(),
                );
            }
            Row::Enabled | Row::DefaultShip | Row::DefaultBill => {
                b.push(Binding::new(&[Key::char(' ')], "Set", Cmd::Mark))
            }
            _ => {}
        }
        if r.section == 2 {
            b.push(Binding::new(
                &[Key::ctrl('n')],
                "Add address",
                Cmd::AddAddress,
            ));
            if !r.book.is_empty() {
                b.push(Binding::new(
                    &[Key::ctrl('d')],
                    "Remove address",
                    Cmd::RemoveAddress,
                ));
            }
        }
        if !r.secrets_open {
            b.push(Binding::new(
                &[Key::ctrl('y')],
                "Change password",
                Cmd::ChangePassword,
            ));
        }
        let cancel = if r.creating() {
            "Back (kept)"
        } else {
            "Cancel"
        };
        b.push(Binding::new(&[Key::plain(KeyCode::Esc)], cancel, Cmd::Back));
        b.extend(field_moves());
        b.push(
            Binding::new(&[Key::plain(KeyCode::Up)], "Previous field", Cmd::PrevField).help_only(),
        );
        b.push(
            Binding::new(&[Key::plain(KeyCode::Down)], "Next field", Cmd::NextField).help_only(),
        );
        b
    }

    fn record_command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        let r = &mut self.record;
        match cmd {
            Cmd::SaveRecord => return Some(self.save(ctx)),
            Cmd::NextField => r.move_focus(true),
            Cmd::PrevField => r.move_focus(false),
            Cmd::NextSection => r.switch_section(true),
            Cmd::PrevSection => r.switch_section(false),
            Cmd::NextChoice => r.cycle(true, &self.accounts),
            Cmd::PrevChoice => r.cycle(false, &self.accounts),
            Cmd::Mark => r.toggle(),
            Cmd::AddAddress => r.add_address(),
            Cmd::RemoveAddress => {
                if let Some(nick) = r.remove_address() {
                    return Some(vec![Action::Status(format!(
                        "Removed address {nick}; it goes when the record is saved."
                    ))]);
                }
            }
            Cmd::ChangePassword => return Some(self.ask_challenge(ctx, Purpose::ChangeSecrets)),
            Cmd::Back => {
                if r.creating() {
                    return Some(vec![
                        Action::Goto(Step::Find),
                        Action::Status("New customer form closed; nothing saved.".into()),
                    ]);
                }
                self.mode = Mode::View;
                self.view = None;
                self.load_view(ctx);
                return Some(vec![Action::Status(
                    "Edit cancelled; nothing saved.".into(),
                )]);
            }
            _ => return None,
        }
        Some(vec![])
    }

    /// A command for the open form (or the view), once no question or
    /// list is over it.
    fn command_on_form(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        Some(match self.mode {
            Mode::Create | Mode::Edit => return self.record_command(cmd, ctx),
            Mode::View => match cmd {
                Cmd::EditRecord => self.start_edit(),
                Cmd::ShowStoredPayment => self.ask_challenge(ctx, Purpose::ShowPayment),
                Cmd::OrderHistory => vec![Action::Goto(Step::History)],
                _ => return None,
            },
            Mode::Register => match cmd {
                Cmd::RegisterGuest => self.register_guest(ctx),
                Cmd::NextField => {
                    self.register.next();
                    vec![]
                }
                Cmd::PrevField => {
                    self.register.prev();
                    vec![]
                }
                _ => return None,
            },
            Mode::Guest | Mode::Auto => match cmd {
                Cmd::StartGuestOrder => self.guest_enter(ctx),
                Cmd::NextField => {
                    self.guest.next();
                    vec![]
                }
                Cmd::PrevField => {
                    self.guest.prev();
                    vec![]
                }
                _ => return None,
            },
        })
    }
}

impl Screen for CustomerScreen {
    fn bindings(&self, _ctx: &DrawCtx) -> Vec<Binding> {
        if self.challenge.is_some() {
            return CustomerScreen::challenge_bindings();
        }
        if self.duplicates.is_some() {
            return self.duplicate_bindings();
        }
        match self.mode {
            Mode::Create | Mode::Edit => self.record_bindings(),
            Mode::View => {
                let mut b = vec![Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Edit record",
                    Cmd::EditRecord,
                )];
                b.push(Binding::new(
                    &[Key::ctrl('y')],
                    "Show stored payment",
                    Cmd::ShowStoredPayment,
                ));
                b.push(Binding::new(
                    &[Key::ctrl('x')],
                    "Order history",
                    Cmd::OrderHistory,
                ));
                b
            }
            Mode::Register => {
                let mut b = vec![Binding::new(
                    &[Key::plain(KeyCode::Enter), Key::ctrl('s')],
                    "Register guest",
                    Cmd::RegisterGuest,
                )];
                b.extend(form_moves());
                b
            }
            Mode::Guest | Mode::Auto => {
                let mut b = vec![Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Next empty field / start guest order",
                    Cmd::StartGuestOrder,
                )];
                b.extend(form_moves());
                b
            }
        }
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        if self.challenge.is_some() {
            return self.challenge_command(cmd);
        }
        if self.duplicates.is_some() {
            return self.duplicate_command(cmd, ctx);
        }
        self.command_on_form(cmd, ctx)
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        self.type_into(|f| {
            f.handle_key(key);
        })
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        if self.challenge.is_none() && matches!(self.mode, Mode::Guest | Mode::Auto) {
            if let Some(show) = self.guest_paste(text) {
                return show;
            }
        }
        self.type_into(|f| f.insert(text))
    }

    fn typing(&self) -> bool {
        self.challenge.is_some() || self.mode != Mode::View
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.decide_mode(ctx);
        self.challenge = None;
        self.duplicates = None;
        if self.mode == Mode::Guest {
            self.default_guest_country(ctx.lookup.default_country().ok().flatten());
        }
        match ctx.lookup.business_accounts() {
            Ok(a) => {
                self.accounts = a;
                self.record.account = account_index(&self.accounts, self.record.account_id);
            }
            Err(e) => self.load_error = Some(format!("could not load business accounts: {e}")),
        }
        if self.mode == Mode::View {
            self.view = None;
            self.load_view(ctx);
        }
    }

    fn refresh(&mut self, ctx: &Ctx) -> Result<(), String> {
        // The order's customer may change while this screen is not shown
        // (a pick, a new order); the mode follows unless a form is open.
        let before = self.mode;
        self.decide_mode(ctx);
        if self.mode == Mode::View {
            if before != Mode::View {
                self.view = None;
            }
            self.load_view(ctx);
        }
        Ok(())
    }

    /// The open form: the record being created or edited, the guest form,
    /// or the registration of a guest; never its masked fields nor the
    /// challenge answer. Nothing while a record is only viewed.
    fn typed(&self) -> Option<serde_json::Value> {
        let typed_in = |form: &Form| {
            form.fields
                .iter()
                .any(|f| f.keeps() && !f.value().is_empty() && !f.is_selected())
        };
        match self.mode {
            Mode::Create | Mode::Edit => Some(serde_json::json!({
                "form": "record",
                "record": self.record.kept(),
            })),
            Mode::Register if typed_in(&self.register) => Some(serde_json::json!({
                "form": "register",
                "fields": self.register.kept(),
            })),
            Mode::Guest | Mode::Auto if self.guest_requested || typed_in(&self.guest) => {
                Some(serde_json::json!({
                    "form": "guest",
                    "requested": self.guest_requested,
                    "fields": self.guest.kept(),
                }))
            }
            _ => None,
        }
    }

    fn restore_typed(&mut self, typed: &serde_json::Value) {
        let fields = typed.get("fields");
        match typed.get("form").and_then(|f| f.as_str()) {
            Some("record") => {
                let Some(record) = typed.get("record").and_then(Record::from_kept) else {
                    return;
                };
                self.mode = if record.creating() {
                    Mode::Create
                } else {
                    Mode::Edit
                };
                self.record = record;
                self.record.account = account_index(&self.accounts, self.record.account_id);
            }
            Some("register") => {
                if let Some(f) = fields {
                    self.register.put_back(f);
                }
                self.mode = Mode::Register;
            }
            Some("guest") => {
                if let Some(f) = fields {
                    self.guest.put_back(f);
                }
                self.guest_requested =
                    typed.get("requested").and_then(|r| r.as_bool()) == Some(true);
                self.mode = Mode::Guest;
            }
            _ => return,
        }
        self.challenge = None;
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.draw_screen(f, area, ctx);
    }
}

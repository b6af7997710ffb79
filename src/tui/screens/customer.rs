//! Step 2, customer record (docs/design.md). Modes:
//! - View: the order's registered customer as stored; Enter edits.
//! - Create (^N on the find screen) and Edit: the whole record as a form in
//!   three sections (PgUp/PgDn): customer, demographics, address book.
//! - Guest: only what the order needs (name, contact, address).
//! - Register: a guest picked from the search becomes a registered customer.
//!
//! Stored payment methods, the password and the challenge answer are behind
//! the challenge question; the store checks the answer and audits wrong ones.

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::customer::{
    check_country, check_email, AddressEntry, AddressField, CustomerDraft, Field, GuestConversion,
    DEMOGRAPHICS, EMAIL_MAX, LANGUAGES, LOGON_MAX, NAME_MAX, PASSWORD_POLICY, POSTAL_MAX,
};
use crate::domain::guest::GuestDetails;
use crate::domain::money::Currency;
use crate::domain::order::{AccountRef, Address};
use crate::domain::text::fit;
use crate::session::Command;
use crate::store::SaveError;
use crate::tui::action::Action;
use crate::tui::flow::Step;
use crate::tui::keymap::{field_moves, Binding, Cmd, Key};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

// The guest form's fields.
const FIRST: usize = 0;
const LAST: usize = 1;
const PHONE: usize = 2;
const EMAIL: usize = 3;
const LINE1: usize = 4;
const LINE2: usize = 5;
const CITY: usize = 6;
const REGION: usize = 7;
const POSTAL: usize = 8;
const COUNTRY: usize = 9;

/// Label column and value box of the record form; messages go right of it.
const LABEL_W: u16 = 20;
const BOX_W: u16 = 25;

/// The record's text fields, in the order of `Record::text`.
const MAIN_TEXT: [(Field, &str, usize, bool); 9] = [
    (Field::Logon, "Logon ID", LOGON_MAX, false),
    (Field::Password, "Password", 64, true),
    (Field::PasswordConfirm, "Confirm password", 64, true),
    (Field::FirstName, "First name", NAME_MAX, false),
    (Field::LastName, "Last name", NAME_MAX, false),
    (Field::Phone, "Phone", 30, false),
    (Field::Email, "E-mail", EMAIL_MAX, false),
    (Field::ChallengeQuestion, "Challenge question", 80, false),
    (Field::ChallengeAnswer, "Challenge answer", 60, true),
];

const ADDRESS_TEXT: [(AddressField, &str, usize); 10] = [
    (AddressField::Nickname, "Nickname", 30),
    (AddressField::FirstName, "First name", NAME_MAX),
    (AddressField::LastName, "Last name", NAME_MAX),
    (AddressField::Line1, "Address", 60),
    (AddressField::Line2, "Address 2", 60),
    (AddressField::City, "City", NAME_MAX),
    (AddressField::Region, "State/region", 20),
    (AddressField::Postal, "ZIP/postal", POSTAL_MAX),
    (AddressField::Country, "Country (2)", 2),
    (AddressField::Phone, "Phone", 30),
];

const SECTIONS: [&str; 3] = ["Customer", "Demographics", "Address book"];

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Currency,
    Language,
    Account,
    Demographic(usize),
}

/// One row of the record form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Text(Field),
    Choice(Choice),
    Enabled,
    /// Which address of the book the rows below show.
    Picker,
    Addr(AddressField),
    DefaultShip,
    DefaultBill,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    ShowPayment,
    ChangeSecrets,
}

struct Challenge {
    customer_id: i64,
    question: String,
    answer: TextField,
    purpose: Purpose,
}

#[derive(Clone)]
struct AddrForm {
    id: Option<i64>,
    fields: Vec<TextField>,
    ship: bool,
    bill: bool,
}

impl AddrForm {
    fn new() -> AddrForm {
        AddrForm {
            id: None,
            fields: ADDRESS_TEXT
                .iter()
                .map(|(_, label, max)| TextField::new(label, *max))
                .collect(),
            ship: false,
            bill: false,
        }
    }
    fn field(&self, f: AddressField) -> &TextField {
        let i = ADDRESS_TEXT
            .iter()
            .position(|(x, _, _)| *x == f)
            .unwrap_or(0);
        &self.fields[i]
    }
    fn field_mut(&mut self, f: AddressField) -> &mut TextField {
        let i = ADDRESS_TEXT
            .iter()
            .position(|(x, _, _)| *x == f)
            .unwrap_or(0);
        &mut self.fields[i]
    }
    fn value(&self, f: AddressField) -> String {
        self.field(f).value().trim().to_string()
    }
    fn to_entry(&self) -> AddressEntry {
        use AddressField as A;
        AddressEntry {
            id: self.id,
            address: Address {
                nickname: self.value(A::Nickname),
                first_name: self.value(A::FirstName),
                last_name: self.value(A::LastName),
                line1: self.value(A::Line1),
                line2: self.value(A::Line2),
                city: self.value(A::City),
                region: self.value(A::Region).to_uppercase(),
                postal_code: self.value(A::Postal).to_uppercase(),
                country: self.value(A::Country).to_uppercase(),
                phone: self.value(A::Phone),
            },
            default_shipping: self.ship,
            default_billing: self.bill,
        }
    }
    fn from_entry(e: &AddressEntry) -> AddrForm {
        use AddressField as A;
        let mut f = AddrForm::new();
        let a = &e.address;
        for (field, v) in [
            (A::Nickname, &a.nickname),
            (A::FirstName, &a.first_name),
            (A::LastName, &a.last_name),
            (A::Line1, &a.line1),
            (A::Line2, &a.line2),
            (A::City, &a.city),
            (A::Region, &a.region),
            (A::Postal, &a.postal_code),
            (A::Country, &a.country),
            (A::Phone, &a.phone),
        ] {
            f.field_mut(field).set(v);
        }
        f.id = e.id;
        f.ship = e.default_shipping;
        f.bill = e.default_billing;
        f
    }
}

/// The create/edit form: what is typed lives here until saved, through
/// failed validations and visits to other screens.
#[derive(Clone)]
struct Record {
    /// The customer being edited; None when creating.
    id: Option<i64>,
    text: Vec<TextField>,
    currency: usize,
    language: usize,
    /// 0: no account; i: `accounts[i - 1]`.
    account: usize,
    /// Kept by id, so a list loaded later still finds it.
    account_id: Option<i64>,
    enabled: bool,
    /// Per demographic: 0 not given, i: `values[i - 1]`.
    demographics: [usize; 6],
    book: Vec<AddrForm>,
    sel: usize,
    section: usize,
    focus: usize,
    /// Password and challenge answer may be typed (creating, or the
    /// challenge was answered).
    secrets_open: bool,
    errors: Vec<(Field, String)>,
}

impl Record {
    fn new(id: Option<i64>) -> Record {
        Record {
            id,
            text: MAIN_TEXT
                .iter()
                .map(|(_, label, max, masked)| {
                    let t = TextField::new(label, *max);
                    if *masked {
                        t.masked()
                    } else {
                        t
                    }
                })
                .collect(),
            currency: 0,
            language: 0,
            account: 0,
            account_id: None,
            enabled: true,
            demographics: [0; 6],
            book: Vec::new(),
            sel: 0,
            section: 0,
            focus: 0,
            secrets_open: id.is_none(),
            errors: Vec::new(),
        }
    }

    fn from_draft(id: i64, d: &CustomerDraft, accounts: &[AccountRef]) -> Record {
        let mut r = Record::new(Some(id));
        for (i, (field, ..)) in MAIN_TEXT.iter().enumerate() {
            let v = match field {
                Field::Logon => &d.logon_id,
                Field::FirstName => &d.first_name,
                Field::LastName => &d.last_name,
                Field::Phone => &d.phone,
                Field::Email => &d.email,
                Field::ChallengeQuestion => &d.challenge_question,
                _ => continue,
            };
            r.text[i].set(v);
        }
        r.currency = Currency::ALL
            .iter()
            .position(|c| *c == d.currency)
            .unwrap_or(0);
        r.language = LANGUAGES
            .iter()
            .position(|(c, _)| *c == d.language)
            .unwrap_or(0);
        r.account_id = d.account_id;
        r.account = account_index(accounts, d.account_id);
        r.enabled = d.enabled;
        for (i, v) in d.demographics.iter().enumerate() {
            r.demographics[i] = v
                .as_ref()
                .and_then(|v| DEMOGRAPHICS[i].values.iter().position(|x| x == v))
                .map_or(0, |p| p + 1);
        }
        r.book = d.addresses.iter().map(AddrForm::from_entry).collect();
        r
    }

    fn creating(&self) -> bool {
        self.id.is_none()
    }

    fn text(&self, f: Field) -> Option<&TextField> {
        MAIN_TEXT
            .iter()
            .position(|(x, ..)| *x == f)
            .and_then(|i| self.text.get(i))
    }

    fn text_mut(&mut self, f: Field) -> Option<&mut TextField> {
        MAIN_TEXT
            .iter()
            .position(|(x, ..)| *x == f)
            .and_then(|i| self.text.get_mut(i))
    }

    fn value(&self, f: Field) -> String {
        self.text(f)
            .map(|t| t.value().to_string())
            .unwrap_or_default()
    }

    fn to_draft(&self) -> CustomerDraft {
        let mut demographics: [Option<String>; 6] = Default::default();
        for (i, v) in self.demographics.iter().enumerate() {
            if *v > 0 {
                demographics[i] = DEMOGRAPHICS[i].values.get(v - 1).map(|s| s.to_string());
            }
        }
        let (password, confirm, answer) = if self.secrets_open {
            (
                self.value(Field::Password),
                self.value(Field::PasswordConfirm),
                self.value(Field::ChallengeAnswer),
            )
        } else {
            Default::default()
        };
        CustomerDraft {
            logon_id: self.value(Field::Logon).trim().to_string(),
            // Passwords are taken as typed: spaces may be part of them.
            password,
            password_confirm: confirm,
            first_name: self.value(Field::FirstName).trim().to_string(),
            last_name: self.value(Field::LastName).trim().to_string(),
            challenge_question: self.value(Field::ChallengeQuestion).trim().to_string(),
            challenge_answer: answer,
            currency: Currency::ALL
                .get(self.currency)
                .copied()
                .unwrap_or(Currency::USD),
            language: LANGUAGES
                .get(self.language)
                .map(|(c, _)| c.to_string())
                .unwrap_or_else(|| "en".into()),
            phone: self.value(Field::Phone).trim().to_string(),
            email: self.value(Field::Email).trim().to_string(),
            demographics,
            account_id: self.account_id,
            enabled: self.enabled,
            addresses: self.book.iter().map(AddrForm::to_entry).collect(),
        }
    }

    fn rows(&self) -> Vec<Row> {
        match self.section {
            0 => {
                let mut rows = vec![Row::Text(Field::Logon)];
                if self.secrets_open {
                    rows.push(Row::Text(Field::Password));
                    rows.push(Row::Text(Field::PasswordConfirm));
                }
                for f in [
                    Field::FirstName,
                    Field::LastName,
                    Field::Phone,
                    Field::Email,
                    Field::ChallengeQuestion,
                ] {
                    rows.push(Row::Text(f));
                }
                if self.secrets_open {
                    rows.push(Row::Text(Field::ChallengeAnswer));
                }
                rows.extend([
                    Row::Choice(Choice::Currency),
                    Row::Choice(Choice::Language),
                    Row::Choice(Choice::Account),
                    Row::Enabled,
                ]);
                rows
            }
            1 => (0..DEMOGRAPHICS.len())
                .map(|i| Row::Choice(Choice::Demographic(i)))
                .collect(),
            _ => {
                let mut rows = vec![Row::Picker];
                if !self.book.is_empty() {
                    rows.extend(ADDRESS_TEXT.iter().map(|(f, ..)| Row::Addr(*f)));
                    rows.extend([Row::DefaultShip, Row::DefaultBill]);
                }
                rows
            }
        }
    }

    fn row(&self) -> Row {
        let rows = self.rows();
        rows.get(self.focus.min(rows.len().saturating_sub(1)))
            .copied()
            .unwrap_or(Row::Picker)
    }

    /// The field a row's messages belong to.
    fn field_of(&self, row: Row) -> Option<Field> {
        match row {
            Row::Text(f) => Some(f),
            Row::Choice(Choice::Currency) => Some(Field::Currency),
            Row::Choice(Choice::Language) => Some(Field::Language),
            Row::Choice(Choice::Account) => Some(Field::Account),
            Row::Choice(Choice::Demographic(i)) => Some(Field::Demographic(i)),
            Row::Picker => Some(Field::Addresses),
            Row::Addr(a) => Some(Field::Address(self.sel, a)),
            Row::Enabled | Row::DefaultShip | Row::DefaultBill => None,
        }
    }

    fn focused_text(&mut self) -> Option<&mut TextField> {
        match self.row() {
            Row::Text(f) => self.text_mut(f),
            Row::Addr(a) => {
                let sel = self.sel;
                self.book.get_mut(sel).map(|b| b.field_mut(a))
            }
            _ => None,
        }
    }

    /// Validates the field being left and shows its message (or clears it).
    fn check_left(&mut self) {
        let Some(field) = self.field_of(self.row()) else {
            return;
        };
        let mut related = vec![field];
        if field == Field::Password {
            related.push(Field::PasswordConfirm);
        }
        let all = self.to_draft().validate(self.creating());
        // An empty field just passed over is not an error yet; it is on save.
        let typed = match self.row() {
            Row::Text(f) => !self.value(f).is_empty(),
            Row::Addr(a) => self
                .book
                .get(self.sel)
                .is_some_and(|b| !b.value(a).is_empty()),
            _ => true,
        };
        self.errors.retain(|(f, _)| !related.contains(f));
        if typed || field == Field::PasswordConfirm {
            self.errors
                .extend(all.into_iter().filter(|(f, _)| related.contains(f)));
        }
    }

    fn error_at(&self, field: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn move_focus(&mut self, forward: bool) {
        self.check_left();
        let n = self.rows().len();
        if n == 0 {
            return;
        }
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    fn switch_section(&mut self, forward: bool) {
        self.check_left();
        let n = SECTIONS.len();
        self.section = if forward {
            (self.section + 1) % n
        } else {
            (self.section + n - 1) % n
        };
        self.focus = 0;
        // A new customer's book starts with one address to fill in.
        if self.section == 2 && self.book.is_empty() && self.creating() {
            self.add_address();
        }
    }

    /// Puts the focus on `field` (section, address and row).
    fn focus_on(&mut self, field: Field) {
        let section = match field {
            Field::Demographic(_) => 1,
            Field::Addresses | Field::Address(..) => 2,
            _ => 0,
        };
        self.section = section;
        if let Field::Address(i, _) = field {
            self.sel = i.min(self.book.len().saturating_sub(1));
        }
        let rows = self.rows();
        self.focus = rows
            .iter()
            .position(|r| self.field_of(*r) == Some(field))
            .unwrap_or(0);
    }

    fn cycle(&mut self, forward: bool, accounts: &[AccountRef]) {
        let step = |v: usize, n: usize| {
            if n == 0 {
                0
            } else if forward {
                (v + 1) % n
            } else {
                (v + n - 1) % n
            }
        };
        match self.row() {
            Row::Choice(Choice::Currency) => {
                self.currency = step(self.currency, Currency::ALL.len())
            }
            Row::Choice(Choice::Language) => self.language = step(self.language, LANGUAGES.len()),
            Row::Choice(Choice::Account) => {
                self.account = step(self.account, accounts.len() + 1);
                self.account_id = self
                    .account
                    .checked_sub(1)
                    .and_then(|i| accounts.get(i))
                    .map(|a| a.id);
            }
            Row::Choice(Choice::Demographic(i)) => {
                self.demographics[i] = step(self.demographics[i], DEMOGRAPHICS[i].values.len() + 1)
            }
            Row::Picker => self.sel = step(self.sel, self.book.len()),
            _ => {}
        }
        if let Some(f) = self.field_of(self.row()) {
            if !matches!(f, Field::Addresses) {
                self.errors.retain(|(x, _)| *x != f);
            }
        }
    }

    fn toggle(&mut self) {
        match self.row() {
            Row::Enabled => self.enabled = !self.enabled,
            // Defaults are one each: marking one unmarks the others.
            Row::DefaultShip => {
                for (i, a) in self.book.iter_mut().enumerate() {
                    a.ship = i == self.sel;
                }
            }
            Row::DefaultBill => {
                for (i, a) in self.book.iter_mut().enumerate() {
                    a.bill = i == self.sel;
                }
            }
            _ => {}
        }
    }

    fn add_address(&mut self) {
        let mut a = AddrForm::new();
        a.field_mut(AddressField::Nickname)
            .set(if self.book.is_empty() { "Home" } else { "" });
        a.field_mut(AddressField::FirstName)
            .set(&self.value(Field::FirstName));
        a.field_mut(AddressField::LastName)
            .set(&self.value(Field::LastName));
        if let Some(first) = self.book.first() {
            a.field_mut(AddressField::Country)
                .set(&first.value(AddressField::Country));
        }
        a.ship = self.book.is_empty();
        a.bill = self.book.is_empty();
        self.book.push(a);
        self.sel = self.book.len() - 1;
        self.section = 2;
        // Straight to the first empty line of the new address.
        self.focus = if self.book.len() == 1 { 4 } else { 1 };
        self.errors.retain(|(f, _)| *f != Field::Addresses);
    }

    fn remove_address(&mut self) -> Option<String> {
        if self.sel >= self.book.len() {
            return None;
        }
        let gone = self.book.remove(self.sel);
        if let Some(first) = self.book.first_mut() {
            if gone.ship {
                first.ship = true;
            }
            if gone.bill {
                first.bill = true;
            }
        }
        self.sel = self.sel.min(self.book.len().saturating_sub(1));
        self.focus = 0;
        // Messages were numbered by the old order of the book.
        self.errors
            .retain(|(f, _)| !matches!(f, Field::Address(..)));
        Some(gone.value(AddressField::Nickname))
    }
}

fn account_index(accounts: &[AccountRef], id: Option<i64>) -> usize {
    id.and_then(|id| accounts.iter().position(|a| a.id == id))
        .map_or(0, |i| i + 1)
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
}

// Register form fields.
const R_LOGON: usize = 0;
const R_PASSWORD: usize = 1;
const R_CONFIRM: usize = 2;
const R_QUESTION: usize = 3;
const R_ANSWER: usize = 4;

impl Default for CustomerScreen {
    fn default() -> Self {
        CustomerScreen {
            mode: Mode::Auto,
            guest: Form::new(vec![
                TextField::new("First name", 40),
                TextField::new("Last name", 40),
                TextField::new("Phone", 30),
                TextField::new("E-mail", 60),
                TextField::new("Address", 60),
                TextField::new("Address 2", 60),
                TextField::new("City", 40),
                TextField::new("State/region", 20),
                TextField::new("ZIP/postal", 12),
                TextField::new("Country (2)", 2),
            ]),
            register: Form::new(vec![
                TextField::new("Logon ID", LOGON_MAX),
                TextField::new("Password", 64).masked(),
                TextField::new("Confirm password", 64).masked(),
                TextField::new("Challenge question", 80),
                TextField::new("Challenge answer", 60).masked(),
            ]),
            record: Record::new(None),
            view: None,
            accounts: Vec::new(),
            challenge: None,
            challenge_error: None,
            verified: None,
            load_error: None,
            guest_requested: false,
        }
    }
}

impl CustomerScreen {
    /// ^N on the find screen: a new customer. A new-customer form already
    /// started is kept (nothing typed is lost by looking elsewhere).
    pub fn start_create(&mut self) {
        if !(self.mode == Mode::Create && self.record.creating()) {
            self.record = Record::new(None);
        }
        self.mode = Mode::Create;
        self.challenge = None;
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

    /// ^D on the find screen: the guest form, whoever is on the order now.
    pub fn start_guest(&mut self) {
        self.mode = Mode::Guest;
        self.guest_requested = true;
        self.challenge = None;
    }

    /// The guest order started: the screen follows the order again.
    pub fn guest_started(&mut self) {
        self.guest_requested = false;
    }

    /// The record was saved: the next visit shows it as stored.
    pub fn saved(&mut self) {
        self.mode = Mode::Auto;
        self.record = Record::new(None);
        self.register = CustomerScreen::default().register;
        self.view = None;
        self.challenge = None;
    }

    /// The store refused the record: its messages go next to the fields.
    pub fn save_failed(&mut self, e: &SaveError) {
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

    /// The store's verdict on the challenge answer.
    pub fn challenge_result(&mut self, ok: bool, failures: i64) {
        let Some(c) = self.challenge.as_mut() else {
            return;
        };
        if ok {
            self.verified = Some(c.customer_id);
            if c.purpose == Purpose::ChangeSecrets {
                self.record.secrets_open = true;
                self.record.focus_on(Field::Password);
            }
            self.challenge = None;
            self.challenge_error = None;
        } else {
            c.answer.clear();
            self.challenge_error =
                Some(format!("wrong answer — recorded ({failures} wrong so far)"));
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

    fn load_view(&mut self, ctx: &Ctx) {
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

    fn start_edit(&mut self) -> Vec<Action> {
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

    fn ask_challenge(&mut self, ctx: &Ctx, purpose: Purpose) -> Vec<Action> {
        let id = match self.mode {
            Mode::Edit => self.record.id,
            _ => self.view.as_ref().map(|(id, _)| *id),
        };
        let Some(id) = id else {
            return vec![];
        };
        match ctx.lookup.challenge_question(id) {
            Ok(Some(question)) => {
                self.challenge = Some(Challenge {
                    customer_id: id,
                    question,
                    answer: TextField::new("Answer", 60).masked(),
                    purpose,
                });
                self.challenge_error = None;
                vec![]
            }
            Ok(None) => vec![Action::Error(
                "no challenge question on file: the customer cannot be verified".into(),
            )],
            Err(e) => vec![Action::Error(format!("could not read the question: {e}"))],
        }
    }

    fn save(&mut self) -> Vec<Action> {
        self.record.check_left();
        let draft = self.record.to_draft();
        let errors = draft.validate(self.record.creating());
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
        vec![Action::SaveCustomer {
            id: self.record.id,
            draft: Box::new(draft),
        }]
    }

    fn register_guest(&mut self, ctx: &DrawCtx) -> Vec<Action> {
        let Some(id) = ctx.order.customer.as_ref().and_then(|c| c.id) else {
            return vec![];
        };
        let f = &self.register;
        let conversion = GuestConversion {
            logon_id: f.value(R_LOGON).trim().to_string(),
            password: f.value(R_PASSWORD).to_string(),
            password_confirm: f.value(R_CONFIRM).to_string(),
            challenge_question: f.value(R_QUESTION).trim().to_string(),
            challenge_answer: f.value(R_ANSWER).to_string(),
        };
        let errors = conversion.validate();
        if !errors.is_empty() {
            self.save_failed(&SaveError::Invalid(errors));
            return vec![Action::Error(
                "not registered: see the marked fields".into(),
            )];
        }
        vec![Action::ConvertGuest {
            id,
            conversion: Box::new(conversion),
        }]
    }

    fn guest_order(&mut self) -> Vec<Action> {
        let f = &mut self.guest;
        for field in &mut f.fields {
            field.error = None;
        }
        let v = |f: &Form, i: usize| f.value(i).trim().to_string();
        for (i, what) in [
            (FIRST, "first name"),
            (LAST, "last name"),
            (LINE1, "street address"),
            (CITY, "city"),
            (POSTAL, "ZIP/postal code"),
            (COUNTRY, "country"),
        ] {
            if v(f, i).is_empty() {
                f.set_error(i, format!("enter the {what}"));
            }
        }
        if v(f, PHONE).is_empty() && v(f, EMAIL).is_empty() {
            f.set_error(PHONE, "a phone or an e-mail, to reach the customer");
        }
        if !v(f, EMAIL).is_empty() {
            if let Err(e) = check_email(&v(f, EMAIL)) {
                f.set_error(EMAIL, e);
            }
        }
        let country = v(f, COUNTRY).to_uppercase();
        if !country.is_empty() {
            if let Err(e) = check_country(&country) {
                f.set_error(COUNTRY, e);
            }
        }
        if let Some(i) = f.fields.iter().position(|x| x.error.is_some()) {
            f.focus = i;
            return vec![Action::Error(
                "the guest form has problems: see the marked fields".into(),
            )];
        }
        let address = Address {
            nickname: "Ship to".into(),
            first_name: v(f, FIRST),
            last_name: v(f, LAST),
            line1: v(f, LINE1),
            line2: v(f, LINE2),
            city: v(f, CITY),
            region: v(f, REGION).to_uppercase(),
            postal_code: v(f, POSTAL).to_uppercase(),
            country,
            phone: v(f, PHONE),
        };
        vec![Action::Order(Command::Guest(GuestDetails {
            first: v(f, FIRST),
            last: v(f, LAST),
            phone: v(f, PHONE),
            email: v(f, EMAIL),
            address,
        }))]
    }

    fn record_bindings(&self) -> Vec<Binding> {
        let r = &self.record;
        let mut b = vec![Binding::new(&[Key::ctrl('s')], "Save", Cmd::Submit)];
        b.push(Binding::new(
            &[Key::plain(KeyCode::PageDown)],
            "Section",
            Cmd::PageDown,
        ));
        b.push(
            Binding::new(
                &[Key::plain(KeyCode::PageUp)],
                "Previous section",
                Cmd::PageUp,
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
                b.push(Binding::new(&[Key::char(' ')], "Set", Cmd::Toggle))
            }
            _ => {}
        }
        if r.section == 2 {
            b.push(Binding::new(&[Key::ctrl('n')], "Add address", Cmd::Add));
            if !r.book.is_empty() {
                b.push(Binding::new(
                    &[Key::ctrl('d')],
                    "Remove address",
                    Cmd::Remove,
                ));
            }
        }
        if !r.secrets_open {
            b.push(Binding::new(
                &[Key::ctrl('y')],
                "Change password",
                Cmd::Challenge,
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

    fn record_command(&mut self, cmd: Cmd, ctx: &Ctx) -> Vec<Action> {
        let r = &mut self.record;
        match cmd {
            Cmd::Submit => return self.save(),
            Cmd::NextField => r.move_focus(true),
            Cmd::PrevField => r.move_focus(false),
            Cmd::PageDown => r.switch_section(true),
            Cmd::PageUp => r.switch_section(false),
            Cmd::NextChoice => r.cycle(true, &self.accounts),
            Cmd::PrevChoice => r.cycle(false, &self.accounts),
            Cmd::Toggle => r.toggle(),
            Cmd::Add => r.add_address(),
            Cmd::Remove => {
                if let Some(nick) = r.remove_address() {
                    return vec![Action::Status(format!(
                        "Removed address {nick}; it goes when the record is saved."
                    ))];
                }
            }
            Cmd::Challenge => return self.ask_challenge(ctx, Purpose::ChangeSecrets),
            Cmd::Back => {
                if r.creating() {
                    return vec![
                        Action::Goto(Step::Find),
                        Action::Status("New customer form kept: ^N returns to it.".into()),
                    ];
                }
                self.mode = Mode::View;
                self.view = None;
                self.load_view(ctx);
                return vec![Action::Status("Edit cancelled; nothing saved.".into())];
            }
            _ => {}
        }
        vec![]
    }

    fn draw_record(&self, f: &mut Frame, area: Rect, theme: Theme) {
        let r = &self.record;
        let heading = if r.creating() {
            "New customer — every field; ^S saves".to_string()
        } else {
            format!("Edit customer {} — ^S saves", r.value(Field::Logon))
        };
        title(f, area, &heading, theme);
        let mut tabs = Vec::new();
        for (i, name) in SECTIONS.iter().enumerate() {
            let label = format!(" {} {name} ", i + 1);
            tabs.push(if i == r.section {
                Span::styled(label, theme.selected())
            } else {
                Span::styled(label, theme.label())
            });
            tabs.push(Span::raw(" "));
        }
        tabs.push(Span::styled("PgUp/PgDn", theme.dim()));
        f.render_widget(
            Line::from(tabs),
            Rect::new(area.x, area.y + 1, area.width, 1),
        );
        let top = area.y + 2;
        let rows = r.rows();
        let focus = rows.iter().position(|x| *x == r.row()).unwrap_or(0);
        let mut y = top;
        for (i, row) in rows.iter().enumerate() {
            if y >= area.bottom() {
                break;
            }
            let focused = i == focus && self.challenge.is_none();
            self.draw_row(f, Rect::new(area.x, y, area.width, 1), *row, focused, theme);
            y += 1;
        }
        // Notes under the rows: the policy, the locked secrets, book-wide messages.
        let mut notes: Vec<(String, ratatui::style::Style)> = Vec::new();
        match r.section {
            0 if r.secrets_open => {
                notes.push((format!("Password policy: {PASSWORD_POLICY}."), theme.dim()));
                if !r.creating() {
                    notes.push((
                        "Leave password and answer blank to keep them.".into(),
                        theme.dim(),
                    ));
                }
            }
            0 => notes.push((
                "Password and answer unchanged: ^Y asks the challenge to change them.".into(),
                theme.dim(),
            )),
            2 => {
                if let Some(m) = r.error_at(Field::Addresses) {
                    notes.push((format!("! {m}"), theme.error()));
                }
                let others: Vec<String> = r
                    .errors
                    .iter()
                    .filter_map(|(f, _)| match f {
                        Field::Address(i, _) if *i != r.sel => {
                            r.book.get(*i).map(|b| b.value(AddressField::Nickname))
                        }
                        _ => None,
                    })
                    .collect();
                if !others.is_empty() {
                    notes.push((
                        format!("! also to fix: {}", others.join(", ")),
                        theme.error(),
                    ));
                }
            }
            _ => {}
        }
        let errors_elsewhere: Vec<&str> = r
            .errors
            .iter()
            .filter(|(f, _)| {
                let s = match f {
                    Field::Demographic(_) => 1,
                    Field::Addresses | Field::Address(..) => 2,
                    _ => 0,
                };
                s != r.section
            })
            .map(|(f, _)| match f {
                Field::Demographic(_) => SECTIONS[1],
                Field::Addresses | Field::Address(..) => SECTIONS[2],
                _ => SECTIONS[0],
            })
            .collect();
        if let Some(s) = errors_elsewhere.first() {
            notes.push((
                format!("! Section {s} has fields to fix (PgDn/PgUp)."),
                theme.error(),
            ));
        }
        for (text, style) in notes {
            if y + 1 > area.bottom() {
                break;
            }
            f.render_widget(
                Line::styled(fit(&text, area.width as usize), style),
                Rect::new(area.x + 1, y, area.width - 1, 1),
            );
            y += 1;
        }
        if let Some(c) = &self.challenge {
            self.draw_challenge(f, area, c, theme);
        }
    }

    fn draw_row(&self, f: &mut Frame, area: Rect, row: Row, focused: bool, theme: Theme) {
        let r = &self.record;
        let message = r.field_of(row).and_then(|fl| r.error_at(fl));
        let text_field = match row {
            Row::Text(fl) => r.text(fl),
            Row::Addr(a) => r.book.get(r.sel).map(|b| b.field(a)),
            _ => None,
        };
        if let Some(t) = text_field {
            draw_text_row(f, area, t, message, focused, theme);
        } else {
            let (label, value) = self.choice_text(row);
            let marker = if focused { ">" } else { " " };
            let spans = vec![
                Span::styled(
                    format!("{marker}{:<w$}", label, w = LABEL_W as usize - 1),
                    if focused {
                        theme.title()
                    } else {
                        theme.label()
                    },
                ),
                Span::styled(
                    fit(&value, BOX_W as usize),
                    if focused {
                        theme.focused_field()
                    } else {
                        Default::default()
                    },
                ),
            ];
            f.render_widget(
                Line::from(spans),
                Rect::new(area.x, area.y, LABEL_W + BOX_W + 1, 1),
            );
            draw_message(f, area, message, theme);
        }
    }

    /// Label and shown value of a non-text row.
    fn choice_text(&self, row: Row) -> (String, String) {
        let r = &self.record;
        let arrows = |v: String| format!("◄ {v} ►");
        match row {
            Row::Choice(Choice::Currency) => (
                "Currency".into(),
                arrows(
                    Currency::ALL
                        .get(r.currency)
                        .map(|c| c.code().to_string())
                        .unwrap_or_default(),
                ),
            ),
            Row::Choice(Choice::Language) => (
                "Language".into(),
                arrows(
                    LANGUAGES
                        .get(r.language)
                        .map(|(c, n)| format!("{n} ({c})"))
                        .unwrap_or_default(),
                ),
            ),
            Row::Choice(Choice::Account) => (
                "Business account".into(),
                arrows(
                    r.account
                        .checked_sub(1)
                        .and_then(|i| self.accounts.get(i))
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| "none".into()),
                ),
            ),
            Row::Choice(Choice::Demographic(i)) => {
                let d = &DEMOGRAPHICS[i];
                let v = r.demographics[i]
                    .checked_sub(1)
                    .and_then(|k| d.values.get(k))
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "not given".into());
                (d.label.into(), arrows(v))
            }
            Row::Enabled => (
                "Enabled".into(),
                if r.enabled { "[x] yes" } else { "[ ] no" }.into(),
            ),
            Row::Picker => {
                let v = match r.book.get(r.sel) {
                    Some(b) => {
                        let nick = b.value(AddressField::Nickname);
                        let nick = if nick.is_empty() {
                            "(new)".into()
                        } else {
                            nick
                        };
                        arrows(format!("{} of {}: {nick}", r.sel + 1, r.book.len()))
                    }
                    None => "none yet — ^N adds one".into(),
                };
                ("Address".into(), v)
            }
            Row::DefaultShip => (
                "Default shipping".into(),
                mark(r.book.get(r.sel).is_some_and(|b| b.ship)),
            ),
            Row::DefaultBill => (
                "Default billing".into(),
                mark(r.book.get(r.sel).is_some_and(|b| b.bill)),
            ),
            Row::Text(_) | Row::Addr(_) => (String::new(), String::new()),
        }
    }

    fn draw_challenge(&self, f: &mut Frame, area: Rect, c: &Challenge, theme: Theme) {
        let width = area.width.min(70);
        let r = Rect::new(
            area.x + (area.width - width) / 2,
            area.y + area.height.saturating_sub(7) / 2,
            width,
            7.min(area.height),
        );
        f.render_widget(ratatui::widgets::Clear, r);
        let block = ratatui::widgets::Block::default()
            .borders(ratatui::widgets::Borders::ALL)
            .title(Line::styled(" Challenge question ", theme.title()));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let why = match c.purpose {
            Purpose::ShowPayment => "to show stored payment methods",
            Purpose::ChangeSecrets => "to change the password or answer",
        };
        f.render_widget(
            Line::raw(fit(&format!("Ask {why}:"), inner.width as usize)),
            Rect::new(inner.x, inner.y, inner.width, 1),
        );
        f.render_widget(
            Line::styled(fit(&c.question, inner.width as usize), theme.title()),
            Rect::new(inner.x, inner.y + 1, inner.width, 1),
        );
        c.answer.draw(
            f,
            Rect::new(inner.x, inner.y + 3, inner.width, 1),
            9,
            true,
            theme,
        );
        if let Some(e) = &self.challenge_error {
            f.render_widget(
                Line::styled(fit(&format!("! {e}"), inner.width as usize), theme.error()),
                Rect::new(inner.x, inner.y + 4, inner.width, 1),
            );
        }
    }

    fn draw_view(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let Some(c) = &ctx.order.customer else {
            return;
        };
        title(f, area, &format!("Customer record — {}", c.name()), theme);
        let mut lines: Vec<(String, ratatui::style::Style)> = Vec::new();
        if let Some(e) = &self.load_error {
            lines.push((format!("! {e}"), theme.error()));
        }
        let plain = ratatui::style::Style::default();
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
                theme.dim(),
            ));
        }
        for (i, (l, style)) in lines
            .iter()
            .enumerate()
            .take(area.height.saturating_sub(1) as usize)
        {
            f.render_widget(
                Line::styled(fit(l, area.width as usize - 1), *style),
                Rect::new(area.x + 1, area.y + 1 + i as u16, area.width - 1, 1),
            );
        }
        if let Some(ch) = &self.challenge {
            self.draw_challenge(f, area, ch, theme);
        }
    }
}

/// A text field in the record's layout: label, a box of [`BOX_W`], and its
/// message (the field's own, else `message`) beside the box.
fn draw_text_row(
    f: &mut Frame,
    area: Rect,
    field: &TextField,
    message: Option<&str>,
    focused: bool,
    theme: Theme,
) {
    let mut shown = field.clone();
    let own = shown.error.take();
    shown.draw(
        f,
        Rect::new(area.x, area.y, (LABEL_W + BOX_W + 2).min(area.width), 1),
        LABEL_W,
        focused,
        theme,
    );
    draw_message(f, area, own.as_deref().or(message), theme);
}

fn draw_message(f: &mut Frame, area: Rect, message: Option<&str>, theme: Theme) {
    let Some(m) = message else {
        return;
    };
    let x = area.x + LABEL_W + BOX_W + 2;
    let w = area.right().saturating_sub(x);
    if w > 3 {
        f.render_widget(
            Line::styled(fit(&format!("! {m}"), w as usize), theme.error()),
            Rect::new(x, area.y, w, 1),
        );
    }
}

fn mark(on: bool) -> String {
    if on {
        "(•) this one"
    } else {
        "( ) Space sets"
    }
    .into()
}

fn register_index(f: Field) -> Option<usize> {
    match f {
        Field::Logon => Some(R_LOGON),
        Field::Password => Some(R_PASSWORD),
        Field::PasswordConfirm => Some(R_CONFIRM),
        Field::ChallengeQuestion => Some(R_QUESTION),
        Field::ChallengeAnswer => Some(R_ANSWER),
        _ => None,
    }
}

/// Moves between fields with Tab/Shift+Tab and Up/Down.
fn form_moves() -> Vec<Binding> {
    let mut b = field_moves();
    b.push(Binding::new(&[Key::plain(KeyCode::Up)], "Previous field", Cmd::PrevField).help_only());
    b.push(Binding::new(&[Key::plain(KeyCode::Down)], "Next field", Cmd::NextField).help_only());
    b
}

impl Screen for CustomerScreen {
    fn bindings(&self, _ctx: &DrawCtx) -> Vec<Binding> {
        if self.challenge.is_some() {
            return vec![
                Binding::new(&[Key::plain(KeyCode::Enter)], "Check answer", Cmd::Enter),
                Binding::new(&[Key::plain(KeyCode::Esc)], "Cancel", Cmd::Back),
            ];
        }
        match self.mode {
            Mode::Create | Mode::Edit => self.record_bindings(),
            Mode::View => {
                let mut b = vec![Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Edit record",
                    Cmd::Edit,
                )];
                b.push(Binding::new(
                    &[Key::ctrl('y')],
                    "Show stored payment",
                    Cmd::Challenge,
                ));
                b.push(Binding::new(
                    &[Key::ctrl('x')],
                    "Order history",
                    Cmd::Toggle,
                ));
                b
            }
            Mode::Register => {
                let mut b = vec![Binding::new(
                    &[Key::plain(KeyCode::Enter), Key::ctrl('s')],
                    "Register guest",
                    Cmd::Submit,
                )];
                b.extend(form_moves());
                b
            }
            Mode::Guest | Mode::Auto => {
                let mut b = vec![Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Start guest order",
                    Cmd::Enter,
                )];
                b.extend(form_moves());
                b
            }
        }
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Vec<Action> {
        if let Some(c) = &mut self.challenge {
            return match cmd {
                Cmd::Enter => vec![Action::CheckChallenge {
                    customer_id: c.customer_id,
                    answer: c.answer.value().to_string(),
                }],
                Cmd::Back => {
                    self.challenge = None;
                    vec![Action::Status("Challenge cancelled.".into())]
                }
                _ => vec![],
            };
        }
        match self.mode {
            Mode::Create | Mode::Edit => self.record_command(cmd, ctx),
            Mode::View => match cmd {
                Cmd::Edit => self.start_edit(),
                Cmd::Challenge => self.ask_challenge(ctx, Purpose::ShowPayment),
                Cmd::Toggle => vec![Action::Goto(Step::History)],
                _ => vec![],
            },
            Mode::Register => match cmd {
                Cmd::Submit => self.register_guest(ctx),
                Cmd::NextField => {
                    self.register.next();
                    vec![]
                }
                Cmd::PrevField => {
                    self.register.prev();
                    vec![]
                }
                _ => vec![],
            },
            Mode::Guest | Mode::Auto => match cmd {
                Cmd::Enter => self.guest_order(),
                Cmd::NextField => {
                    self.guest.next();
                    vec![]
                }
                Cmd::PrevField => {
                    self.guest.prev();
                    vec![]
                }
                _ => vec![],
            },
        }
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        if let Some(f) = self.focused_field() {
            f.handle_key(key);
        }
        vec![]
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        if let Some(f) = self.focused_field() {
            f.insert(text);
        }
        vec![]
    }

    fn typing(&self) -> bool {
        self.challenge.is_some() || self.mode != Mode::View
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.decide_mode(ctx);
        self.challenge = None;
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

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        match self.mode {
            Mode::Create | Mode::Edit => self.draw_record(f, area, theme),
            Mode::View => self.draw_view(f, area, ctx),
            Mode::Register => {
                let name = ctx
                    .order
                    .customer
                    .as_ref()
                    .map(|c| c.name())
                    .unwrap_or_default();
                title(
                    f,
                    area,
                    &format!("Register guest {name} — keeps their addresses"),
                    theme,
                );
                for (i, field) in self.register.fields.iter().enumerate() {
                    let focused = i == self.register.focus && self.challenge.is_none();
                    let row = Rect::new(area.x, area.y + 2 + i as u16, area.width, 1);
                    draw_text_row(f, row, field, None, focused, theme);
                }
                f.render_widget(
                    Line::styled(
                        fit(
                            &format!("Password policy: {PASSWORD_POLICY}."),
                            area.width as usize,
                        ),
                        theme.dim(),
                    ),
                    Rect::new(area.x + 1, area.y + 8, area.width - 1, 1),
                );
            }
            Mode::Guest | Mode::Auto => {
                title(
                    f,
                    area,
                    "Guest order — only what the order needs; no logon",
                    theme,
                );
                self.guest.draw(
                    f,
                    Rect::new(area.x, area.y + 2, area.width, area.height - 2),
                    true,
                    theme,
                );
            }
        }
    }
}

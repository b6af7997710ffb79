//! The two short forms: a guest order (only what the order needs) and the
//! registration of a stored guest as a registered customer.

use super::CustomerScreen;
use crate::domain::address_line::split_address_line;
use crate::domain::customer::{Field, GuestConversion, LOGON_MAX};
use crate::domain::guest::{GuestDetails, GuestField};
use crate::domain::order::Address;
use crate::domain::search_keys::KeySource;
use crate::session::Command;
use crate::store::{CustomerQuery, SaveError};
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, Binding, Cmd, Key};
use crate::tui::screens::Ctx;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::text_field::TextField;
use crossterm::event::KeyCode;

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

// Register form fields.
const R_LOGON: usize = 0;
const R_PASSWORD: usize = 1;
const R_CONFIRM: usize = 2;
const R_QUESTION: usize = 3;
const R_ANSWER: usize = 4;

/// The guest form, empty.
pub(super) fn guest_form() -> Form {
    Form::new(vec![
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
    ])
}

/// The registration form, empty.
pub(super) fn register_form() -> Form {
    Form::new(vec![
        TextField::new("Logon ID", LOGON_MAX),
        TextField::new("Password", 64).masked(),
        TextField::new("Confirm password", 64).masked(),
        TextField::new("Challenge question", 80),
        TextField::new("Challenge answer", 60).masked(),
    ])
}

impl CustomerScreen {
    pub(super) fn register_guest(&mut self, ctx: &Ctx) -> Vec<Action> {
        let Some((id, guest)) = ctx
            .order
            .customer
            .as_ref()
            .and_then(|c| c.id.map(|id| (id, c)))
        else {
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
        // A guest who is already a registered customer (same e-mail,
        // phone, or last name and postal code) is listed first.
        let home = guest.addresses.iter().find(|a| a.default_shipping);
        let who = KeySource {
            logon: None,
            first: &guest.first_name,
            last: &guest.last_name,
            email: &guest.email,
            phone: &guest.phone,
            postal: home.map_or("", |a| &a.address.postal_code),
            country: home.map_or("", |a| &a.address.country),
        };
        if let Some(shown) = self.check_duplicates(&who, Some(id), ctx) {
            return shown;
        }
        vec![Action::ConvertGuest {
            id,
            conversion: Box::new(conversion),
        }]
    }

    /// Enter on the guest form: on to the next empty field the order
    /// needs (optional ones, Address 2 and the e-mail once a phone is
    /// typed or the other way round, are left to Tab); with none after
    /// this one, the form is checked and the guest order starts.
    pub(super) fn guest_enter(&mut self, ctx: &Ctx) -> Vec<Action> {
        let f = &self.guest;
        let filled = |i: usize| !f.value(i).trim().is_empty();
        let wanted = |i: usize| match i {
            LINE2 => false,
            EMAIL => !filled(PHONE),
            PHONE => !filled(EMAIL),
            _ => true,
        };
        match (f.focus + 1..f.fields.len()).find(|&i| wanted(i) && !filled(i)) {
            Some(i) => {
                self.guest.focus = i;
                vec![]
            }
            None => self.guest_order(ctx),
        }
    }

    /// The store's default country where the guest form has none (shown,
    /// selected: typing replaces it).
    pub(super) fn default_guest_country(&mut self, country: Option<String>) {
        let empty = self.guest.fields[COUNTRY].value().is_empty();
        if let (true, Some(c)) = (empty, country) {
            self.guest.fields[COUNTRY].set(&c);
        }
    }

    /// A paste into the guest form's address: a whole one-line address is
    /// split into its fields where that is unambiguous; otherwise it stays
    /// as pasted, with a message.
    pub(super) fn guest_paste(&mut self, text: &str) -> Option<Vec<Action>> {
        if self.guest.focus != LINE1 || !text.contains(',') {
            return None;
        }
        let f = &mut self.guest.fields;
        match split_address_line(text) {
            Ok(p) => {
                for (i, v) in [
                    (LINE1, &p.line1),
                    (LINE2, &p.line2),
                    (CITY, &p.city),
                    (REGION, &p.region),
                    (POSTAL, &p.postal_code),
                    (COUNTRY, &p.country),
                ] {
                    if !v.is_empty() || i == LINE2 {
                        f[i].clear();
                        f[i].insert(v);
                    }
                }
                let country = f[COUNTRY].value().to_string();
                self.guest.focus = LINE1;
                Some(vec![Action::Status(format!(
                    "Address split: {} | {} | {} {} | {country}",
                    p.line1, p.city, p.region, p.postal_code
                ))])
            }
            Err(e) => {
                f[LINE1].insert(text);
                let mut show = f[LINE1].status();
                show.push(Action::Error(e));
                Some(show)
            }
        }
    }

    /// The guest form as the order's customer; what is missing or wrong
    /// is checked by the domain (the same check scripted sessions get) and
    /// marked at its field.
    pub(super) fn guest_order(&mut self, ctx: &Ctx) -> Vec<Action> {
        let f = &mut self.guest;
        for field in &mut f.fields {
            field.error = None;
        }
        let v = |f: &Form, i: usize| f.value(i).to_string();
        let details = GuestDetails {
            first: v(f, FIRST),
            last: v(f, LAST),
            phone: v(f, PHONE),
            email: v(f, EMAIL),
            address: Address {
                line1: v(f, LINE1),
                line2: v(f, LINE2),
                city: v(f, CITY),
                region: v(f, REGION),
                postal_code: v(f, POSTAL),
                country: v(f, COUNTRY),
                ..Address::default()
            },
        }
        .tidy();
        let problems = details.problems();
        for (field, message) in &problems {
            let i = match field {
                GuestField::First => FIRST,
                GuestField::Last => LAST,
                GuestField::Phone => PHONE,
                GuestField::Email => EMAIL,
                GuestField::Line1 => LINE1,
                GuestField::City => CITY,
                GuestField::Postal => POSTAL,
                GuestField::Country => COUNTRY,
            };
            if f.fields[i].error.is_none() {
                f.set_error(i, message.clone());
            }
        }
        if let Some(i) = f.fields.iter().position(|x| x.error.is_some()) {
            f.focus = i;
            return vec![Action::Error(
                "the guest form has problems: see the marked fields".into(),
            )];
        }
        let who = KeySource {
            logon: None,
            first: &details.first,
            last: &details.last,
            email: &details.email,
            phone: &details.phone,
            postal: &details.address.postal_code,
            country: &details.address.country,
        };
        if let Some(shown) = self.check_duplicates(&who, None, ctx) {
            return shown;
        }
        vec![Action::Order(Command::Guest(details))]
    }
}

/// What was typed in the search, in the guest form's fields that are
/// still empty.
pub(super) fn prefill(form: &mut Form, search: &CustomerQuery) {
    for (i, value) in [
        (FIRST, &search.first_name),
        (LAST, &search.last_name),
        (PHONE, &search.phone),
        (EMAIL, &search.email),
        (POSTAL, &search.postal),
    ] {
        let value = value.trim();
        if !value.is_empty() && form.value(i).is_empty() {
            form.fields[i].set(value);
        }
    }
}

pub(super) fn register_index(f: Field) -> Option<usize> {
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
pub(super) fn form_moves() -> Vec<Binding> {
    let mut b = field_moves();
    b.push(Binding::new(&[Key::plain(KeyCode::Up)], "Previous field", Cmd::PrevField).help_only());
    b.push(Binding::new(&[Key::plain(KeyCode::Down)], "Next field", Cmd::NextField).help_only());
    b
}

//! The record form's model (create and edit): its text fields, choices,
//! address book, focus and rows, the messages at fields, and the way to and
//! from a [`CustomerDraft`]. Nothing here draws.

use super::address::{AddrForm, ADDRESS_TEXT};
use crate::domain::customer::{
    AddressField, CustomerDraft, Field, DEMOGRAPHICS, EMAIL_MAX, LANGUAGES, LOGON_MAX, NAME_MAX,
};
use crate::domain::customer_edit::{change_text, field_label};
use crate::domain::money::Currency;
use crate::domain::order::AccountRef;
use crate::domain::text::fit;
use crate::store::CustomerQuery;
use crate::tui::widgets::text_field::TextField;

/// The record's text fields, in the order of `Record::text`.
pub(super) const MAIN_TEXT: [(Field, &str, usize, bool); 9] = [
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

pub(super) const SECTIONS: [&str; 3] = ["Customer", "Demographics", "Address book"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Choice {
    Currency,
    Language,
    Account,
    Demographic(usize),
}

/// One row of the record form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Row {
    Text(Field),
    Choice(Choice),
    Enabled,
    /// Which address of the book the rows below show.
    Picker,
    Addr(AddressField),
    DefaultShip,
    DefaultBill,
}

/// The create/edit form: what is typed lives here until saved, through
/// failed validations and visits to other screens.
#[derive(Clone)]
pub(super) struct Record {
    /// The customer being edited; None when creating.
    pub(super) id: Option<i64>,
    pub(super) text: Vec<TextField>,
    pub(super) currency: usize,
    pub(super) language: usize,
    /// 0: no account; i: `accounts[i - 1]`.
    pub(super) account: usize,
    /// Kept by id, so a list loaded later still finds it.
    pub(super) account_id: Option<i64>,
    pub(super) enabled: bool,
    /// Per demographic: 0 not given, i: `values[i - 1]`.
    pub(super) demographics: [usize; 6],
    pub(super) book: Vec<AddrForm>,
    pub(super) sel: usize,
    pub(super) section: usize,
    pub(super) focus: usize,
    /// Password and challenge answer may be typed (creating, or the
    /// challenge was answered).
    pub(super) secrets_open: bool,
    pub(super) errors: Vec<(Field, String)>,
    /// Editing: the record as stored when the edit began (or was last
    /// moved onto), with its version; the edit is saved onto it.
    pub(super) base: Option<CustomerDraft>,
    /// After a save refused because another console saved the record
    /// meanwhile: what it changed (field, value stored now, whether the
    /// operator changed that field too).
    pub(super) changed_elsewhere: Vec<(Field, String, bool)>,
}

impl Record {
    pub(super) fn new(id: Option<i64>) -> Record {
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
            base: None,
            changed_elsewhere: Vec::new(),
        }
    }

    /// The edit form of a stored record, `d` as loaded (with its version).
    pub(super) fn from_draft(id: i64, d: &CustomerDraft, accounts: &[AccountRef]) -> Record {
        let mut r = Record::new(Some(id));
        r.base = Some(d.clone());
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

    pub(super) fn creating(&self) -> bool {
        self.id.is_none()
    }

    pub(super) fn text(&self, f: Field) -> Option<&TextField> {
        MAIN_TEXT
            .iter()
            .position(|(x, ..)| *x == f)
            .and_then(|i| self.text.get(i))
    }

    pub(super) fn text_mut(&mut self, f: Field) -> Option<&mut TextField> {
        MAIN_TEXT
            .iter()
            .position(|(x, ..)| *x == f)
            .and_then(|i| self.text.get_mut(i))
    }

    pub(super) fn value(&self, f: Field) -> String {
        self.text(f)
            .map(|t| t.value().to_string())
            .unwrap_or_default()
    }

    /// What was typed in the search, in the fields still empty: the
    /// caller's names, phone, e-mail and logon, and the postal code in the
    /// first address (added when the book is empty).
    pub(super) fn prefill(&mut self, search: &CustomerQuery) {
        for (field, value) in [
            (Field::Logon, &search.logon),
            (Field::FirstName, &search.first_name),
            (Field::LastName, &search.last_name),
            (Field::Phone, &search.phone),
            (Field::Email, &search.email),
        ] {
            let value = value.trim();
            if let Some(t) = self.text_mut(field) {
                if !value.is_empty() && t.value().is_empty() {
                    t.set(value);
                }
            }
        }
        let postal = search.postal.trim();
        if postal.is_empty() {
            return;
        }
        if self.book.is_empty() {
            let (section, focus) = (self.section, self.focus);
            self.add_address();
            (self.section, self.focus, self.sel) = (section, focus, 0);
        }
        if let Some(a) = self.book.first_mut() {
            let t = a.field_mut(AddressField::Postal);
            if t.value().is_empty() {
                t.set(postal);
            }
        }
    }

    pub(super) fn to_draft(&self) -> CustomerDraft {
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
            version: self.base.as_ref().map_or(0, |b| b.version),
        }
    }

    /// Every problem of the form as it stands: of the whole record when
    /// creating, of what the edit changes when editing (a stored value left
    /// alone is never refused).
    pub(super) fn problems(&self) -> Vec<(Field, String)> {
        let draft = self.to_draft();
        match &self.base {
            Some(base) => draft.validate_edit(base),
            None => draft.validate(true),
        }
    }

    /// A save was refused because another console saved the record
    /// meanwhile: the edit moves onto `current`, the record as stored now.
    /// What the operator changed stays as typed; every other field shows
    /// the stored value, and the next save is based on `current`'s version.
    /// `changed`: what the other console changed, with the values now.
    pub(super) fn rebase(
        &mut self,
        current: &CustomerDraft,
        changed: &[(Field, String)],
        accounts: &[AccountRef],
    ) {
        let (Some(id), Some(base)) = (self.id, self.base.as_ref()) else {
            return;
        };
        let edited = self.to_draft();
        let mine = edited.changes_from(base);
        let mut r = Record::from_draft(id, &edited.rebase(base, current), accounts);
        r.base = Some(current.clone());
        for (i, (field, ..)) in MAIN_TEXT.iter().enumerate() {
            let secret = matches!(
                field,
                Field::Password | Field::PasswordConfirm | Field::ChallengeAnswer
            );
            if secret || mine.contains(field) {
                // Exactly as typed, cursor and all.
                r.text[i] = self.text[i].clone();
            }
        }
        r.section = self.section;
        r.sel = self.sel.min(r.book.len().saturating_sub(1));
        r.secrets_open = self.secrets_open;
        r.focus = self.focus.min(r.rows().len().saturating_sub(1));
        r.changed_elsewhere = changed
            .iter()
            .map(|(f, now)| (*f, now.clone(), mine.contains(f)))
            .collect();
        *self = r;
    }

    /// Lines of at most `width` characters saying what another console
    /// changed meanwhile; none unless a save was refused for it.
    pub(super) fn stale_notes(&self, width: usize) -> Vec<String> {
        if self.changed_elsewhere.is_empty() {
            return Vec::new();
        }
        let head = "! Another console saved this record meanwhile:";
        let items: Vec<String> = self
            .changed_elsewhere
            .iter()
            .map(|(f, now, _)| change_text(*f, now))
            .collect();
        let one = format!("{head} {}.", items.join(", "));
        let mut lines = Vec::new();
        if one.chars().count() <= width {
            lines.push(one);
        } else {
            // The head, then the changes over as many lines as they take.
            lines.push(head.to_string());
            let mut line = String::from(" ");
            for (i, item) in items.iter().enumerate() {
                let item = format!(
                    " {}{}",
                    fit(item, width.saturating_sub(4)),
                    if i + 1 == items.len() { "." } else { "," }
                );
                if line.chars().count() + item.chars().count() > width && line.len() > 1 {
                    lines.push(std::mem::replace(&mut line, String::from(" ")));
                }
                line.push_str(&item);
            }
            lines.push(line);
        }
        let both: Vec<String> = self
            .changed_elsewhere
            .iter()
            .filter(|(.., mine)| *mine)
            .map(|(f, ..)| field_label(*f))
            .collect();
        lines.push(if both.is_empty() {
            "  Your changes are kept; other fields show what is stored now. ^S saves.".to_string()
        } else {
            format!(
                "  You changed {} too: yours is kept. Check, then ^S saves.",
                both.join(", ")
            )
        });
        lines.into_iter().map(|l| fit(&l, width)).collect()
    }

    pub(super) fn rows(&self) -> Vec<Row> {
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

    pub(super) fn row(&self) -> Row {
        let rows = self.rows();
        rows.get(self.focus.min(rows.len().saturating_sub(1)))
            .copied()
            .unwrap_or(Row::Picker)
    }

    /// The field a row's messages belong to.
    pub(super) fn field_of(&self, row: Row) -> Option<Field> {
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

    pub(super) fn focused_text(&mut self) -> Option<&mut TextField> {
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
    pub(super) fn check_left(&mut self) {
        let Some(field) = self.field_of(self.row()) else {
            return;
        };
        let mut related = vec![field];
        if field == Field::Password {
            related.push(Field::PasswordConfirm);
        }
        let all = self.problems();
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

    pub(super) fn error_at(&self, field: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub(super) fn move_focus(&mut self, forward: bool) {
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

    pub(super) fn switch_section(&mut self, forward: bool) {
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
    pub(super) fn focus_on(&mut self, field: Field) {
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

    pub(super) fn cycle(&mut self, forward: bool, accounts: &[AccountRef]) {
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

    pub(super) fn toggle(&mut self) {
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

    pub(super) fn add_address(&mut self) {
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

    pub(super) fn remove_address(&mut self) -> Option<String> {
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

/// What a draft keeps of the record form (docs/design.md, section 7):
/// every text field but the masked ones (password, its confirmation, the
/// challenge answer), the choices, the address book, where the focus is,
/// and when editing, the record as it was loaded (so a save onto a record
/// another console changed meanwhile is still refused and merged).
impl Record {
    /// The form's own values, without the record it was loaded from.
    fn values(&self) -> serde_json::Value {
        let text = |fields: &[TextField]| -> Vec<serde_json::Value> {
            fields
                .iter()
                .map(|t| t.kept().unwrap_or(serde_json::Value::Null))
                .collect()
        };
        let book: Vec<serde_json::Value> = self
            .book
            .iter()
            .map(|a| {
                serde_json::json!({
                    "id": a.id,
                    "fields": text(&a.fields),
                    "ship": a.ship,
                    "bill": a.bill,
                })
            })
            .collect();
        serde_json::json!({
            "id": self.id,
            "text": text(&self.text),
            "currency": self.currency,
            "language": self.language,
            "account_id": self.account_id,
            "enabled": self.enabled,
            "demographics": self.demographics,
            "book": book,
            "sel": self.sel,
            "section": self.section,
            "focus": self.focus,
        })
    }

    fn put_values(&mut self, v: &serde_json::Value) {
        let index = |key: &str, len: usize| {
            v.get(key)
                .and_then(|x| x.as_u64())
                .map_or(0, |x| (x as usize).min(len.saturating_sub(1)))
        };
        let put = |fields: &mut [TextField], values: Option<&serde_json::Value>| {
            let values = values.and_then(|x| x.as_array());
            for (f, x) in fields.iter_mut().zip(values.into_iter().flatten()) {
                f.put_back(x);
            }
        };
        put(&mut self.text, v.get("text"));
        self.currency = index("currency", Currency::ALL.len());
        self.language = index("language", LANGUAGES.len());
        self.account_id = v.get("account_id").and_then(|x| x.as_i64());
        self.enabled = v.get("enabled").and_then(|x| x.as_bool()).unwrap_or(true);
        if let Some(d) = v.get("demographics").and_then(|x| x.as_array()) {
            for (i, x) in d.iter().enumerate().take(DEMOGRAPHICS.len()) {
                let n = x.as_u64().unwrap_or(0) as usize;
                self.demographics[i] = n.min(DEMOGRAPHICS[i].values.len());
            }
        }
        self.book = v
            .get("book")
            .and_then(|x| x.as_array())
            .into_iter()
            .flatten()
            .map(|a| {
                let mut f = AddrForm::new();
                put(&mut f.fields, a.get("fields"));
                f.id = a.get("id").and_then(|x| x.as_i64());
                f.ship = a.get("ship").and_then(|x| x.as_bool()).unwrap_or(false);
                f.bill = a.get("bill").and_then(|x| x.as_bool()).unwrap_or(false);
                f
            })
            .collect();
        self.sel = index("sel", self.book.len());
        self.section = index("section", SECTIONS.len());
        let rows = self.rows().len();
        self.focus = v
            .get("focus")
            .and_then(|x| x.as_u64())
            .map_or(0, |x| (x as usize).min(rows.saturating_sub(1)));
    }

    pub(super) fn kept(&self) -> serde_json::Value {
        let mut out = self.values();
        if let (Some(id), Some(base)) = (self.id, &self.base) {
            out["base"] = Record::from_draft(id, base, &[]).values();
            out["version"] = base.version.into();
        }
        out
    }

    /// The form [`Record::kept`] gave; None when it cannot be read. Masked
    /// fields come back empty; an edit comes back with its secrets closed
    /// (the challenge is asked again before they may be changed).
    pub(super) fn from_kept(v: &serde_json::Value) -> Option<Record> {
        let id = match v.get("id") {
            Some(serde_json::Value::Null) | None => None,
            Some(x) => Some(x.as_i64()?),
        };
        let mut r = Record::new(id);
        if id.is_some() {
            let mut loaded = Record::new(id);
            loaded.put_values(v.get("base")?);
            let mut base = loaded.to_draft();
            base.version = v.get("version")?.as_i64()?;
            r.base = Some(base);
        }
        r.put_values(v);
        Some(r)
    }
}

pub(super) fn account_index(accounts: &[AccountRef], id: Option<i64>) -> usize {
    id.and_then(|id| accounts.iter().position(|a| a.id == id))
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_form_comes_back_without_its_secrets() {
        let mut r = Record::new(None);
        for (f, v) in [
            (Field::Logon, "mrossi"),
            (Field::Password, "Secret-123"),
            (Field::PasswordConfirm, "Secret-123"),
            (Field::FirstName, "Mario"),
            (Field::ChallengeAnswer, "Fluffy"),
        ] {
            r.text_mut(f).unwrap().insert(v);
        }
        r.currency = 2;
        r.demographics[1] = 3;
        r.switch_section(true);
        r.switch_section(true);
        r.book[0].field_mut(AddressField::City).insert("Roma");
        let kept = r.kept();
        let text = kept.to_string();
        for secret in ["Secret-123", "Fluffy"] {
            assert!(!text.contains(secret), "{text}");
        }
        let back = Record::from_kept(&kept).unwrap();
        assert_eq!(back.value(Field::Logon), "mrossi");
        assert_eq!(back.value(Field::FirstName), "Mario");
        assert_eq!(back.value(Field::Password), "");
        assert_eq!((back.currency, back.demographics[1]), (2, 3));
        assert_eq!(back.book[0].value(AddressField::City), "Roma");
        assert_eq!((back.section, back.focus), (r.section, r.focus));
        assert!(back.creating() && back.secrets_open);
    }

    #[test]
    fn a_kept_edit_is_saved_onto_the_version_it_was_loaded_at() {
        let base = CustomerDraft {
            logon_id: "jdoe".into(),
            first_name: "Jane".into(),
            last_name: "Doe".into(),
            version: 4,
            ..CustomerDraft::default()
        };
        let mut r = Record::from_draft(7, &base, &[]);
        r.text_mut(Field::LastName).unwrap().set("Dow");
        let back = Record::from_kept(&r.kept()).unwrap();
        assert_eq!(back.id, Some(7));
        assert_eq!(back.value(Field::LastName), "Dow");
        let loaded = back.base.as_ref().unwrap();
        assert_eq!((loaded.version, loaded.last_name.as_str()), (4, "Doe"));
        assert_eq!(back.to_draft().changes_from(loaded), vec![Field::LastName]);
        assert!(!back.secrets_open);
    }

    #[test]
    fn rebase_keeps_what_was_typed_and_shows_the_rest_as_stored() {
        let base = CustomerDraft {
            logon_id: "jdoe".into(),
            first_name: "Jane".into(),
            last_name: "Doe".into(),
            phone: "555 123 4567".into(),
            version: 1,
            ..CustomerDraft::default()
        };
        let mut r = Record::from_draft(7, &base, &[]);
        r.secrets_open = true;
        r.text_mut(Field::Phone).unwrap().set("555 000 1111 ");
        r.text_mut(Field::LastName).unwrap().set("Dow");
        r.text_mut(Field::Password).unwrap().set("secret123");
        r.focus = 4;
        let current = CustomerDraft {
            first_name: "Janet".into(),
            last_name: "Smith".into(),
            version: 2,
            ..base.clone()
        };
        let changed = [
            (Field::FirstName, "Janet".to_string()),
            (Field::LastName, "Smith".to_string()),
        ];
        r.rebase(&current, &changed, &[]);
        assert_eq!(r.value(Field::FirstName), "Janet", "untouched: as stored");
        assert_eq!(
            r.value(Field::LastName),
            "Dow",
            "both changed: the operator's"
        );
        assert_eq!(r.value(Field::Phone), "555 000 1111 ", "exactly as typed");
        assert_eq!(r.value(Field::Password), "secret123");
        assert_eq!((r.focus, r.secrets_open), (4, true));
        assert_eq!(r.to_draft().version, 2, "the next save is based on it");
        let notes = r.stale_notes(79);
        assert_eq!(
            notes,
            vec![
                "! Another console saved this record meanwhile:",
                "  first name now 'Janet', last name now 'Smith'.",
                "  You changed last name too: yours is kept. Check, then ^S saves.",
            ]
        );
        assert!(r.stale_notes(30).iter().all(|l| l.chars().count() <= 30));
    }
}

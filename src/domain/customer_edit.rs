//! Editing a stored customer record: what an edit changes of the record it
//! was based on, the checks that apply to those changes only (a stored
//! value the operator did not touch is never refused, even one longer than
//! today's limits), and moving an edit onto a newer stored record when
//! another console saved it meanwhile.

use crate::domain::customer::{
    AddressEntry, AddressField, CustomerDraft, Field, DEMOGRAPHICS, LANGUAGES,
};
use crate::domain::order::Address;
use crate::domain::text::{clean, fit};

/// Two texts are the same when they would be stored the same: cleaned of
/// control characters and trimmed.
fn same_text(a: &str, b: &str) -> bool {
    clean(a).trim() == clean(b).trim()
}

/// Two addresses are the same as stored (region, postal code and country
/// are stored in upper case).
pub fn same_address(a: &Address, b: &Address) -> bool {
    let upper = |x: &str, y: &str| same_text(&x.to_uppercase(), &y.to_uppercase());
    same_text(&a.nickname, &b.nickname)
        && same_text(&a.first_name, &b.first_name)
        && same_text(&a.last_name, &b.last_name)
        && same_text(&a.line1, &b.line1)
        && same_text(&a.line2, &b.line2)
        && same_text(&a.city, &b.city)
        && upper(&a.region, &b.region)
        && upper(&a.postal_code, &b.postal_code)
        && upper(&a.country, &b.country)
        && same_text(&a.phone, &b.phone)
}

/// The stored entry with `id` in `book`.
fn entry(book: &[AddressEntry], id: Option<i64>) -> Option<&AddressEntry> {
    id.and_then(|id| book.iter().find(|e| e.id == Some(id)))
}

/// Whether `e`'s address is new or differs from the stored one in `base`
/// (the default marks aside).
pub fn address_changed(e: &AddressEntry, base: &[AddressEntry]) -> bool {
    entry(base, e.id).is_none_or(|b| !same_address(&b.address, &e.address))
}

/// Two address books are the same: the same stored entries, each with the
/// same address and marks, in any order.
fn same_book(a: &[AddressEntry], b: &[AddressEntry]) -> bool {
    a.len() == b.len()
        && a.iter().all(|x| {
            entry(b, x.id).is_some_and(|y| {
                same_address(&x.address, &y.address)
                    && x.default_shipping == y.default_shipping
                    && x.default_billing == y.default_billing
            })
        })
}

impl CustomerDraft {
    /// The fields this edit changes of `base`, the record it was based on,
    /// in the order of the form. A password or challenge answer typed
    /// counts as a change; the address book counts as one field.
    pub fn changes_from(&self, base: &CustomerDraft) -> Vec<Field> {
        let mut out = Vec::new();
        let text = |out: &mut Vec<Field>, field: Field, mine: &str, was: &str| {
            if !same_text(mine, was) {
                out.push(field);
            }
        };
        text(&mut out, Field::Logon, &self.logon_id, &base.logon_id);
        if !self.password.is_empty() {
            out.push(Field::Password);
        }
        text(
            &mut out,
            Field::FirstName,
            &self.first_name,
            &base.first_name,
        );
        text(&mut out, Field::LastName, &self.last_name, &base.last_name);
        text(&mut out, Field::Phone, &self.phone, &base.phone);
        text(&mut out, Field::Email, &self.email, &base.email);
        text(
            &mut out,
            Field::ChallengeQuestion,
            &self.challenge_question,
            &base.challenge_question,
        );
        if !self.challenge_answer.trim().is_empty() {
            out.push(Field::ChallengeAnswer);
        }
        if self.currency != base.currency {
            out.push(Field::Currency);
        }
        if self.language != base.language {
            out.push(Field::Language);
        }
        if self.account_id != base.account_id {
            out.push(Field::Account);
        }
        if self.enabled != base.enabled {
            out.push(Field::Enabled);
        }
        for (i, (mine, was)) in self.demographics.iter().zip(&base.demographics).enumerate() {
            if mine != was {
                out.push(Field::Demographic(i));
            }
        }
        if !same_book(&self.addresses, &base.addresses) {
            out.push(Field::Addresses);
        }
        out
    }

    /// Every problem of this edit of `base`, each at its field: the checks
    /// of [`CustomerDraft::validate`] (editing) for the fields the edit
    /// changes only. What the operator did not touch is stored already and
    /// is never refused, even when older than today's rules.
    pub fn validate_edit(&self, base: &CustomerDraft) -> Vec<(Field, String)> {
        let changed = self.changes_from(base);
        let has = |f: Field| changed.contains(&f);
        let book = has(Field::Addresses);
        let touched = |i: usize| {
            self.addresses
                .get(i)
                .is_some_and(|e| address_changed(e, &base.addresses))
        };
        let nick = |i: usize| {
            self.addresses
                .get(i)
                .map(|e| e.address.nickname.trim().to_lowercase())
                .unwrap_or_default()
        };
        let typed_password = !self.password.is_empty() || !self.password_confirm.is_empty();
        self.validate(false)
            .into_iter()
            .filter(|(field, _)| match *field {
                Field::Password | Field::PasswordConfirm => typed_password,
                Field::ChallengeAnswer => true,
                // "a phone or an e-mail" sits at the phone.
                Field::Phone => {
                    has(Field::Phone) || (has(Field::Email) && self.phone.trim().is_empty())
                }
                Field::Addresses => book,
                // A nickname twice: refused when either of the two changed.
                Field::Address(i, AddressField::Nickname) => {
                    book && (touched(i) || (0..i).any(|j| touched(j) && nick(j) == nick(i)))
                }
                Field::Address(i, _) => book && touched(i),
                f => has(f),
            })
            .collect()
    }

    /// This edit of `base` moved onto `current`, the record as stored now:
    /// what the edit changed keeps the edit's value, everything else takes
    /// the stored one, and the result is based on `current`'s version.
    /// Nothing typed is lost: an address the operator changed that another
    /// console removed comes back as a new one.
    pub fn rebase(&self, base: &CustomerDraft, current: &CustomerDraft) -> CustomerDraft {
        let text = |mine: &String, was: &String, now: &String| {
            if same_text(mine, was) {
                now.clone()
            } else {
                mine.clone()
            }
        };
        fn pick<T: PartialEq + Clone>(mine: &T, was: &T, now: &T) -> T {
            if mine == was {
                now.clone()
            } else {
                mine.clone()
            }
        }
        let mut demographics = current.demographics.clone();
        for (i, slot) in demographics.iter_mut().enumerate() {
            *slot = pick(
                &self.demographics[i],
                &base.demographics[i],
                &current.demographics[i],
            );
        }
        CustomerDraft {
            logon_id: text(&self.logon_id, &base.logon_id, &current.logon_id),
            password: self.password.clone(),
            password_confirm: self.password_confirm.clone(),
            first_name: text(&self.first_name, &base.first_name, &current.first_name),
            last_name: text(&self.last_name, &base.last_name, &current.last_name),
            challenge_question: text(
                &self.challenge_question,
                &base.challenge_question,
                &current.challenge_question,
            ),
            challenge_answer: self.challenge_answer.clone(),
            currency: pick(&self.currency, &base.currency, &current.currency),
            language: pick(&self.language, &base.language, &current.language),
            phone: text(&self.phone, &base.phone, &current.phone),
            email: text(&self.email, &base.email, &current.email),
            demographics,
            account_id: pick(&self.account_id, &base.account_id, &current.account_id),
            enabled: pick(&self.enabled, &base.enabled, &current.enabled),
            addresses: rebase_book(&self.addresses, &base.addresses, &current.addresses),
            version: current.version,
        }
    }

    /// A field's value as a message shows it (the account by its id: the
    /// store names it).
    pub fn shown(&self, field: Field) -> String {
        match field {
            Field::Logon => self.logon_id.clone(),
            Field::FirstName => self.first_name.clone(),
            Field::LastName => self.last_name.clone(),
            Field::Phone => self.phone.clone(),
            Field::Email => self.email.clone(),
            Field::ChallengeQuestion => self.challenge_question.clone(),
            Field::Currency => self.currency.code().to_string(),
            Field::Language => LANGUAGES
                .iter()
                .find(|(c, _)| *c == self.language)
                .map_or_else(|| self.language.clone(), |(_, n)| n.to_string()),
            Field::Account => self
                .account_id
                .map_or_else(|| "none".to_string(), |id| format!("account {id}")),
            Field::Enabled => if self.enabled { "enabled" } else { "disabled" }.into(),
            Field::Demographic(i) => self
                .demographics
                .get(i)
                .cloned()
                .flatten()
                .unwrap_or_else(|| "not given".into()),
            Field::Addresses | Field::Address(..) => {
                let n = self.addresses.len();
                format!("{n} address{}", if n == 1 { "" } else { "es" })
            }
            Field::Password | Field::PasswordConfirm | Field::ChallengeAnswer => String::new(),
        }
    }
}

/// The address book of an edit moved onto the stored one: the stored
/// entries in their order (the operator's version of those the operator
/// changed, none of those the operator removed), then the operator's new
/// ones. The default marks follow the operator where the operator moved
/// them, else the stored book.
fn rebase_book(
    mine: &[AddressEntry],
    was: &[AddressEntry],
    now: &[AddressEntry],
) -> Vec<AddressEntry> {
    if same_book(mine, was) {
        return now.to_vec();
    }
    // Each entry with the place in `mine` it came from, if any.
    let mut out: Vec<(AddressEntry, Option<usize>)> = Vec::new();
    let mine_at = |id: Option<i64>| id.and_then(|id| mine.iter().position(|m| m.id == Some(id)));
    for n in now {
        let at = mine_at(n.id);
        match (entry(was, n.id), at) {
            // Removed by the operator.
            (Some(_), None) => {}
            (Some(o), Some(i)) if !same_address(&o.address, &mine[i].address) => out.push((
                AddressEntry {
                    address: mine[i].address.clone(),
                    ..n.clone()
                },
                at,
            )),
            _ => out.push((n.clone(), at)),
        }
    }
    for (i, m) in mine.iter().enumerate() {
        let gone_meanwhile = entry(now, m.id).is_none();
        let keep = match entry(was, m.id) {
            // Changed by the operator, removed by the other console.
            Some(o) => gone_meanwhile && !same_address(&o.address, &m.address),
            None => gone_meanwhile,
        };
        if keep {
            out.push((
                AddressEntry {
                    id: None,
                    ..m.clone()
                },
                Some(i),
            ));
        }
    }
    type Mark = fn(&AddressEntry) -> bool;
    type MarkMut = fn(&mut AddressEntry) -> &mut bool;
    let marks: [(Mark, MarkMut); 2] = [
        (|a| a.default_shipping, |a| &mut a.default_shipping),
        (|a| a.default_billing, |a| &mut a.default_billing),
    ];
    for (has, set) in marks {
        let mine_marked = mine.iter().position(has);
        let was_marked = was.iter().find(|e| has(e)).and_then(|e| e.id);
        let moved = match mine_marked {
            Some(i) => mine[i].id.is_none() || mine[i].id != was_marked,
            None => was_marked.is_some(),
        };
        for (e, from) in &mut out {
            if moved {
                *set(e) = mine_marked.is_some() && *from == mine_marked;
            } else if e.id.is_none() {
                // The operator's own entries do not take the stored mark.
                *set(e) = false;
            }
        }
    }
    out.into_iter().map(|(e, _)| e).collect()
}

/// How a field is named in a message.
pub fn field_label(field: Field) -> String {
    match field {
        Field::Logon => "logon ID".into(),
        Field::Password => "password".into(),
        Field::PasswordConfirm => "password confirmation".into(),
        Field::FirstName => "first name".into(),
        Field::LastName => "last name".into(),
        Field::ChallengeQuestion => "challenge question".into(),
        Field::ChallengeAnswer => "challenge answer".into(),
        Field::Currency => "currency".into(),
        Field::Language => "language".into(),
        Field::Phone => "phone".into(),
        Field::Email => "e-mail".into(),
        Field::Demographic(i) => DEMOGRAPHICS
            .get(i)
            .map_or("demographics".into(), |d| d.label.to_lowercase()),
        Field::Account => "business account".into(),
        Field::Enabled => "status".into(),
        Field::Addresses | Field::Address(..) => "address book".into(),
    }
}

/// One change as a message names it: `last name now 'Smith'`.
pub fn change_text(field: Field, now: &str) -> String {
    match field {
        Field::Addresses | Field::Address(..) => "address book changed".into(),
        Field::Password | Field::PasswordConfirm | Field::ChallengeAnswer => {
            format!("{} changed", field_label(field))
        }
        _ => format!("{} now '{now}'", field_label(field)),
    }
}

/// Changes (field, value stored now) in at most `width` characters: each
/// with its value when they fit, else the one change with its value cut,
/// else the fields' names.
pub fn describe_changes(changed: &[(Field, String)], width: usize) -> String {
    let full: Vec<String> = changed.iter().map(|(f, v)| change_text(*f, v)).collect();
    let all = full.join(", ");
    if all.chars().count() <= width {
        return all;
    }
    if let [(field, now)] = changed {
        let room = width.saturating_sub(change_text(*field, "").chars().count());
        if room >= 4 {
            return change_text(*field, &fit(now, room));
        }
    }
    let labels: Vec<String> = changed.iter().map(|(f, _)| field_label(*f)).collect();
    let names = match labels.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    if names.chars().count() <= width {
        return names;
    }
    let short = format!("{} and {} more", labels[0], labels.len() - 1);
    fit(&short, width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn address(id: i64, nick: &str) -> AddressEntry {
        AddressEntry {
            id: Some(id),
            address: Address {
                nickname: nick.into(),
                first_name: "Jane".into(),
                last_name: "Doe".into(),
                line1: format!("{id} Elm Street"),
                line2: String::new(),
                city: "Springfield".into(),
                region: "IL".into(),
                postal_code: "62701".into(),
                country: "US".into(),
                phone: String::new(),
            },
            default_shipping: id == 1,
            default_billing: id == 1,
        }
    }

    fn stored() -> CustomerDraft {
        CustomerDraft {
            logon_id: "jdoe".into(),
            first_name: "Jane".into(),
            last_name: "Doe".into(),
            challenge_question: "Pet?".into(),
            phone: "+1 555 123 4567".into(),
            email: "jane@example.com".into(),
            addresses: vec![address(1, "Home"), address(2, "Work")],
            version: 3,
            ..CustomerDraft::default()
        }
    }

    #[test]
    fn changes_are_the_fields_that_differ_as_stored() {
        let base = stored();
        let mut d = base.clone();
        assert_eq!(d.changes_from(&base), vec![]);
        d.last_name = " Doe ".into();
        assert_eq!(d.changes_from(&base), vec![], "spaces around are no change");
        d.last_name = "Smith".into();
        d.enabled = false;
        d.demographics[2] = Some("150k+".into());
        d.addresses[1].address.postal_code = "62701".into();
        d.addresses[0].address.region = "il".into();
        assert_eq!(
            d.changes_from(&base),
            vec![Field::LastName, Field::Enabled, Field::Demographic(2)],
            "region case is no change"
        );
        d.password = "secret123".into();
        d.addresses.swap(0, 1);
        assert_eq!(
            d.changes_from(&base),
            vec![
                Field::Password,
                Field::LastName,
                Field::Enabled,
                Field::Demographic(2),
            ],
            "the book's order is no change"
        );
        d.addresses[0].default_shipping = true;
        assert!(d.changes_from(&base).contains(&Field::Addresses));
    }

    #[test]
    fn untouched_values_are_never_refused() {
        let mut base = stored();
        base.last_name = "L".repeat(47);
        base.email = "not an address".into();
        base.addresses[1].address.line1 = "x".repeat(70);
        base.addresses[1].address.country = "USA".into();
        assert!(
            !base.validate(false).is_empty(),
            "stored data breaks today's rules"
        );
        let mut d = base.clone();
        d.phone = "+44 20 7946 0958".into();
        assert_eq!(d.validate_edit(&base), vec![]);
        // The address book changed elsewhere: the old address still passes.
        d.addresses[0].address.city = "Chicago".into();
        assert_eq!(d.validate_edit(&base), vec![]);
        // What the operator changes is checked.
        d.last_name = "M".repeat(41);
        d.email = "still not".into();
        let fields: Vec<Field> = d.validate_edit(&base).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::LastName, Field::Email]);
        // A nickname made equal to an untouched one is refused.
        let mut d = base.clone();
        d.addresses[0].address.nickname = "work".into();
        let fields: Vec<Field> = d.validate_edit(&base).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Address(1, AddressField::Nickname)]);
        // Clearing the e-mail with no phone names the phone.
        let mut base = stored();
        base.phone = String::new();
        let mut d = base.clone();
        d.email = String::new();
        let fields: Vec<Field> = d.validate_edit(&base).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Phone]);
    }

    #[test]
    fn rebase_keeps_the_edit_and_takes_the_rest_from_the_store() {
        let base = stored();
        let mut mine = base.clone();
        mine.phone = "555 000 1111".into();
        mine.password = "secret123".into();
        mine.addresses[1].address.city = "Chicago".into();
        mine.addresses.push(AddressEntry {
            id: None,
            ..address(9, "Cabin")
        });
        let mut now = base.clone();
        now.version = 4;
        now.last_name = "Smith".into();
        now.phone = "555 999 9999".into();
        now.currency = Currency::EUR;
        now.addresses[0].address.city = "Peoria".into();
        now.addresses.push(address(3, "Lake"));
        let r = mine.rebase(&base, &now);
        assert_eq!(r.version, 4);
        assert_eq!(r.last_name, "Smith");
        assert_eq!(r.phone, "555 000 1111", "the operator's value wins");
        assert_eq!(r.currency, Currency::EUR);
        assert_eq!(r.password, "secret123");
        let cities: Vec<(&str, Option<i64>)> = r
            .addresses
            .iter()
            .map(|a| (a.address.city.as_str(), a.id))
            .collect();
        assert_eq!(
            cities,
            vec![
                ("Peoria", Some(1)),
                ("Chicago", Some(2)),
                ("Springfield", Some(3)),
                ("Springfield", None)
            ]
        );
        assert!(r.addresses[0].default_shipping && !r.addresses[3].default_shipping);
        assert_eq!(
            r.changes_from(&now),
            vec![Field::Password, Field::Phone, Field::Addresses]
        );
    }

    #[test]
    fn rebase_of_the_book_follows_moved_marks_and_removals() {
        let base = stored();
        let mut mine = base.clone();
        mine.addresses[0].default_shipping = false;
        mine.addresses[1].default_shipping = true;
        let mut now = base.clone();
        now.addresses.remove(0);
        now.addresses[0].default_billing = true;
        let r = mine.rebase(&base, &now);
        assert_eq!(r.addresses.len(), 1, "Home went meanwhile, untouched here");
        assert!(r.addresses[0].default_shipping && r.addresses[0].default_billing);
        // Removed here, changed there: stays removed.
        let mut mine = base.clone();
        mine.addresses.remove(1);
        let mut now = base.clone();
        now.addresses[1].address.city = "Chicago".into();
        let r = mine.rebase(&base, &now);
        assert_eq!(r.addresses.len(), 1);
        // Changed here, removed there: kept as a new address.
        let mut mine = base.clone();
        mine.addresses[1].address.city = "Chicago".into();
        let mut now = base.clone();
        now.addresses.remove(1);
        let r = mine.rebase(&base, &now);
        assert_eq!(r.addresses.len(), 2);
        assert_eq!(r.addresses[1].id, None);
        assert_eq!(r.addresses[1].address.city, "Chicago");
    }

    #[test]
    fn changes_are_described_within_the_width() {
        let one = [(Field::LastName, "Smith".to_string())];
        assert_eq!(describe_changes(&one, 40), "last name now 'Smith'");
        let long = [(Field::Email, "jane.doe.the.first@example.com".to_string())];
        let s = describe_changes(&long, 25);
        assert!(s.starts_with("e-mail now 'jane"), "{s}");
        assert!(s.chars().count() <= 25, "{s}");
        let many = [
            (Field::LastName, "Smith".to_string()),
            (Field::Phone, "555 999 9999".to_string()),
            (Field::Addresses, "3 addresses".to_string()),
        ];
        assert_eq!(
            describe_changes(&many, 40),
            "last name, phone and address book"
        );
        assert_eq!(describe_changes(&many, 25), "last name and 2 more");
        assert_eq!(
            describe_changes(&many, 80),
            "last name now 'Smith', phone now '555 999 9999', address book changed"
        );
    }
}

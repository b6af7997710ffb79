//! The customer record as the operator types it (docs/design.md, step
//! 2): every field of a registered customer, the fixed lists some of them
//! are picked from, and the checks that name what is wrong at each field.

use crate::domain::money::Currency;
use crate::domain::order::Address;
use std::fmt;

/// Languages a customer may prefer: (code, name).
pub const LANGUAGES: [(&str, &str); 5] = [
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("es", "Spanish"),
    ("ja", "Japanese"),
];

/// One optional demographic question with its fixed answers; `column` is
/// the column of the `demographics` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demographic {
    pub column: &'static str,
    pub label: &'static str,
    pub values: &'static [&'static str],
}

pub const DEMOGRAPHICS: [Demographic; 6] = [
    Demographic {
        column: "gender",
        label: "Gender",
        values: &["female", "male", "nonbinary", "undisclosed"],
    },
    Demographic {
        column: "age_range",
        label: "Age range",
        values: &["18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
    },
    Demographic {
        column: "income_range",
        label: "Income range",
        values: &[
            "<25k",
            "25k-50k",
            "50k-75k",
            "75k-100k",
            "100k-150k",
            "150k+",
        ],
    },
    Demographic {
        column: "marital_status",
        label: "Marital status",
        values: &["single", "married", "partnered", "divorced", "widowed"],
    },
    Demographic {
        column: "children",
        label: "Children",
        values: &["0", "1", "2", "3", "4+"],
    },
    Demographic {
        column: "household_size",
        label: "Household size",
        values: &["1", "2", "3", "4", "5", "6+"],
    },
];

pub const LOGON_MIN: usize = 3;
pub const LOGON_MAX: usize = 40;
pub const PASSWORD_MIN: usize = 8;
pub const POSTAL_MAX: usize = 12;
pub const NAME_MAX: usize = 40;
pub const EMAIL_MAX: usize = 80;

/// The password policy, as the form shows it.
pub const PASSWORD_POLICY: &str = "8+ characters, at least one letter and one digit";

/// The parts of an address in the address book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressField {
    Nickname,
    FirstName,
    LastName,
    Line1,
    Line2,
    City,
    Region,
    Postal,
    Country,
    Phone,
}

/// A field of the record, so a message can be shown next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Logon,
    Password,
    PasswordConfirm,
    FirstName,
    LastName,
    ChallengeQuestion,
    ChallengeAnswer,
    Currency,
    Language,
    Phone,
    Email,
    /// Index into [`DEMOGRAPHICS`].
    Demographic(usize),
    Account,
    /// Whether the customer may order.
    Enabled,
    /// The address book as a whole (none given, no default).
    Addresses,
    /// (index into the address book, part).
    Address(usize, AddressField),
}

/// One entry of the address book; `id` is None until stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressEntry {
    pub id: Option<i64>,
    pub address: Address,
    pub default_shipping: bool,
    pub default_billing: bool,
}

/// A registered customer as typed. Passwords and the challenge answer are
/// plain text only here, on their way to the hash; `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct CustomerDraft {
    pub logon_id: String,
    /// Empty when editing means "unchanged".
    pub password: String,
    pub password_confirm: String,
    pub first_name: String,
    pub last_name: String,
    pub challenge_question: String,
    /// Empty when editing means "unchanged".
    pub challenge_answer: String,
    pub currency: Currency,
    /// A code from [`LANGUAGES`].
    pub language: String,
    pub phone: String,
    pub email: String,
    /// Per [`DEMOGRAPHICS`] entry: one of its values, or not given.
    pub demographics: [Option<String>; 6],
    pub account_id: Option<i64>,
    pub enabled: bool,
    pub addresses: Vec<AddressEntry>,
    /// The stored version this record was loaded at (`customers.version`);
    /// an edit is saved only onto that version. 0 for a record not stored.
    pub version: i64,
}

impl Default for CustomerDraft {
    fn default() -> Self {
        CustomerDraft {
            logon_id: String::new(),
            password: String::new(),
            password_confirm: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            challenge_question: String::new(),
            challenge_answer: String::new(),
            currency: Currency::USD,
            language: "en".into(),
            phone: String::new(),
            email: String::new(),
            demographics: Default::default(),
            account_id: None,
            // A new customer is enabled (docs/design.md).
            enabled: true,
            addresses: Vec::new(),
            version: 0,
        }
    }
}

impl fmt::Debug for CustomerDraft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |s: &str| if s.is_empty() { "" } else { "<hidden>" };
        f.debug_struct("CustomerDraft")
            .field("logon_id", &self.logon_id)
            .field("password", &hidden(&self.password))
            .field("password_confirm", &hidden(&self.password_confirm))
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("challenge_question", &self.challenge_question)
            .field("challenge_answer", &hidden(&self.challenge_answer))
            .field("currency", &self.currency)
            .field("language", &self.language)
            .field("phone", &self.phone)
            .field("email", &self.email)
            .field("demographics", &self.demographics)
            .field("account_id", &self.account_id)
            .field("enabled", &self.enabled)
            .field("addresses", &self.addresses)
            .field("version", &self.version)
            .finish()
    }
}

impl CustomerDraft {
    /// Every problem, each at its field. `creating`: password and challenge
    /// answer are required; when editing, empty ones keep the stored hash.
    pub fn validate(&self, creating: bool) -> Vec<(Field, String)> {
        let mut out = Vec::new();
        if let Err(e) = check_logon(&self.logon_id) {
            out.push((Field::Logon, e));
        }
        if creating || !self.password.is_empty() || !self.password_confirm.is_empty() {
            out.extend(check_passwords(&self.password, &self.password_confirm));
        }
        for (field, value, what) in [
            (Field::FirstName, &self.first_name, "first name"),
            (Field::LastName, &self.last_name, "last name"),
        ] {
            if let Err(e) = check_name(value, what) {
                out.push((field, e));
            }
        }
        out.extend(check_challenge(
            &self.challenge_question,
            &self.challenge_answer,
            creating,
        ));
        if !LANGUAGES.iter().any(|(code, _)| *code == self.language) {
            out.push((Field::Language, "pick a language from the list".into()));
        }
        let phone = self.phone.trim();
        let email = self.email.trim();
        if phone.is_empty() && email.is_empty() {
            out.push((Field::Phone, "give a phone or an e-mail".into()));
        }
        if !phone.is_empty() {
            if let Err(e) = check_phone(phone) {
                out.push((Field::Phone, e));
            }
        }
        if !email.is_empty() {
            if let Err(e) = check_email(email) {
                out.push((Field::Email, e));
            }
        }
        for (i, (d, value)) in DEMOGRAPHICS.iter().zip(&self.demographics).enumerate() {
            if let Some(v) = value {
                if !d.values.contains(&v.as_str()) {
                    out.push((
                        Field::Demographic(i),
                        format!("{}: pick from the list", d.label),
                    ));
                }
            }
        }
        out.extend(check_address_book(&self.addresses));
        out
    }

    /// Makes the defaults exactly one each: the first marked one stays, and
    /// without any the first address takes the role.
    pub fn normalize_defaults(&mut self) {
        let roles: [fn(&mut AddressEntry) -> &mut bool; 2] =
            [|a| &mut a.default_shipping, |a| &mut a.default_billing];
        for pick in roles {
            let first = self
                .addresses
                .iter_mut()
                .position(|a| *pick(a))
                .unwrap_or(0);
            for (i, a) in self.addresses.iter_mut().enumerate() {
                *pick(a) = i == first;
            }
        }
    }

    /// The default shipping address (after [`Self::normalize_defaults`]).
    pub fn default_shipping(&self) -> Option<&Address> {
        self.addresses
            .iter()
            .find(|a| a.default_shipping)
            .or(self.addresses.first())
            .map(|a| &a.address)
    }
}

/// What a guest gives to become a registered customer.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct GuestConversion {
    pub logon_id: String,
    pub password: String,
    pub password_confirm: String,
    pub challenge_question: String,
    pub challenge_answer: String,
}

impl fmt::Debug for GuestConversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuestConversion")
            .field("logon_id", &self.logon_id)
            .field("challenge_question", &self.challenge_question)
            .finish_non_exhaustive()
    }
}

impl GuestConversion {
    pub fn validate(&self) -> Vec<(Field, String)> {
        let mut out = Vec::new();
        if let Err(e) = check_logon(&self.logon_id) {
            out.push((Field::Logon, e));
        }
        out.extend(check_passwords(&self.password, &self.password_confirm));
        out.extend(check_challenge(
            &self.challenge_question,
            &self.challenge_answer,
            true,
        ));
        out
    }
}

/// Logon IDs: 3 to 40 of letters, digits, `.`, `_` and `-`.
pub fn check_logon(logon: &str) -> Result<(), String> {
    let l = logon.trim();
    if l.is_empty() {
        return Err("enter a logon ID".into());
    }
    let n = l.chars().count();
    if !(LOGON_MIN..=LOGON_MAX).contains(&n) {
        return Err(format!("logon ID: {LOGON_MIN} to {LOGON_MAX} characters"));
    }
    if !l
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("use letters, digits . _ - only".into());
    }
    Ok(())
}

/// The policy: at least [`PASSWORD_MIN`] characters, a letter and a digit.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.is_empty() {
        return Err("enter a password".into());
    }
    if password.chars().count() < PASSWORD_MIN {
        return Err(format!("password: {PASSWORD_MIN} characters at least"));
    }
    if !password.chars().any(char::is_alphabetic) || !password.chars().any(|c| c.is_ascii_digit()) {
        return Err("password: needs a letter and a digit".into());
    }
    Ok(())
}

fn check_passwords(password: &str, confirm: &str) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    if let Err(e) = check_password(password) {
        out.push((Field::Password, e));
    }
    if password != confirm {
        out.push((Field::PasswordConfirm, "passwords differ".into()));
    }
    out
}

fn check_challenge(question: &str, answer: &str, creating: bool) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    if question.trim().is_empty() {
        out.push((
            Field::ChallengeQuestion,
            "enter a challenge question".into(),
        ));
    }
    if creating && answer.trim().is_empty() {
        out.push((Field::ChallengeAnswer, "enter the answer".into()));
    }
    out
}

fn check_name(value: &str, what: &str) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(format!("enter the {what}"));
    }
    if v.chars().count() > NAME_MAX {
        return Err(format!("{what}: {NAME_MAX} characters at most"));
    }
    Ok(())
}

/// Checks an e-mail address well enough to catch typos read over the phone.
pub fn check_email(email: &str) -> Result<(), String> {
    let e = email.trim();
    if e.chars().count() > EMAIL_MAX {
        return Err(format!("e-mail: {EMAIL_MAX} characters at most"));
    }
    let Some((local, domain)) = e.split_once('@') else {
        return Err("e-mail needs an @: name@example.com".into());
    };
    if e.contains(char::is_whitespace) || domain.contains('@') {
        return Err("e-mail: no spaces, one @".into());
    }
    if local.is_empty()
        || domain.is_empty()
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err("e-mail: name@domain.tld".into());
    }
    Ok(())
}

/// Phones: 7 to 15 digits (E.164 allows 15), written with the usual
/// punctuation only.
pub fn check_phone(phone: &str) -> Result<(), String> {
    let p = phone.trim();
    if !p
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.' | '/'))
    {
        return Err("phone: digits, spaces, + - ( ) only".into());
    }
    let n = p.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&n) {
        return Err(format!("phone: 7 to 15 digits, this has {n}"));
    }
    Ok(())
}

/// Two letters, as ISO 3166 alpha-2 (`US`, `GB`).
pub fn check_country(country: &str) -> Result<(), String> {
    let c = country.trim();
    if c.is_empty() {
        return Err("enter the country (2 letters)".into());
    }
    if c.chars().count() != 2 || !c.chars().all(|x| x.is_ascii_alphabetic()) {
        return Err("country: 2 letters, e.g. US".into());
    }
    Ok(())
}

pub fn check_postal(postal: &str) -> Result<(), String> {
    let p = postal.trim();
    if p.is_empty() {
        return Err("enter the ZIP/postal code".into());
    }
    if p.chars().count() > POSTAL_MAX {
        return Err(format!("postal code: {POSTAL_MAX} characters at most"));
    }
    Ok(())
}

/// One address's problems, `i` being its place in the book.
pub fn check_address(i: usize, a: &Address) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    let at = |f| Field::Address(i, f);
    for (f, value, what) in [
        (AddressField::Nickname, &a.nickname, "nickname"),
        (AddressField::FirstName, &a.first_name, "first name"),
        (AddressField::LastName, &a.last_name, "last name"),
        (AddressField::Line1, &a.line1, "street address"),
        (AddressField::City, &a.city, "city"),
    ] {
        if let Err(e) = check_name(value, what) {
            out.push((at(f), e));
        }
    }
    if a.line2.chars().count() > 60 || a.line1.chars().count() > 60 {
        out.push((
            at(AddressField::Line1),
            "address lines: 60 characters at most".into(),
        ));
    }
    if let Err(e) = check_postal(&a.postal_code) {
        out.push((at(AddressField::Postal), e));
    }
    if let Err(e) = check_country(&a.country) {
        out.push((at(AddressField::Country), e));
    }
    if !a.phone.trim().is_empty() {
        if let Err(e) = check_phone(&a.phone) {
            out.push((at(AddressField::Phone), e));
        }
    }
    out
}

fn check_address_book(book: &[AddressEntry]) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    if book.is_empty() {
        out.push((Field::Addresses, "add at least one address".into()));
    }
    for (i, e) in book.iter().enumerate() {
        out.extend(check_address(i, &e.address));
        let nick = e.address.nickname.trim().to_lowercase();
        if !nick.is_empty()
            && book[..i]
                .iter()
                .any(|o| o.address.nickname.trim().to_lowercase() == nick)
        {
            out.push((
                Field::Address(i, AddressField::Nickname),
                "nickname used twice".into(),
            ));
        }
    }
    if book.iter().filter(|a| a.default_shipping).count() > 1 {
        out.push((Field::Addresses, "one default shipping address only".into()));
    }
    if book.iter().filter(|a| a.default_billing).count() > 1 {
        out.push((Field::Addresses, "one default billing address only".into()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(nick: &str) -> AddressEntry {
        AddressEntry {
            id: None,
            address: Address {
                nickname: nick.into(),
                first_name: "Zoë".into(),
                last_name: "Müller".into(),
                line1: "1 Main St".into(),
                line2: String::new(),
                city: "Springfield".into(),
                region: "IL".into(),
                postal_code: "62701".into(),
                country: "US".into(),
                phone: String::new(),
            },
            default_shipping: true,
            default_billing: true,
        }
    }

    fn good() -> CustomerDraft {
        CustomerDraft {
            logon_id: "zmuller".into(),
            password: "secret123".into(),
            password_confirm: "secret123".into(),
            first_name: "Zoë".into(),
            last_name: "Müller".into(),
            challenge_question: "First pet?".into(),
            challenge_answer: "Rex".into(),
            phone: "+1 (555) 123-4567".into(),
            email: "zoe@example.com".into(),
            addresses: vec![address("Home")],
            ..CustomerDraft::default()
        }
    }

    fn fields(d: &CustomerDraft, creating: bool) -> Vec<Field> {
        d.validate(creating).into_iter().map(|(f, _)| f).collect()
    }

    fn message(d: &CustomerDraft, creating: bool, field: Field) -> String {
        d.validate(creating)
            .into_iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
            .unwrap_or_default()
    }

    #[test]
    fn a_complete_draft_passes() {
        assert_eq!(good().validate(true), vec![]);
        assert!(good().enabled, "new customers are enabled");
    }

    #[test]
    fn logon_format() {
        for bad in ["", "ab", "jane doe", "jane@home", &"x".repeat(41), "zoë"] {
            let d = CustomerDraft {
                logon_id: bad.into(),
                ..good()
            };
            assert_eq!(fields(&d, true), vec![Field::Logon], "{bad:?}");
        }
        for ok in ["abc", "jane.doe", "j_d-1", &"x".repeat(40)] {
            assert!(check_logon(ok).is_ok(), "{ok}");
        }
        assert!(check_logon("a b c").unwrap_err().contains("letters"));
        assert!(check_logon("ab").unwrap_err().contains("3 to 40"));
    }

    #[test]
    fn password_policy() {
        assert!(check_password("short1")
            .unwrap_err()
            .contains("8 characters"));
        assert!(check_password("longenough").unwrap_err().contains("digit"));
        assert!(check_password("12345678").unwrap_err().contains("letter"));
        assert!(check_password("abcdefg1").is_ok());
        let d = CustomerDraft {
            password: "abc".into(),
            password_confirm: "abc".into(),
            ..good()
        };
        assert_eq!(fields(&d, true), vec![Field::Password]);
    }

    #[test]
    fn passwords_must_match() {
        let d = CustomerDraft {
            password_confirm: "secret124".into(),
            ..good()
        };
        assert_eq!(
            message(&d, true, Field::PasswordConfirm),
            "passwords differ"
        );
        assert_eq!(fields(&d, true), vec![Field::PasswordConfirm]);
    }

    #[test]
    fn editing_keeps_password_and_answer_when_empty() {
        let d = CustomerDraft {
            password: String::new(),
            password_confirm: String::new(),
            challenge_answer: String::new(),
            ..good()
        };
        assert_eq!(d.validate(false), vec![]);
        let creating = fields(&d, true);
        assert!(creating.contains(&Field::Password));
        assert!(creating.contains(&Field::ChallengeAnswer));
        // A new password typed while editing is still checked.
        let d = CustomerDraft {
            password: "weak".into(),
            ..d
        };
        assert!(fields(&d, false).contains(&Field::Password));
    }

    #[test]
    fn names_are_required() {
        let d = CustomerDraft {
            first_name: "  ".into(),
            last_name: String::new(),
            ..good()
        };
        assert_eq!(fields(&d, true), vec![Field::FirstName, Field::LastName]);
        assert_eq!(message(&d, true, Field::LastName), "enter the last name");
    }

    #[test]
    fn challenge_question_required() {
        let d = CustomerDraft {
            challenge_question: String::new(),
            ..good()
        };
        assert_eq!(fields(&d, false), vec![Field::ChallengeQuestion]);
    }

    #[test]
    fn bad_email() {
        for bad in [
            "jane",
            "jane@",
            "@x.com",
            "jane@example",
            "ja ne@x.com",
            "a@b@c.com",
        ] {
            let d = CustomerDraft {
                email: bad.into(),
                ..good()
            };
            assert_eq!(fields(&d, true), vec![Field::Email], "{bad}");
        }
        assert!(check_email("jane").unwrap_err().contains('@'));
    }

    #[test]
    fn phone_digits() {
        assert!(check_phone("+1 (555) 123-4567").is_ok());
        assert!(check_phone("555 1234").is_ok());
        assert!(check_phone("123456").unwrap_err().contains("this has 6"));
        assert!(check_phone("1234567890123456").unwrap_err().contains("15"));
        assert!(check_phone("555-CALL-NOW").unwrap_err().contains("digits"));
        let d = CustomerDraft {
            phone: "12".into(),
            ..good()
        };
        assert_eq!(fields(&d, true), vec![Field::Phone]);
        let d = CustomerDraft {
            phone: String::new(),
            email: String::new(),
            ..good()
        };
        assert_eq!(fields(&d, true), vec![Field::Phone], "phone or e-mail");
    }

    #[test]
    fn postal_code_too_long_and_country_two_letters() {
        let mut d = good();
        d.addresses[0].address.postal_code = "1234567890123".into();
        d.addresses[0].address.country = "USA".into();
        assert_eq!(
            fields(&d, true),
            vec![
                Field::Address(0, AddressField::Postal),
                Field::Address(0, AddressField::Country)
            ]
        );
        assert!(message(&d, true, Field::Address(0, AddressField::Postal)).contains("12"));
        d.addresses[0].address.postal_code = "123456789012".into();
        d.addresses[0].address.country = "u1".into();
        assert_eq!(
            fields(&d, true),
            vec![Field::Address(0, AddressField::Country)]
        );
    }

    #[test]
    fn address_book_rules() {
        let mut d = good();
        d.addresses.clear();
        assert_eq!(fields(&d, true), vec![Field::Addresses]);
        d.addresses = vec![address("Home"), address("home")];
        let f = fields(&d, true);
        assert!(f.contains(&Field::Address(1, AddressField::Nickname)));
        assert!(f.contains(&Field::Addresses), "two defaults");
        d.addresses[1].address.nickname = "Work".into();
        d.addresses[1].address.phone = "12".into();
        d.normalize_defaults();
        assert_eq!(
            fields(&d, true),
            vec![Field::Address(1, AddressField::Phone)]
        );
        assert!(d.addresses[0].default_shipping && !d.addresses[1].default_shipping);
    }

    #[test]
    fn defaults_normalize_to_exactly_one() {
        let mut d = good();
        d.addresses = vec![address("A"), address("B"), address("C")];
        for a in &mut d.addresses {
            a.default_shipping = false;
            a.default_billing = false;
        }
        d.addresses[2].default_billing = true;
        d.normalize_defaults();
        let ship: Vec<bool> = d.addresses.iter().map(|a| a.default_shipping).collect();
        let bill: Vec<bool> = d.addresses.iter().map(|a| a.default_billing).collect();
        assert_eq!(ship, vec![true, false, false]);
        assert_eq!(bill, vec![false, false, true]);
        assert_eq!(d.default_shipping().unwrap().nickname, "A");
    }

    #[test]
    fn demographics_from_lists_only() {
        let mut d = good();
        d.demographics[0] = Some("female".into());
        d.demographics[5] = Some("6+".into());
        assert_eq!(d.validate(true), vec![]);
        d.demographics[1] = Some("17".into());
        assert_eq!(fields(&d, true), vec![Field::Demographic(1)]);
        d.demographics[1] = None;
        d.language = "xx".into();
        assert_eq!(fields(&d, true), vec![Field::Language]);
    }

    #[test]
    fn debug_hides_secrets() {
        let text = format!("{:?}", good());
        assert!(!text.contains("secret123"));
        assert!(!text.contains("Rex"));
        assert!(text.contains("zmuller"));
        let g = GuestConversion {
            logon_id: "guest1".into(),
            password: "secret123".into(),
            password_confirm: "secret123".into(),
            challenge_question: "Pet?".into(),
            challenge_answer: "Rex".into(),
        };
        assert!(!format!("{g:?}").contains("secret123"));
        assert_eq!(g.validate(), vec![]);
        let g = GuestConversion {
            password_confirm: "x".into(),
            ..g
        };
        assert_eq!(
            g.validate().into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
            vec![Field::PasswordConfirm]
        );
    }
}

//! A guest: what the order needs of a customer who has no record (name,
//! a way to reach them, a ship-to address), checked in one place for the
//! console's guest form and for scripted sessions.

use crate::domain::customer::{check_country, check_email};
use crate::domain::money::Currency;
use crate::domain::order::{Address, CustomerRef, SavedAddress};
use crate::domain::text::clean;
use serde::{Deserialize, Serialize};

/// The fields of the guest form, for messages next to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestField {
    First,
    Last,
    Phone,
    Email,
    Line1,
    City,
    Postal,
    Country,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuestDetails {
    pub first: String,
    pub last: String,
    pub phone: String,
    pub email: String,
    pub address: Address,
}

impl GuestDetails {
    /// Trimmed, cleaned of control characters; region, postal code and
    /// country upper case.
    pub fn tidy(&self) -> GuestDetails {
        let t = |s: &str| clean(s).trim().to_string();
        let a = &self.address;
        GuestDetails {
            first: t(&self.first),
            last: t(&self.last),
            phone: t(&self.phone),
            email: t(&self.email),
            address: Address {
                nickname: if a.nickname.trim().is_empty() {
                    "Ship to".into()
                } else {
                    t(&a.nickname)
                },
                first_name: if a.first_name.trim().is_empty() {
                    t(&self.first)
                } else {
                    t(&a.first_name)
                },
                last_name: if a.last_name.trim().is_empty() {
                    t(&self.last)
                } else {
                    t(&a.last_name)
                },
                line1: t(&a.line1),
                line2: t(&a.line2),
                city: t(&a.city),
                region: t(&a.region).to_uppercase(),
                postal_code: t(&a.postal_code).to_uppercase(),
                country: t(&a.country).to_uppercase(),
                phone: if a.phone.trim().is_empty() {
                    t(&self.phone)
                } else {
                    t(&a.phone)
                },
            },
        }
    }

    /// What is missing or wrong, per field (of the tidied details).
    pub fn problems(&self) -> Vec<(GuestField, String)> {
        let mut out = Vec::new();
        let a = &self.address;
        for (field, value, what) in [
            (GuestField::First, &self.first, "first name"),
            (GuestField::Last, &self.last, "last name"),
            (GuestField::Line1, &a.line1, "street address"),
            (GuestField::City, &a.city, "city"),
            (GuestField::Postal, &a.postal_code, "ZIP/postal code"),
            (GuestField::Country, &a.country, "country"),
        ] {
            if value.trim().is_empty() {
                out.push((field, format!("enter the {what}")));
            }
        }
        if self.phone.trim().is_empty() && self.email.trim().is_empty() {
            out.push((
                GuestField::Phone,
                "a phone or an e-mail, to reach the customer".into(),
            ));
        }
        if !self.email.trim().is_empty() {
            if let Err(e) = check_email(self.email.trim()) {
                out.push((GuestField::Email, e));
            }
        }
        if !a.country.trim().is_empty() {
            if let Err(e) = check_country(a.country.trim()) {
                out.push((GuestField::Country, e));
            }
        }
        out
    }

    /// The guest as the order's customer (details tidied and checked first).
    pub fn customer(&self, currency: Currency) -> CustomerRef {
        CustomerRef {
            id: None,
            guest: true,
            logon_id: None,
            first_name: self.first.clone(),
            last_name: self.last.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            currency,
            account: None,
            addresses: vec![SavedAddress {
                id: 0,
                address: self.address.clone(),
                default_shipping: true,
                default_billing: true,
            }],
            cards: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_needs_name_address_and_a_way_to_reach_them() {
        let g = GuestDetails::default().tidy();
        let fields: Vec<GuestField> = g.problems().iter().map(|(f, _)| *f).collect();
        for f in [
            GuestField::First,
            GuestField::Last,
            GuestField::Line1,
            GuestField::City,
            GuestField::Postal,
            GuestField::Country,
            GuestField::Phone,
        ] {
            assert!(fields.contains(&f), "{f:?} missing from {fields:?}");
        }
        let ok = GuestDetails {
            first: " Ana ".into(),
            last: "Lee".into(),
            phone: "555 0100".into(),
            email: String::new(),
            address: Address {
                line1: "1 Main St".into(),
                city: "Springfield".into(),
                region: "il".into(),
                postal_code: "62701".into(),
                country: "us".into(),
                ..Address::default()
            },
        }
        .tidy();
        assert_eq!(ok.problems(), vec![]);
        assert_eq!(ok.first, "Ana");
        assert_eq!(ok.address.country, "US");
        assert_eq!(ok.address.first_name, "Ana");
        let c = ok.customer(Currency::USD);
        assert!(c.guest && c.id.is_none());
        assert_eq!(c.default_shipping(), Some(&ok.address));
    }
}

//! The address book's form model: one address's text fields and default
//! marks, to and from an [`AddressEntry`].

use crate::domain::customer::{AddressEntry, AddressField, NAME_MAX, POSTAL_MAX};
use crate::domain::order::Address;
use crate::tui::widgets::text_field::TextField;

pub(super) const ADDRESS_TEXT: [(AddressField, &str, usize); 10] = [
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

#[derive(Clone)]
pub(super) struct AddrForm {
    pub(super) id: Option<i64>,
    pub(super) fields: Vec<TextField>,
    pub(super) ship: bool,
    pub(super) bill: bool,
}

impl AddrForm {
    pub(super) fn new() -> AddrForm {
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
    pub(super) fn field(&self, f: AddressField) -> &TextField {
        let i = ADDRESS_TEXT
            .iter()
            .position(|(x, _, _)| *x == f)
            .unwrap_or(0);
        &self.fields[i]
    }
    pub(super) fn field_mut(&mut self, f: AddressField) -> &mut TextField {
        let i = ADDRESS_TEXT
            .iter()
            .position(|(x, _, _)| *x == f)
            .unwrap_or(0);
        &mut self.fields[i]
    }
    pub(super) fn value(&self, f: AddressField) -> String {
        self.field(f).value().trim().to_string()
    }
    pub(super) fn to_entry(&self) -> AddressEntry {
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
    pub(super) fn from_entry(e: &AddressEntry) -> AddrForm {
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

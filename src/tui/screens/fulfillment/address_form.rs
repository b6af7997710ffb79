//! The form for a new ship-to address typed on the fulfillment step (and
//! for a placed order's new ship-to address, on the Orders screen): the
//! store's default country prefilled, Enter going on to the next field the
//! address needs, and a pasted one-line address split where unambiguous.

use crate::domain::address_line::split_address_line;
use crate::domain::customer::{check_address, AddressField, Field};
use crate::domain::order::Address;
use crate::tui::action::Action;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::text_field::TextField;

/// The typed address form, in `AddressField` order.
const ADDRESS_FIELDS: [(AddressField, &str, usize); 10] = [
    (AddressField::Nickname, "Nickname", 30),
    (AddressField::FirstName, "First name", 40),
    (AddressField::LastName, "Last name", 40),
    (AddressField::Line1, "Address", 60),
    (AddressField::Line2, "Address 2", 60),
    (AddressField::City, "City", 40),
    (AddressField::Region, "State/region", 20),
    (AddressField::Postal, "ZIP/postal", 12),
    (AddressField::Country, "Country (2)", 2),
    (AddressField::Phone, "Phone", 30),
];

/// The new address form; the store's default country shown, selected
/// (typing replaces it).
pub(in crate::tui::screens) fn address_form(country: Option<String>) -> Form {
    let mut form = Form::new(
        ADDRESS_FIELDS
            .iter()
            .map(|(_, label, max)| TextField::new(label, *max))
            .collect(),
    );
    form.fields[0].set("Ship-to");
    if let Some(c) = country {
        form.fields[COUNTRY].set(&c);
    }
    form.focus = 1;
    form
}

/// The form holding `address`, to change what is there; the focus on
/// the street (who receives it rarely changes).
pub(in crate::tui::screens) fn address_form_with(address: &Address) -> Form {
    let mut form = address_form(None);
    let a = address;
    for (i, v) in [
        &a.nickname,
        &a.first_name,
        &a.last_name,
        &a.line1,
        &a.line2,
        &a.city,
        &a.region,
        &a.postal_code,
        &a.country,
        &a.phone,
    ]
    .into_iter()
    .enumerate()
    {
        form.fields[i].set(v);
    }
    form.focus = LINE1;
    form
}

const LINE1: usize = 3;
const COUNTRY: usize = 8;

/// Enter in the new address form: on to the next empty field an address
/// needs (the nickname, Address 2 and the phone are left to Tab); None
/// when there is none after this one (the form is then sent).
pub(in crate::tui::screens) fn next_needed(form: &Form) -> Option<usize> {
    let optional = |i: usize| {
        matches!(
            ADDRESS_FIELDS[i].0,
            AddressField::Nickname | AddressField::Line2 | AddressField::Phone
        )
    };
    (form.focus + 1..form.fields.len()).find(|&i| !optional(i) && form.value(i).trim().is_empty())
}

/// A one-line address pasted into the street field, split into the
/// fields where that is unambiguous; else kept as pasted, with why.
pub(in crate::tui::screens) fn paste_address(form: &mut Form, text: &str) -> Option<Vec<Action>> {
    if form.focus != LINE1 || !text.contains(',') {
        return None;
    }
    Some(match split_address_line(text) {
        Ok(p) => {
            for (which, v) in [
                (AddressField::Line1, &p.line1),
                (AddressField::Line2, &p.line2),
                (AddressField::City, &p.city),
                (AddressField::Region, &p.region),
                (AddressField::Postal, &p.postal_code),
                (AddressField::Country, &p.country),
            ] {
                let Some(i) = ADDRESS_FIELDS.iter().position(|(f, _, _)| *f == which) else {
                    continue;
                };
                if !v.is_empty() || which == AddressField::Line2 {
                    form.fields[i].clear();
                    form.fields[i].insert(v);
                }
            }
            vec![Action::Status(format!(
                "Address split: {} | {} | {} {} | {}",
                p.line1,
                p.city,
                p.region,
                p.postal_code,
                form.value(COUNTRY)
            ))]
        }
        Err(e) => {
            let f = &mut form.fields[LINE1];
            f.insert(text);
            let mut show = f.status();
            show.push(Action::Error(e));
            show
        }
    })
}

/// The typed address, or None with each problem next to its field.
pub(in crate::tui::screens) fn typed_address(form: &mut Form) -> Option<Address> {
    let v = |i: usize| form.value(i).trim().to_string();
    let address = Address {
        nickname: v(0),
        first_name: v(1),
        last_name: v(2),
        line1: v(3),
        line2: v(4),
        city: v(5),
        region: v(6).to_uppercase(),
        postal_code: v(7).to_uppercase(),
        country: v(8).to_uppercase(),
        phone: v(9),
    };
    for f in &mut form.fields {
        f.error = None;
    }
    for (field, message) in check_address(0, &address) {
        if let Field::Address(_, which) = field {
            if let Some(i) = ADDRESS_FIELDS.iter().position(|(f, _, _)| *f == which) {
                form.set_error(i, message);
            }
        }
    }
    if let Some(i) = form.fields.iter().position(|f| f.error.is_some()) {
        form.focus = i;
        return None;
    }
    Some(address)
}

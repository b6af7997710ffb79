//! Step 2, customer record: the order's customer as the record stands, or,
//! for a guest, the little the order needs (name, contact, address).

use super::{title, Ctx, Screen};
use crate::domain::order::{Address, CustomerRef, SavedAddress};
use crate::domain::text::fit;
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, Binding, Cmd, Key};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

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

pub struct CustomerScreen {
    guest: Form,
}

impl Default for CustomerScreen {
    fn default() -> Self {
        CustomerScreen {
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
        }
    }
}

/// A registered customer is shown, not edited, here; anything else gets
/// the guest form.
fn shows_record(ctx: &Ctx) -> bool {
    ctx.order.customer.as_ref().is_some_and(|c| !c.guest)
}

/// Checks an e-mail address well enough to catch typos read over the phone.
pub fn check_email(email: &str) -> Result<(), String> {
    let e = email.trim();
    let Some((local, domain)) = e.split_once('@') else {
        return Err("e-mail needs an @, e.g. name@example.com".into());
    };
    if local.is_empty()
        || domain.is_empty()
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err("e-mail: name@domain.tld".into());
    }
    if e.contains(char::is_whitespace) || domain.contains('@') {
        return Err("e-mail: no spaces, one @".into());
    }
    Ok(())
}

impl CustomerScreen {
    fn guest_order(&mut self, ctx: &Ctx) -> Vec<Action> {
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
        if !country.is_empty()
            && (country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()))
        {
            f.set_error(COUNTRY, "two letters, e.g. US, CA, GB");
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
        let currency = ctx.order.currency;
        vec![Action::StartGuest(CustomerRef {
            id: None,
            guest: true,
            logon_id: None,
            first_name: v(f, FIRST),
            last_name: v(f, LAST),
            email: v(f, EMAIL),
            phone: v(f, PHONE),
            currency,
            account: None,
            addresses: vec![SavedAddress {
                id: 0,
                address,
                default_shipping: true,
                default_billing: true,
            }],
            cards: Vec::new(),
        })]
    }
}

impl Screen for CustomerScreen {
    fn bindings(&self, ctx: &Ctx) -> Vec<Binding> {
        if shows_record(ctx) {
            return vec![];
        }
        let mut b = vec![Binding::new(
            &[Key::plain(KeyCode::Enter)],
            "Start guest order",
            Cmd::Enter,
        )];
        b.extend(field_moves());
        b.push(
            Binding::new(&[Key::plain(KeyCode::Up)], "Previous field", Cmd::PrevField).help_only(),
        );
        b.push(
            Binding::new(&[Key::plain(KeyCode::Down)], "Next field", Cmd::NextField).help_only(),
        );
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Vec<Action> {
        match cmd {
            Cmd::Enter => self.guest_order(ctx),
            Cmd::NextField => {
                self.guest.next();
                vec![]
            }
            Cmd::PrevField => {
                self.guest.prev();
                vec![]
            }
            _ => vec![],
        }
    }

    fn input(&mut self, key: &KeyEvent, ctx: &Ctx) -> Vec<Action> {
        if !shows_record(ctx) {
            if let Some(f) = self.guest.focused() {
                f.handle_key(key);
            }
        }
        vec![]
    }

    fn paste(&mut self, text: &str, ctx: &Ctx) -> Vec<Action> {
        if !shows_record(ctx) {
            if let Some(f) = self.guest.focused() {
                f.insert(text);
            }
        }
        vec![]
    }

    fn typing(&self) -> bool {
        true
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        match &ctx.order.customer {
            Some(c) if !c.guest => {
                title(f, area, &format!("Customer record — {}", c.name()), theme);
                let mut lines = vec![
                    format!("Logon ID   {}", c.logon_id.clone().unwrap_or_default()),
                    format!("Phone      {}", c.phone),
                    format!("E-mail     {}", c.email),
                    format!("Currency   {}", c.currency),
                    format!(
                        "Account    {}",
                        c.account
                            .as_ref()
                            .map(|a| a.name.clone())
                            .unwrap_or_else(|| "—".into())
                    ),
                    String::new(),
                    "Address book".to_string(),
                ];
                for a in &c.addresses {
                    let flags = match (a.default_shipping, a.default_billing) {
                        (true, true) => " [ship+bill]",
                        (true, false) => " [ship]",
                        (false, true) => " [bill]",
                        _ => "",
                    };
                    lines.push(format!(
                        "  {}{}: {}",
                        a.address.nickname,
                        flags,
                        a.address.one_line()
                    ));
                }
                for (i, l) in lines
                    .iter()
                    .enumerate()
                    .take(area.height.saturating_sub(1) as usize)
                {
                    f.render_widget(
                        Line::raw(fit(l, area.width as usize)),
                        Rect::new(area.x + 1, area.y + 1 + i as u16, area.width - 1, 1),
                    );
                }
            }
            _ => {
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

#[cfg(test)]
mod tests {
    use super::check_email;

    #[test]
    fn email_check() {
        assert!(check_email("jane.doe@example.com").is_ok());
        assert!(check_email("jane.doe@example").is_err());
        assert!(check_email("jane doe@example.com").is_err());
        assert!(check_email("@example.com").is_err());
        assert!(check_email("jane").unwrap_err().contains("@"));
    }
}

//! Step 6, billing and payment: the billing address and the payment method
//! (a new card, a stored card, on account, cash on delivery). A typed card
//! is checked here and only its brand, last four and expiry go further.

use super::{title, Ctx, Screen};
use crate::domain::card::check_card;
use crate::domain::order::Payment;
use crate::domain::text::fit;
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, list_moves, Binding, Cmd, Key};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

const NUMBER: usize = 0;
const EXPIRY: usize = 1;
const CVC: usize = 2;

#[derive(Debug, Clone, PartialEq)]
enum Choice {
    NewCard,
    Stored(usize),
    Account,
    Cod,
}

pub struct PaymentScreen {
    list: ListState,
    card: Form,
    po: TextField,
    /// Which form has the keys, if any.
    form: Option<Choice>,
}

impl Default for PaymentScreen {
    fn default() -> Self {
        PaymentScreen {
            list: ListState::default(),
            card: Form::new(vec![
                TextField::new("Card number", 23),
                TextField::new("Expiry MM/YY", 7),
                TextField::new("Security code", 4).masked(),
            ]),
            po: TextField::new("PO number", 30),
            form: None,
        }
    }
}

fn choices(ctx: &Ctx) -> Vec<(Choice, String)> {
    let mut out = vec![(Choice::NewCard, "New card".to_string())];
    if let Some(c) = &ctx.order.customer {
        for (i, s) in c.cards.iter().enumerate() {
            out.push((
                Choice::Stored(i),
                format!("Stored: {}", s.summary.describe()),
            ));
        }
        if let Some(a) = &c.account {
            out.push((Choice::Account, format!("On account: {}", a.name)));
        }
    }
    out.push((Choice::Cod, "Cash on delivery".into()));
    out
}

impl PaymentScreen {
    fn clear_card(&mut self) {
        for f in &mut self.card.fields {
            f.clear();
        }
        self.card.focus = 0;
    }

    fn take_card(&mut self, ctx: &Ctx) -> Vec<Action> {
        let result = check_card(
            self.card.value(NUMBER),
            self.card.value(EXPIRY),
            self.card.value(CVC),
            ctx.today,
        );
        match result {
            Ok(summary) => {
                // The number and code leave memory with the form.
                self.clear_card();
                self.form = None;
                vec![Action::SetPayment(Payment::Card(summary))]
            }
            Err(e) => {
                let field = if e.starts_with("expiry") {
                    EXPIRY
                } else if e.starts_with("security") {
                    CVC
                } else {
                    NUMBER
                };
                self.card.set_error(field, e.clone());
                self.card.focus = field;
                vec![]
            }
        }
    }
}

impl Screen for PaymentScreen {
    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding> {
        match self.form {
            Some(Choice::NewCard) => {
                let mut b = vec![
                    Binding::new(
                        &[Key::plain(KeyCode::Enter)],
                        "Check and use card",
                        Cmd::Enter,
                    ),
                    Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
                ];
                b.extend(field_moves());
                b
            }
            Some(_) => vec![
                Binding::new(&[Key::plain(KeyCode::Enter)], "Use on account", Cmd::Enter),
                Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
            ],
            None => {
                let mut b = vec![Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Choose",
                    Cmd::Enter,
                )];
                b.extend(list_moves());
                b
            }
        }
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Vec<Action> {
        let list = choices(ctx);
        match (&self.form, cmd) {
            (Some(Choice::NewCard), Cmd::Enter) => self.take_card(ctx),
            (Some(_), Cmd::Enter) => {
                let po = self.po.value().trim().to_string();
                let required = ctx
                    .order
                    .customer
                    .as_ref()
                    .and_then(|c| c.account.as_ref())
                    .is_some_and(|a| a.po_required);
                if required && po.is_empty() {
                    self.po.error = Some("this account requires a purchase-order number".into());
                    return vec![];
                }
                self.form = None;
                vec![Action::SetPayment(Payment::Account { po_number: po })]
            }
            (Some(_), Cmd::Back) => {
                self.clear_card();
                self.form = None;
                vec![]
            }
            (Some(_), Cmd::NextField) => {
                self.card.next();
                vec![]
            }
            (Some(_), Cmd::PrevField) => {
                self.card.prev();
                vec![]
            }
            (None, Cmd::Enter) => match list.get(self.list.selected).map(|(c, _)| c.clone()) {
                Some(Choice::NewCard) => {
                    self.form = Some(Choice::NewCard);
                    vec![]
                }
                Some(Choice::Account) => {
                    self.form = Some(Choice::Account);
                    vec![]
                }
                Some(Choice::Stored(i)) => ctx
                    .order
                    .customer
                    .as_ref()
                    .and_then(|c| c.cards.get(i))
                    .map(|s| vec![Action::SetPayment(Payment::StoredCard(s.clone()))])
                    .unwrap_or_default(),
                Some(Choice::Cod) => vec![Action::SetPayment(Payment::CashOnDelivery)],
                None => vec![],
            },
            (None, Cmd::Up) => {
                self.list.up();
                vec![]
            }
            (None, Cmd::Down) => {
                self.list.down(list.len());
                vec![]
            }
            _ => vec![],
        }
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        match self.form {
            Some(Choice::NewCard) => {
                if let Some(f) = self.card.focused() {
                    f.handle_key(key);
                }
            }
            Some(_) => {
                self.po.handle_key(key);
            }
            None => {}
        }
        vec![]
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        match self.form {
            Some(Choice::NewCard) => {
                if let Some(f) = self.card.focused() {
                    f.insert(text);
                }
            }
            Some(_) => self.po.insert(text),
            None => {}
        }
        vec![]
    }

    fn typing(&self) -> bool {
        self.form.is_some()
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        title(f, area, "Billing and payment", theme);
        let billing = ctx
            .order
            .billing
            .as_ref()
            .map(|a| a.one_line())
            .unwrap_or_else(|| "none yet: pick a customer (F2)".into());
        f.render_widget(
            Line::raw(fit(&format!("Bill to: {billing}"), area.width as usize - 1)),
            Rect::new(area.x + 1, area.y + 1, area.width - 1, 1),
        );
        let current = ctx
            .order
            .payment
            .as_ref()
            .map(|p| p.describe())
            .unwrap_or_else(|| "none yet".into());
        f.render_widget(
            Line::styled(
                fit(&format!("Payment: {current}"), area.width as usize - 1),
                theme.title(),
            ),
            Rect::new(area.x + 1, area.y + 2, area.width - 1, 1),
        );
        let mut y = area.y + 4;
        for (i, (_, label)) in choices(ctx).iter().enumerate() {
            let (marker, style) = row_style(self.form.is_none() && i == self.list.selected, theme);
            f.render_widget(
                Line::styled(format!("{marker}{label}"), style),
                Rect::new(area.x, y, area.width, 1),
            );
            y += 1;
        }
        y += 1;
        match self.form {
            Some(Choice::NewCard) => {
                f.render_widget(
                    Line::styled(
                        "New card — only brand, last four and expiry are kept",
                        theme.label(),
                    ),
                    Rect::new(area.x + 1, y, area.width - 1, 1),
                );
                self.card
                    .draw(f, Rect::new(area.x, y + 1, area.width, 3), true, theme);
            }
            Some(_) => {
                let lw = 13;
                self.po
                    .draw(f, Rect::new(area.x, y, area.width, 1), lw, true, theme);
            }
            None => {}
        }
    }
}

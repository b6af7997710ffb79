//! Step 6, billing and payment: the billing address (from the customer's
//! address book; a guest's is the address typed) and the payment method
//! (a new card, a stored card, on account, cash on delivery). A typed card
//! is checked here and only its brand, last four and expiry go further.
//! Pay on account is offered to business-account customers only, needs the
//! PO number where the account requires one, and the order total must fit
//! the account's remaining credit.

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::card::{check_card, check_expiry};
use crate::domain::order::Payment;
use crate::domain::text::fit;
use crate::session::{Command, Done, PayInput, Refusal};
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, list_moves, Binding, Cmd, Key};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use rust_decimal::Decimal;

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
    /// The billing address list (the customer's address book).
    billing: ListState,
    /// Whether the billing list has the keys (else the payment list).
    on_billing: bool,
    card: Form,
    po: TextField,
    /// Why pay on account was refused, shown under the PO field.
    account_error: Option<String>,
    /// Which form has the keys, if any.
    form: Option<Choice>,
    /// The account's credit (limit, used), read when the screen is shown.
    credit: Option<(Decimal, Decimal)>,
    /// Asked the session to pay on account; its answer closes the form or
    /// stands under the PO field.
    asked_account: bool,
    /// A stored card's challenge, asked before the card is used: the
    /// question, the answer as typed, and why the last answer was refused.
    question: String,
    answer: TextField,
    answer_error: Option<String>,
    /// Sent the answer for the stored card `last4`: a right answer uses it.
    asked_challenge: Option<String>,
}

impl Default for PaymentScreen {
    fn default() -> Self {
        PaymentScreen {
            list: ListState::default(),
            billing: ListState::default(),
            on_billing: false,
            account_error: None,
            credit: None,
            asked_account: false,
            question: String::new(),
            answer: TextField::new("Answer", 60).masked(),
            answer_error: None,
            asked_challenge: None,
            card: Form::new(vec![
                TextField::card_number("Card number"),
                TextField::expiry("Expiry MM/YY"),
                TextField::new("Security code", 4).masked(),
            ]),
            po: TextField::new("PO number", 30),
            form: None,
        }
    }
}

fn choices(ctx: &DrawCtx, credit: Option<(Decimal, Decimal)>) -> Vec<(Choice, String)> {
    let mut out = vec![(Choice::NewCard, "New card".to_string())];
    if let Some(c) = &ctx.order.customer {
        for (i, s) in c.cards.iter().enumerate() {
            out.push((
                Choice::Stored(i),
                format!("Stored: {}", s.summary.describe()),
            ));
        }
        if let Some(a) = &c.account {
            let left = match credit {
                Some((limit, used)) => format!(
                    " (credit left {} {})",
                    a.currency.format(limit - used),
                    a.currency
                ),
                _ => String::new(),
            };
            out.push((Choice::Account, format!("On account: {}{left}", a.name)));
        }
    }
    out.push((Choice::Cod, "Cash on delivery".into()));
    out
}

/// The customer's address book (empty for a guest: their billing address
/// is the one typed on the guest form).
fn addresses(ctx: &DrawCtx) -> Vec<crate::domain::order::Address> {
    ctx.order
        .customer
        .as_ref()
        .map(|c| c.addresses.iter().map(|a| a.address.clone()).collect())
        .unwrap_or_default()
}

impl PaymentScreen {
    fn clear_card(&mut self) {
        for f in &mut self.card.fields {
            f.clear();
        }
        self.card.focus = 0;
    }

    fn take_card(&mut self, ctx: &DrawCtx) -> Vec<Action> {
        // A refused key still stands at its field: the card waits for it.
        if self.card.has_errors() {
            return self.card.show_error();
        }
        let result = check_card(
            self.card.value(NUMBER),
            self.card.value(EXPIRY),
            self.card.value(CVC),
            ctx.today,
        );
        match result {
            Ok(_) => {
                // The session checks the same text again and keeps only
                // the summary; the number and code leave memory with it.
                let pay = PayInput::Card {
                    number: self.card.value(NUMBER).to_string(),
                    expiry: self.card.value(EXPIRY).to_string(),
                    cvv: self.card.value(CVC).to_string(),
                };
                self.clear_card();
                self.form = None;
                vec![Action::Order(Command::Pay(pay))]
            }
            Err(e) => {
                let field = if e.starts_with("expiry") {
                    EXPIRY
                } else if e.starts_with("security") {
                    CVC
                } else {
                    NUMBER
                };
                self.card.set_error(field, e);
                self.card.show_error()
            }
        }
    }
}

impl PaymentScreen {
    /// The expiry is checked as it is left (an empty one waits for Enter),
    /// by the parser the card check uses.
    fn leave_card_field(&mut self, ctx: &DrawCtx) -> Vec<Action> {
        if self.form != Some(Choice::NewCard) || self.card.focus != EXPIRY {
            return Vec::new();
        }
        match self.card.focused() {
            Some(f) if !f.value().trim().is_empty() => {
                f.expiry_value(ctx.today).err().unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }
}

/// The last four digits of the customer's stored card `i`.
fn stored_last4(ctx: &DrawCtx, i: usize) -> String {
    ctx.order
        .customer
        .as_ref()
        .and_then(|c| c.cards.get(i))
        .map(|s| s.summary.last4.clone())
        .unwrap_or_default()
}

impl PaymentScreen {
    /// A stored card: used at once when the challenge was answered in this
    /// call, else the question is asked first.
    fn stored_card(&mut self, ctx: &Ctx, i: usize) -> Vec<Action> {
        let last4 = stored_last4(ctx, i);
        let Some(id) = ctx.order.customer.as_ref().and_then(|c| c.id) else {
            return vec![];
        };
        if ctx.verified == Some(id) {
            return vec![Action::Order(Command::Pay(PayInput::Stored { last4 }))];
        }
        match ctx.lookup.challenge_question(id) {
            Ok(Some(q)) => {
                self.question = q;
                self.answer.clear();
                self.answer_error = None;
                self.form = Some(Choice::Stored(i));
                vec![]
            }
            Ok(None) => vec![Action::Error(
                "no challenge question on file: the stored card cannot be used; take a new card"
                    .into(),
            )],
            Err(e) => vec![Action::Error(format!("could not read the question: {e}"))],
        }
    }
}

impl Screen for PaymentScreen {
    fn bindings(&self, ctx: &DrawCtx) -> Vec<Binding> {
        match self.form {
            Some(Choice::NewCard) => {
                let mut b = vec![
                    Binding::new(
                        &[Key::plain(KeyCode::Enter)],
                        "Check and use card",
                        Cmd::UseCard,
                    ),
                    Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
                ];
                b.extend(field_moves());
                b
            }
            Some(Choice::Stored(_)) => vec![
                Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Check the answer",
                    Cmd::CheckAnswer,
                ),
                Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
            ],
            Some(_) => vec![
                Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Use on account",
                    Cmd::UseAccount,
                ),
                Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
            ],
            None => {
                let mut b = vec![if self.on_billing {
                    Binding::new(
                        &[Key::plain(KeyCode::Enter)],
                        "Bill to this address",
                        Cmd::BillTo,
                    )
                } else {
                    Binding::new(&[Key::plain(KeyCode::Enter)], "Choose", Cmd::ChoosePayment)
                }];
                if !addresses(ctx).is_empty() {
                    b.push(Binding::new(
                        &[Key::plain(KeyCode::Tab)],
                        if self.on_billing {
                            "Payment methods"
                        } else {
                            "Billing addresses"
                        },
                        Cmd::NextField,
                    ));
                    b.push(
                        Binding::new(
                            &[Key::plain(KeyCode::BackTab)],
                            "Billing / payment",
                            Cmd::PrevField,
                        )
                        .help_only(),
                    );
                }
                // The arrows only: PgUp/PgDn do not page these lists.
                b.extend(
                    list_moves()
                        .into_iter()
                        .filter(|m| matches!(m.cmd, Cmd::Up | Cmd::Down)),
                );
                b
            }
        }
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        let list = choices(ctx, self.credit);
        Some(match (&self.form, cmd) {
            (Some(Choice::NewCard), Cmd::UseCard) => self.take_card(ctx),
            (Some(Choice::Stored(_)), Cmd::CheckAnswer)
                if self.answer.value().trim().is_empty() =>
            {
                // Nothing typed is no attempt: it is not counted.
                self.answer_error = Some("type the customer's answer (Esc: another method)".into());
                vec![]
            }
            (Some(Choice::Stored(i)), Cmd::CheckAnswer) => {
                let last4 = stored_last4(ctx, *i);
                self.asked_challenge = Some(last4);
                vec![Action::Order(Command::VerifyChallenge {
                    answer: self.answer.value().to_string(),
                })]
            }
            (Some(_), Cmd::UseAccount) => {
                let po = self.po.value().trim().to_string();
                self.asked_account = true;
                vec![Action::Order(Command::Pay(PayInput::Account { po }))]
            }
            (Some(_), Cmd::Back) => {
                let mut show = self.card.dismiss();
                for f in [&mut self.po, &mut self.answer] {
                    let taken_off = f.dismiss();
                    if show.is_empty() {
                        show = taken_off;
                    }
                }
                self.clear_card();
                self.answer.clear();
                self.answer_error = None;
                self.account_error = None;
                self.form = None;
                show
            }
            (Some(_), Cmd::NextField) => {
                let show = self.leave_card_field(ctx);
                self.card.next();
                show
            }
            (Some(_), Cmd::PrevField) => {
                let show = self.leave_card_field(ctx);
                self.card.prev();
                show
            }
            (None, Cmd::NextField) | (None, Cmd::PrevField) => {
                self.on_billing = !self.on_billing && !addresses(ctx).is_empty();
                vec![]
            }
            (None, Cmd::BillTo) if self.on_billing => addresses(ctx)
                .get(self.billing.selected)
                .map(|a| {
                    vec![
                        Action::Order(Command::Billing { address: a.clone() }),
                        Action::Status(format!("Bill to: {}", a.one_line())),
                    ]
                })
                .unwrap_or_default(),
            (None, Cmd::Up) if self.on_billing => {
                self.billing.up();
                vec![]
            }
            (None, Cmd::Down) if self.on_billing => {
                self.billing.down(addresses(ctx).len());
                vec![]
            }
            (None, Cmd::ChoosePayment) => {
                match list.get(self.list.selected).map(|(c, _)| c.clone()) {
                    Some(Choice::NewCard) => {
                        self.form = Some(Choice::NewCard);
                        vec![]
                    }
                    Some(Choice::Account) => {
                        if let Some(Payment::Account { po_number }) = &ctx.order.payment {
                            self.po.set(po_number);
                        }
                        self.account_error = None;
                        self.form = Some(Choice::Account);
                        vec![]
                    }
                    Some(Choice::Stored(i)) => self.stored_card(ctx, i),
                    Some(Choice::Cod) => vec![Action::Order(Command::Pay(PayInput::Cod))],
                    None => vec![],
                }
            }
            (None, Cmd::Up) => {
                self.list.up();
                vec![]
            }
            (None, Cmd::Down) => {
                self.list.down(list.len());
                vec![]
            }
            _ => return None,
        })
    }

    fn input(&mut self, key: &KeyEvent, ctx: &Ctx) -> Vec<Action> {
        if self.form == Some(Choice::NewCard) && self.card.focus == EXPIRY {
            let Some(f) = self.card.focused() else {
                return vec![];
            };
            f.handle_key(key);
            let show = f.status();
            // MMYY is whole at four digits (MM/YY… may go on to MM/YYYY):
            // a valid one moves on to the security code.
            let v = f.value();
            if v.len() == 4
                && v.bytes().all(|b| b.is_ascii_digit())
                && check_expiry(v, ctx.today).is_ok()
            {
                self.card.focus = CVC;
            }
            return show;
        }
        let field = match self.form {
            Some(Choice::NewCard) => match self.card.focused() {
                Some(f) => f,
                None => return vec![],
            },
            Some(Choice::Stored(_)) => &mut self.answer,
            Some(_) => &mut self.po,
            None => return vec![],
        };
        let handled = field.handle_key(key);
        let show = field.status();
        if handled {
            match self.form {
                Some(Choice::Stored(_)) => self.answer_error = None,
                Some(Choice::Account | Choice::Cod) => self.account_error = None,
                _ => {}
            }
        }
        show
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        let field = match self.form {
            Some(Choice::NewCard) => match self.card.focused() {
                Some(f) => f,
                None => return vec![],
            },
            Some(Choice::Stored(_)) => &mut self.answer,
            Some(_) => &mut self.po,
            None => return vec![],
        };
        field.insert(text);
        field.status()
    }

    fn enter(&mut self, ctx: &Ctx) {
        let customer = ctx.order.customer.as_ref();
        let account = customer.and_then(|c| c.account.as_ref());
        self.credit = account.and_then(|a| ctx.lookup.account_credit(a.id).ok().flatten());
        if self.form.is_some() {
            return;
        }
        // What the order pays with is the row selected; what it still
        // needs opens at once (Esc goes back to the list).
        let list = choices(ctx, self.credit);
        let current = match &ctx.order.payment {
            Some(Payment::StoredCard(card)) => customer
                .and_then(|c| c.cards.iter().position(|k| k.id == card.id))
                .map(Choice::Stored),
            Some(Payment::Account { .. }) => Some(Choice::Account),
            Some(Payment::CashOnDelivery) => Some(Choice::Cod),
            Some(Payment::Card(_)) | None => None,
        };
        // The row of what it pays with now (a stored card's, once its
        // challenge is asked, Esc leaves on "New card": the other choice).
        if let Some(i) = current
            .as_ref()
            .filter(|c| !matches!(c, Choice::Stored(_)))
            .and_then(|c| list.iter().position(|(x, _)| x == c))
        {
            self.list.selected = i;
        }
        let verified =
            customer.and_then(|c| c.id).is_some() && ctx.verified == customer.and_then(|c| c.id);
        match (&ctx.order.payment, current) {
            // The default card was preselected: its challenge is asked now.
            (Some(Payment::StoredCard(_)), Some(Choice::Stored(i))) if !verified => {
                // No question on file: the list stays, Enter there says why.
                let _ = self.stored_card(ctx, i);
            }
            // Nothing chosen and nothing else to choose but cash on
            // delivery: the new card form, already selected, is open.
            (None, _) if list.len() <= 2 => {
                self.list.selected = 0;
                self.form = Some(Choice::NewCard);
            }
            _ => {}
        }
    }

    fn answered(&mut self, outcome: &Result<Done, Refusal>) -> Vec<Action> {
        if let Some(last4) = self.asked_challenge.take() {
            self.answer.clear();
            return match outcome {
                Ok(_) => {
                    self.form = None;
                    self.answer_error = None;
                    vec![Action::Order(Command::Pay(PayInput::Stored { last4 }))]
                }
                Err(r) => {
                    self.answer_error = Some(r.message.clone());
                    vec![]
                }
            };
        }
        if std::mem::take(&mut self.asked_account) {
            match outcome {
                Ok(_) => {
                    self.form = None;
                    self.account_error = None;
                }
                Err(r) => self.account_error = Some(r.message.clone()),
            }
        }
        vec![]
    }

    fn typing(&self) -> bool {
        self.form.is_some()
    }

    /// The PO number while paying on account is open. Never the card form
    /// (number, expiry, security code) nor a challenge answer.
    fn typed(&self) -> Option<serde_json::Value> {
        match self.form {
            Some(Choice::Account) => Some(serde_json::json!({
                "po": self.po.kept(),
                "row": self.list.selected,
            })),
            _ => None,
        }
    }

    fn restore_typed(&mut self, typed: &serde_json::Value) {
        if let Some(po) = typed.get("po") {
            self.po.put_back(po);
            if let Some(row) = typed.get("row").and_then(|r| r.as_u64()) {
                self.list.selected = row as usize;
            }
            self.account_error = None;
            self.form = Some(Choice::Account);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let width = area.width as usize;
        title(f, area, "Billing and payment", theme);
        // Rows past the body are not drawn (a long address book or many cards).
        let row = |y: u16| {
            if y < area.height {
                Rect::new(area.x, area.y + y, area.width, 1)
            } else {
                Rect::new(area.x, area.y, 0, 0)
            }
        };
        let billing = ctx
            .order
            .billing
            .as_ref()
            .map(|a| a.one_line())
            .unwrap_or_else(|| "none yet: pick a customer (F2)".into());
        f.render_widget(
            Line::raw(fit(&format!(" Bill to: {billing}"), width)),
            row(1),
        );
        let current = ctx
            .order
            .payment
            .as_ref()
            .map(|p| p.describe())
            .unwrap_or_else(|| "none yet".into());
        f.render_widget(
            Line::styled(fit(&format!(" Payment: {current}"), width), theme.title()),
            row(2),
        );
        let mut y = 4;
        let book = addresses(ctx);
        if !book.is_empty() {
            let focused = self.form.is_none() && self.on_billing;
            f.render_widget(
                Line::styled(
                    " Billing address (from the address book)",
                    if focused {
                        theme.title()
                    } else {
                        theme.label()
                    },
                ),
                row(y),
            );
            y += 1;
            const SHOWN: usize = 3;
            let from = self.billing.visible_from(SHOWN);
            for (i, a) in book.iter().enumerate().skip(from).take(SHOWN) {
                let (marker, style) = row_style(focused && i == self.billing.selected, theme);
                let chosen = if ctx.order.billing.as_ref() == Some(a) {
                    "* "
                } else {
                    "  "
                };
                let nick = if a.nickname.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", a.nickname)
                };
                f.render_widget(
                    Line::styled(
                        fit(&format!("{marker}{chosen}{nick}{}", a.one_line()), width),
                        style,
                    ),
                    row(y),
                );
                y += 1;
            }
            f.render_widget(
                Line::styled(
                    " Payment method",
                    if focused {
                        theme.label()
                    } else {
                        theme.title()
                    },
                ),
                row(y),
            );
            y += 1;
        }
        for (i, (_, label)) in choices(ctx, self.credit).iter().enumerate() {
            let selected = self.form.is_none() && !self.on_billing && i == self.list.selected;
            let (marker, style) = row_style(selected, theme);
            f.render_widget(
                Line::styled(fit(&format!("{marker}{label}"), width), style),
                row(y),
            );
            y += 1;
        }
        y += 1;
        match self.form {
            Some(Choice::NewCard) => {
                f.render_widget(
                    Line::styled(
                        " New card — only brand, last four and expiry are kept",
                        theme.label(),
                    ),
                    Rect::new(area.x + 1, area.y + y, area.width - 1, 1),
                );
                self.card.draw(
                    f,
                    Rect::new(area.x, area.y + y + 1, area.width, 3),
                    true,
                    theme,
                );
            }
            Some(Choice::Stored(_)) => {
                f.render_widget(
                    Line::styled(
                        fit(
                            &format!(" Stored card: ask the challenge — {}", self.question),
                            width,
                        ),
                        theme.label(),
                    ),
                    row(y),
                );
                self.answer.draw(f, row(y + 1), 13, true, theme);
                if let Some(e) = &self.answer_error {
                    f.render_widget(
                        Line::styled(fit(&format!("  ! {e}"), width), theme.error()),
                        row(y + 2),
                    );
                }
            }
            Some(_) => {
                let account = ctx.order.customer.as_ref().and_then(|c| c.account.as_ref());
                let required = account.is_some_and(|a| a.po_required);
                let lw = 13;
                self.po.draw(f, row(y), lw, true, theme);
                let cur = ctx.order.currency;
                let need = format!(
                    "  Order total {} {cur}; PO number {}",
                    cur.format(ctx.quote.total()),
                    if required { "required" } else { "optional" }
                );
                f.render_widget(Line::styled(fit(&need, width), theme.label()), row(y + 1));
                if let Some(e) = &self.account_error {
                    f.render_widget(
                        Line::styled(fit(&format!("  ! {e}"), width), theme.error()),
                        row(y + 2),
                    );
                }
            }
            None => {}
        }
    }
}

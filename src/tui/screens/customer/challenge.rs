//! The challenge question: asked before stored payment methods are shown
//! and before the password or answer may be changed. The store checks the
//! answer and audits wrong ones.

use super::{CustomerScreen, Mode};
use crate::domain::customer::Field;
use crate::tui::action::Action;
use crate::tui::keymap::{Binding, Cmd, Key};
use crate::tui::screens::Ctx;
use crate::tui::widgets::text_field::TextField;
use crossterm::event::KeyCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    ShowPayment,
    ChangeSecrets,
}

pub(super) struct Challenge {
    pub(super) customer_id: i64,
    pub(super) question: String,
    pub(super) answer: TextField,
    pub(super) purpose: Purpose,
}

impl CustomerScreen {
    /// The store's verdict on the challenge answer.
    pub fn challenge_result(&mut self, ok: bool, failures: i64) {
        let Some(c) = self.challenge.as_mut() else {
            return;
        };
        if ok {
            self.verified = Some(c.customer_id);
            if c.purpose == Purpose::ChangeSecrets {
                self.record.secrets_open = true;
                self.record.focus_on(Field::Password);
            }
            self.challenge = None;
            self.challenge_error = None;
        } else {
            c.answer.clear();
            self.challenge_error =
                Some(format!("wrong answer — recorded ({failures} wrong so far)"));
        }
    }

    /// The answer was not accepted for a reason other than being wrong
    /// (the customer's stored payment is locked): `message` says why.
    pub fn challenge_refused(&mut self, message: String) {
        if let Some(c) = self.challenge.as_mut() {
            c.answer.clear();
            self.challenge_error = Some(message);
        }
    }

    pub(super) fn ask_challenge(&mut self, ctx: &Ctx, purpose: Purpose) -> Vec<Action> {
        let id = match self.mode {
            Mode::Edit => self.record.id,
            _ => self.view.as_ref().map(|(id, _)| *id),
        };
        let Some(id) = id else {
            return vec![];
        };
        match ctx.lookup.challenge_question(id) {
            Ok(Some(question)) => {
                self.challenge = Some(Challenge {
                    customer_id: id,
                    question,
                    answer: TextField::new("Answer", 60).masked(),
                    purpose,
                });
                self.challenge_error = None;
                vec![]
            }
            Ok(None) => vec![Action::Error(
                "no challenge question on file: the customer cannot be verified".into(),
            )],
            Err(e) => vec![Action::Error(format!("could not read the question: {e}"))],
        }
    }

    /// The keys while the question is asked.
    pub(super) fn challenge_bindings() -> Vec<Binding> {
        vec![
            Binding::new(
                &[Key::plain(KeyCode::Enter)],
                "Check answer",
                Cmd::CheckAnswer,
            ),
            Binding::new(&[Key::plain(KeyCode::Esc)], "Cancel", Cmd::Back),
        ]
    }

    /// A command while the question is asked (None when it is not, or
    /// for a command the question does not take).
    pub(super) fn challenge_command(&mut self, cmd: Cmd) -> Option<Vec<Action>> {
        let c = self.challenge.as_mut()?;
        Some(match cmd {
            Cmd::CheckAnswer => vec![Action::CheckChallenge {
                customer_id: c.customer_id,
                answer: c.answer.value().to_string(),
            }],
            Cmd::Back => {
                self.challenge = None;
                vec![Action::Status("Challenge cancelled.".into())]
            }
            _ => return None,
        })
    }
}

//! Step 7, adjustments: the order comments (one for the customer, one for
//! the warehouse), saved with the order.

use super::{title, Ctx, Screen};
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, Binding, Cmd, Key};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Adjustments {
    comments: Form,
}

impl Default for Adjustments {
    fn default() -> Self {
        Adjustments {
            comments: Form::new(vec![
                TextField::new("For the customer", 200),
                TextField::new("For the warehouse", 200),
            ]),
        }
    }
}

impl Screen for Adjustments {
    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding> {
        let mut b = vec![Binding::new(
            &[Key::plain(KeyCode::Enter)],
            "Save comments",
            Cmd::Enter,
        )];
        b.extend(field_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, _ctx: &Ctx) -> Vec<Action> {
        match cmd {
            Cmd::Enter => vec![Action::SetComments {
                customer: self.comments.value(0).trim().to_string(),
                warehouse: self.comments.value(1).trim().to_string(),
            }],
            Cmd::NextField => {
                self.comments.next();
                vec![]
            }
            Cmd::PrevField => {
                self.comments.prev();
                vec![]
            }
            _ => vec![],
        }
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        if let Some(f) = self.comments.focused() {
            f.handle_key(key);
        }
        vec![]
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        if let Some(f) = self.comments.focused() {
            f.insert(text);
        }
        vec![]
    }

    fn typing(&self) -> bool {
        true
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.comments.fields[0].set(&ctx.order.comment_customer);
        self.comments.fields[1].set(&ctx.order.comment_warehouse);
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        title(f, area, "Adjustments — order comments", ctx.theme);
        self.comments.draw(
            f,
            Rect::new(area.x, area.y + 2, area.width, 2),
            true,
            ctx.theme,
        );
    }
}

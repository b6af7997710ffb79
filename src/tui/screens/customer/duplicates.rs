//! Possible duplicates, listed when a new customer is saved, a guest
//! order is started or a guest is registered: customers with the same e-mail, the same phone, or
//! the same last name and postal code. The operator opens one (takes that
//! customer for the order) or goes on anyway.

use super::{CustomerScreen, Mode};
use crate::domain::search_keys::KeySource;
use crate::domain::text::{fit, pad};
use crate::store::Duplicate;
use crate::tui::action::Action;
use crate::tui::flow::Step;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crate::tui::screens::{title, Ctx};
use crate::tui::theme::Theme;
use crate::tui::widgets::list::{row_style, ListState};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

/// Listed at most; more are rare (and the operator can search).
const LIMIT: usize = 50;

const NAME_W: usize = 22;
const PHONE_W: usize = 16;
const PLACE_W: usize = 14;

/// The list shown instead of the form until the operator chooses.
pub(super) struct Duplicates {
    rows: Vec<Duplicate>,
    list: ListState,
}

impl CustomerScreen {
    /// The customers the one about to be stored may be, unless the operator
    /// already chose to go on anyway with exactly these details. Some(list)
    /// stops the save to show it.
    /// `except`: the customer being registered, who is not their own
    /// duplicate.
    pub(super) fn check_duplicates(
        &mut self,
        who: &KeySource,
        except: Option<i64>,
        ctx: &Ctx,
    ) -> Option<Vec<Action>> {
        let fingerprint = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            who.last, who.first, who.email, who.phone, who.postal, who.country
        );
        if self.anyway.as_deref() == Some(fingerprint.as_str()) {
            return None;
        }
        let rows = match ctx.lookup.possible_duplicates(who, LIMIT) {
            Ok(rows) => rows
                .into_iter()
                .filter(|d| Some(d.row.id) != except)
                .collect::<Vec<_>>(),
            // Not being able to look is no reason to stop the operator.
            Err(e) => {
                self.anyway = Some(fingerprint);
                return Some(vec![Action::Error(format!(
                    "could not look for duplicates: {e}; save again to go on"
                ))]);
            }
        };
        if rows.is_empty() {
            return None;
        }
        let n = rows.len();
        self.anyway = Some(fingerprint);
        self.duplicates = Some(Duplicates {
            rows,
            list: ListState::default(),
        });
        let go_on = self.go_on_label();
        Some(vec![Action::Status(format!(
            "{n} possible duplicate{}: Enter opens one, ^S {go_on}, Esc back to the form.",
            if n == 1 { "" } else { "s" }
        ))])
    }

    fn go_on_label(&self) -> &'static str {
        match self.mode {
            Mode::Create => "creates anyway",
            Mode::Register => "registers anyway",
            _ => "orders as guest anyway",
        }
    }

    pub(super) fn duplicate_bindings(&self) -> Vec<Binding> {
        let go_on = match self.mode {
            Mode::Create => Binding::new(&[Key::ctrl('s')], "Create anyway", Cmd::SaveRecord),
            Mode::Register => {
                Binding::new(&[Key::ctrl('s')], "Register anyway", Cmd::RegisterGuest)
            }
            _ => Binding::new(&[Key::ctrl('s')], "Guest anyway", Cmd::StartGuestOrder),
        };
        let mut b = vec![
            Binding::new(
                &[Key::plain(KeyCode::Enter)],
                "Open customer",
                Cmd::PickCustomer,
            ),
            go_on,
            Binding::new(&[Key::plain(KeyCode::Esc)], "Back to form", Cmd::Back),
        ];
        b.extend(list_moves());
        b
    }

    pub(super) fn duplicate_command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        let d = self.duplicates.as_mut()?;
        match cmd {
            Cmd::PickCustomer => {
                let id = d.rows.get(d.list.selected)?.row.id;
                // The form is left for the customer on file.
                self.duplicates = None;
                self.saved();
                Some(vec![Action::pick(id), Action::Goto(Step::Customer)])
            }
            Cmd::SaveRecord | Cmd::StartGuestOrder | Cmd::RegisterGuest => {
                self.duplicates = None;
                self.command_on_form(cmd, ctx)
            }
            Cmd::Back => {
                self.duplicates = None;
                Some(vec![Action::Status(
                    "Back to the form; nothing saved.".into(),
                )])
            }
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                d.list.step(cmd, d.rows.len());
                Some(vec![])
            }
            _ => None,
        }
    }

    pub(super) fn draw_duplicates(&self, f: &mut Frame, area: Rect, theme: Theme) {
        let Some(d) = &self.duplicates else { return };
        let who = match self.mode {
            Mode::Create => "the new customer",
            _ => "the guest",
        };
        title(
            f,
            area,
            &fit(
                &format!("Possible duplicates of {who} — is the caller one of them?"),
                area.width as usize,
            ),
            theme,
        );
        f.render_widget(
            Line::styled(
                format!(
                    "  {} {} {} Why",
                    pad("Name", NAME_W),
                    pad("Phone", PHONE_W),
                    pad("City/postal", PLACE_W)
                ),
                theme.label(),
            ),
            Rect::new(area.x, area.y + 2, area.width, 1),
        );
        let top = area.y + 3;
        let height = area.bottom().saturating_sub(top) as usize;
        let from = d.list.visible_from(height);
        for (i, dup) in d.rows.iter().enumerate().skip(from).take(height) {
            let c = &dup.row;
            let (marker, style) = row_style(i == d.list.selected, theme);
            let mut name = format!("{}, {}", c.last_name, c.first_name);
            if c.guest {
                name.push_str(" (guest)");
            }
            let text = format!(
                "{marker}{} {} {} {}",
                pad(&name, NAME_W),
                pad(&c.phone, PHONE_W),
                pad(&format!("{} {}", c.city, c.postal_code), PLACE_W),
                dup.why()
            );
            f.render_widget(
                Line::styled(fit(&text, area.width as usize), style),
                Rect::new(area.x, top + (i - from) as u16, area.width, 1),
            );
        }
    }
}

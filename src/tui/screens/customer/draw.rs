//! Drawing of every mode of the customer screen: the record form, the
//! read-only view, the guest and registration forms, and the challenge
//! question over them.

use super::challenge::{Challenge, Purpose};
use super::form::{Choice, Row, SECTIONS};
use super::view::Tone;
use super::{CustomerScreen, Mode};
use crate::domain::customer::{AddressField, Field, DEMOGRAPHICS, LANGUAGES, PASSWORD_POLICY};
use crate::domain::money::Currency;
use crate::domain::text::{fit, pad};
use crate::tui::screens::{title, DrawCtx};
use crate::tui::theme::Theme;
use crate::tui::widgets::text_field::{fit_message, TextField};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// Label column and value box of the record form; messages go right of it.
const LABEL_W: u16 = 20;
const BOX_W: u16 = 25;

impl CustomerScreen {
    /// The whole screen in its current mode.
    pub(super) fn draw_screen(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        if self.duplicates.is_some() {
            return self.draw_duplicates(f, area, theme);
        }
        match self.mode {
            Mode::Create | Mode::Edit => self.draw_record(f, area, theme),
            Mode::View => self.draw_view(f, area, ctx),
            Mode::Register => {
                let name = ctx
                    .order
                    .customer
                    .as_ref()
                    .map(|c| c.name())
                    .unwrap_or_default();
                title(
                    f,
                    area,
                    &fit(
                        &format!("Register guest {name} — keeps their addresses"),
                        area.width as usize,
                    ),
                    theme,
                );
                for (i, field) in self.register.fields.iter().enumerate() {
                    let focused = i == self.register.focus && self.challenge.is_none();
                    let row = Rect::new(area.x, area.y + 2 + i as u16, area.width, 1);
                    draw_text_row(f, row, field, None, focused, theme);
                }
                f.render_widget(
                    Line::styled(
                        fit(
                            &format!("Password policy: {PASSWORD_POLICY}."),
                            area.width as usize,
                        ),
                        theme.dim(),
                    ),
                    Rect::new(area.x + 1, area.y + 8, area.width - 1, 1),
                );
            }
            Mode::Guest | Mode::Auto => {
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

    fn draw_record(&self, f: &mut Frame, area: Rect, theme: Theme) {
        let r = &self.record;
        let heading = if r.creating() {
            "New customer — every field; ^S saves".to_string()
        } else {
            format!("Edit customer {} — ^S saves", r.value(Field::Logon))
        };
        title(f, area, &fit(&heading, area.width as usize), theme);
        let mut tabs = Vec::new();
        for (i, name) in SECTIONS.iter().enumerate() {
            let label = format!(" {} {name} ", i + 1);
            tabs.push(if i == r.section {
                Span::styled(label, theme.selected())
            } else {
                Span::styled(label, theme.label())
            });
            tabs.push(Span::raw(" "));
        }
        tabs.push(Span::styled("PgUp/PgDn", theme.dim()));
        f.render_widget(
            Line::from(tabs),
            Rect::new(area.x, area.y + 1, area.width, 1),
        );
        let top = area.y + 2;
        let rows = r.rows();
        let focus = rows.iter().position(|x| *x == r.row()).unwrap_or(0);
        let mut y = top;
        for (i, row) in rows.iter().enumerate() {
            if y >= area.bottom() {
                break;
            }
            let focused = i == focus && self.challenge.is_none();
            self.draw_row(f, Rect::new(area.x, y, area.width, 1), *row, focused, theme);
            y += 1;
        }
        // Notes under the rows: the policy, the locked secrets, book-wide messages.
        let mut notes: Vec<(String, Style)> = r
            .stale_notes(area.width.saturating_sub(1) as usize)
            .into_iter()
            .map(|line| (line, theme.warn()))
            .collect();
        match r.section {
            0 if r.secrets_open => {
                notes.push((format!("Password policy: {PASSWORD_POLICY}."), theme.dim()));
                if !r.creating() {
                    notes.push((
                        "Leave password and answer blank to keep them.".into(),
                        theme.dim(),
                    ));
                }
            }
            0 => notes.push((
                "Password and answer unchanged: ^Y asks the challenge to change them.".into(),
                theme.dim(),
            )),
            2 => {
                if let Some(m) = r.error_at(Field::Addresses) {
                    notes.push((format!("! {m}"), theme.error()));
                }
                let others: Vec<String> = r
                    .errors
                    .iter()
                    .filter_map(|(f, _)| match f {
                        Field::Address(i, _) if *i != r.sel => {
                            r.book.get(*i).map(|b| b.value(AddressField::Nickname))
                        }
                        _ => None,
                    })
                    .collect();
                if !others.is_empty() {
                    notes.push((
                        format!("! also to fix: {}", others.join(", ")),
                        theme.error(),
                    ));
                }
            }
            _ => {}
        }
        let errors_elsewhere: Vec<&str> = r
            .errors
            .iter()
            .filter(|(f, _)| {
                let s = match f {
                    Field::Demographic(_) => 1,
                    Field::Addresses | Field::Address(..) => 2,
                    _ => 0,
                };
                s != r.section
            })
            .map(|(f, _)| match f {
                Field::Demographic(_) => SECTIONS[1],
                Field::Addresses | Field::Address(..) => SECTIONS[2],
                _ => SECTIONS[0],
            })
            .collect();
        if let Some(s) = errors_elsewhere.first() {
            notes.push((
                format!("! Section {s} has fields to fix (PgDn/PgUp)."),
                theme.error(),
            ));
        }
        for (text, style) in notes {
            if y + 1 > area.bottom() {
                break;
            }
            f.render_widget(
                Line::styled(fit(&text, area.width as usize), style),
                Rect::new(area.x + 1, y, area.width - 1, 1),
            );
            y += 1;
        }
        if let Some(c) = &self.challenge {
            self.draw_challenge(f, area, c, theme);
        }
    }

    fn draw_row(&self, f: &mut Frame, area: Rect, row: Row, focused: bool, theme: Theme) {
        let r = &self.record;
        let message = r.field_of(row).and_then(|fl| r.error_at(fl));
        let text_field = match row {
            Row::Text(fl) => r.text(fl),
            Row::Addr(a) => r.book.get(r.sel).map(|b| b.field(a)),
            _ => None,
        };
        if let Some(t) = text_field {
            draw_text_row(f, area, t, message, focused, theme);
        } else {
            let (label, value) = self.choice_text(row);
            let marker = if focused { ">" } else { " " };
            let spans = vec![
                Span::styled(
                    format!("{marker}{}", pad(&label, LABEL_W as usize - 1)),
                    if focused {
                        theme.title()
                    } else {
                        theme.label()
                    },
                ),
                Span::styled(
                    fit(&value, BOX_W as usize),
                    if focused {
                        theme.focused_field()
                    } else {
                        Default::default()
                    },
                ),
            ];
            f.render_widget(
                Line::from(spans),
                Rect::new(area.x, area.y, LABEL_W + BOX_W + 1, 1),
            );
            draw_message(f, area, message, theme);
        }
    }

    /// Label and shown value of a non-text row.
    fn choice_text(&self, row: Row) -> (String, String) {
        let r = &self.record;
        let arrows = |v: String| format!("◄ {v} ►");
        match row {
            Row::Choice(Choice::Currency) => (
                "Currency".into(),
                arrows(
                    Currency::ALL
                        .get(r.currency)
                        .map(|c| c.code().to_string())
                        .unwrap_or_default(),
                ),
            ),
            Row::Choice(Choice::Language) => (
                "Language".into(),
                arrows(
                    LANGUAGES
                        .get(r.language)
                        .map(|(c, n)| format!("{n} ({c})"))
                        .unwrap_or_default(),
                ),
            ),
            Row::Choice(Choice::Account) => (
                "Business account".into(),
                arrows(
                    r.account
                        .checked_sub(1)
                        .and_then(|i| self.accounts.get(i))
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| "none".into()),
                ),
            ),
            Row::Choice(Choice::Demographic(i)) => {
                let d = &DEMOGRAPHICS[i];
                let v = r.demographics[i]
                    .checked_sub(1)
                    .and_then(|k| d.values.get(k))
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "not given".into());
                (d.label.into(), arrows(v))
            }
            Row::Enabled => (
                "Enabled".into(),
                if r.enabled { "[x] yes" } else { "[ ] no" }.into(),
            ),
            Row::Picker => {
                let v = match r.book.get(r.sel) {
                    Some(b) => {
                        let nick = b.value(AddressField::Nickname);
                        let nick = if nick.is_empty() {
                            "(new)".into()
                        } else {
                            nick
                        };
                        arrows(format!("{} of {}: {nick}", r.sel + 1, r.book.len()))
                    }
                    None => "none yet — ^N adds one".into(),
                };
                ("Address".into(), v)
            }
            Row::DefaultShip => (
                "Default shipping".into(),
                mark(r.book.get(r.sel).is_some_and(|b| b.ship)),
            ),
            Row::DefaultBill => (
                "Default billing".into(),
                mark(r.book.get(r.sel).is_some_and(|b| b.bill)),
            ),
            Row::Text(_) | Row::Addr(_) => (String::new(), String::new()),
        }
    }

    fn draw_challenge(&self, f: &mut Frame, area: Rect, c: &Challenge, theme: Theme) {
        let width = area.width.min(70);
        let r = Rect::new(
            area.x + (area.width - width) / 2,
            area.y + area.height.saturating_sub(7) / 2,
            width,
            7.min(area.height),
        );
        f.render_widget(ratatui::widgets::Clear, r);
        let block = ratatui::widgets::Block::default()
            .borders(ratatui::widgets::Borders::ALL)
            .title(Line::styled(" Challenge question ", theme.title()));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let why = match c.purpose {
            Purpose::ShowPayment => "to show stored payment methods",
            Purpose::ChangeSecrets => "to change the password or answer",
        };
        f.render_widget(
            Line::raw(fit(&format!("Ask {why}:"), inner.width as usize)),
            Rect::new(inner.x, inner.y, inner.width, 1),
        );
        f.render_widget(
            Line::styled(fit(&c.question, inner.width as usize), theme.title()),
            Rect::new(inner.x, inner.y + 1, inner.width, 1),
        );
        c.answer.draw(
            f,
            Rect::new(inner.x, inner.y + 3, inner.width, 1),
            9,
            true,
            theme,
        );
        if let Some(e) = &self.challenge_error {
            f.render_widget(
                Line::styled(fit(&format!("! {e}"), inner.width as usize), theme.error()),
                Rect::new(inner.x, inner.y + 4, inner.width, 1),
            );
        }
    }

    fn draw_view(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let Some(c) = &ctx.order.customer else {
            return;
        };
        title(
            f,
            area,
            &fit(
                &format!("Customer record — {}", c.name()),
                area.width as usize,
            ),
            theme,
        );
        let lines = self.view_lines(c);
        for (i, (l, tone)) in lines
            .iter()
            .enumerate()
            .take(area.height.saturating_sub(1) as usize)
        {
            let style = match tone {
                Tone::Plain => Style::default(),
                Tone::Dim => theme.dim(),
                Tone::Error => theme.error(),
            };
            f.render_widget(
                Line::styled(fit(l, area.width as usize - 1), style),
                Rect::new(area.x + 1, area.y + 1 + i as u16, area.width - 1, 1),
            );
        }
        if let Some(ch) = &self.challenge {
            self.draw_challenge(f, area, ch, theme);
        }
    }
}

/// A text field in the record's layout: label, a box of [`BOX_W`], and its
/// message (the field's own, else `message`) beside the box.
fn draw_text_row(
    f: &mut Frame,
    area: Rect,
    field: &TextField,
    message: Option<&str>,
    focused: bool,
    theme: Theme,
) {
    let mut shown = field.clone();
    let own = field.message_beside().map(str::to_string);
    shown.error = None;
    shown.draw(
        f,
        Rect::new(area.x, area.y, (LABEL_W + BOX_W + 2).min(area.width), 1),
        LABEL_W,
        focused,
        theme,
    );
    draw_message(f, area, own.as_deref().or(message), theme);
}

fn draw_message(f: &mut Frame, area: Rect, message: Option<&str>, theme: Theme) {
    let Some(m) = message else {
        return;
    };
    let x = area.x + LABEL_W + BOX_W + 2;
    let w = area.right().saturating_sub(x);
    if w > 3 {
        // Cut after a whole word where it does not fit, never inside one
        // (a refused key's message is whole on the status line).
        let m = match fit_message(m, w as usize - 2) {
            cut if cut.is_empty() => "!".to_string(),
            cut => format!("! {cut}"),
        };
        f.render_widget(Line::styled(m, theme.error()), Rect::new(x, area.y, w, 1));
    }
}

fn mark(on: bool) -> String {
    if on {
        "(•) this one"
    } else {
        "( ) Space sets"
    }
    .into()
}

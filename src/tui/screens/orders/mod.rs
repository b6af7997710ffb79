//! Orders (F10, ^Q): placed orders, after the call. Not a step of the
//! flow; reached from anywhere, and from the customer's order history.
//! - Find (find.rs): by number, customer, phone, e-mail, postal code,
//!   dates and status; Enter searches, Enter again opens the order.
//! - View (view.rs): the order as stored and what happened since, with
//!   the changes typed and not yet confirmed and the difference they make.
//!   Its single-letter keys open the forms (forms.rs) that change it,
//!   cancel or hold it; Enter (^S) confirms the changes with a reason, Esc
//!   discards them (asking first) and goes back; `t` shows the text the
//!   customer hears.
//!
//! All of it goes through the session's servicing (session/servicing.rs):
//! the screen draws from its case and sends [`Service`] actions.

mod find;
mod forms;
mod view;

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::lifecycle::OrderStatus;
use crate::domain::text::fit;
use crate::session::servicing::{Case, OrderSearch};
use crate::session::Refusal;
use crate::store::FoundOrder;
use crate::tui::action::{Action, Service};
use crate::tui::flow::Step;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crate::tui::theme::Theme;
use crate::tui::widgets::key_bar;
use crossterm::event::{KeyCode, KeyEvent};
use forms::{Next, OrderForm, Then};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use std::cell::Cell;
use view::{Allowed, Tone};

/// Rows PgUp/PgDn scroll the order.
const PAGE: usize = 10;

enum Mode {
    Find,
    View,
    /// The confirmation text, as the customer hears it.
    Text(Vec<String>),
    /// Esc with changes not confirmed: drop them?
    Discard,
    Form(OrderForm),
}

pub struct Orders {
    find: find::Find,
    mode: Mode,
    /// Where Esc from the open order goes: None, this screen's list.
    back: Option<Step>,
    /// First row of the order (or its text) shown.
    scroll: usize,
    /// The most it can scroll, as last drawn.
    max_scroll: Cell<usize>,
    /// Why the session refused what the open form sent, whole (the status
    /// line may cut it): a conflict's account of what happened meanwhile.
    told: Option<String>,
}

impl Default for Orders {
    fn default() -> Self {
        Orders {
            find: find::Find::default(),
            mode: Mode::Find,
            back: None,
            scroll: 0,
            max_scroll: Cell::new(0),
            told: None,
        }
    }
}

impl Orders {
    /// The session opened an order: its view, Esc going back to `from`.
    pub fn opened(&mut self, from: Option<Step>) {
        self.mode = Mode::View;
        self.back = from;
        self.scroll = 0;
    }

    /// The session's answer to a search.
    pub fn found(
        &mut self,
        search: &OrderSearch,
        outcome: Result<Vec<FoundOrder>, Refusal>,
    ) -> Vec<Action> {
        self.find.found(search, outcome)
    }

    /// The session's answer to what this screen asked: a form whose
    /// service was done closes; a refused one stays, as typed.
    pub fn serviced(&mut self, service: &Service, outcome: &Result<String, Refusal>) {
        let said = match outcome {
            Ok(said) => said,
            Err(r) => {
                if matches!(self.mode, Mode::Form(_)) {
                    self.told = Some(r.message.clone());
                }
                return;
            }
        };
        self.told = None;
        match service {
            Service::Text => {
                self.mode = Mode::Text(said.lines().map(str::to_string).collect());
                self.scroll = 0;
            }
            Service::Find(_) | Service::Close | Service::Discard => {}
            _ => {
                if matches!(self.mode, Mode::Form(_)) {
                    self.mode = Mode::View;
                }
            }
        }
    }

    /// Back from the order: it is closed; to the list, or where it was
    /// opened from.
    fn leave(&mut self) -> Vec<Action> {
        self.mode = Mode::Find;
        self.scroll = 0;
        let mut out = vec![Action::Service(Service::Close)];
        if let Some(step) = self.back.take() {
            out.push(Action::Goto(step));
        }
        out
    }

    fn back_label(&self) -> &'static str {
        match self.back {
            Some(Step::History) => "Back to the history",
            Some(_) => "Back",
            None => "Back to the list",
        }
    }

    fn view_bindings(&self, case: Option<&Case>) -> Vec<Binding> {
        let esc = Key::plain(KeyCode::Esc);
        let Some(case) = case else {
            return vec![Binding::new(&[esc], self.back_label(), Cmd::Back)];
        };
        let allowed = Allowed::of(case);
        // What the order's state refuses stays bound (the key says why)
        // but is not offered in the key bar; the view says why too.
        let offer = |b: Binding, ok: bool| if ok { b } else { b.help_only() };
        let pending = !case.changes.is_empty();
        let change = allowed.change.is_ok();
        let mut b = Vec::new();
        if pending {
            b.push(offer(
                Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Confirm",
                    Cmd::ConfirmChanges,
                ),
                change,
            ));
            b.push(Binding::new(&[esc], "Discard", Cmd::Back));
        }
        for (c, label, cmd) in [
            ('q', "Quantity", Cmd::OrderQuantity),
            ('a', "Add line", Cmd::OrderAddLine),
            ('x', "Cancel line", Cmd::OrderCancelLine),
            ('s', "Address", Cmd::OrderAddress),
            ('m', "Method", Cmd::OrderMethod),
        ] {
            b.push(offer(Binding::new(&[Key::letter(c)], label, cmd), change));
        }
        let hold = Binding::new(&[Key::letter('h')], "Hold", Cmd::HoldOrder);
        let release = Binding::new(&[Key::letter('r')], "Release hold", Cmd::ReleaseHold);
        if case.stored.status == OrderStatus::Held {
            b.push(release);
            b.push(hold.help_only());
        } else {
            b.push(offer(hold, allowed.hold.is_ok()));
            b.push(release.help_only());
        }
        b.push(Binding::new(&[Key::letter('t')], "Text", Cmd::OrderText));
        b.push(offer(
            Binding::new(&[Key::letter('c')], "Cancel order", Cmd::CancelOrder),
            allowed.cancel.is_ok() && !pending,
        ));
        if !pending {
            b.push(Binding::new(&[esc], self.back_label(), Cmd::Back));
        }
        b.extend(list_moves());
        b
    }

    fn scroll_by(&mut self, cmd: Cmd) {
        let max = self.max_scroll.get();
        self.scroll = match cmd {
            Cmd::Up => self.scroll.saturating_sub(1),
            Cmd::Down => self.scroll + 1,
            Cmd::PageUp => self.scroll.saturating_sub(PAGE),
            _ => self.scroll + PAGE,
        }
        .min(max);
    }

    fn view_command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        let Some(case) = ctx.case else {
            return match cmd {
                Cmd::Back => Some(self.leave()),
                _ => None,
            };
        };
        let allowed = Allowed::of(case);
        let refused =
            |what: &str, why: &String| vec![Action::Error(format!("cannot {what}: {why}"))];
        let open = |form: OrderForm| Mode::Form(form);
        let next = match (cmd, case.edited.as_ref()) {
            (
                Cmd::OrderQuantity
                | Cmd::OrderAddLine
                | Cmd::OrderCancelLine
                | Cmd::OrderAddress
                | Cmd::OrderMethod,
                order,
            ) => {
                // `Allowed` refuses an order without its edited form too.
                let o = match (&allowed.change, order) {
                    (Ok(()), Some(o)) => o,
                    (Err(why), _) => return Some(refused("change the order", why)),
                    (Ok(()), None) => return Some(vec![]),
                };
                open(match cmd {
                    Cmd::OrderQuantity => OrderForm::quantity(o),
                    Cmd::OrderAddLine => OrderForm::add(),
                    Cmd::OrderCancelLine => OrderForm::cancel_line(o),
                    _ => {
                        let then = if cmd == Cmd::OrderAddress {
                            Then::Address
                        } else {
                            Then::Method
                        };
                        match OrderForm::ship_to(o, then, ctx) {
                            Ok(form) => form,
                            Err(e) => return Some(vec![Action::Error(e)]),
                        }
                    }
                })
            }
            (Cmd::ConfirmChanges, _) if case.changes.is_empty() => {
                return Some(vec![Action::Error("no changes to confirm".into())]);
            }
            (Cmd::ConfirmChanges, _) => match &allowed.change {
                Ok(()) => open(OrderForm::confirm()),
                Err(why) => return Some(refused("confirm the changes", why)),
            },
            // The changes would be lost with the order: they go first.
            (Cmd::CancelOrder, _) if !case.changes.is_empty() => {
                return Some(vec![Action::Error(
                    "confirm (Enter) or discard (Esc) the changes first".into(),
                )]);
            }
            (Cmd::CancelOrder, _) => match &allowed.cancel {
                Ok(()) => open(OrderForm::cancel()),
                Err(why) => return Some(refused("cancel the order", why)),
            },
            (Cmd::HoldOrder, _) => match &allowed.hold {
                Ok(()) => open(OrderForm::hold()),
                Err(why) => return Some(refused("hold the order", why)),
            },
            (Cmd::ReleaseHold, _) => match &allowed.release {
                Ok(()) => open(OrderForm::release_hold()),
                Err(why) => return Some(refused("release the hold", why)),
            },
            (Cmd::OrderText, _) => return Some(vec![Action::Service(Service::Text)]),
            (Cmd::Back, _) if !case.changes.is_empty() => Mode::Discard,
            (Cmd::Back, _) => return Some(self.leave()),
            (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown, _) => {
                self.scroll_by(cmd);
                return Some(vec![]);
            }
            _ => return None,
        };
        self.mode = next;
        Some(vec![])
    }

    /// The open order: title, its rows (scrolled), the form or question
    /// open, and the changes waiting on the last row.
    fn draw_order(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let width = area.width as usize;
        let row = |i: u16| Rect::new(area.x, area.y + i, area.width, 1);
        let Some(case) = ctx.case else {
            title(f, area, "Orders", theme);
            f.render_widget(Line::raw("  No order is open."), row(2));
            return;
        };
        let head = match view::customer(case) {
            who if who.is_empty() => format!(
                "Order {} — {}",
                case.stored.order_no,
                case.stored.status.label()
            ),
            who => format!(
                "Order {} — {who} — {}",
                case.stored.order_no,
                case.stored.status.label()
            ),
        };
        if let Mode::Text(lines) = &self.mode {
            title(
                f,
                area,
                &fit(&format!("{head} — as the customer hears it"), width),
                theme,
            );
            let rows: Vec<(String, Tone)> = lines
                .iter()
                .flat_map(|l| view::wrap(l, width, 6))
                .map(|l| (l, Tone::Plain))
                .collect();
            self.draw_rows(
                f,
                Rect::new(
                    area.x,
                    area.y + 1,
                    area.width,
                    area.height.saturating_sub(1),
                ),
                &rows,
                theme,
            );
            return;
        }
        title(f, area, &fit(&head, width), theme);
        let mut bottom = area.bottom();
        if let Some(p) = view::pending(case) {
            bottom = bottom.saturating_sub(1);
            f.render_widget(
                Line::styled(fit(&p, width), theme.warn()),
                Rect::new(area.x, bottom, area.width, 1),
            );
        }
        // The keys the key bar has no room for, from the same table.
        let bindings = self.bindings(ctx);
        let (_, more) = key_bar::split(&bindings, area.width);
        if !more.is_empty() {
            bottom = bottom.saturating_sub(1);
            let mut spans = vec![Span::raw("More keys:")];
            for b in more {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(b.keys_label(), theme.key()));
                spans.push(Span::raw(format!(" {}", b.label)));
            }
            f.render_widget(Line::from(spans), Rect::new(area.x, bottom, area.width, 1));
        }
        match &self.mode {
            Mode::Form(form) => {
                let order = case.edited.as_ref();
                let h = form.height(order).min(bottom.saturating_sub(area.y + 4));
                bottom = bottom.saturating_sub(h);
                form.draw(f, Rect::new(area.x, bottom, area.width, h), order, theme);
                if let Some(told) = &self.told {
                    let rows = view::wrap(&format!("! {told}"), width, 2);
                    let h = (rows.len() as u16).min(bottom.saturating_sub(area.y + 4));
                    bottom = bottom.saturating_sub(h);
                    for (i, r) in rows.iter().take(h as usize).enumerate() {
                        f.render_widget(
                            Line::styled(r.clone(), theme.error()),
                            Rect::new(area.x, bottom + i as u16, area.width, 1),
                        );
                    }
                }
            }
            Mode::Discard => {
                bottom = bottom.saturating_sub(2);
                let n = case.changes.len();
                let question = if n == 1 {
                    "── Discard the change not confirmed?".to_string()
                } else {
                    format!("── Discard the {n} changes not confirmed?")
                };
                f.render_widget(
                    Line::styled(fit(&question, width), theme.title()),
                    Rect::new(area.x, bottom, area.width, 1),
                );
                let hints = crate::tui::keymap::hint_line(&discard_keys());
                f.render_widget(
                    Line::raw(fit(&format!("   {hints}"), width)),
                    Rect::new(area.x, bottom + 1, area.width, 1),
                );
            }
            _ => {}
        }
        let rows: Vec<(String, Tone)> = view::content(case)
            .into_iter()
            .flat_map(|(text, tone)| {
                view::wrap(&text, width, 6)
                    .into_iter()
                    .map(move |r| (r, tone))
            })
            .collect();
        let body = Rect::new(
            area.x,
            area.y + 1,
            area.width,
            bottom.saturating_sub(area.y + 1),
        );
        self.draw_rows(f, body, &rows, theme);
    }

    /// `rows` from the scroll position down, as many as fit.
    fn draw_rows(&self, f: &mut Frame, area: Rect, rows: &[(String, Tone)], theme: Theme) {
        let height = area.height as usize;
        self.max_scroll.set(rows.len().saturating_sub(height));
        let from = self.scroll.min(self.max_scroll.get());
        for (i, (text, tone)) in rows.iter().skip(from).take(height).enumerate() {
            let style = match tone {
                Tone::Heading => theme.title(),
                Tone::Warn => theme.warn(),
                Tone::Plain => Style::default(),
            };
            f.render_widget(
                Line::styled(fit(text, area.width as usize), style),
                Rect::new(area.x, area.y + i as u16, area.width, 1),
            );
        }
    }
}

/// The question's keys: its hint line is drawn from them.
fn discard_keys() -> Vec<Binding> {
    vec![
        Binding::new(&[Key::letter('y')], "discard them", Cmd::DiscardChanges),
        Binding::new(
            &[Key::plain(KeyCode::Esc), Key::letter('n')],
            "keep them",
            Cmd::Back,
        ),
    ]
}

impl Screen for Orders {
    fn bindings(&self, ctx: &DrawCtx) -> Vec<Binding> {
        match &self.mode {
            Mode::Find => self.find.bindings(),
            Mode::View => self.view_bindings(ctx.case),
            Mode::Text(_) => {
                let mut b = vec![Binding::new(
                    &[Key::plain(KeyCode::Esc)],
                    "Back to the order",
                    Cmd::Back,
                )];
                b.extend(list_moves());
                b
            }
            Mode::Discard => discard_keys(),
            Mode::Form(form) => form.bindings(),
        }
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        match &mut self.mode {
            Mode::Find => self.find.command(cmd),
            Mode::View => self.view_command(cmd, ctx),
            Mode::Text(_) => {
                match cmd {
                    Cmd::Back => {
                        self.mode = Mode::View;
                        self.scroll = 0;
                    }
                    Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => self.scroll_by(cmd),
                    _ => return None,
                }
                Some(vec![])
            }
            Mode::Discard => match cmd {
                Cmd::DiscardChanges => {
                    let mut out = vec![
                        Action::Service(Service::Discard),
                        Action::Status("Changes discarded; the order is as stored.".into()),
                    ];
                    out.extend(self.leave());
                    Some(out)
                }
                Cmd::Back => {
                    self.mode = Mode::View;
                    Some(vec![Action::Status("The changes are kept.".into())])
                }
                _ => None,
            },
            Mode::Form(form) => match form.command(cmd, ctx)? {
                Next::Stay(actions) => Some(actions),
                Next::Close(actions) => {
                    self.mode = Mode::View;
                    self.told = None;
                    Some(actions)
                }
                Next::Open(next) => {
                    *form = next;
                    self.told = None;
                    Some(vec![])
                }
            },
        }
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        match &mut self.mode {
            Mode::Find => self.find.input(key),
            Mode::Form(form) => form.input(key),
            _ => Vec::new(),
        }
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        match &mut self.mode {
            Mode::Find => self.find.paste(text),
            Mode::Form(form) => form.paste(text),
            _ => Vec::new(),
        }
    }

    fn typing(&self) -> bool {
        match &self.mode {
            Mode::Find => true,
            Mode::Form(form) => form.typing(),
            _ => false,
        }
    }

    /// Shown again: the open order if there is one (with its changes and
    /// the form left open), else the search.
    fn enter(&mut self, ctx: &Ctx) {
        match (ctx.case, &self.mode) {
            (None, _) => {
                self.mode = Mode::Find;
                self.back = None;
            }
            (Some(_), Mode::Find) => self.mode = Mode::View,
            _ => {}
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        match &self.mode {
            Mode::Find => self.find.draw(f, area, ctx.theme),
            _ => self.draw_order(f, area, ctx),
        }
    }
}

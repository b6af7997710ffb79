//! Step 7, adjustments: the discounts pricing applied (with what was left
//! out and why), the customer's coupons for one-key redemption or a typed
//! code, the operator's overrides — shipping charge per shipment, an
//! amount off the subtotal, a line's unit price — each with a reason and
//! within the operator's limit, and the two order comments.
//!
//! The screen only asks: the session checks coupons and adjustments (and
//! records the operator), and its answer comes back through
//! `Screen::answered`, so a refusal stands at its field.

mod coupons;
mod form;
mod rows;

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::coupon_offer::Offer;
use crate::domain::promotion::Coupon;
use crate::domain::rules::Limits;
use crate::domain::text::fit;
use crate::session::{Command, Done, Refusal};
use crate::tui::action::Action;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use coupons::{first, offered};
use crossterm::event::{KeyCode, KeyEvent};
use form::{adjustment_on, amount_label, EditForm, Target};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use rows::{applied_lines, describe_row, rows, Row};
use rust_decimal::Decimal;

/// Rows of the list shown at once (the body is 20 rows at 80x24).
const LIST_ROWS: usize = 9;
/// Rows for the discounts applied and the notes.
const APPLIED_ROWS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    List,
    Code,
    Customer,
    Warehouse,
}

pub struct Adjustments {
    focus: Focus,
    list: ListState,
    code: TextField,
    code_error: Option<String>,
    comments: Form,
    form: Option<EditForm>,
    reasons: Vec<(String, String)>,
    available: Vec<Coupon>,
    limits: Option<(Decimal, Decimal)>,
    /// The operator's limits, read when a waiver form opens.
    waiver_limits: Option<Limits>,
    /// A coupon just redeemed: if pricing does not apply it, why is shown
    /// at the code field.
    pending: Option<String>,
    /// What the last order command this screen sent was about.
    asked: Option<Asked>,
    load_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Asked {
    Coupon(String),
    Adjustment,
}

impl Default for Adjustments {
    fn default() -> Self {
        Adjustments {
            focus: Focus::List,
            list: ListState::default(),
            code: TextField::new("Coupon code", 30),
            code_error: None,
            comments: Form::new(vec![
                TextField::new("For the customer", 200),
                TextField::new("For the warehouse", 200),
            ]),
            form: None,
            reasons: Vec::new(),
            available: Vec::new(),
            limits: None,
            waiver_limits: None,
            pending: None,
            asked: None,
            load_error: None,
        }
    }
}

impl Adjustments {
    fn selected_row(&self, ctx: &DrawCtx) -> Option<Row> {
        rows(ctx, &self.available).get(self.list.selected).cloned()
    }

    fn comment_actions(&self) -> Vec<Action> {
        vec![Action::Order(Command::Comment {
            customer: Some(self.comments.value(0).trim().to_string()),
            warehouse: Some(self.comments.value(1).trim().to_string()),
        })]
    }

    fn move_focus(&mut self, forward: bool) {
        const ORDER: [Focus; 4] = [Focus::List, Focus::Code, Focus::Customer, Focus::Warehouse];
        let i = ORDER.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = if forward { i + 1 } else { i + ORDER.len() - 1 } % ORDER.len();
        self.focus = ORDER[n % ORDER.len()];
        match self.focus {
            Focus::Customer => self.comments.focus = 0,
            Focus::Warehouse => self.comments.focus = 1,
            _ => {}
        }
    }

    fn focused_field(&mut self) -> Option<&mut TextField> {
        if let Some(f) = &mut self.form {
            // A waiver has no amount to type.
            return match f.target {
                Target::Waiver(_) => None,
                _ => Some(&mut f.amount),
            };
        }
        match self.focus {
            Focus::List => None,
            Focus::Code => Some(&mut self.code),
            Focus::Customer => self.comments.fields.get_mut(0),
            Focus::Warehouse => self.comments.fields.get_mut(1),
        }
    }
}

impl Screen for Adjustments {
    fn bindings(&self, ctx: &DrawCtx) -> Vec<Binding> {
        let enter = |label, cmd| Binding::new(&[Key::plain(KeyCode::Enter)], label, cmd);
        let esc = |label| Binding::new(&[Key::plain(KeyCode::Esc)], label, Cmd::Back);
        let tab = Binding::new(&[Key::plain(KeyCode::Tab)], "Next", Cmd::NextField);
        let back_tab =
            Binding::new(&[Key::plain(KeyCode::BackTab)], "Previous", Cmd::PrevField).help_only();
        if let Some(form) = &self.form {
            let mut b = vec![
                enter("Apply", Cmd::ApplyAdjustment),
                esc("Cancel"),
                Binding::new(&[Key::plain(KeyCode::Up)], "Reason", Cmd::PrevChoice),
                Binding::new(&[Key::plain(KeyCode::Down)], "Next reason", Cmd::NextChoice)
                    .help_only(),
            ];
            if matches!(form.target, Target::Price(_)) {
                b.push(Binding::new(
                    &[Key::plain(KeyCode::Tab)],
                    "Net price on/off",
                    Cmd::Mark,
                ));
            }
            return b;
        }
        match self.focus {
            Focus::List => {
                let mut b = Vec::new();
                let row = self.selected_row(ctx);
                match &row {
                    Some(Row::Available(code)) => {
                        let usable = self
                            .available
                            .iter()
                            .find(|c| c.code == *code)
                            .and_then(|c| offered(ctx, c))
                            == Some(Offer::Usable);
                        if usable {
                            b.push(enter("Redeem coupon", Cmd::Redeem))
                        }
                    }
                    Some(Row::Shipping(_)) | Some(Row::Subtotal) | Some(Row::Price(_)) => {
                        b.push(enter("Adjust", Cmd::Adjust))
                    }
                    _ => {}
                }
                if let Some(Row::Shipping(_)) = &row {
                    b.push(Binding::new(
                        &[Key::letter('w')],
                        "Waive shipping",
                        Cmd::WaiveShipping,
                    ));
                }
                let removable = match &row {
                    Some(Row::Redeemed(_)) => true,
                    Some(Row::Shipping(n)) => adjustment_on(ctx, Target::Shipping(*n)).is_some(),
                    Some(Row::Subtotal) => adjustment_on(ctx, Target::Subtotal).is_some(),
                    Some(Row::Price(n)) => adjustment_on(ctx, Target::Price(*n)).is_some(),
                    _ => false,
                };
                if removable {
                    b.push(Binding::new(
                        &[Key::plain(KeyCode::Delete)],
                        "Remove",
                        Cmd::RemoveAdjustment,
                    ));
                }
                b.push(Binding::new(
                    &[Key::plain(KeyCode::Tab)],
                    "Code, comments",
                    Cmd::NextField,
                ));
                b.push(back_tab);
                b.extend(list_moves());
                b
            }
            Focus::Code => vec![
                enter("Redeem code", Cmd::Redeem),
                esc("Back to list"),
                tab,
                back_tab,
            ],
            Focus::Customer | Focus::Warehouse => vec![
                enter("Save comments", Cmd::SaveComments),
                esc("Back to list"),
                tab,
                back_tab,
            ],
        }
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        if let Some(form) = &mut self.form {
            let n = self.reasons.len().max(1);
            match cmd {
                Cmd::ApplyAdjustment => return Some(self.apply_form(ctx)),
                Cmd::Back => {
                    let show = form.amount.dismiss();
                    self.form = None;
                    return Some(show);
                }
                Cmd::PrevChoice => form.reason = (form.reason + n - 1) % n,
                Cmd::NextChoice => form.reason = (form.reason + 1) % n,
                Cmd::Mark if matches!(form.target, Target::Price(_)) => form.net = !form.net,
                _ => return None,
            }
            return Some(vec![]);
        }
        let len = rows(ctx, &self.available).len();
        match (self.focus, cmd) {
            (_, Cmd::NextField) => self.move_focus(true),
            (_, Cmd::PrevField) => self.move_focus(false),
            (_, Cmd::Back) => self.focus = Focus::List,
            (Focus::List, Cmd::Up) => self.list.up(),
            (Focus::List, Cmd::Down) => self.list.down(len),
            (Focus::List, Cmd::PageUp) => self.list.page_up(LIST_ROWS),
            (Focus::List, Cmd::PageDown) => self.list.page_down(len, LIST_ROWS),
            (Focus::List, Cmd::Redeem) => {
                if let Some(Row::Available(code)) = self.selected_row(ctx) {
                    return Some(self.redeem(code));
                }
            }
            (Focus::List, Cmd::WaiveShipping) => {
                if let Some(Row::Shipping(n)) = self.selected_row(ctx) {
                    self.open_form(Target::Waiver(n), ctx);
                }
            }
            (Focus::List, Cmd::Adjust) => match self.selected_row(ctx) {
                Some(Row::Shipping(n)) => self.open_form(Target::Shipping(n), ctx),
                Some(Row::Subtotal) => self.open_form(Target::Subtotal, ctx),
                Some(Row::Price(n)) => self.open_form(Target::Price(n), ctx),
                _ => {}
            },
            (Focus::List, Cmd::RemoveAdjustment) => {
                let target = match self.selected_row(ctx) {
                    Some(Row::Redeemed(code)) => {
                        return Some(vec![Action::Order(Command::RemoveCoupon { code })])
                    }
                    Some(Row::Shipping(n)) => Target::Shipping(n),
                    Some(Row::Subtotal) => Target::Subtotal,
                    Some(Row::Price(n)) => Target::Price(n),
                    _ => return Some(vec![]),
                };
                if let Some(i) = adjustment_on(ctx, target) {
                    return Some(vec![Action::Order(Command::RemoveAdjustment {
                        index: i + 1,
                    })]);
                }
            }
            (Focus::Code, Cmd::Redeem) => {
                let typed = self.code.value().trim().to_string();
                if typed.is_empty() {
                    self.code_error = Some("type a coupon code".into());
                    return Some(vec![]);
                }
                return Some(self.redeem(typed));
            }
            (Focus::Customer | Focus::Warehouse, Cmd::SaveComments) => {
                return Some(self.comment_actions())
            }
            _ => return None,
        }
        Some(vec![])
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        let on_code = self.form.is_none() && self.focus == Focus::Code;
        let Some(f) = self.focused_field() else {
            return vec![];
        };
        let before = f.value().to_string();
        let handled = f.handle_key(key);
        let changed = f.value() != before;
        let show = f.status();
        if handled && on_code {
            self.code_error = None;
        }
        // The amount's message goes once the amount is edited.
        if let (true, Some(form)) = (changed, &mut self.form) {
            form.error = None;
        }
        show
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        let Some(f) = self.focused_field() else {
            return vec![];
        };
        let before = f.value().to_string();
        f.insert(text);
        let changed = f.value() != before;
        let show = f.status();
        if let (true, Some(form)) = (changed, &mut self.form) {
            form.error = None;
        }
        show
    }

    fn typing(&self) -> bool {
        self.form.is_some() || self.focus != Focus::List
    }

    /// The coupon code, the two comments, which of them has the keys, and
    /// an adjustment's form while it is open (what it adjusts, the amount,
    /// the reason); nothing while all of it is empty and the list has the
    /// keys.
    fn typed(&self) -> Option<serde_json::Value> {
        let form = self.form.as_ref().map(|f| {
            let target = match f.target {
                Target::Shipping(n) => format!("shipping:{n}"),
                Target::Waiver(n) => format!("waiver:{n}"),
                Target::Subtotal => "subtotal".to_string(),
                Target::Price(n) => format!("price:{n}"),
            };
            serde_json::json!({"target": target, "amount": f.amount.kept(), "reason": f.reason, "net": f.net})
        });
        let focus = match self.focus {
            Focus::List => "list",
            Focus::Code => "code",
            Focus::Customer => "customer",
            Focus::Warehouse => "warehouse",
        };
        if form.is_none()
            && self.focus == Focus::List
            && self.code.value().is_empty()
            && self.comments.is_blank()
        {
            return None;
        }
        Some(serde_json::json!({
            "code": self.code.kept(),
            "comments": self.comments.kept(),
            "focus": focus,
            "form": form,
        }))
    }

    fn restore_typed(&mut self, typed: &serde_json::Value) {
        if let Some(v) = typed.get("code") {
            self.code.put_back(v);
        }
        if let Some(v) = typed.get("comments") {
            self.comments.put_back(v);
        }
        self.focus = match typed.get("focus").and_then(|f| f.as_str()) {
            Some("code") => Focus::Code,
            Some("customer") => Focus::Customer,
            Some("warehouse") => Focus::Warehouse,
            _ => Focus::List,
        };
        match self.focus {
            Focus::Customer => self.comments.focus = 0,
            Focus::Warehouse => self.comments.focus = 1,
            _ => {}
        }
        let Some(form) = typed.get("form").filter(|f| !f.is_null()) else {
            return;
        };
        let number = |t: &str, prefix: &str| t.strip_prefix(prefix)?.parse::<usize>().ok();
        let target = match form.get("target").and_then(|t| t.as_str()) {
            Some("subtotal") => Target::Subtotal,
            Some(t) => match (number(t, "shipping:"), number(t, "price:")) {
                (Some(n), _) => Target::Shipping(n),
                (_, Some(n)) => Target::Price(n),
                _ => match number(t, "waiver:") {
                    Some(n) => Target::Waiver(n),
                    None => return,
                },
            },
            None => return,
        };
        let mut amount = TextField::money(amount_label(target));
        if let Some(v) = form.get("amount") {
            amount.put_back(v);
        }
        let reason = form.get("reason").and_then(|r| r.as_u64()).unwrap_or(0) as usize;
        self.form = Some(EditForm {
            target,
            amount,
            reason: reason.min(self.reasons.len().saturating_sub(1)),
            error: None,
            net: form.get("net").and_then(|n| n.as_bool()).unwrap_or(false),
        });
    }

    fn answered(&mut self, outcome: &Result<Done, Refusal>) -> Vec<Action> {
        match (self.asked.take(), outcome) {
            (Some(Asked::Coupon(code)), Ok(_)) => {
                self.code.clear();
                self.code_error = None;
                self.pending = Some(code);
            }
            (Some(Asked::Coupon(_)), Err(r)) => self.code_error = Some(r.message.clone()),
            (Some(Asked::Adjustment), Ok(_)) => self.form = None,
            (Some(Asked::Adjustment), Err(r)) => {
                if let Some(f) = &mut self.form {
                    f.error = Some(r.message.clone());
                }
            }
            (None, _) => {}
        }
        Vec::new()
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.comments.fields[0].set(&ctx.order.comment_customer);
        self.comments.fields[1].set(&ctx.order.comment_warehouse);
        self.form = None;
        self.focus = Focus::List;
        let customer = ctx.order.customer.as_ref().and_then(|c| c.id);
        let loaded = ctx
            .lookup
            .reason_codes()
            .and_then(|r| Ok((r, ctx.lookup.available_coupons(customer, ctx.today)?)));
        match loaded {
            Ok((reasons, available)) => {
                self.reasons = reasons;
                self.available = available;
                self.load_error = None;
            }
            Err(e) => self.load_error = Some(format!("could not read coupons: {e}")),
        }
        self.list.clamp(rows(ctx, &self.available).len());
    }

    fn refresh(&mut self, ctx: &Ctx) -> Result<(), String> {
        self.list.clamp(rows(ctx, &self.available).len());
        if self.form.is_some() && self.limits.is_none() {
            // A form put back from a resumed draft shows the limits too.
            self.limits = ctx.lookup.adjustment_limits().ok();
        }
        let waiver = matches!(
            self.form.as_ref().map(|f| f.target),
            Some(Target::Waiver(_))
        );
        if waiver && self.waiver_limits.is_none() {
            self.waiver_limits = ctx.lookup.limits().ok();
        }
        if let Some(code) = self.pending.take() {
            let outcome = first(ctx).coupons.iter().find(|c| c.code == code);
            if let Some(reason) = outcome.and_then(|c| c.reason.clone()) {
                self.code_error = Some(reason);
            }
        }
        Ok(())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let width = area.width as usize;
        title(
            f,
            area,
            "Adjustments — discounts, coupons, overrides, comments",
            theme,
        );
        let row = |y: usize| row_at(area, y);
        // Discounts applied, then what was left out and why.
        let applied = applied_lines(ctx);
        let shown = if applied.len() > APPLIED_ROWS {
            let mut v: Vec<(String, bool)> = applied[..APPLIED_ROWS - 1].to_vec();
            v.push((
                format!(
                    "  … {} more on the review (F9)",
                    applied.len() - (APPLIED_ROWS - 1)
                ),
                false,
            ));
            v
        } else {
            applied
        };
        for (i, (text, note)) in shown.iter().enumerate() {
            let style = if *note { theme.warn() } else { theme.label() };
            f.render_widget(Line::styled(fit(text, width), style), row(1 + i));
        }
        let top = 1 + APPLIED_ROWS;
        match &self.form {
            None => {
                let header = match &self.load_error {
                    Some(e) => format!("! {e}"),
                    None => "Coupons, shipping, amount off, line prices".into(),
                };
                f.render_widget(Line::styled(fit(&header, width), theme.title()), row(top));
                let list = rows(ctx, &self.available);
                let from = self.list.visible_from(LIST_ROWS);
                for (i, r) in list.iter().enumerate().skip(from).take(LIST_ROWS) {
                    let selected = self.focus == Focus::List && i == self.list.selected;
                    let (marker, style) = row_style(selected, theme);
                    let text = describe_row(ctx, r, &self.available);
                    f.render_widget(
                        Line::styled(fit(&format!("{marker}{text}"), width), style),
                        row(top + 1 + i - from),
                    );
                }
            }
            Some(form) => self.draw_form(f, area, top, form, ctx),
        }
        let bottom = top + 1 + LIST_ROWS;
        let fields = self.form.is_none();
        self.code.draw(
            f,
            row(bottom),
            self.comments.label_width(),
            fields && self.focus == Focus::Code,
            theme,
        );
        if let Some(e) = &self.code_error {
            f.render_widget(
                Line::styled(fit(&format!("  ! {e}"), width), theme.error()),
                row(bottom + 1),
            );
        }
        let comments = Rect::new(
            area.x,
            area.y + ((bottom + 2) as u16).min(area.height),
            area.width,
            area.height.saturating_sub((bottom + 2) as u16).min(2),
        );
        let on_comments = fields && matches!(self.focus, Focus::Customer | Focus::Warehouse);
        self.comments.draw(f, comments, on_comments, theme);
    }
}

/// Row `y` of `area`, one line high; empty below the area, so drawing
/// past the bottom draws nothing.
fn row_at(area: Rect, y: usize) -> Rect {
    if y < area.height as usize {
        Rect::new(area.x, area.y + y as u16, area.width, 1)
    } else {
        Rect::new(area.x, area.y, 0, 0)
    }
}

//! One module per screen. A screen holds its own view state (fields,
//! selection, results), lists the key [`Binding`]s of the mode it is in,
//! carries out their [`Cmd`]s as [`Action`]s, and draws itself from that
//! state and the read-only [`Ctx`]. It never changes the order itself:
//! `App::update` does. How keys reach a screen: tui/keymap.rs.

mod adjustments;
mod cart;
mod catalog;
mod confirmation;
mod customer;
mod find_customer;
mod fulfillment;
mod history;
mod orders;
mod payment;
mod review;

use crate::domain::order::Order;
use crate::domain::quote::Quote;
use crate::domain::rules::Violation;
use crate::session::servicing::Case;
use crate::session::{Done, Lookup, Refusal};
use crate::store::PlacedOrder;
use crate::tui::action::Action;
use crate::tui::flow::Step;
use crate::tui::keymap::{Binding, Cmd};
use crate::tui::theme::Theme;
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use std::ops::Deref;

/// What a screen draws from: the session's snapshot and the theme. It
/// holds no way to query the database: drawing runs no SQL.
pub struct DrawCtx<'a> {
    pub order: &'a Order,
    pub quote: &'a Quote,
    /// What stands between the order and submit.
    pub violations: &'a [Violation],
    pub placed: &'a [PlacedOrder],
    /// The quote the placed orders were placed with.
    pub placed_quote: Option<&'a Quote>,
    pub theme: Theme,
    pub today: NaiveDate,
    /// The operator's name (adjustment limits are theirs).
    pub operator: &'a str,
    /// The customer whose challenge was answered in this session.
    pub verified: Option<i64>,
    /// The placed order open on the Orders screen, with the changes typed.
    pub case: Option<&'a Case>,
}

/// What a screen reads while handling keys and refreshing: the snapshot
/// and, for searches and records to show, the session's read-only lookups.
pub struct Ctx<'a> {
    pub draw: DrawCtx<'a>,
    pub lookup: Lookup<'a>,
}

impl<'a> Deref for Ctx<'a> {
    type Target = DrawCtx<'a>;
    fn deref(&self) -> &DrawCtx<'a> {
        &self.draw
    }
}

pub trait Screen {
    /// The keys this screen handles in its current state, with hints.
    fn bindings(&self, ctx: &DrawCtx) -> Vec<Binding>;
    /// A bound key was pressed: what to do. None for a command the
    /// screen's current mode does not handle, which no binding of that
    /// mode may give (the render tests press every bound key to check).
    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>>;
    /// Any other key: typing into the focused field.
    fn input(&mut self, _key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        Vec::new()
    }
    /// Pasted text (bracketed paste) for the focused field.
    fn paste(&mut self, _text: &str, _ctx: &Ctx) -> Vec<Action> {
        Vec::new()
    }
    /// Whether a text field has the keys (then `?` is typed, not help).
    fn typing(&self) -> bool {
        false
    }
    /// The screen is shown (by its key or by the flow).
    fn enter(&mut self, _ctx: &Ctx) {}
    /// After a batch of keys: run the queries the typing asked for, once.
    fn refresh(&mut self, _ctx: &Ctx) -> Result<(), String> {
        Ok(())
    }
    /// The session's answer to an order command this screen asked for;
    /// what to do next, if anything (a right challenge answer uses the card).
    fn answered(&mut self, _outcome: &Result<Done, Refusal>) -> Vec<Action> {
        Vec::new()
    }
    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx);
    /// What the operator has typed here and not yet confirmed, for the
    /// draft (docs/design.md, section 7): the text of the open fields and
    /// forms, and which one has the keys. Never a masked field nor the card
    /// form. None: nothing worth keeping.
    fn typed(&self) -> Option<serde_json::Value> {
        None
    }
    /// Puts back what [`Screen::typed`] gave: the draft was resumed. Runs
    /// after [`Screen::enter`] on the step the operator comes back to.
    /// What cannot be read (another version's draft) is left out.
    fn restore_typed(&mut self, _typed: &serde_json::Value) {}
}

/// Every screen's state, one field each.
#[derive(Default)]
pub struct Screens {
    pub find: find_customer::FindCustomer,
    pub customer: customer::CustomerScreen,
    pub catalog: catalog::Catalog,
    pub cart: cart::Cart,
    pub fulfillment: fulfillment::Fulfillment,
    pub payment: payment::PaymentScreen,
    pub adjustments: adjustments::Adjustments,
    pub review: review::Review,
    pub confirmation: confirmation::Confirmation,
    pub history: history::History,
    pub orders: orders::Orders,
}

impl Screens {
    pub fn get(&self, step: Step) -> &dyn Screen {
        match step {
            Step::Find => &self.find,
            Step::Customer => &self.customer,
            Step::Catalog => &self.catalog,
            Step::Cart => &self.cart,
            Step::Fulfillment => &self.fulfillment,
            Step::Payment => &self.payment,
            Step::Adjustments => &self.adjustments,
            Step::Review => &self.review,
            Step::Confirmation => &self.confirmation,
            Step::History => &self.history,
            Step::Orders => &self.orders,
        }
    }
    pub fn get_mut(&mut self, step: Step) -> &mut dyn Screen {
        match step {
            Step::Find => &mut self.find,
            Step::Customer => &mut self.customer,
            Step::Catalog => &mut self.catalog,
            Step::Cart => &mut self.cart,
            Step::Fulfillment => &mut self.fulfillment,
            Step::Payment => &mut self.payment,
            Step::Adjustments => &mut self.adjustments,
            Step::Review => &mut self.review,
            Step::Confirmation => &mut self.confirmation,
            Step::History => &mut self.history,
            Step::Orders => &mut self.orders,
        }
    }
}

impl Screens {
    /// What every screen has typed and not yet confirmed, by step name;
    /// empty when nothing is.
    pub fn typed(&self) -> serde_json::Map<String, serde_json::Value> {
        Step::ALL
            .into_iter()
            .chain([Step::History])
            .filter_map(|s| Some((s.name().to_string(), self.get(s).typed()?)))
            .collect()
    }

    /// Puts back what [`Screens::typed`] gave.
    pub fn restore_typed(&mut self, typed: &serde_json::Value) {
        for step in Step::ALL.into_iter().chain([Step::History]) {
            if let Some(v) = typed.get(step.name()) {
                self.get_mut(step).restore_typed(v);
            }
        }
    }
}

/// A small centred box with a title and lines (quit, resume, ...).
pub fn dialog(f: &mut Frame, area: Rect, title: &str, lines: &[&str], theme: Theme) {
    let width = lines
        .iter()
        .map(|l| l.len())
        .max()
        .unwrap_or(20)
        .max(title.len()) as u16
        + 6;
    let width = width.min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let r = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(
            lines
                .iter()
                .map(|l| Line::raw(format!(" {l}")))
                .collect::<Vec<_>>(),
        )
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(Line::styled(format!(" {title} "), theme.title())),
        ),
        r,
    );
}

/// A screen's title line.
pub fn title(f: &mut Frame, area: Rect, text: &str, theme: Theme) {
    f.render_widget(
        Line::styled(text.to_string(), theme.title()),
        Rect::new(area.x, area.y, area.width, 1),
    );
}

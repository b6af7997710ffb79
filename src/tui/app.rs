//! The application state and its one update function.
//!
//! `App` holds the order being taken (in one place), one value per screen
//! (each screen's own view state), and the overlays. Events come in through
//! [`App::handle_event`]; after a batch of events [`App::settle`] refreshes
//! screens, re-prices, and saves the draft if the order changed. Drawing is
//! [`App::draw`], independent of the backend, so tests run the same code on
//! ratatui's `TestBackend`.

use crate::domain::adjustment::Adjustment;
use crate::domain::order::{Area, BackorderChoice, Line as OrderLine, Order};
use crate::domain::quote::Quote;
use crate::store::{PlacedOrder, Store, SubmitInput, SubmitPart};
use crate::tui::action::Action;
use crate::tui::keymap::{lookup, Binding, Cmd, Key};
use crate::tui::screens::{self, Ctx};
use crate::tui::theme::Theme;
use crate::tui::widgets::{help, key_bar, step_bar};
use chrono::NaiveDate;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// The read-only context screens see, built from the app's fields so a
/// screen (another field) can be borrowed mutably beside it.
macro_rules! ctx {
    ($app:expr) => {
        Ctx {
            order: &$app.order,
            store: &$app.store,
            theme: $app.theme,
            today: $app.today,
            quote: &$app.quote,
            placed: &$app.placed,
            operator: &$app.operator,
        }
    };
}

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// The steps of the flow (DESIGN.md section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Find,
    Customer,
    Catalog,
    Cart,
    Fulfillment,
    Payment,
    Adjustments,
    Review,
    Confirmation,
    /// A customer's order history, opened from the customer record; not a
    /// step of the flow, so it is not in `ALL` (nor in the step bar).
    History,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::Find,
        Step::Customer,
        Step::Catalog,
        Step::Cart,
        Step::Fulfillment,
        Step::Payment,
        Step::Adjustments,
        Step::Review,
        Step::Confirmation,
    ];

    pub fn short(self) -> &'static str {
        match self {
            Step::Find => "Find",
            Step::Customer => "Cust",
            Step::Catalog => "Catalog",
            Step::Cart => "Cart",
            Step::Fulfillment => "Ship",
            Step::Payment => "Pay",
            Step::Adjustments => "Adjust",
            Step::Review => "Review",
            Step::Confirmation => "Done",
            Step::History => "History",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Find => "Find customer",
            Step::Customer => "Customer record",
            Step::Catalog => "Catalog",
            Step::Cart => "Cart",
            Step::Fulfillment => "Fulfillment",
            Step::Payment => "Billing and payment",
            Step::Adjustments => "Adjustments",
            Step::Review => "Review and submit",
            Step::Confirmation => "Confirmation",
            Step::History => "Order history",
        }
    }

    /// The function key and its Ctrl twin (some terminals take F-keys).
    pub fn keys(self) -> Option<[Key; 2]> {
        let (n, c) = match self {
            Step::Find => (2, 'f'),
            Step::Customer => (3, 'e'),
            Step::Catalog => (4, 'k'),
            Step::Cart => (5, 't'),
            Step::Fulfillment => (6, 'g'),
            Step::Payment => (7, 'p'),
            Step::Adjustments => (8, 'a'),
            Step::Review => (9, 'r'),
            Step::Confirmation | Step::History => return None,
        };
        Some([Key::plain(KeyCode::F(n)), Key::ctrl(c)])
    }

    pub fn key_label(self) -> String {
        self.keys().map(|k| k[0].label()).unwrap_or_default()
    }

    fn for_area(area: Area) -> Step {
        match area {
            Area::Customer => Step::Find,
            Area::Cart => Step::Cart,
            Area::Fulfillment => Step::Fulfillment,
            Area::Payment => Step::Payment,
            Area::Adjustments => Step::Adjustments,
        }
    }
}

enum Overlay {
    Help,
    ConfirmQuit,
    /// Offer to resume a saved draft: (draft id, description).
    Resume(i64, String),
}

/// The app-level keys, in the order the help lists them.
fn global_bindings() -> Vec<(Binding, GlobalCmd)> {
    let mut out: Vec<(Binding, GlobalCmd)> = Step::ALL
        .iter()
        .filter_map(|s| {
            s.keys()
                .map(|k| (Binding::new(&k, s.title(), Cmd::Enter), GlobalCmd::Goto(*s)))
        })
        .collect();
    out.push((
        Binding::new(
            &[Key::plain(KeyCode::F(1)), Key::ctrl('o')],
            "Help (also ? outside fields)",
            Cmd::Enter,
        ),
        GlobalCmd::Help,
    ));
    out.push((
        Binding::new(&[Key::ctrl('l')], "Redraw the screen", Cmd::Enter),
        GlobalCmd::Redraw,
    ));
    out.push((
        Binding::new(
            &[Key::ctrl('c')],
            "Quit (the order stays a draft)",
            Cmd::Enter,
        ),
        GlobalCmd::Quit,
    ));
    out
}

#[derive(Clone, Copy)]
enum GlobalCmd {
    Goto(Step),
    Help,
    Redraw,
    Quit,
}

pub struct App {
    pub store: Store,
    pub operator: String,
    pub today: NaiveDate,
    pub theme: Theme,
    pub order: Order,
    pub step: Step,
    draft_id: Option<i64>,
    /// Bumped on every change of the order; the draft is saved when it moves.
    revision: u64,
    saved_revision: u64,
    removed: Vec<(usize, OrderLine)>,
    /// Problems the store finds beyond `Order::problems` (coupons that no
    /// longer apply, account credit), for the step bar.
    checkout_problems: Vec<crate::domain::order::Problem>,
    quote: Quote,
    pub placed: Vec<PlacedOrder>,
    status: Option<(String, bool)>,
    overlay: Option<Overlay>,
    pub screens: screens::Screens,
    pub quit: bool,
    /// Set by Ctrl+L: the terminal is cleared before the next frame.
    pub redraw_all: bool,
}

impl App {
    pub fn new(store: Store, operator: String, today: NaiveDate, theme: Theme) -> App {
        let currency = store
            .default_currency()
            .unwrap_or(crate::domain::money::Currency::USD);
        let order = Order::new(new_token(), currency);
        let mut app = App {
            store,
            operator,
            today,
            theme,
            order,
            step: Step::Find,
            draft_id: None,
            revision: 0,
            saved_revision: 0,
            removed: Vec::new(),
            checkout_problems: Vec::new(),
            quote: Quote::empty(currency),
            placed: Vec::new(),
            status: None,
            overlay: None,
            screens: screens::Screens::default(),
            quit: false,
            redraw_all: false,
        };
        match app.store.latest_draft(&app.operator) {
            Ok(Some(d)) => {
                let text = match &d.order {
                    Ok(o) => format!("{} (saved {})", o.summary(), d.updated_at.replace('T', " ")),
                    Err(_) => "a draft this version cannot read".to_string(),
                };
                app.overlay = Some(Overlay::Resume(d.id, text));
            }
            Ok(None) => {}
            Err(e) => app.error(format!("could not read drafts: {e}")),
        }
        app.settle();
        app
    }

    /// A bug caught by the event loop (which has put the order back as it
    /// was before the key): the operator is told and goes on.
    pub fn internal_error(&mut self, detail: &str) {
        self.error(format!("internal error on that key ({detail})"));
    }

    fn status(&mut self, text: impl Into<String>) {
        self.status = Some((text.into(), false));
    }
    fn error(&mut self, text: impl Into<String>) {
        self.status = Some((text.into(), true));
    }

    /// The steps that still miss something.
    /// The current screen's key bindings (what the key bar and help show).
    pub fn bindings(&self) -> Vec<Binding> {
        self.screens.get(self.step).bindings(&ctx!(self))
    }

    /// Whether a text field on the current screen has the keys.
    pub fn typing(&self) -> bool {
        self.screens.get(self.step).typing()
    }

    pub fn incomplete_steps(&self) -> Vec<Step> {
        let mut out: Vec<Step> = self
            .order
            .problems()
            .iter()
            .chain(&self.checkout_problems)
            .map(|p| Step::for_area(p.area))
            .collect();
        out.sort_by_key(|s| Step::ALL.iter().position(|x| x == s));
        out.dedup();
        out
    }

    pub fn handle_event(&mut self, event: Event) {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => self.handle_key(key),
            Event::Paste(text) if self.overlay.is_none() => {
                let actions = self.screens.get_mut(self.step).paste(&text, &ctx!(self));
                for a in actions {
                    self.update(a);
                }
            }
            _ => {}
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if let Some(overlay) = self.overlay.take() {
            self.overlay_key(overlay, key);
            return;
        }
        let globals = global_bindings();
        let global = globals
            .iter()
            .find(|(b, _)| b.keys.iter().any(|k| k.matches(&key)))
            .map(|(_, g)| *g);
        let typing = self.screens.get(self.step).typing();
        let global = global.or_else(|| {
            (!typing
                && key.code == KeyCode::Char('?')
                && !key.modifiers.contains(KeyModifiers::CONTROL))
            .then_some(GlobalCmd::Help)
        });
        if let Some(g) = global {
            match g {
                GlobalCmd::Goto(step) => self.update(Action::Goto(step)),
                GlobalCmd::Help => self.overlay = Some(Overlay::Help),
                GlobalCmd::Redraw => self.redraw_all = true,
                GlobalCmd::Quit => self.overlay = Some(Overlay::ConfirmQuit),
            }
            return;
        }
        let actions = {
            let ctx = ctx!(self);
            let screen = self.screens.get_mut(self.step);
            let bindings = screen.bindings(&ctx);
            match lookup(&bindings, &key) {
                Some(cmd) => screen.command(cmd, &ctx),
                None => screen.input(&key, &ctx),
            }
        };
        for a in actions {
            self.update(a);
        }
    }

    fn overlay_key(&mut self, overlay: Overlay, key: KeyEvent) {
        match overlay {
            Overlay::Help => {} // any key closes help
            Overlay::ConfirmQuit => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.quit = true,
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.quit = true
                }
                _ => self.status("Still here."),
            },
            Overlay::Resume(id, text) => match key.code {
                KeyCode::Enter => self.resume(id),
                KeyCode::Delete => match self.store.delete_draft(id) {
                    Ok(()) => self.status("Draft discarded; a new order starts."),
                    Err(e) => self.error(format!("could not discard the draft: {e}")),
                },
                KeyCode::Esc => self.status("Draft kept for later; a new order starts."),
                _ => self.overlay = Some(Overlay::Resume(id, text)),
            },
        }
    }

    fn resume(&mut self, id: i64) {
        match self.store.latest_draft(&self.operator) {
            Ok(Some(d)) if d.id == id => match d.order {
                Ok(order) => {
                    self.order = order;
                    self.draft_id = Some(id);
                    self.revision += 1;
                    self.saved_revision = self.revision;
                    self.step = if self.order.customer.is_none() {
                        Step::Find
                    } else if self.order.lines.is_empty() {
                        Step::Catalog
                    } else {
                        Step::Review
                    };
                    self.status(format!("Resumed: {}", self.order.summary()));
                }
                Err(e) => self.error(format!(
                    "the draft cannot be read ({e}); starting a new order"
                )),
            },
            Ok(_) => self.error("the draft is gone; starting a new order"),
            Err(e) => self.error(format!("could not read the draft: {e}")),
        }
    }

    /// The one place that applies actions.
    pub fn update(&mut self, action: Action) {
        // Price overrides follow their lines when lines move or go.
        let lines_before = self.order.line_keys();
        self.apply(action);
        self.order.follow_lines(&lines_before);
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Goto(step) => {
                if step == Step::Confirmation && self.placed.is_empty() {
                    return;
                }
                if self.step == Step::Confirmation && step != Step::Confirmation {
                    // Leaving the confirmation starts the next order.
                    self.new_order();
                }
                self.step = step;
                let ctx = ctx!(self);
                self.screens.get_mut(step).enter(&ctx);
            }
            Action::Status(s) => self.status(s),
            Action::Error(s) => self.error(s),
            Action::PickCustomer(id) => match self.store.customer_ref(id) {
                Ok(Some(c)) => {
                    let name = c.name();
                    self.order.set_customer(c);
                    self.reprice_lines();
                    self.changed();
                    self.status(format!("Customer: {name}"));
                    self.update(Action::Goto(Step::Catalog));
                }
                Ok(None) => self.error("that customer no longer exists"),
                Err(e) => self.error(format!("could not load the customer: {e}")),
            },
            Action::NewCustomer => {
                self.screens.customer.start_create();
                self.update(Action::Goto(Step::Customer));
            }
            Action::SaveCustomer { edit, draft } => {
                let id = edit.as_ref().map(|(id, _)| *id);
                let result = match &edit {
                    None => self.store.create_customer(&draft, &self.operator),
                    Some((id, base)) => self
                        .store
                        .update_customer(*id, base, &draft, &self.operator)
                        .map(|_version| *id),
                };
                match result {
                    Ok(saved) => {
                        self.screens.customer.saved();
                        self.update(Action::PickCustomer(saved));
                        let verb = if id.is_some() { "saved" } else { "created" };
                        self.status(format!("Customer {} {verb}.", draft.logon_id));
                    }
                    Err(e) => {
                        self.screens.customer.save_failed(&e);
                        self.error(e.to_string());
                    }
                }
            }
            Action::ConvertGuest { id, conversion } => {
                match self.store.convert_guest(id, &conversion, &self.operator) {
                    Ok(()) => {
                        self.screens.customer.saved();
                        self.update(Action::PickCustomer(id));
                        self.status(format!("Guest registered as {}.", conversion.logon_id));
                    }
                    Err(e) => {
                        self.screens.customer.save_failed(&e);
                        self.error(e.to_string());
                    }
                }
            }
            Action::CheckChallenge {
                customer_id,
                answer,
            } => match self
                .store
                .verify_challenge(customer_id, &answer, &self.operator)
            {
                Ok(ok) => {
                    let failures = self.store.challenge_failures(customer_id).unwrap_or(0);
                    self.screens.customer.challenge_result(ok, failures);
                    if ok {
                        self.status("Challenge answered correctly.");
                    } else {
                        self.error("Wrong answer to the challenge question (recorded).");
                    }
                }
                Err(e) => self.error(format!("could not check the answer: {e}")),
            },
            Action::RegisterGuest(customer_id) => {
                self.new_order();
                // Off the confirmation first: leaving it starts a new order.
                self.step = Step::Find;
                self.apply(Action::PickCustomer(customer_id));
                self.apply(Action::Goto(Step::Customer));
                self.status("Register the guest: logon, password and challenge question.");
            }
            Action::GuestForm => {
                self.screens.customer.start_guest();
                self.update(Action::Goto(Step::Customer));
            }
            Action::StartGuest(c) => {
                self.screens.customer.guest_started();
                let name = c.name();
                self.order.set_customer(c);
                self.reprice_lines();
                self.changed();
                self.status(format!("Guest order for {name}"));
                self.update(Action::Goto(Step::Catalog));
            }
            Action::AddItem { item_id, quantity } => match self
                .store
                .item(self.order.currency, item_id)
            {
                Ok(Some(item)) => {
                    let Some(price) = item.price else {
                        self.error(format!("{} has no {} price", item.sku, self.order.currency));
                        return;
                    };
                    let line = OrderLine {
                        item_id,
                        sku: item.sku.clone(),
                        name: item.name.clone(),
                        quantity,
                        unit_price: price,
                        weight_grams: item.weight_grams,
                        taxable: item.taxable,
                        ship_to: 0,
                    };
                    match self.order.add_line(line) {
                        Ok(()) => {
                            self.changed();
                            self.status(format!("Added {quantity} x {} {}", item.sku, item.name));
                        }
                        Err(e) => self.error(e),
                    }
                }
                Ok(None) => self.error("that item is no longer sold"),
                Err(e) => self.error(format!("could not load the item: {e}")),
            },
            Action::AddSku { sku, quantity } => {
                match self.store.item_by_sku(self.order.currency, &sku) {
                    Ok(Some(item)) => self.update(Action::AddItem {
                        item_id: item.id,
                        quantity,
                    }),
                    Ok(None) => self.error(format!(
                        "no item with SKU '{}'",
                        crate::domain::text::clean(&sku)
                    )),
                    Err(e) => self.error(format!("could not look up the SKU: {e}")),
                }
            }
            Action::Reorder(order_no) => self.reorder(order_no),
            Action::SetQuantity { line, quantity } => {
                if let Some(l) = self.order.lines.get_mut(line) {
                    l.quantity = quantity;
                    let sku = l.sku.clone();
                    self.changed();
                    self.status(format!("{sku}: quantity {quantity}"));
                }
            }
            Action::RemoveLine(i) => {
                if i < self.order.lines.len() {
                    let l = self.order.lines.remove(i);
                    self.status(format!("Removed {} (^Y puts it back)", l.sku));
                    self.removed.push((i, l));
                    self.changed();
                }
            }
            Action::UndoRemove => match self.removed.pop() {
                Some((i, l)) => {
                    let at = i.min(self.order.lines.len());
                    self.status(format!("Put back {}", l.sku));
                    self.order.lines.insert(at, l);
                    self.changed();
                }
                None => self.status("Nothing to put back."),
            },
            Action::SetShipMethod { ship_to, code } => {
                if let Some(s) = self.order.ship_tos.get_mut(ship_to) {
                    s.method = Some(code.clone());
                    self.changed();
                    self.status(format!("Ship-to {}: {code}", ship_to + 1));
                }
            }
            Action::SetBackorderChoice(choice) => {
                self.order.backorder_choice = choice;
                if choice != BackorderChoice::ShipAvailable {
                    self.order.separate_backorders = false;
                }
                self.changed();
                self.status(format!("Backorders: {}", choice.label()));
            }
            Action::ToggleSeparateBackorders => {
                if self.order.backorder_choice == BackorderChoice::ShipAvailable {
                    self.order.separate_backorders = !self.order.separate_backorders;
                    self.changed();
                    self.status(if self.order.separate_backorders {
                        "Backorders go on a separate, linked order."
                    } else {
                        "Backorders stay on this order."
                    });
                } else {
                    self.error("a separate backorder order goes with 'ship available now, backorders later' (2)");
                }
            }
            Action::ShipLineTo {
                line,
                quantity,
                address,
            } => {
                let to = self.order.add_ship_to(address);
                match self.order.split_line(line, quantity, to) {
                    Ok(()) => {
                        self.order.prune_ship_tos();
                        self.changed();
                        self.status(format!("Moved {quantity} to ship-to {}", to + 1));
                    }
                    Err(e) => {
                        self.order.prune_ship_tos();
                        self.error(e);
                    }
                }
            }
            Action::SetBilling(a) => {
                self.order.billing = Some(a);
                self.changed();
            }
            Action::SetPayment(p) => {
                let text = p.describe();
                self.order.payment = Some(p);
                self.changed();
                self.status(format!("Payment: {text}"));
            }
            Action::SetComments {
                customer,
                warehouse,
            } => {
                self.order.comment_customer = customer;
                self.order.comment_warehouse = warehouse;
                self.changed();
                self.status("Comments saved.");
            }
            Action::AddCoupon(typed) => {
                match self
                    .store
                    .check_coupon_code(&self.order, &self.quote, &typed, self.today)
                {
                    Ok(Ok(code)) => {
                        self.order.coupons.push(code.clone());
                        self.changed();
                        self.status(format!("Coupon {code} redeemed."));
                        self.screens.adjustments.coupon_result(Ok(&code));
                    }
                    Ok(Err(e)) => {
                        self.screens.adjustments.coupon_result(Err(&e));
                        self.error(e);
                    }
                    Err(e) => self.error(format!("could not read the coupon: {e}")),
                }
            }
            Action::RemoveCoupon(code) => {
                let before = self.order.coupons.len();
                self.order.coupons.retain(|c| *c != code);
                if self.order.coupons.len() != before {
                    self.changed();
                    self.status(format!("Coupon {code} removed."));
                }
            }
            Action::AddAdjustment { kind, reason_code } => {
                let adj = Adjustment {
                    kind,
                    reason_code,
                    operator: self.operator.clone(),
                };
                match self
                    .store
                    .check_new_adjustment(&self.order, &adj, self.today)
                {
                    Ok(Ok(())) => {
                        self.order.adjustments.retain(|a| {
                            a.kind.code() != adj.kind.code() || a.kind.target() != adj.kind.target()
                        });
                        self.order.adjustments.push(adj);
                        self.changed();
                        self.status("Adjustment made.");
                        self.screens.adjustments.adjustment_result(Ok(()));
                    }
                    Ok(Err(e)) => {
                        self.screens.adjustments.adjustment_result(Err(&e));
                        self.error(e);
                    }
                    Err(e) => self.error(format!("could not check the adjustment: {e}")),
                }
            }
            Action::RemoveAdjustment(i) => {
                if i < self.order.adjustments.len() {
                    self.order.adjustments.remove(i);
                    self.changed();
                    self.status("Adjustment removed.");
                }
            }
            Action::Submit => self.submit(),
            Action::NewOrder => {
                self.new_order();
                self.update(Action::Goto(Step::Find));
            }
        }
    }

    fn changed(&mut self) {
        self.revision += 1;
    }

    /// Copies a placed order's lines at today's prices; items no longer
    /// sold (or not priced in this currency) are named and left out.
    fn reorder(&mut self, order_no: i64) {
        let lines = match self.store.order_lines_for_reorder(order_no) {
            Ok(l) => l,
            Err(e) => return self.error(format!("could not read order {order_no}: {e}")),
        };
        let mut added = 0;
        let mut skipped = Vec::new();
        for (item_id, sku, _, quantity) in lines {
            match self.store.item(self.order.currency, item_id) {
                Ok(Some(item)) if item.price.is_some() => {
                    let line = OrderLine {
                        item_id,
                        sku: item.sku.clone(),
                        name: item.name.clone(),
                        quantity,
                        unit_price: item.price.unwrap_or_default(),
                        weight_grams: item.weight_grams,
                        taxable: item.taxable,
                        ship_to: 0,
                    };
                    match self.order.add_line(line) {
                        Ok(()) => added += 1,
                        Err(_) => skipped.push(sku),
                    }
                }
                _ => skipped.push(sku),
            }
        }
        if added > 0 {
            self.changed();
        }
        if skipped.is_empty() {
            self.status(format!(
                "Copied {added} lines of order {order_no} at today's prices."
            ));
        } else {
            self.error(format!(
                "Copied {added} lines of order {order_no}; not sold any more, left out: {}",
                skipped.join(", ")
            ));
        }
    }

    /// Prices of lines follow the order's currency (after a customer change).
    fn reprice_lines(&mut self) {
        let currency = self.order.currency;
        let mut dropped = Vec::new();
        let mut kept = Vec::new();
        for mut l in std::mem::take(&mut self.order.lines) {
            match self.store.item(currency, l.item_id) {
                Ok(Some(item)) if item.price.is_some() => {
                    l.unit_price = item.price.unwrap_or(l.unit_price);
                    kept.push(l);
                }
                Ok(_) => dropped.push(l.sku),
                Err(e) => {
                    self.error(format!("could not re-price {}: {e}", l.sku));
                    kept.push(l);
                }
            }
        }
        self.order.lines = kept;
        if !dropped.is_empty() {
            self.error(format!(
                "not sold in {currency}, removed: {}",
                dropped.join(", ")
            ));
        }
    }

    fn new_order(&mut self) {
        let currency = self.store.default_currency().unwrap_or(self.order.currency);
        self.order = Order::new(new_token(), currency);
        self.draft_id = None;
        self.removed.clear();
        self.placed.clear();
        self.screens = screens::Screens::default();
        self.revision += 1;
        self.saved_revision = self.revision;
    }

    fn submit(&mut self) {
        if let Some(p) = self.order.problems().first() {
            let step = Step::for_area(p.area);
            self.error(format!("{} ({} goes there)", p.message, step.key_label()));
            return;
        }
        // Coupons that do not apply, pay on account over credit or without PO.
        match self.store.checkout_problems(&self.order, &self.quote) {
            Ok(list) => {
                if let Some(p) = list.first() {
                    let step = Step::for_area(p.area);
                    self.error(format!("{} ({} goes there)", p.message, step.key_label()));
                    return;
                }
            }
            Err(e) => return self.error(format!("could not check the order: {e}")),
        }
        let method_names: Vec<String> = self
            .order
            .ship_tos
            .iter()
            .map(|s| {
                let code = s.method.clone().unwrap_or_default();
                self.quote
                    .methods
                    .iter()
                    .find(|m| m.code == code)
                    .map(|m| m.name.clone())
                    .unwrap_or(code)
            })
            .collect();
        // Submit with the quote the operator was last shown: if stock moved
        // since, the store's re-check refuses and the screen shows the change.
        let input = SubmitInput {
            order: &self.order,
            seen: &self.quote.availability,
            parts: self
                .quote
                .parts
                .iter()
                .map(|(part, breakdown)| SubmitPart { part, breakdown })
                .collect(),
            method_names: &method_names,
            operator: &self.operator,
            draft_id: self.draft_id,
        };
        match self.store.submit_order(&input) {
            Ok(placed) => {
                // The draft went with the order, in the same transaction.
                self.draft_id = None;
                self.saved_revision = self.revision;
                let numbers: Vec<String> = placed.iter().map(|p| p.order_no.to_string()).collect();
                self.status(format!("Order {} placed.", numbers.join(" and ")));
                self.placed = placed;
                self.step = Step::Confirmation;
            }
            Err(e) => {
                // Show what changed: the quote is recomputed from the store.
                self.error(e.to_string());
                self.quote_now();
            }
        }
    }

    /// After a batch of events: refresh the screen's queries, re-price,
    /// save the draft if the order changed.
    pub fn settle(&mut self) {
        // The confirmation reads back the quote the order was placed with.
        if self.step != Step::Confirmation {
            let keys = |q: &Quote| -> Vec<_> {
                q.plan
                    .shipments
                    .iter()
                    .map(|s| (s.part, s.ship_to, s.date))
                    .collect()
            };
            let before = keys(&self.quote);
            self.quote_now();
            // Shipping overrides follow their shipment when the plan changes.
            let after = keys(&self.quote);
            if before != after && !before.is_empty() {
                let old = self.order.adjustments.clone();
                let gone = self.order.follow_shipments(&before, &after);
                if self.order.adjustments != old {
                    self.changed();
                    self.quote_now();
                }
                if gone > 0 {
                    self.error("a shipping override was removed: its shipment is gone (F8)");
                }
            }
            match self.store.checkout_problems(&self.order, &self.quote) {
                Ok(p) => self.checkout_problems = p,
                Err(e) => self.error(format!("could not check the order: {e}")),
            }
        }
        {
            let ctx = ctx!(self);
            let screen = self.screens.get_mut(self.step);
            if let Err(e) = screen.refresh(&ctx) {
                self.status = Some((e, true));
            }
        }
        self.save_draft();
    }

    pub fn save_draft(&mut self) {
        if self.revision == self.saved_revision || self.step == Step::Confirmation {
            return;
        }
        if self.order.is_empty() && self.draft_id.is_none() {
            self.saved_revision = self.revision;
            return;
        }
        match self
            .store
            .save_draft(self.draft_id, &self.operator, &self.order)
        {
            Ok(id) => {
                self.draft_id = Some(id);
                self.saved_revision = self.revision;
            }
            Err(e) => self.error(format!("draft NOT saved: {e}")),
        }
    }

    fn quote_now(&mut self) {
        match self.store.quote(&self.order, self.today) {
            Ok(q) => self.quote = q,
            Err(e) => self.error(format!("could not price the order: {e}")),
        }
    }

    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = format!(
                "orderdesk needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this window is {}x{}",
                area.width, area.height
            );
            f.render_widget(Line::raw(text), Rect::new(area.x, area.y, area.width, 1));
            return;
        }
        let theme = self.theme;
        let header = Rect::new(area.x, area.y, area.width, 1);
        let steps = Rect::new(area.x, area.y + 1, area.width, 1);
        let body = Rect::new(area.x, area.y + 2, area.width, area.height - 4);
        let status = Rect::new(area.x, area.bottom() - 2, area.width, 1);
        let keys = Rect::new(area.x, area.bottom() - 1, area.width, 1);

        let who = match &self.order.customer {
            Some(c) if c.guest => format!("Guest: {} ({})", c.name(), self.order.currency),
            Some(c) => format!("{} ({})", c.name(), self.order.currency),
            None => "no customer yet".into(),
        };
        let total = if self.order.lines.is_empty() {
            String::new()
        } else {
            format!(
                "  Total {} {}",
                self.order.currency.format(self.quote.total()),
                self.order.currency
            )
        };
        f.render_widget(
            Line::from(vec![
                Span::styled(" orderdesk ", theme.selected()),
                Span::raw(format!(
                    " op {} │ {}{}",
                    self.operator,
                    crate::domain::text::fit(&who, 40),
                    total
                )),
            ]),
            header,
        );
        step_bar::draw(f, steps, self.step, &self.incomplete_steps(), theme);
        let ctx = Ctx {
            order: &self.order,
            store: &self.store,
            theme,
            today: self.today,
            quote: &self.quote,
            placed: &self.placed,
            operator: &self.operator,
        };
        let screen = self.screens.get(self.step);
        screen.draw(f, body, &ctx);
        if let Some((text, is_error)) = &self.status {
            let style = if *is_error { theme.error() } else { theme.ok() };
            let prefix = if *is_error { "! " } else { "" };
            f.render_widget(
                Line::styled(
                    crate::domain::text::fit(&format!("{prefix}{text}"), area.width as usize),
                    style,
                ),
                status,
            );
        }
        let bindings = screen.bindings(&ctx);
        key_bar::draw(f, keys, &bindings, theme);
        match &self.overlay {
            Some(Overlay::Help) => {
                let globals: Vec<Binding> = global_bindings().into_iter().map(|(b, _)| b).collect();
                help::draw(f, body, self.step.title(), &bindings, &globals, theme);
            }
            Some(Overlay::ConfirmQuit) => screens::dialog(
                f,
                body,
                "Quit orderdesk?",
                &[
                    "The order in progress is kept as a draft",
                    "and offered when you start again.",
                    "",
                    "y  quit        any other key  stay",
                ],
                theme,
            ),
            Some(Overlay::Resume(_, text)) => screens::dialog(
                f,
                body,
                "Resume your draft?",
                &[
                    text.as_str(),
                    "",
                    "Enter  resume it",
                    "Esc    keep it for later, start a new order",
                    "Del    discard it",
                ],
                theme,
            ),
            None => {}
        }
    }
}

/// A token naming one order across saves and submits.
fn new_token() -> String {
    format!(
        "{:x}-{:x}-{:016x}",
        chrono::Utc::now().timestamp_micros(),
        std::process::id(),
        fastrand::u64(..)
    )
}

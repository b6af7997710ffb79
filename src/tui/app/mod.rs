//! The application state and its one update function.
//!
//! `App` holds the order being taken (in one place), one value per screen
//! (each screen's own view state), and the overlays. Events come in through
//! [`App::handle_event`]; after a batch of events [`App::settle`] refreshes
//! screens, re-prices, and saves the draft if the order changed. Drawing is
//! [`App::draw`], independent of the backend, so tests run the same code on
//! ratatui's `TestBackend`.
//!
//! Keys: [`App::route`] says where a key goes — an open overlay, the global
//! keys, the screen, or the focused field (the model is in tui/keymap.rs) —
//! and [`App::handle_key`] carries it out. The global keys and each
//! overlay's keys are tables here ([`GlobalCmd`], [`OverlayCmd`]); help,
//! the dialogs' hint lines and the dispatch all read them.

mod draw;
mod keys;
mod servicing;

use keys::*;
pub use keys::{GlobalCmd, OverlayCmd, Route};

use crate::domain::order::Order;
use crate::domain::rules::Rule;
use crate::session::{Command, Done, Outcome, Pin, Refusal, Session};
use crate::tui::action::Action;
use crate::tui::approval::{ApprovalBox, Asked};
pub use crate::tui::flow::Step;
use crate::tui::keymap::{hint_line, hint_lines, lookup, Binding};
use crate::tui::screens::{self, Ctx, DrawCtx};
use crate::tui::theme::Theme;
use crate::tui::widgets::help::Help;
use crate::tui::widgets::text_field::editing_keys;
use crate::tui::widgets::{key_bar, step_bar};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// What screens draw from, built from the session so a screen (another
/// field of the app) can be borrowed mutably beside it.
fn draw_ctx(session: &Session, theme: Theme) -> DrawCtx<'_> {
    let v = session.view();
    DrawCtx {
        order: v.order,
        quote: v.quote,
        violations: v.violations,
        placed: v.placed,
        placed_quote: v.placed_quote,
        theme,
        today: v.today,
        operator: v.operator,
        verified: v.verified,
        case: session.case(),
    }
}

/// What screens read while handling keys: the snapshot and the lookups.
macro_rules! ctx {
    ($app:expr) => {
        Ctx {
            draw: draw_ctx(&$app.session, $app.theme),
            lookup: $app.session.lookup(),
        }
    };
}

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

enum Overlay {
    Help,
    ConfirmQuit,
    /// Offer to resume a saved draft: (draft id, description, since when
    /// another console holds it).
    Resume(i64, String, Option<String>),
    /// A supervisor approves what the session refused (name and PIN).
    Approval(Box<ApprovalBox>),
}

/// The step a draft's typing was saved on, if it can be gone back to (the
/// confirmation and the order history cannot).
fn typed_step(typed: &serde_json::Value) -> Option<Step> {
    typed
        .get("step")
        .and_then(|s| s.as_str())
        .and_then(Step::named)
        .filter(|s| !matches!(s, Step::Confirmation | Step::History | Step::Orders))
}

pub struct App {
    pub session: Session,
    pub theme: Theme,
    pub step: Step,
    status: Option<(String, bool)>,
    /// The order's revision when the status was set: an error about the
    /// order clears once the order changed.
    status_at: u64,
    overlay: Option<Overlay>,
    pub screens: screens::Screens,
    pub quit: bool,
    /// Set by Ctrl+L: the terminal is cleared before the next frame.
    pub redraw_all: bool,
    /// The terminal's size (columns, rows) as last told.
    size: (u16, u16),
}

impl App {
    pub fn new(session: Session, theme: Theme) -> App {
        let mut app = App {
            session,
            theme,
            step: Step::Find,
            status: None,
            status_at: 0,
            overlay: None,
            screens: screens::Screens::default(),
            quit: false,
            redraw_all: false,
            size: (MIN_WIDTH, MIN_HEIGHT),
        };
        match app.session.pending_draft() {
            Ok(Some(d)) => {
                let mut text = match &d.order {
                    Ok(o) => format!("{} (saved {})", o.summary(), d.updated_at.replace('T', " ")),
                    Err(_) => "a draft this version cannot read".to_string(),
                };
                let screens = d.fields.as_ref().and_then(|f| f.get("screens"));
                let typed_on: Vec<&str> = Step::ALL
                    .iter()
                    .filter(|s| screens.is_some_and(|m| m.get(s.name()).is_some()))
                    .map(|s| s.title())
                    .collect();
                if !typed_on.is_empty() {
                    text.push_str(&format!(
                        "\nTyped, not yet confirmed: {}.",
                        typed_on.join(", ")
                    ));
                }
                app.overlay = Some(Overlay::Resume(d.id, text, d.in_use_since));
            }
            Ok(None) => {}
            Err(e) => app.error(format!("could not read drafts: {e}")),
        }
        app.settle();
        app
    }

    /// The order being taken.
    pub fn order(&self) -> &Order {
        self.session.order()
    }

    /// A bug caught by the event loop (which has put the order back as it
    /// was before the key): the operator is told and goes on.
    pub fn internal_error(&mut self, detail: &str) {
        self.error(format!("internal error on that key ({detail})"));
    }

    fn status(&mut self, text: impl Into<String>) {
        self.status = Some((text.into(), false));
        self.status_at = self.session.revision();
    }
    fn error(&mut self, text: impl Into<String>) {
        self.status = Some((text.into(), true));
        self.status_at = self.session.revision();
    }

    /// An error stays until its cause may be fixed: the order changed, or
    /// the operator types into a field (whose own marks stay by it).
    fn clear_stale_error(&mut self) {
        if matches!(self.status, Some((_, true))) && self.session.revision() != self.status_at {
            self.status = None;
        }
    }

    /// Keys typed ahead of the confirmation were not applied to it (the
    /// event loop drops them, tui/terminal.rs): the status line says so
    /// after what it already says.
    pub fn typed_ahead_dropped(&mut self, keys: usize) {
        let note = match keys {
            1 => "(1 key typed ahead was ignored)".to_string(),
            n => format!("({n} keys typed ahead were ignored)"),
        };
        match &mut self.status {
            Some((text, _)) => {
                text.push(' ');
                text.push_str(&note);
            }
            None => self.status(note),
        }
    }

    /// The current screen's key bindings (what the key bar and help show).
    pub fn bindings(&self) -> Vec<Binding> {
        self.screens
            .get(self.step)
            .bindings(&draw_ctx(&self.session, self.theme))
    }

    /// The keys of the open overlay, if one is open: what its hints are
    /// drawn from and what its keys do.
    pub fn overlay_bindings(&self) -> Option<Vec<Binding<OverlayCmd>>> {
        self.overlay.as_ref().map(|o| match o {
            Overlay::Help => help_keys(),
            Overlay::ConfirmQuit => quit_keys(),
            Overlay::Resume(_, _, in_use) => resume_keys(in_use.is_some()),
            Overlay::Approval(_) => approval_keys(),
        })
    }

    /// The editing keys the focused text field gets now (none when no
    /// field has the keys): the field's table less the keys the screen
    /// or the global table take first.
    pub fn field_bindings(&self) -> Vec<Binding<crate::tui::widgets::text_field::Edit>> {
        if !self.typing() {
            return Vec::new();
        }
        let screen = self.bindings();
        let global = global_bindings(true, self.ready());
        editing_keys()
            .into_iter()
            .filter(|b| {
                b.keys.iter().all(|k| {
                    let ev = k.event();
                    lookup(&screen, &ev).is_none() && lookup(&global, &ev).is_none()
                })
            })
            .collect()
    }

    /// Whether a text field on the current screen has the keys.
    pub fn typing(&self) -> bool {
        self.screens.get(self.step).typing()
    }

    /// Whether the order can be submitted from any step now: a customer,
    /// lines, nothing missing, not placed yet.
    pub fn ready(&self) -> bool {
        let order = self.session.order();
        order.customer.is_some()
            && !order.lines.is_empty()
            && self.session.violations().is_empty()
            && self.session.placed().is_empty()
            && !matches!(self.step, Step::Confirmation | Step::History | Step::Orders)
    }

    /// The steps that still miss something.
    pub fn incomplete_steps(&self) -> Vec<Step> {
        let mut out: Vec<Step> = self
            .session
            .violations()
            .iter()
            .map(|v| Step::for_area(v.area))
            .collect();
        out.sort_by_key(|s| Step::ALL.iter().position(|x| x == s));
        out.dedup();
        out
    }

    /// The terminal is `cols` x `rows` now.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.size = (cols, rows);
    }

    /// Below 80x24 the screen shows only what size it needs.
    fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    pub fn handle_event(&mut self, event: Event) {
        if let Event::Resize(cols, rows) = event {
            self.resize(cols, rows);
            return;
        }
        if self.too_small() {
            // Nothing is done blind: only quitting (the order stays a
            // draft) and redrawing act until the window is big enough.
            if let Event::Key(key) = event {
                let ctrl = key
                    .modifiers
                    .contains(crossterm::event::KeyModifiers::CONTROL);
                match key.code {
                    KeyCode::Char('c') if ctrl && key.kind == KeyEventKind::Press => {
                        self.quit = true
                    }
                    KeyCode::Char('l') if ctrl && key.kind == KeyEventKind::Press => {
                        self.redraw_all = true
                    }
                    _ => {}
                }
            }
            return;
        }
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                self.handle_key(key);
            }
            Event::Paste(text) if matches!(self.overlay, Some(Overlay::Approval(_))) => {
                if let Some(Overlay::Approval(b)) = &mut self.overlay {
                    b.field().insert(&text);
                }
            }
            Event::Paste(text) if self.overlay.is_none() => {
                let actions = self.screens.get_mut(self.step).paste(&text, &ctx!(self));
                for a in actions {
                    self.update(a);
                }
            }
            _ => {}
        }
    }

    /// Where `key` goes now: an open overlay takes every key; then the
    /// global keys; then the screen's bindings; anything else is the
    /// screen's input (its focused text field).
    pub fn route(&self, key: &KeyEvent) -> Route {
        if self.overlay.is_some() {
            return Route::Overlay;
        }
        if let Some(g) = lookup(&global_bindings(self.typing(), self.ready()), key) {
            return Route::Global(g);
        }
        match lookup(&self.bindings(), key) {
            Some(cmd) => Route::Screen(cmd),
            None => Route::Input,
        }
    }

    /// Carries out one key where [`App::route`] sends it; says where it
    /// went, and whether a bound command went unhandled.
    pub fn handle_key(&mut self, key: KeyEvent) -> Route {
        if let Some(overlay) = self.overlay.take() {
            self.overlay_key(overlay, key);
            return Route::Overlay;
        }
        let route = self.route(&key);
        let actions = match route {
            Route::Global(g) => {
                match g {
                    GlobalCmd::Goto(step) => self.update(Action::Goto(step)),
                    GlobalCmd::Help => self.overlay = Some(Overlay::Help),
                    GlobalCmd::Redraw => self.redraw_all = true,
                    GlobalCmd::Quit => self.overlay = Some(Overlay::ConfirmQuit),
                    GlobalCmd::Submit => self.update(Action::Order(Command::Submit)),
                }
                return route;
            }
            Route::Screen(cmd) => {
                let ctx = ctx!(self);
                match self.screens.get_mut(self.step).command(cmd, &ctx) {
                    Some(actions) => actions,
                    None => return Route::Unhandled(cmd),
                }
            }
            Route::Input => {
                if matches!(self.status, Some((_, true))) {
                    self.status = None;
                }
                let ctx = ctx!(self);
                self.screens.get_mut(self.step).input(&key, &ctx)
            }
            Route::Overlay | Route::Unhandled(_) => return route,
        };
        for a in actions {
            self.update(a);
        }
        route
    }

    fn overlay_key(&mut self, overlay: Overlay, key: KeyEvent) {
        match overlay {
            Overlay::Help => match lookup(&help_keys(), &key) {
                Some(_) => {} // closed: it was taken off
                None => self.overlay = Some(Overlay::Help),
            },
            Overlay::ConfirmQuit => match lookup(&quit_keys(), &key) {
                Some(OverlayCmd::Quit) => self.quit = true,
                _ => self.status("Still here."),
            },
            Overlay::Resume(id, text, in_use) => {
                match lookup(&resume_keys(in_use.is_some()), &key) {
                    Some(OverlayCmd::Resume | OverlayCmd::TakeOver) => self.resume(id),
                    Some(OverlayCmd::DiscardDraft) => match self.session.discard_draft(id) {
                        Ok(done) => self.status(done.message),
                        Err(r) => self.error(format!("could not discard the draft: {}", r.message)),
                    },
                    Some(OverlayCmd::KeepDraft) => {
                        self.status("Draft kept for later; a new order starts.")
                    }
                    _ => self.overlay = Some(Overlay::Resume(id, text, in_use)),
                }
            }
            Overlay::Approval(mut b) => match lookup(&approval_keys(), &key) {
                Some(OverlayCmd::Approve) => self.approve(b),
                Some(OverlayCmd::OtherField) => {
                    b.on_pin = !b.on_pin;
                    self.overlay = Some(Overlay::Approval(b));
                }
                Some(OverlayCmd::CancelApproval) => {
                    let (asked, refusal) = (b.asked, b.refusal);
                    self.answer(asked, Err(refusal));
                }
                _ => {
                    b.field().handle_key(&key);
                    self.overlay = Some(Overlay::Approval(b));
                }
            },
        }
    }

    /// The session refused something a supervisor may approve: the
    /// approval box opens; what was refused hears its answer when the box
    /// closes (approved, or the refusal stands).
    fn ask_approval(&mut self, asked: Asked, refusal: Refusal) {
        let what = self
            .session
            .awaiting_approval()
            .unwrap_or(&refusal.message)
            .to_string();
        self.error(format!("{} — a supervisor may approve it", refusal.message));
        self.overlay = Some(Overlay::Approval(Box::new(ApprovalBox::new(
            asked, refusal, what,
        ))));
    }

    /// The supervisor's name and PIN as typed go to the session; a wrong
    /// or locked PIN (or a supervisor who may not approve it) keeps the
    /// box open with why.
    fn approve(&mut self, mut b: Box<ApprovalBox>) {
        let supervisor = b.supervisor.value().trim().to_string();
        if supervisor.is_empty() {
            b.error = Some("type the supervisor's name".into());
            b.on_pin = false;
            self.overlay = Some(Overlay::Approval(b));
            return;
        }
        let pin = Pin(b.pin.value().to_string());
        b.pin.clear();
        let outcome = self.session.apply(Command::Approve { supervisor, pin });
        match outcome {
            Err(r) if r.rule == Rule::Approval => {
                b.error = Some(r.message);
                b.on_pin = true;
                self.overlay = Some(Overlay::Approval(b));
            }
            outcome => self.answer(b.asked, outcome),
        }
    }

    /// What was asked hears its answer, as it would have without the box.
    fn answer(&mut self, asked: Asked, outcome: Outcome) {
        match asked {
            Asked::Command { next, guest } => self.command_answered(outcome, next, guest),
            Asked::Challenge(id) => self.challenge_answered(id, outcome),
        }
    }

    fn resume(&mut self, id: i64) {
        match self.session.resume(id) {
            Ok(done) => {
                let order = self.session.order();
                self.step = if order.customer.is_none() {
                    Step::Find
                } else if order.lines.is_empty() {
                    Step::Catalog
                } else {
                    Step::Review
                };
                self.screens = screens::Screens::default();
                self.status(done.message);
                self.restore_typed();
            }
            Err(r) => self.error(r.message),
        }
    }

    /// What the operator has typed and not yet confirmed, on every screen,
    /// with the step they are on (docs/design.md, section 7); None when
    /// nothing is. Screens leave out masked fields and the card form; the
    /// overlays (the supervisor's PIN among them) are never in it.
    pub fn typed(&self) -> Option<serde_json::Value> {
        let screens = self.screens.typed();
        (!screens.is_empty())
            .then(|| serde_json::json!({"step": self.step.name(), "screens": screens}))
    }

    /// Keeps what is typed and not yet confirmed with the draft: the event
    /// loop calls it when typing pauses, and [`App::close`] before the
    /// console ends. Returns whether the screen has news (the draft could
    /// not be saved, or another console took the order).
    pub fn save_typed(&mut self) -> bool {
        let before = (self.status.clone(), self.step);
        self.session.save_typed(self.typed());
        self.told();
        before != (self.status.clone(), self.step)
    }

    /// A resumed draft's typing comes back: the operator is on the step
    /// they were on, in the form they had open, with the text they typed.
    fn restore_typed(&mut self) {
        let Some(typed) = self.session.typed().cloned() else {
            return;
        };
        if let Some(step) = typed_step(&typed) {
            self.step = step;
            self.session.refresh(true);
            let ctx = ctx!(self);
            self.screens.get_mut(step).enter(&ctx);
        }
        if let Some(screens) = typed.get("screens") {
            self.screens.restore_typed(screens);
        }
    }

    /// The one place that applies actions.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Goto(step) => self.goto(step),
            Action::Status(s) => self.status(s),
            Action::Error(s) => self.error(s),
            Action::Order(cmd) => self.order_command(cmd),
            Action::NewCustomer(search) => {
                self.screens.customer.start_create(&search);
                self.goto(Step::Customer);
            }
            Action::GuestForm(search) => {
                self.screens.customer.start_guest(&search);
                self.goto(Step::Customer);
            }
            Action::SaveCustomer { edit, draft } => {
                let id = edit.as_ref().map(|(id, _)| *id);
                let store = self.session.store();
                let operator = self.session.operator().to_string();
                let result = match &edit {
                    None => store.create_customer(&draft, &operator),
                    Some((id, base)) => store
                        .update_customer(*id, base, &draft, &operator)
                        .map(|_version| *id),
                };
                match result {
                    Ok(saved) => {
                        self.screens.customer.saved();
                        self.order_command(Command::PickCustomer {
                            id: Some(saved),
                            logon: None,
                        });
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
                let operator = self.session.operator().to_string();
                match self
                    .session
                    .store()
                    .convert_guest(id, &conversion, &operator)
                {
                    Ok(()) => {
                        self.screens.customer.saved();
                        self.order_command(Command::PickCustomer {
                            id: Some(id),
                            logon: None,
                        });
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
            } => self.check_challenge(customer_id, answer),
            Action::OpenOrder { order_no, from } => self.open_order(order_no, from),
            Action::Service(service) => self.service(service),
            Action::RegisterGuest(customer_id) => {
                self.new_order();
                self.order_command(Command::PickCustomer {
                    id: Some(customer_id),
                    logon: None,
                });
                self.goto(Step::Customer);
                self.status("Register the guest: logon, password and challenge question.");
            }
        }
    }

    fn goto(&mut self, step: Step) {
        if step == Step::Confirmation && self.session.placed().is_empty() {
            return;
        }
        if self.step == Step::Confirmation && step != Step::Confirmation {
            // Leaving the confirmation starts the next order.
            self.new_order();
        }
        if self.step == Step::Customer && !matches!(step, Step::Customer | Step::History) {
            // A form left open is abandoned: F3 shows the order's customer
            // next time, never a form of someone else.
            self.screens.customer = Default::default();
        }
        self.step = step;
        // Entering a step shows stock as it is now.
        self.session.refresh(true);
        let ctx = ctx!(self);
        self.screens.get_mut(step).enter(&ctx);
    }

    fn new_order(&mut self) {
        let _ = self.session.apply(Command::NewOrder);
        self.screens = screens::Screens::default();
        self.step = Step::Find;
    }

    /// A command for the session; its answer goes to the status line and
    /// to the screen that asked, and the flow moves on where it should.
    fn order_command(&mut self, cmd: Command) {
        let next = match &cmd {
            Command::PickCustomer { .. } | Command::Guest(_) => Some(Step::Catalog),
            Command::Submit => Some(Step::Confirmation),
            Command::NewOrder => Some(Step::Find),
            _ => None,
        };
        let guest = matches!(cmd, Command::Guest(_));
        let outcome = self.session.apply(cmd);
        if let Err(r) = &outcome {
            if self.session.awaiting_approval().is_some() {
                self.ask_approval(Asked::Command { next, guest }, r.clone());
                return;
            }
        }
        self.command_answered(outcome, next, guest);
    }

    /// The screen that asked hears the answer; the status line says it;
    /// the flow moves on where it should.
    fn command_answered(&mut self, outcome: Outcome, next: Option<Step>, guest: bool) {
        let follow = self.screens.get_mut(self.step).answered(&outcome);
        match outcome {
            Ok(Done { message, .. }) => {
                if guest {
                    self.screens.customer.guest_started();
                }
                if next == Some(Step::Find) {
                    self.screens = screens::Screens::default();
                }
                self.status(message);
                if let Some(step) = next {
                    self.step = step;
                    if step != Step::Confirmation {
                        self.goto(step);
                    }
                }
            }
            Err(r) => self.refused(&r),
        }
        for a in follow {
            self.update(a);
        }
    }

    fn refused(&mut self, r: &Refusal) {
        match r.area.map(Step::for_area).filter(|s| *s != self.step) {
            Some(step) => self.error(format!("{} ({} goes there)", r.message, step.key_label())),
            None => self.error(r.message.clone()),
        }
    }

    /// The record screen's challenge question: checked by the session
    /// (wrong answers counted toward the customer's lockout); a locked
    /// customer's stored payment opens the approval box to unlock it.
    fn check_challenge(&mut self, customer_id: i64, answer: String) {
        let outcome = self.session.check_challenge(customer_id, &answer);
        if let Err(r) = &outcome {
            if self.session.awaiting_approval().is_some() {
                self.screens.customer.challenge_refused(r.message.clone());
                self.ask_approval(Asked::Challenge(customer_id), r.clone());
                return;
            }
        }
        self.challenge_answered(customer_id, outcome);
    }

    fn challenge_answered(&mut self, customer_id: i64, outcome: Outcome) {
        match &outcome {
            Err(r) if r.rule == Rule::ChallengeLocked => {
                self.screens.customer.challenge_refused(r.message.clone())
            }
            _ => {
                let failures = self
                    .session
                    .store()
                    .challenge_failures(customer_id)
                    .unwrap_or(0);
                self.screens
                    .customer
                    .challenge_result(outcome.is_ok(), failures);
            }
        }
        match outcome {
            Ok(done) => self.status(done.message),
            Err(r) => self.refused(&r),
        }
    }

    /// After a batch of events: re-quote if the order changed, refresh the
    /// screen's queries, save the draft.
    pub fn settle(&mut self) {
        self.session.refresh(false);
        self.clear_stale_error();
        self.told();
        let ctx = ctx!(self);
        let screen = self.screens.get_mut(self.step);
        if let Err(e) = screen.refresh(&ctx) {
            self.status = Some((e, true));
        }
    }

    /// Every few seconds while the console runs: keeps the draft held.
    pub fn tick(&mut self) {
        self.session.renew();
        self.told();
    }

    /// What the session says happened outside a command; when another
    /// console took the order, this one is back on Find with a new order.
    fn told(&mut self) {
        if self.session.take_restart() {
            self.screens = screens::Screens::default();
            self.step = Step::Find;
        }
        if let Some(n) = self.session.take_notice() {
            self.error(n);
        }
    }

    /// The console is closing: the draft, with what is typed and not yet
    /// confirmed, is saved and let go.
    pub fn close(&mut self) {
        self.save_typed();
        self.session.close();
    }
}

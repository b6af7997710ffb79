//! The order session: the only way to change an order (DESIGN: the order
//! session, in docs/design.md).
//!
//! A [`Session`] owns the order in progress, its quote, its draft and its
//! revision. [`Session::apply`] carries out one [`Command`] and answers with
//! what it did ([`Done`]) or a typed [`Refusal`] that names the rule and the
//! area that fixes it; a refused command changes nothing. Every rule is in
//! [`crate::domain::rules`]: the session checks it after each change (so
//! the console can show what is missing) and the store checks it again
//! inside the submit transaction, on the order as it will be stored.
//!
//! The console maps keys to commands, `orderdesk play` reads them from a
//! script, `orderdesk simulate` and the tests build them: all drive this
//! same code. Screens draw from [`Session::view`], built once per batch of
//! keys; drawing runs no SQL.

mod apply;
mod approval;
pub mod command;
pub mod lookup;
pub mod operators;
pub mod order_text;
pub mod play;
pub mod search;
pub mod servicing;
pub mod simulate;
mod submit;
pub mod unsaved;
pub mod warehouse;

pub use command::{BackorderKind, Command, Done, Outcome, PayInput, Pin, Refusal};
pub use lookup::Lookup;

use crate::domain::money::Currency;
use crate::domain::order::{Line, Order};
use crate::domain::quote::Quote;
use crate::domain::rules::{self, Facts, Violation};
use crate::store::{Draft, DraftError, PlacedOrder, Store};
use chrono::{DateTime, NaiveDate, Utc};

/// What waits for a supervisor's approval: the command refused last, for
/// a reason a supervisor may approve ([`Command::Approve`]).
#[derive(Debug, Clone)]
enum Pending {
    /// An adjustment beyond the operator's limits, or picking a disabled
    /// customer: carried out again with the approval.
    Command(Box<Command>),
    /// A customer's stored payment locked by wrong challenge answers:
    /// unlocked, then the answer given (if one was) is checked, or the
    /// stored card refused is paid with again.
    Unlock {
        customer: i64,
        answer: Option<String>,
        retry: Option<Box<Command>>,
    },
}

/// What the session knows of the order for drawing: read-only, no SQL.
pub struct View<'a> {
    pub order: &'a Order,
    pub quote: &'a Quote,
    /// What stands between the order and submit now.
    pub violations: &'a [Violation],
    /// The orders the last submit placed (the confirmation shows them),
    /// with the quote they were placed with.
    pub placed: &'a [PlacedOrder],
    pub placed_quote: Option<&'a Quote>,
    pub operator: &'a str,
    pub today: NaiveDate,
    /// The customer whose challenge was answered in this session.
    pub verified: Option<i64>,
    pub revision: u64,
}

pub struct Session {
    store: Store,
    operator: String,
    today: NaiveDate,
    /// Names this console in the drafts it holds.
    holder: String,
    /// Scripts replaying a call keep no draft.
    keep_drafts: bool,
    order: Order,
    draft_id: Option<i64>,
    /// Bumped on every change of the order.
    revision: u64,
    saved_revision: u64,
    quoted_revision: Option<u64>,
    quote: Quote,
    violations: Vec<Violation>,
    removed: Vec<(usize, Line)>,
    verified: Option<i64>,
    placed: Vec<PlacedOrder>,
    placed_quote: Option<Quote>,
    /// Something that happened outside a command, for the operator.
    notice: Option<String>,
    /// Set when another console took the order: a new one was started.
    restarted: bool,
    /// What a supervisor may approve now (the command refused last), and
    /// what it is, in words.
    pending: Option<(Pending, String)>,
    /// The time PIN and challenge lockouts are judged at; None: the
    /// clock's (tests set it).
    clock: Option<DateTime<Utc>>,
    /// What was typed and not yet confirmed, as the console last gave it
    /// (or as the resumed draft kept it).
    typed: Option<serde_json::Value>,
    /// That, as written to the draft (so an unchanged one is not written).
    typed_saved: Option<String>,
    /// The placed order open for servicing (servicing.rs).
    case: Option<servicing::Case>,
    /// Where the order goes while the database cannot take its draft.
    unsaved: Option<unsaved::Unsaved>,
}

impl Session {
    pub fn new(store: Store, operator: impl Into<String>, today: NaiveDate) -> Session {
        let currency = store.default_currency().unwrap_or(Currency::USD);
        Session {
            store,
            operator: operator.into(),
            today,
            holder: format!("{:x}-{:x}", std::process::id(), fastrand::u64(..)),
            keep_drafts: true,
            order: Order::new(new_token(), currency),
            draft_id: None,
            revision: 0,
            saved_revision: 0,
            quoted_revision: None,
            quote: Quote::empty(currency),
            violations: Vec::new(),
            removed: Vec::new(),
            verified: None,
            placed: Vec::new(),
            placed_quote: None,
            notice: None,
            restarted: false,
            pending: None,
            clock: None,
            typed: None,
            typed_saved: None,
            case: None,
            unsaved: None,
        }
    }

    /// Keeps the order in progress in a private file in `folder` whenever
    /// the database cannot take its draft (unsaved.rs); the console's.
    pub fn with_unsaved_folder(mut self, folder: &std::path::Path) -> Session {
        self.unsaved = Some(unsaved::Unsaved::in_folder(folder, &self.operator));
        self
    }

    /// A session that keeps no draft (a script replaying a call must not
    /// touch the operator's own draft).
    pub fn without_drafts(mut self) -> Session {
        self.keep_drafts = false;
        self
    }

    pub fn operator(&self) -> &str {
        &self.operator
    }
    pub fn today(&self) -> NaiveDate {
        self.today
    }
    /// The date pricing, promotions and card expiry are judged on.
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
        self.quoted_revision = None;
    }
    pub fn order(&self) -> &Order {
        &self.order
    }
    pub fn quote(&self) -> &Quote {
        &self.quote
    }
    pub fn revision(&self) -> u64 {
        self.revision
    }
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
    pub fn placed(&self) -> &[PlacedOrder] {
        &self.placed
    }
    pub fn lookup(&self) -> Lookup<'_> {
        Lookup::new(&self.store, &self.operator, self.today, self.order.currency)
    }
    /// The time lockouts are judged at: the clock's, unless set.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(Utc::now)
    }
    /// Judges PIN and challenge lockouts at `now` from here on (tests).
    pub fn set_clock(&mut self, now: DateTime<Utc>) {
        self.clock = Some(now);
    }
    /// What waits for a supervisor's approval, in words: the command
    /// refused last, when a supervisor may approve it.
    pub fn awaiting_approval(&self) -> Option<&str> {
        self.pending.as_ref().map(|(_, what)| what.as_str())
    }
    /// The store, for commands outside the order (export, demo data).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Takes the message of something that happened outside a command.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    pub fn view(&self) -> View<'_> {
        View {
            order: &self.order,
            quote: &self.quote,
            violations: &self.violations,
            placed: &self.placed,
            placed_quote: self.placed_quote.as_ref(),
            operator: &self.operator,
            today: self.today,
            verified: self.verified,
            revision: self.revision,
        }
    }

    /// Re-quotes when the order changed since the last quote (or `force`,
    /// when a step is entered: stock may have moved under other operators),
    /// and re-checks the rules. Shipping overrides follow their shipment
    /// when the plan changes.
    pub fn refresh(&mut self, force: bool) {
        if !self.placed.is_empty() {
            return;
        }
        if !force && self.quoted_revision == Some(self.revision) {
            // Nothing changed: no query at all (an arrow key costs nothing).
            self.save_draft();
            return;
        }
        {
            let keys = |q: &Quote| -> Vec<_> {
                q.plan
                    .shipments
                    .iter()
                    .map(|s| (s.part, s.ship_to, s.date))
                    .collect()
            };
            let before = keys(&self.quote);
            self.quote_now();
            let after = keys(&self.quote);
            if before != after && !before.is_empty() {
                let old = self.order.adjustments.clone();
                let gone = self.order.follow_shipments(&before, &after);
                if self.order.adjustments != old {
                    self.changed();
                    self.quote_now();
                }
                if gone > 0 {
                    self.notice =
                        Some("a shipping override was removed: its shipment is gone".into());
                }
            }
        }
        match self.facts_for(&self.order) {
            Ok(f) => self.violations = rules::check(&self.order, &self.quote, &f),
            Err(e) => self.notice = Some(format!("could not check the order: {e}")),
        }
        self.save_draft();
    }

    fn quote_now(&mut self) {
        match self.store.quote(&self.order, self.today) {
            Ok(q) => {
                self.quote = q;
                self.quoted_revision = Some(self.revision);
            }
            Err(e) => {
                self.notice = Some(format!(
                    "could not price the order: {}",
                    crate::store::StoreError::from(e)
                ))
            }
        }
    }

    /// The store's facts for `order`, with what this session knows.
    pub(super) fn facts_for(&self, order: &Order) -> rusqlite::Result<Facts> {
        let mut f = self.store.facts(order, &self.operator)?;
        f.challenge_verified = self.verified;
        Ok(f)
    }

    fn changed(&mut self) {
        self.revision += 1;
    }

    fn save_draft(&mut self) {
        if !self.keep_drafts || self.revision == self.saved_revision {
            return;
        }
        if self.order.is_empty() && self.draft_id.is_none() {
            self.saved_revision = self.revision;
            return;
        }
        match self
            .store
            .save_draft(self.draft_id, &self.operator, &self.holder, &self.order)
        {
            Ok(id) => {
                self.draft_id = Some(id);
                self.saved_revision = self.revision;
                if let Some(u) = &self.unsaved {
                    u.clear();
                }
            }
            Err(DraftError::Db(e)) if self.unsaved.is_some() => {
                let kept = self.unsaved.as_ref().map(|u| u.keep(&self.order));
                self.notice = Some(match kept {
                    Some(Ok(())) => {
                        format!("{e}; the order is kept on this computer until it is back")
                    }
                    _ => e.to_string(),
                });
            }
            Err(e) => self.draft_failed(e),
        }
    }

    fn draft_failed(&mut self, e: DraftError) {
        match e {
            DraftError::TakenOver(_) | DraftError::Gone => self.detach(e.to_string()),
            DraftError::Db(_) => self.notice = Some(e.to_string()),
        }
    }

    /// Another console has this order now (took it over, placed or
    /// discarded it): nothing of it can be saved or placed here, so this
    /// console starts a new order and says why.
    pub(super) fn detach(&mut self, why: String) {
        self.start_new();
        self.restarted = true;
        self.notice = Some(format!("{why}; a new order starts here"));
    }

    /// Whether the session started a new order by itself since last asked
    /// (another console took the order): the console goes back to Find.
    pub fn take_restart(&mut self) -> bool {
        std::mem::take(&mut self.restarted)
    }

    /// Keeps this console's hold on its draft alive (the console calls it
    /// every few seconds); tells when another console took it over.
    pub fn renew(&mut self) {
        // A save that failed (the database away) is tried again here, so
        // the order reaches the database as soon as it is back; while it
        // fails, what it said stands.
        self.save_draft();
        if self.revision != self.saved_revision {
            return;
        }
        let Some(id) = self.draft_id else {
            return;
        };
        if let Err(e) = self.store.renew_draft(id, &self.holder) {
            self.draft_failed(e);
        }
    }

    /// Puts the order back as it was before a command that hit a bug (the
    /// console catches the panic), so a bug never leaves half a change.
    pub fn put_back(&mut self, order: Order) {
        self.order = order;
        self.changed();
    }

    /// What the operator had typed and not yet confirmed when the draft was
    /// last saved, as the console gave it to [`Session::save_typed`]; after
    /// [`Session::resume`], what the resumed draft kept, for the console to
    /// put back.
    pub fn typed(&self) -> Option<&serde_json::Value> {
        self.typed.as_ref()
    }

    /// Keeps with the draft what the operator has typed and not yet
    /// confirmed (None: nothing). The console calls it when typing pauses
    /// and when it closes. It is not a change of the order: the revision
    /// stays as it is. With nothing on the order yet, a draft is made for
    /// it; with nothing typed and nothing on the order, the draft goes.
    /// The console leaves out masked fields and the card form: what it
    /// gives here is written as it is.
    pub fn save_typed(&mut self, typed: Option<serde_json::Value>) {
        if !self.keep_drafts || !self.placed.is_empty() {
            return;
        }
        let text = typed.as_ref().map(|v| v.to_string());
        self.typed = typed;
        if text == self.typed_saved {
            return;
        }
        self.save_draft();
        let Some(id) = self.draft_id else {
            if text.is_none() {
                return;
            }
            match self
                .store
                .save_draft(None, &self.operator, &self.holder, &self.order)
            {
                Ok(id) => {
                    self.draft_id = Some(id);
                    self.saved_revision = self.revision;
                    self.write_typed(id, text);
                }
                Err(e) => self.draft_failed(e),
            }
            return;
        };
        if text.is_none() && self.order.is_empty() {
            match self.store.drop_empty_draft(id, &self.holder) {
                Ok(()) => {
                    self.draft_id = None;
                    self.typed_saved = None;
                }
                Err(e) => self.draft_failed(DraftError::from(e)),
            }
            return;
        }
        self.write_typed(id, text);
    }

    fn write_typed(&mut self, id: i64, text: Option<String>) {
        match self
            .store
            .save_draft_fields(id, &self.operator, &self.holder, text.as_deref())
        {
            Ok(()) => self.typed_saved = text,
            Err(e) => self.draft_failed(e),
        }
    }

    /// Lets go of the draft (the console is closing); it stays saved.
    pub fn close(&mut self) {
        self.save_draft();
        if let Some(id) = self.draft_id {
            let _ = self.store.release_draft(id, &self.holder);
        }
    }

    /// The operator's latest draft, to offer on start: first an order
    /// kept on this computer while the database was away, given to the
    /// database as a draft of this console's.
    pub fn pending_draft(&self) -> Result<Option<Draft>, String> {
        if let Some(u) = &self.unsaved {
            if let Some(order) = u.read() {
                self.store
                    .save_draft(None, &self.operator, &self.holder, &order)
                    .map_err(|e| e.to_string())?;
                u.clear();
            }
        }
        self.store
            .latest_draft(&self.operator)
            .map_err(|e| crate::store::StoreError::from(e).to_string())
    }

    /// Resumes draft `id` (taking it over from another console if one
    /// holds it): this console holds it from now on.
    pub fn resume(&mut self, id: i64) -> Outcome {
        let draft = self
            .store
            .take_draft(id, &self.operator, &self.holder)?
            .ok_or_else(|| Refusal::not_found("the draft is gone; starting a new order"))?;
        let order = draft.order.map_err(|e| {
            Refusal::input(format!(
                "the draft cannot be read ({e}); starting a new order"
            ))
        })?;
        self.start(order);
        self.draft_id = Some(id);
        self.typed_saved = draft.fields.as_ref().map(|v| v.to_string());
        self.typed = draft.fields;
        Ok(Done::said(format!("Resumed: {}", self.order.summary())))
    }

    pub fn discard_draft(&mut self, id: i64) -> Outcome {
        self.store.delete_draft(id)?;
        Ok(Done::said("Draft discarded; a new order starts."))
    }

    /// A fresh order; the current one stays a draft.
    fn start(&mut self, order: Order) {
        self.order = order;
        self.draft_id = None;
        self.removed.clear();
        self.verified = None;
        self.placed.clear();
        self.placed_quote = None;
        self.violations.clear();
        self.pending = None;
        self.typed = None;
        self.typed_saved = None;
        self.revision += 1;
        self.saved_revision = self.revision;
        self.quoted_revision = None;
    }

    fn start_new(&mut self) {
        let currency = self.store.default_currency().unwrap_or(self.order.currency);
        self.start(Order::new(new_token(), currency));
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

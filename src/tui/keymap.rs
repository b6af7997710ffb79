//! Keys, what they do, and their hints: one model for every place that
//! takes keys.
//!
//! # The model
//!
//! A place that takes keys has a table of [`Binding`]s. A binding is some
//! keys, the one command they give, and the hint that names them. The place
//! dispatches a key by looking it up in its table ([`lookup`]), and
//! everything that tells the operator about keys is drawn from that same
//! table: the key bar, the help overlay, a dialog's hint lines. So a hint
//! cannot exist for a key that does nothing, nor a key without its hint
//! (docs/design.md, "Key hints never lie").
//!
//! A key goes through the places in this order (`App::route` in
//! `tui/app.rs`); the first whose table has it takes it:
//!
//! 1. **An overlay**, when one is open, takes every key: the help, the
//!    quit question and the offer to resume a draft, each with its own
//!    table of `OverlayCmd`s in `app.rs`. A dialog's hint lines are that
//!    table drawn with [`hint_line`] or [`hint_lines`]; keys no binding
//!    has are either "any other key" (a binding made with
//!    [`Binding::otherwise`]) or ignored.
//! 2. **The global keys** (a step's F-key and its Ctrl twin, help, redraw,
//!    quit): `GlobalCmd`s in `app.rs`, listed in help under "Everywhere".
//! 3. **The screen**, in the mode it is in: `Screen::bindings` gives
//!    [`Cmd`]s, which the key bar and the help's "On <screen>" column show
//!    and `Screen::command` carries out. `command` answers `None` for a
//!    command its current mode does not handle; a binding for one would be
//!    a hint that lies, and the render tests press every bound key of
//!    every screen mode they reach to find one.
//! 4. **The focused text field**: its editing keys are the table
//!    `text_field::editing_keys` (`Edit` commands), which help lists under
//!    "Typing in a field"; any other plain character is typed.
//!
//! # Commands
//!
//! Each place has its own command type, and each variant means one thing,
//! named for it, wherever it is bound: no command stands for "whatever
//! this screen does with that key". A few [`Cmd`]s are the same motion on
//! every screen (moving in a list, between fields, through a field's
//! choices, and Esc going back); the others name one action each, and a
//! screen's `command` handles those its current mode offers.
//!
//! A binding is shown in the key bar (or a dialog's hint lines) and in
//! help, in help only ([`Binding::help_only`], for keys obvious in use
//! such as arrows), or on its own nowhere ([`Binding::unlisted`]) when
//! another hint already names its key.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

/// What a screen's key does. Each variant is one action, whatever the
/// screen; which of them a screen offers depends on the mode it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    // The same motion on every screen.
    /// The selection (or the view) one row up.
    Up,
    /// The selection (or the view) one row down.
    Down,
    /// The selection (or the view) a page up.
    PageUp,
    /// The selection (or the view) a page down.
    PageDown,
    /// Focus to the next field or part of the screen.
    NextField,
    /// Focus to the previous field or part of the screen.
    PrevField,
    /// The next value of a field chosen from a list.
    NextChoice,
    /// The previous value of a field chosen from a list.
    PrevChoice,
    /// Esc: leaves what is open (a list, a form, a question, the record
    /// being edited, the history) for the level it was opened from.
    Back,

    // Find customer.
    /// Takes the selected customer for the order.
    PickCustomer,
    /// Opens the record screen to create a customer.
    NewCustomer,
    /// Opens the guest form.
    GuestOrder,
    /// Empties the search (find customer, catalog).
    ClearSearch,

    // Customer record.
    /// Opens the shown record for editing.
    EditRecord,
    /// Asks the challenge question, then shows the stored payment methods.
    ShowStoredPayment,
    /// Opens the customer's order history.
    OrderHistory,
    /// Saves the record being created or edited.
    SaveRecord,
    /// The record form's next section.
    NextSection,
    /// The record form's previous section.
    PrevSection,
    /// Space on a check-box row of the record form: switches Enabled, or
    /// makes the selected address the default ship-to or bill-to. Tab in
    /// F8's price form: switches "net price".
    Mark,
    /// Adds an address to the address book.
    AddAddress,
    /// Removes the selected address from the address book.
    RemoveAddress,
    /// Asks the challenge question, then opens the password and answer.
    ChangePassword,
    /// Checks the typed answer to the challenge question (customer record,
    /// stored card).
    CheckAnswer,
    /// Starts the order for the guest typed in the guest form.
    StartGuestOrder,
    /// Registers the guest with the logon and password typed.
    RegisterGuest,

    // Catalog.
    /// Opens the category tree.
    Categories,
    /// Browses within the selected category.
    BrowseCategory,
    /// Adds the selected item, in the quantity typed, to the cart.
    AddToCart,

    // Cart.
    /// Adds the typed SKU, in the quantity typed, to the cart.
    AddSku,
    /// Opens the selected line's quantity for changing.
    ChangeQuantity,
    /// Sets the selected line to the quantity typed.
    SetQuantity,
    /// Removes the selected line.
    RemoveLine,
    /// Puts the last removed line back.
    UndoRemove,
    /// Copies an earlier order's lines into the cart (the cart lists the
    /// customer's recent orders; the history copies the selected one).
    Reorder,
    /// Copies the lines of the earlier order selected in the cart's list.
    CopyOrder,
    /// Copies the customer's latest placed order (lines, ship-tos, methods).
    ReorderLast,

    // Fulfillment.
    /// One of the numbered backorder choices (0 is the first).
    BackorderChoice(u8),
    /// Switches whether backorders go to an order of their own.
    SeparateBackorders,
    /// Opens the methods of the selected line's ship-to.
    ChooseMethod,
    /// Uses the selected method for the ship-to.
    UseMethod,
    /// Opens the destinations to move (part of) the selected line to.
    MoveLine,
    /// Ships the quantity to the selected or typed destination.
    ShipThere,

    // Billing and payment.
    /// Opens the selected payment choice.
    ChoosePayment,
    /// Bills to the selected address.
    BillTo,
    /// Checks the typed card and uses it.
    UseCard,
    /// Puts the order on the customer's account.
    UseAccount,

    // Adjustments.
    /// Redeems a coupon: the selected one, or the code typed.
    Redeem,
    /// Opens the adjustment form for the selected row.
    Adjust,
    /// Applies the adjustment typed in the form.
    ApplyAdjustment,
    /// Takes off the selected row's coupon or adjustment.
    RemoveAdjustment,
    /// Opens the waiver of the selected shipment's charge (to zero, with
    /// a reason).
    WaiveShipping,
    /// Saves the comments typed.
    SaveComments,

    // Review, confirmation, history.
    /// Places the order.
    SubmitOrder,
    /// Starts the next order.
    NewOrder,
    /// After a guest order: the registration form for that guest.
    OpenGuestRegistration,
    /// Shows the selected placed order.
    ShowOrder,

    // Orders (after the call).
    /// Finds the orders the typed fields describe.
    SearchOrders,
    /// Opens the form for a new quantity of one of the open order's lines.
    OrderQuantity,
    /// Opens the form for a line to add to the open order.
    OrderAddLine,
    /// Opens the form naming the open order's line to cancel.
    OrderCancelLine,
    /// Opens the address form of one of the open order's ship-tos.
    OrderAddress,
    /// Opens the shipping methods of one of the open order's ship-tos.
    OrderMethod,
    /// Asks why the order changes, then writes the changes made.
    ConfirmChanges,
    /// Opens the reasons to cancel the whole open order.
    CancelOrder,
    /// Opens the reasons to hold the open order.
    HoldOrder,
    /// Asks why the hold is lifted, then lifts it.
    ReleaseHold,
    /// Shows the open order's confirmation text, to read to the customer.
    OrderText,
    /// Carries out the open order's form or list: the quantity, line,
    /// address, method or reason chosen.
    SendOrderForm,
    /// Drops the changes not confirmed yet (the question's answer).
    DiscardChanges,
}

/// One key (with modifiers) as written in hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    /// A letter that counts in either case (a dialog's `y`, `T`).
    pub any_case: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
            any_case: false,
        }
    }
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
            any_case: false,
        }
    }
    pub const fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }
    /// A letter in either case, written as given.
    pub const fn letter(c: char) -> Key {
        Key {
            any_case: true,
            ..Key::char(c)
        }
    }

    /// Whether `ev` is this key. Shift is ignored for characters (it is in
    /// the character already) and BackTab arrives with or without Shift.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                let same = if self.any_case || self.mods.contains(KeyModifiers::CONTROL) {
                    a.eq_ignore_ascii_case(&b)
                } else {
                    a == b
                };
                same && (ev.modifiers & relevant) == (self.mods & relevant)
            }
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (a, b) => a == b && (ev.modifiers & relevant) == (self.mods & relevant),
        }
    }

    /// The key press this key stands for (what pressing it sends).
    pub fn event(&self) -> KeyEvent {
        KeyEvent {
            code: self.code,
            modifiers: self.mods,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("^{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// Where a binding's hint is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// In the key bar (a dialog: its hint lines) and in help.
    Bar,
    /// In help only: keys obvious in use (arrows, Tab).
    HelpOnly,
    /// Not on its own: another binding's hint already names the key (`?`
    /// in "Help (also ? outside fields)"; in the quit question, the ^C that
    /// help lists as Quit).
    Nowhere,
}

/// Keys → one command, with the hint shown for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding<C = Cmd> {
    pub keys: Vec<Key>,
    /// Set for a binding that takes any key the bindings before it did
    /// not; the text names those keys in the hint ("any other key").
    pub otherwise: Option<&'static str>,
    pub label: &'static str,
    pub cmd: C,
    pub shown: Shown,
}

impl<C: Copy> Binding<C> {
    pub fn new(keys: &[Key], label: &'static str, cmd: C) -> Binding<C> {
        Binding {
            keys: keys.to_vec(),
            otherwise: None,
            label,
            cmd,
            shown: Shown::Bar,
        }
    }
    /// Any key the bindings listed before it do not take; `keys` names
    /// them in the hint ("any other key", "any key").
    pub fn otherwise(keys: &'static str, label: &'static str, cmd: C) -> Binding<C> {
        Binding {
            keys: Vec::new(),
            otherwise: Some(keys),
            label,
            cmd,
            shown: Shown::Bar,
        }
    }
    /// Listed in help only (arrows and the like, obvious in use).
    pub fn help_only(mut self) -> Binding<C> {
        self.shown = Shown::HelpOnly;
        self
    }
    /// Not listed on its own: another binding's hint names the key.
    pub fn unlisted(mut self) -> Binding<C> {
        self.shown = Shown::Nowhere;
        self
    }
    pub fn in_bar(&self) -> bool {
        self.shown == Shown::Bar
    }
    pub fn in_help(&self) -> bool {
        self.shown != Shown::Nowhere
    }
    /// Whether `ev` is one of this binding's keys.
    pub fn takes(&self, ev: &KeyEvent) -> bool {
        self.otherwise.is_some() || self.keys.iter().any(|k| k.matches(ev))
    }
    pub fn keys_label(&self) -> String {
        match self.otherwise {
            Some(text) => text.to_string(),
            None => self
                .keys
                .iter()
                .map(Key::label)
                .collect::<Vec<_>>()
                .join("/"),
        }
    }
}

/// The command bound to `ev` in `bindings`, if any: the first binding
/// that takes the key.
pub fn lookup<C: Copy>(bindings: &[Binding<C>], ev: &KeyEvent) -> Option<C> {
    bindings.iter().find(|b| b.takes(ev)).map(|b| b.cmd)
}

/// A dialog's hints on one line: `y  quit        any other key  stay`.
pub fn hint_line<C: Copy>(bindings: &[Binding<C>]) -> String {
    bindings
        .iter()
        .filter(|b| b.in_bar())
        .map(|b| format!("{}  {}", b.keys_label(), b.label))
        .collect::<Vec<_>>()
        .join("        ")
}

/// A dialog's hints one per line, the keys in a column at least
/// `key_width` wide: `Enter  resume it`, `Esc    keep it ...`.
pub fn hint_lines<C: Copy>(bindings: &[Binding<C>], key_width: usize) -> Vec<String> {
    let shown: Vec<&Binding<C>> = bindings.iter().filter(|b| b.in_bar()).collect();
    let width = shown
        .iter()
        .map(|b| b.keys_label().chars().count())
        .fold(key_width, usize::max);
    shown
        .iter()
        .map(|b| format!("{:<width$}  {}", b.keys_label(), b.label))
        .collect()
}

/// The usual list movement keys, shared by list screens.
pub fn list_moves() -> Vec<Binding> {
    vec![
        Binding::new(&[Key::plain(KeyCode::Up)], "Up", Cmd::Up).help_only(),
        Binding::new(&[Key::plain(KeyCode::Down)], "Down", Cmd::Down).help_only(),
        Binding::new(&[Key::plain(KeyCode::PageUp)], "Page up", Cmd::PageUp).help_only(),
        Binding::new(&[Key::plain(KeyCode::PageDown)], "Page down", Cmd::PageDown).help_only(),
    ]
}

/// Field movement keys, shared by form screens.
pub fn field_moves() -> Vec<Binding> {
    vec![
        Binding::new(&[Key::plain(KeyCode::Tab)], "Next field", Cmd::NextField).help_only(),
        Binding::new(
            &[Key::plain(KeyCode::BackTab)],
            "Previous field",
            Cmd::PrevField,
        )
        .help_only(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn ctrl_letters_match_either_case_and_plain_do_not() {
        let k = Key::ctrl('f');
        assert!(k.matches(&ev(KeyCode::Char('f'), KeyModifiers::CONTROL)));
        assert!(k.matches(&ev(
            KeyCode::Char('F'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT
        )));
        assert!(!k.matches(&ev(KeyCode::Char('f'), KeyModifiers::NONE)));
        assert!(Key::char('?').matches(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT)));
        assert!(!Key::char('a').matches(&ev(KeyCode::Char('a'), KeyModifiers::ALT)));
        assert!(Key::plain(KeyCode::BackTab).matches(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)));
    }

    #[test]
    fn a_letter_counts_in_either_case_but_not_as_a_chord() {
        let t = Key::letter('T');
        assert!(t.matches(&ev(KeyCode::Char('t'), KeyModifiers::NONE)));
        assert!(t.matches(&ev(KeyCode::Char('T'), KeyModifiers::SHIFT)));
        assert!(!t.matches(&ev(KeyCode::Char('t'), KeyModifiers::CONTROL)));
        assert!(!Key::char('T').matches(&ev(KeyCode::Char('t'), KeyModifiers::NONE)));
        assert_eq!(t.label(), "T");
    }

    #[test]
    fn a_key_presses_itself() {
        for k in [
            Key::ctrl('k'),
            Key::plain(KeyCode::F(4)),
            Key::letter('y'),
            Key::plain(KeyCode::BackTab),
        ] {
            assert!(k.matches(&k.event()), "{k:?}");
        }
    }

    #[test]
    fn labels() {
        assert_eq!(Key::ctrl('k').label(), "^K");
        assert_eq!(Key::plain(KeyCode::F(4)).label(), "F4");
        assert_eq!(
            Binding::new(&[Key::plain(KeyCode::F(2)), Key::ctrl('f')], "x", Cmd::Up).keys_label(),
            "F2/^F"
        );
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Ask {
        Yes,
        Stay,
    }

    #[test]
    fn the_first_binding_that_takes_a_key_wins_and_otherwise_takes_the_rest() {
        let table = [
            Binding::new(&[Key::letter('y')], "yes", Ask::Yes),
            Binding::new(&[Key::ctrl('c')], "yes", Ask::Yes).unlisted(),
            Binding::otherwise("any other key", "stay", Ask::Stay),
        ];
        assert_eq!(
            lookup(&table, &ev(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
            Some(Ask::Yes)
        );
        assert_eq!(
            lookup(&table, &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Ask::Yes)
        );
        assert_eq!(
            lookup(&table, &ev(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Ask::Stay)
        );
        assert_eq!(
            lookup(&table[..1], &ev(KeyCode::Enter, KeyModifiers::NONE)),
            None
        );
        // The unlisted ^C is in no hint.
        assert_eq!(hint_line(&table), "y  yes        any other key  stay");
        // One per line, the keys in a column at least 5 wide.
        assert_eq!(hint_lines(&table[..1], 5), ["y      yes"]);
        assert_eq!(
            hint_lines(&table, 5),
            [format!("{:<13}  yes", "y"), "any other key  stay".into()]
        );
    }
}

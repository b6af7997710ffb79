//! The app's own key tables: the global keys and each overlay's keys.
//! Dispatch, the help and the dialogs' hint lines all read these tables,
//! so a hint cannot name a key that does nothing.

use super::Step;
use crate::tui::keymap::{Binding, Cmd, Key};
use crossterm::event::KeyCode;

/// What a global key does, on every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalCmd {
    /// Shows that step's screen.
    Goto(Step),
    /// Opens the help overlay.
    Help,
    /// Clears and redraws the whole terminal (line noise).
    Redraw,
    /// Asks whether to quit.
    Quit,
    /// Places the order from any step, once nothing is missing.
    Submit,
}

/// Submits from any step once nothing is missing (the key bar shows it
/// then, and only then).
pub(super) const SUBMIT_KEY: Key = Key::ctrl('v');
pub(super) const SUBMIT_LABEL: &str = "Submit (nothing missing)";

/// The keys that ask to quit; pressed again in the question, they quit.
const QUIT_KEYS: [Key; 1] = [Key::ctrl('c')];

/// The global keys, in the order the help lists them. `?` opens help too
/// where no text field has the keys (in a field it is typed).
/// `ready`: nothing is missing, so the order may be submitted from here.
pub(super) fn global_bindings(typing: bool, ready: bool) -> Vec<Binding<GlobalCmd>> {
    let mut out: Vec<Binding<GlobalCmd>> = Step::ALL
        .iter()
        .chain(&[Step::Orders])
        .filter_map(|s| {
            s.keys()
                .map(|k| Binding::new(&k, s.title(), GlobalCmd::Goto(*s)))
        })
        .collect();
    out.push(Binding::new(
        &[Key::plain(KeyCode::F(1)), Key::ctrl('o')],
        "Help (also ? outside fields)",
        GlobalCmd::Help,
    ));
    if !typing {
        // Named in the label above.
        out.push(Binding::new(&[Key::char('?')], "Help", GlobalCmd::Help).unlisted());
    }
    if ready {
        out.push(Binding::new(&[SUBMIT_KEY], SUBMIT_LABEL, GlobalCmd::Submit));
    }
    out.push(Binding::new(
        &[Key::ctrl('l')],
        "Redraw the screen",
        GlobalCmd::Redraw,
    ));
    out.push(Binding::new(
        &QUIT_KEYS,
        "Quit (the order stays a draft)",
        GlobalCmd::Quit,
    ));
    out
}

/// What a key does in an overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlayCmd {
    /// Closes the help.
    CloseHelp,
    /// Quits (the order stays a draft).
    Quit,
    /// Stays: the quit question goes away.
    Stay,
    /// Resumes the saved draft.
    Resume,
    /// Resumes the draft another console holds; that console stops.
    TakeOver,
    /// Keeps the draft for later and starts a new order.
    KeepDraft,
    /// Discards the saved draft.
    DiscardDraft,
    /// Checks the supervisor's name and PIN typed; approved, the refused
    /// command is carried out.
    Approve,
    /// To the other field of the approval box (name, PIN).
    OtherField,
    /// Closes the approval box: the refusal stands.
    CancelApproval,
}

/// The help overlay's keys: its title says them.
pub(super) fn help_keys() -> Vec<Binding<OverlayCmd>> {
    vec![Binding::otherwise(
        "any key",
        "closes",
        OverlayCmd::CloseHelp,
    )]
}

/// The quit question's keys: its hint line is drawn from them.
pub(super) fn quit_keys() -> Vec<Binding<OverlayCmd>> {
    vec![
        Binding::new(&[Key::letter('y')], "quit", OverlayCmd::Quit),
        // ^C twice quits; help lists ^C as Quit.
        Binding::new(&QUIT_KEYS, "quit", OverlayCmd::Quit).unlisted(),
        Binding::otherwise("any other key", "stay", OverlayCmd::Stay),
    ]
}

/// The resume offer's keys (`in_use`: another console holds the draft);
/// its hint lines are drawn from them. Other keys leave the offer up.
pub(super) fn resume_keys(in_use: bool) -> Vec<Binding<OverlayCmd>> {
    let esc = Key::plain(KeyCode::Esc);
    if in_use {
        vec![
            Binding::new(
                &[Key::letter('T')],
                "take it over (the other console stops)",
                OverlayCmd::TakeOver,
            ),
            Binding::new(
                &[esc],
                "leave it there, start a new order",
                OverlayCmd::KeepDraft,
            ),
        ]
    } else {
        vec![
            Binding::new(
                &[Key::plain(KeyCode::Enter)],
                "resume it",
                OverlayCmd::Resume,
            ),
            Binding::new(
                &[esc],
                "keep it for later, start a new order",
                OverlayCmd::KeepDraft,
            ),
            Binding::new(
                &[Key::plain(KeyCode::Delete)],
                "discard it",
                OverlayCmd::DiscardDraft,
            ),
        ]
    }
}

/// The approval box's keys; its hint lines are drawn from them. Any other
/// key is typed into its field (the text field's editing keys work).
pub(super) fn approval_keys() -> Vec<Binding<OverlayCmd>> {
    vec![
        Binding::new(
            &[Key::plain(KeyCode::Enter)],
            "approve (name and PIN as typed)",
            OverlayCmd::Approve,
        ),
        Binding::new(
            &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::BackTab)],
            "the other field",
            OverlayCmd::OtherField,
        ),
        Binding::new(
            &[Key::plain(KeyCode::Esc)],
            "cancel: the refusal stands",
            OverlayCmd::CancelApproval,
        ),
    ]
}

/// The key column of the resume offer's hints, as wide as "Enter" in
/// both of its forms.
pub(super) const OFFER_KEY_WIDTH: usize = 5;

/// Where a key goes (see [`App::route`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// An open overlay takes it.
    Overlay,
    /// A global key.
    Global(GlobalCmd),
    /// The screen's binding for it.
    Screen(Cmd),
    /// Bound on the screen, but the screen's mode did not handle the
    /// command (a hint that lies: a bug). Only [`App::handle_key`] says so.
    Unhandled(Cmd),
    /// Not bound: the screen's input, that is the focused text field.
    Input,
}

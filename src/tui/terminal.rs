//! Terminal set-up, the event loop, and restore on every exit path: normal,
//! error, panic, SIGTERM and SIGHUP (docs/design.md). The draft is
//! saved on every change, and what is typed and not yet confirmed within
//! a second of the last key, so a hang-up loses nothing.

use crate::tui::app::{App, Step};
use crate::tui::busy_wait;
use crate::tui::frame_writer::FrameWriter;
use anyhow::Result;
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::{Backend, ClearType, CrosstermBackend};
use ratatui::Terminal;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Puts the terminal back as it was; safe to call more than once and when
/// the terminal is gone (hang-up): errors are ignored on purpose.
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

thread_local! {
    /// Set while the event loop runs on this thread: it catches panics.
    static IN_LOOP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn last_panic() -> String {
    LAST_PANIC
        .lock()
        .ok()
        .and_then(|mut m| m.take())
        .unwrap_or_else(|| "unknown".into())
}

pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

type Term = Terminal<CrosstermBackend<FrameWriter>>;

fn setup(frames: &FrameWriter) -> Result<Term> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e.into());
    }
    let terminal = Terminal::new(CrosstermBackend::new(frames.clone()));
    match terminal {
        Ok(t) => Ok(t),
        Err(e) => {
            restore();
            Err(e.into())
        }
    }
}

/// Runs the console until the operator quits or a signal ends it.
pub fn run(mut app: App) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    // A panic in the event loop is caught there (the operator sees an
    // error line and goes on): the hook logs it and keeps its message for
    // that line. Any other panic restores the terminal first, then goes to
    // the default hook, so its report is readable.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = match info.location() {
            Some(l) => format!("{info} at {}:{}", l.file(), l.line()),
            None => info.to_string(),
        };
        tracing::error!(panic = %text, "panic");
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(text.replace('\n', " "));
        }
        if !IN_LOOP.with(|l| l.get()) {
            restore();
            default_hook(info);
        }
    }));

    busy_wait::install();
    let frames = FrameWriter::default();
    let mut terminal = setup(&frames)?;
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    watch_for_hangup(Arc::clone(&stop));
    IN_LOOP.with(|l| l.set(true));
    let result = event_loop(&mut terminal, &frames, &mut app, &stop);
    IN_LOOP.with(|l| l.set(false));
    // Whatever ended the loop, the draft is saved and let go before the
    // process ends.
    app.close();
    restore();
    result
}

/// crossterm's reader spins on a hung-up terminal instead of failing, so
/// the event loop may never see the signal flag. A watchdog notices a
/// signal or a terminal that is gone and, if the loop has not ended a
/// second later, ends the process. Nothing is lost: the draft is saved on
/// every change, and a submit is one transaction that either committed or
/// will roll back.
fn watch_for_hangup(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(500));
        let gone = terminal_gone() || crossterm::terminal::size().is_err();
        if gone {
            stop.store(true, Ordering::Relaxed);
        }
        if stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_secs(1));
            restore();
            std::process::exit(if gone { 129 } else { 0 });
        }
    });
}

/// Whether the terminal on standard input hung up. A closed pty or SSH
/// channel reports POLLHUP (or an error) to a zero-timeout poll whether or
/// not SIGHUP reached this process (it is not sent when the terminal is not
/// the controlling one, or when a wrapper ignored it), and crossterm's
/// reader would otherwise spin on it.
fn terminal_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid, initialised pollfd and its count; no timeout.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n == 1 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// Ctrl+L: clear the screen and make the next frame send every cell.
/// `Terminal::clear` would first ask the terminal for the cursor position
/// and give up (ending the session) if the answer is slow, as over a bad
/// SSH link; the frame sets the cursor itself, so nothing needs asking.
fn redraw_all(terminal: &mut Term) -> io::Result<()> {
    terminal.backend_mut().clear_region(ClearType::All)?;
    // Both buffers reset: the next frame is drawn against nothing.
    terminal.swap_buffers();
    terminal.swap_buffers();
    Ok(())
}

/// How often a running console renews its hold on its draft (well within
/// the store's lease).
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// How long typing pauses before what is typed and not yet confirmed is
/// saved with the draft: short enough that a connection dropped a second
/// after the last key loses none of it, long enough that a fast typist
/// does not cause a write per key.
const SAVE_TYPED_AFTER: Duration = Duration::from_millis(500);

/// How long the loop waits for an event before it looks at the clock.
const POLL: Duration = Duration::from_millis(200);

fn event_loop(
    terminal: &mut Term,
    frames: &FrameWriter,
    app: &mut App,
    stop: &AtomicBool,
) -> Result<()> {
    let mut dirty = true;
    let mut renewed = std::time::Instant::now();
    // When the last batch of events was handled, while what it typed is
    // not saved yet.
    let mut typed_at: Option<std::time::Instant> = None;
    loop {
        if dirty {
            if app.redraw_all {
                redraw_all(terminal)?;
                app.redraw_all = false;
            }
            let drawn = catch_unwind(AssertUnwindSafe(|| {
                terminal.draw(|f| app.draw(f)).map(|_| ())
            }));
            match drawn {
                Ok(r) => r?,
                Err(_) => anyhow::bail!("internal error while drawing: {}", last_panic()),
            }
            frames.end_frame(&mut io::stdout().lock())?;
            dirty = false;
        }
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        // Waiting with a timeout lets a signal end the loop; nothing is drawn
        // unless an event came, so an idle console sends no bytes.
        if renewed.elapsed() >= RENEW_EVERY {
            app.tick();
            renewed = std::time::Instant::now();
            dirty = true;
        }
        if typed_at.is_some_and(|at| at.elapsed() >= SAVE_TYPED_AFTER) {
            typed_at = None;
            match catch_unwind(AssertUnwindSafe(|| app.save_typed())) {
                Ok(news) => dirty |= news,
                Err(_) => {
                    app.internal_error(&last_panic());
                    dirty = true;
                }
            }
        }
        let wait = match typed_at {
            Some(at) => POLL.min(SAVE_TYPED_AFTER.saturating_sub(at.elapsed())),
            None => POLL,
        };
        if !busy_wait::any_held() && !event::poll(wait)? {
            continue;
        }
        // Handle every event already waiting before drawing one frame.
        //
        // The one exception to "no keystroke is ever dropped": keys queued
        // behind the key that placed an order were typed before the
        // confirmation was drawn, so they cannot be meant for it, and an
        // Enter among them would dismiss the order numbers before anyone
        // read them back. They are dropped, not held: held, they would
        // reach the confirmation as soon as it was drawn, with the same
        // result. The status line says how many were dropped; keys that
        // arrive after the frame reach the confirmation as usual.
        let mut confirmation_unseen = false;
        let mut dropped = 0;
        loop {
            let ev = match busy_wait::next_held() {
                Some(ev) => ev,
                None => event::read()?,
            };
            if matches!(ev, Event::Resize(..)) {
                terminal.autoresize()?;
            }
            if confirmation_unseen && matches!(ev, Event::Key(_) | Event::Paste(_)) {
                if !matches!(&ev, Event::Key(k) if k.kind != KeyEventKind::Press) {
                    dropped += 1;
                }
            } else {
                let confirming = app.step == Step::Confirmation;
                // A key that hits a bug leaves the order as it was before it.
                let before = app.order().clone();
                if catch_unwind(AssertUnwindSafe(|| app.handle_event(ev))).is_err() {
                    app.session.put_back(before);
                    app.internal_error(&last_panic());
                }
                confirmation_unseen |= !confirming && app.step == Step::Confirmation;
            }
            if app.quit || (!busy_wait::any_held() && !event::poll(Duration::ZERO)?) {
                break;
            }
        }
        if dropped > 0 {
            app.typed_ahead_dropped(dropped);
        }
        if catch_unwind(AssertUnwindSafe(|| app.settle())).is_err() {
            app.internal_error(&last_panic());
        }
        if busy_wait::shown() {
            app.redraw_all = true;
        }
        if app.quit {
            return Ok(());
        }
        typed_at = Some(std::time::Instant::now());
        dirty = true;
    }
}

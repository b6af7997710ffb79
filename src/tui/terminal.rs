//! Terminal set-up, the event loop, and restore on every exit path: normal,
//! error, panic, SIGTERM and SIGHUP (DESIGN.md section 10). The draft is
//! saved on every change, so a hang-up loses nothing.

use crate::tui::app::App;
use anyhow::Result;
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Puts the terminal back as it was; safe to call more than once and when
/// the terminal is gone (hang-up): errors are ignored on purpose.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn setup() -> Result<Terminal<CrosstermBackend<Stdout>>> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e.into());
    }
    let terminal = Terminal::new(CrosstermBackend::new(out));
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
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        default_hook(info);
    }));

    let mut terminal = setup()?;
    let result = event_loop(&mut terminal, &mut app, &stop);
    // Whatever ended the loop, the draft is saved before the process ends.
    app.save_draft();
    restore();
    result
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    stop: &AtomicBool,
) -> Result<()> {
    let mut dirty = true;
    loop {
        if dirty {
            if app.redraw_all {
                terminal.clear()?;
                app.redraw_all = false;
            }
            terminal.draw(|f| app.draw(f))?;
            dirty = false;
        }
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        // Waiting with a timeout lets a signal end the loop; nothing is drawn
        // unless an event came, so an idle console sends no bytes.
        if !event::poll(Duration::from_millis(200))? {
            continue;
        }
        // Handle every event already waiting before drawing one frame.
        loop {
            let ev = event::read()?;
            if matches!(ev, Event::Resize(..)) {
                terminal.autoresize()?;
            }
            app.handle_event(ev);
            if app.quit || !event::poll(Duration::ZERO)? {
                break;
            }
        }
        app.settle();
        if app.quit {
            return Ok(());
        }
        dirty = true;
    }
}

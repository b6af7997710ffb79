//! The console while a write waits for another program's lock: within
//! 200 ms the status line says "waiting for the database…", Ctrl+C gives
//! up the wait, and every other key typed meanwhile is kept and handled
//! after it, in order. The message is written straight to the terminal
//! (no frame can be drawn while the write waits), so the next frame is
//! drawn whole.

use crate::store::busy;
use crossterm::cursor::MoveTo;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::style::Print;
use crossterm::terminal::{Clear, ClearType};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// How long a wait goes unmentioned.
const QUIET: Duration = Duration::from_millis(200);

static HELD: Mutex<VecDeque<Event>> = Mutex::new(VecDeque::new());
static SHOWN: AtomicBool = AtomicBool::new(false);

/// Tells the store what to do while it waits (once per process).
pub fn install() {
    busy::on_wait(|waited| {
        if waited >= QUIET && !SHOWN.swap(true, Ordering::Relaxed) {
            let row = crossterm::terminal::size()
                .map(|(_, rows)| rows.saturating_sub(2))
                .unwrap_or(22);
            let _ = crossterm::execute!(
                std::io::stdout(),
                MoveTo(0, row),
                Clear(ClearType::CurrentLine),
                Print("! waiting for the database (another program holds it)… Ctrl+C gives up")
            );
        }
        let mut gave_up = false;
        while let Ok(true) = event::poll(Duration::ZERO) {
            let Ok(ev) = event::read() else {
                break;
            };
            if let Event::Key(k) = &ev {
                let ctrl_c = k.code == KeyCode::Char('c')
                    && k.modifiers.contains(KeyModifiers::CONTROL)
                    && k.kind == KeyEventKind::Press;
                gave_up |= ctrl_c;
            }
            if let Ok(mut held) = HELD.lock() {
                held.push_back(ev);
            }
        }
        !gave_up
    });
}

/// The next key (or other event) that arrived during a wait.
pub fn next_held() -> Option<Event> {
    HELD.lock().ok().and_then(|mut h| h.pop_front())
}

pub fn any_held() -> bool {
    HELD.lock().map(|h| !h.is_empty()).unwrap_or(false)
}

/// Whether a wait wrote to the terminal since last asked: the next frame
/// is then drawn whole.
pub fn shown() -> bool {
    SHOWN.swap(false, Ordering::Relaxed)
}

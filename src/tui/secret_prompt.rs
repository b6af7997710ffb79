//! Reading a secret (a supervisor's PIN for `orderdesk operators set-pin`)
//! from the terminal without echoing it; from standard input when that is
//! not a terminal (a script, a pipe).

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use std::io::{BufRead, IsTerminal, Write};

/// Asks with `prompt` on standard error and reads one line: typed keys
/// are not shown (Backspace deletes, Enter ends, Ctrl+C or Esc gives up).
pub fn read_secret(prompt: &str) -> std::io::Result<String> {
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let typed = read_keys();
    let _ = crossterm::terminal::disable_raw_mode();
    writeln!(err)?;
    typed
}

fn read_keys() -> std::io::Result<String> {
    let mut typed = String::new();
    loop {
        let Event::Key(k) = event::read()? else {
            continue;
        };
        if k.kind != KeyEventKind::Press {
            continue;
        }
        match k.code {
            KeyCode::Enter => return Ok(typed),
            KeyCode::Esc => return Err(std::io::Error::other("cancelled")),
            KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                return Err(std::io::Error::other("cancelled"))
            }
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => typed.push(c),
            _ => {}
        }
    }
}

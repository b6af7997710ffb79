//! The real binary in a pseudo-terminal: its output rebuilt into a screen by
//! a terminal emulator (vt100), keys sent as an xterm sends them. Shared by
//! the end-to-end test files.

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Generous: a loaded CI machine may be slow; a passing test returns as
/// soon as the screen shows what it waits for.
pub const TIMEOUT: Duration = Duration::from_secs(10);

// Keys as an xterm sends them.
pub const F2: &str = "\x1bOQ";
pub const F3: &str = "\x1bOR";
pub const F4: &str = "\x1bOS";
pub const F6: &str = "\x1b[17~";
pub const F7: &str = "\x1b[18~";
pub const F9: &str = "\x1b[20~";
pub const ENTER: &str = "\r";
pub const TAB: &str = "\t";
pub const BACKTAB: &str = "\x1b[Z";
pub const UP: &str = "\x1b[A";
pub const DOWN: &str = "\x1b[B";
pub const RIGHT: &str = "\x1b[C";
pub const LEFT: &str = "\x1b[D";
pub const PGUP: &str = "\x1b[5~";
pub const PGDN: &str = "\x1b[6~";
pub const BACKSPACE: &str = "\x7f";
pub const CTRL_C: &str = "\x03";
pub const CTRL_D: &str = "\x04";
pub const CTRL_N: &str = "\x0e";
pub const CTRL_S: &str = "\x13";
pub const CTRL_U: &str = "\x15";

pub struct Term {
    pub parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// Set when the terminal's output ended (the program closed it).
    eof: Arc<AtomicBool>,
    /// Bytes of output so far, to tell when a frame has finished arriving.
    received: Arc<AtomicUsize>,
    reader: Option<JoinHandle<()>>,
}

impl Term {
    /// Starts orderdesk on `db` in a `cols`x`rows` terminal.
    pub fn spawn(db: &Path, rows: u16, cols: u16, env: &[(&str, &str)]) -> Term {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_orderdesk"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.arg("--operator");
        cmd.arg("e2e");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(dir) = db.parent() {
            cmd.cwd(dir);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        // Our copy of the slave must go, or the output never ends.
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let eof = Arc::new(AtomicBool::new(false));
        let received = Arc::new(AtomicUsize::new(0));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let reader = {
            let parser = Arc::clone(&parser);
            let eof = Arc::clone(&eof);
            let received = Arc::clone(&received);
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            parser.lock().unwrap().process(&buf[..n]);
                            received.fetch_add(n, Ordering::SeqCst);
                        }
                    }
                }
                eof.store(true, Ordering::SeqCst);
            })
        };
        let writer = pair.master.take_writer().unwrap();
        Term {
            parser,
            writer,
            master: pair.master,
            child,
            eof,
            received,
            reader: Some(reader),
        }
    }

    pub fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Feeds bytes to the emulated terminal as if they came down the line:
    /// line noise the program did not send and knows nothing of.
    pub fn noise(&self, bytes: &[u8]) {
        self.parser.lock().unwrap().process(bytes);
    }

    /// The screen's rows, each as wide as the terminal.
    pub fn rows(&self) -> Vec<String> {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (_, cols) = screen.size();
        screen.rows(0, cols).collect()
    }

    /// Waits until no output has come for a moment: a frame can arrive in
    /// more than one read, and a check made half-way sees half a frame.
    /// (The console sends nothing while idle; two seconds bound the wait.)
    fn quiet(&self) {
        for _ in 0..50 {
            let before = self.received.load(Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(40));
            if self.received.load(Ordering::SeqCst) == before {
                return;
            }
        }
    }

    /// Waits until the screen shows `text` (in a whole frame); returns the
    /// screen.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            if self.contents().contains(text) {
                self.quiet();
                let screen = self.contents();
                if screen.contains(text) {
                    return screen;
                }
            }
            let screen = self.contents();
            if start.elapsed() > timeout {
                panic!("timed out waiting for {text:?}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `ok` holds of the screen's rows (one string per row,
    /// as wide as the terminal); returns the rows. `what` names the wait
    /// in the failure message.
    pub fn wait_rows(
        &self,
        what: &str,
        timeout: Duration,
        ok: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let start = Instant::now();
        loop {
            if ok(&self.rows()) {
                self.quiet();
                let rows = self.rows();
                if ok(&rows) {
                    return rows;
                }
            }
            let rows = self.rows();
            if start.elapsed() > timeout {
                panic!(
                    "timed out waiting for {what}; the screen:\n{}",
                    rows.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Esc alone: a pause after it so it is not read as the start of a
    /// longer escape sequence.
    pub fn esc(&mut self) {
        self.send("\x1b");
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Waits for the program to end and its output to close.
    pub fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The output ends once the process and its terminal are gone.
                while !self.eof.load(Ordering::SeqCst) {
                    assert!(start.elapsed() < timeout, "output did not end");
                    std::thread::sleep(Duration::from_millis(20));
                }
                if let Some(r) = self.reader.take() {
                    r.join().unwrap();
                }
                return status;
            }
            assert!(
                start.elapsed() < timeout,
                "the program did not exit; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A fresh temporary data folder and a new demo database in it, made by
/// `orderdesk init` (an explicit `--db` must exist for the console).
pub fn fresh_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(&path)
        .arg("init")
        .output()
        .expect("orderdesk init runs");
    assert!(
        out.status.success(),
        "orderdesk init: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, path)
}

/// The find screen's result rows (trailing blanks trimmed): below the
/// column heading, down to the first blank row or the status line.
pub fn find_results(rows: &[String]) -> Vec<String> {
    let Some(head) = rows
        .iter()
        .position(|r| r.starts_with("  Name") && r.contains("Logon"))
    else {
        return Vec::new();
    };
    rows[head + 1..rows.len().saturating_sub(2)]
        .iter()
        .take_while(|r| !r.trim().is_empty())
        .map(|r| r.trim_end().to_string())
        .collect()
}

/// On the find screen, moves the marker with ↑/↓ to the result starting
/// with `name` ("Smith, Maria"); the order of the results is the store's.
pub fn select_result(t: &mut Term, name: &str) {
    // Each row is a two-character marker ("> " or "  "), then the name.
    let is_target = |x: &String| x.get(2..).is_some_and(|rest| rest.starts_with(name));
    let rows = t.wait_rows(&format!("{name:?} in the results"), TIMEOUT, |rows| {
        let r = find_results(rows);
        r.iter().any(is_target) && r.iter().any(|x| x.starts_with("> "))
    });
    let results = find_results(&rows);
    let target = results.iter().position(is_target).unwrap_or(0);
    let selected = results
        .iter()
        .position(|x| x.starts_with("> "))
        .unwrap_or(0);
    let key = if target > selected { DOWN } else { UP };
    for _ in 0..target.abs_diff(selected) {
        t.send(key);
    }
    t.wait_for(&format!("> {name}"), TIMEOUT);
}

/// F7 and the list of payment methods: what the step opens by itself (the
/// default card's challenge, a guest's new card form) is closed with Esc,
/// leaving "New card" selected.
pub fn payment_list(t: &mut Term) {
    t.send(F7);
    let s = t.wait_for("Billing and payment", TIMEOUT);
    if s.contains("ask the challenge") || s.contains("Card number") {
        t.esc();
    }
    t.wait_for("> New card", TIMEOUT);
}

/// Moves a list's marker ("> ") to the row holding `text`.
pub fn select_row(t: &mut Term, text: &str) {
    let rows = t.wait_rows(&format!("a list row with {text:?}"), TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains(text)) && rows.iter().any(|r| r.starts_with("> "))
    });
    let target = rows.iter().position(|r| r.contains(text)).unwrap();
    let at = rows.iter().position(|r| r.starts_with("> ")).unwrap();
    let key = if target > at { DOWN } else { UP };
    for _ in 0..target.abs_diff(at) {
        t.send(key);
    }
    t.wait_rows(&format!("{text:?} selected"), TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with("> ") && r.contains(text))
    });
}

/// The first row holding `label`; fails the test, showing the screen,
/// when none does.
pub fn row_with<'a>(rows: &'a [String], label: &str) -> &'a str {
    rows.iter()
        .find(|r| r.contains(label))
        .unwrap_or_else(|| panic!("no row with {label:?}:\n{}", rows.join("\n")))
}

/// The amount a review row ends with ("-20.00", yen as "3,000").
pub fn amount_of(row: &str) -> rust_decimal::Decimal {
    let last = row.split_whitespace().last().unwrap_or_default();
    std::str::FromStr::from_str(&last.replace(',', ""))
        .unwrap_or_else(|e| panic!("no amount at the end of {row:?}: {e}"))
}

// ---- what the operator sees and does, shared by the end-to-end files ----

/// The status line: the row above the key bar.
pub fn status_line(rows: &[String]) -> &str {
    rows[rows.len() - 2].trim_end()
}

/// Waits until the status line holds `text`; returns the screen's rows.
pub fn wait_status(t: &Term, text: &str) -> Vec<String> {
    t.wait_rows(&format!("{text:?} on the status line"), TIMEOUT, |rows| {
        status_line(rows).contains(text)
    })
}

/// From the find screen: searches `search`, picks the selected result.
pub fn pick_customer(t: &mut Term, search: &str, expect: &str) {
    t.wait_for("Find customer", TIMEOUT);
    t.send(search);
    t.wait_for(&format!("> {expect}"), TIMEOUT);
    t.send(ENTER);
    t.wait_for("Catalog — prices in", TIMEOUT);
}

/// On the catalog: adds `qty` of `sku`; the search is selected then, so
/// the next SKU typed replaces it.
pub fn add_item(t: &mut Term, sku: &str, qty: u32) {
    t.send(sku);
    t.wait_for(&format!("> {sku}"), TIMEOUT);
    t.send(TAB);
    t.send(&format!("{BACKSPACE}{qty}"));
    t.send(ENTER);
    wait_status(t, &format!("Added {qty} x {sku}"));
}

//! A terminal that goes away without SIGHUP reaching the console (it is
//! not the console's controlling terminal, or SIGHUP is ignored on the
//! way): the console notices the dead terminal, saves the draft and exits
//! within two seconds instead of spinning.

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use rusqlite::Connection;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

#[test]
fn a_dead_terminal_without_sighup_ends_the_console_and_keeps_the_draft() {
    let (_dir, db, store) = crate::common::demo_store();
    drop(store);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    // setsid: the console runs in a session of its own with no controlling
    // terminal, so closing the terminal sends it no SIGHUP.
    let mut cmd = CommandBuilder::new("setsid");
    cmd.arg("-w");
    cmd.arg(env!("CARGO_BIN_EXE_orderdesk"));
    cmd.arg("--db");
    cmd.arg(&db);
    cmd.arg("--operator");
    cmd.arg("e2e");
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(vt100::Parser::new(24, 80, 0)));
    // The reader's copy of the terminal must close too for it to hang up:
    // once told to stop, it ends at the next output.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reading = {
        let seen = std::sync::Arc::clone(&seen);
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                seen.lock().unwrap().process(&buf[..n]);
            }
        })
    };
    let wait_for = |text: &str| {
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if seen.lock().unwrap().screen().contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no {text:?}: {}", seen.lock().unwrap().screen().contents());
    };
    let mut writer = pair.master.take_writer().unwrap();
    wait_for("recent customers");
    writer.write_all(b"doe").unwrap();
    wait_for("> Doe, Jane");
    writer.write_all(b"\r").unwrap();
    wait_for("Customer: Jane Doe");
    // The terminal goes away: the reader stops at the redraw Ctrl+L asks for.
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.write_all(b"\x0c").unwrap();
    reading.join().unwrap();
    drop(writer);
    drop(pair.master);
    let gone = Instant::now();
    // setsid itself may die with the terminal: watch the console's process.
    let console = console_pid(&db).expect("the console runs");
    let _ = child.try_wait();
    while std::path::Path::new(&format!("/proc/{console}")).exists() && !is_zombie(console) {
        if gone.elapsed() > Duration::from_secs(5) {
            // SAFETY: a plain kill of the process this test started.
            unsafe { libc::kill(console as i32, libc::SIGKILL) };
            panic!("the console still runs 5 s after its terminal went away");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = gone.elapsed();
    assert!(took <= Duration::from_secs(2), "exited after {took:?}");
    let drafts: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM drafts WHERE summary LIKE 'Jane Doe%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(drafts, 1, "the draft is kept");
}

/// The pid of the console running on `db` (its command line names it).
fn console_pid(db: &std::path::Path) -> Option<u32> {
    let needle = db.to_string_lossy().into_owned();
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        (cmd.contains("orderdesk") && cmd.contains(&needle) && !cmd.starts_with("setsid"))
            .then_some(pid)
    })
}

/// A process that ended but was not reaped yet.
fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(true)
}

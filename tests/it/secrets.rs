//! The full card number and the security code are never written to disk
//! (docs/design.md): card orders are placed through the console by
//! keys, one card is left half-typed in a draft and the app dropped, then
//! every file of the data folder and every text cell of every table is
//! searched for them.

use crate::common::{chars, demo_store, key, shift_tab};
use crossterm::event::{KeyCode, KeyEvent};
use orderdesk::tui::app::{App, Step};
use orderdesk::tui::theme::Theme;
use std::path::Path;

/// Test card numbers with their security codes (Amex has four digits).
const CARDS: [(&str, &str, &str); 3] = [
    ("4111111111111111", "917", "1111"),
    ("5555555555554444", "917", "4444"),
    ("378282246310005", "9173", "0005"),
];

fn press(app: &mut App, k: KeyEvent) {
    app.handle_key(k);
    app.settle();
}

fn code(app: &mut App, c: KeyCode) {
    press(app, key(c));
}

fn type_text(app: &mut App, text: &str) {
    for k in chars(text) {
        press(app, k);
    }
}

/// Jane Doe, one sleeping bag by Ground; on F7 the card form filled in
/// (number, expiry, security code) but not yet used.
fn card_typed(app: &mut App, number: &str, cvc: &str) {
    type_text(app, "doe");
    code(app, KeyCode::Enter);
    assert_eq!(app.step, Step::Catalog);
    code(app, KeyCode::Esc);
    type_text(app, "SLP-1014");
    code(app, KeyCode::Enter);
    press(app, shift_tab());
    code(app, KeyCode::F(6));
    code(app, KeyCode::Enter);
    code(app, KeyCode::Enter);
    crate::common::payment_list(app);
    code(app, KeyCode::Enter);
    type_text(app, number);
    code(app, KeyCode::Tab);
    type_text(app, "12/30");
    code(app, KeyCode::Tab);
    type_text(app, cvc);
}

/// Forms a card number may take in bytes: as typed, and grouped by 4
/// (and Amex's 4-6-5) with spaces or dashes.
fn number_forms(number: &str) -> Vec<String> {
    let fours: Vec<String> = number
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let mut out = vec![number.to_string(), fours.join(" "), fours.join("-")];
    if number.len() == 15 {
        out.push(format!(
            "{} {} {}",
            &number[..4],
            &number[4..10],
            &number[10..]
        ));
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every card number form found in any file of `dir`, as (file, form).
fn files_with_numbers(dir: &Path) -> Vec<(String, String)> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for (number, _, _) in CARDS {
            for form in number_forms(number) {
                if find(&bytes, form.as_bytes()) {
                    hits.push((path.display().to_string(), form));
                }
            }
        }
    }
    hits
}

/// Whether a JSON value holds a security code under a key that names one,
/// or any string equal to a card number.
fn json_secret(v: &serde_json::Value, key: &str) -> Option<String> {
    use serde_json::Value;
    let k = key.to_ascii_lowercase();
    let secret_key = ["cvc", "cvv", "security", "csc"]
        .iter()
        .any(|s| k.contains(s));
    match v {
        Value::Object(m) => m.iter().find_map(|(k, v)| json_secret(v, k)),
        Value::Array(a) => a.iter().find_map(|v| json_secret(v, key)),
        Value::String(s) => {
            let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
            if CARDS.iter().any(|(n, _, _)| digits.contains(n)) || (secret_key && !s.is_empty()) {
                Some(format!("{key}: {s}"))
            } else {
                None
            }
        }
        Value::Number(n) if secret_key => Some(format!("{key}: {n}")),
        Value::Number(n) if CARDS.iter().any(|(num, _, _)| n.to_string() == *num) => {
            Some(format!("{key}: {n}"))
        }
        _ => None,
    }
}

/// Every text cell of every table holding a card number (also with
/// separators), a security code as the whole value, or a secret in JSON.
fn cells_with_secrets(conn: &rusqlite::Connection) -> Vec<String> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(tables.iter().any(|t| t == "drafts") && tables.iter().any(|t| t == "payments"));
    let mut hits = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for (i, col) in names.iter().enumerate() {
                // Integers are looked at for card numbers only: an id or a
                // quantity may well be 917.
                let (text, is_text) = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => {
                        (String::from_utf8_lossy(t).into_owned(), true)
                    }
                    rusqlite::types::ValueRef::Blob(b) => {
                        (String::from_utf8_lossy(b).into_owned(), true)
                    }
                    rusqlite::types::ValueRef::Integer(n) => (n.to_string(), false),
                    _ => continue,
                };
                let squeezed: String = text.chars().filter(|c| !" -".contains(*c)).collect();
                let at = format!("{table}.{col}");
                for (number, cvc, _) in CARDS {
                    if squeezed.contains(number) {
                        hits.push(format!("{at}: card number {number}"));
                    }
                    if is_text && text.trim() == cvc {
                        hits.push(format!("{at}: security code {cvc} as a value"));
                    }
                }
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
                    if let Some(s) = json_secret(&json, "") {
                        hits.push(format!("{at}: {s}"));
                    }
                }
            }
        }
    }
    hits
}

#[test]
fn the_scanners_find_what_they_look_for() {
    // So a clean result below means something.
    let spaced = b"xx 3782 8224 6310 005 yy";
    assert!(number_forms("378282246310005")
        .iter()
        .any(|f| find(spaced, f.as_bytes())));
    let draft: serde_json::Value =
        serde_json::json!({"payment": {"Card": {"last4": "1111", "cvc": "917"}}});
    assert!(json_secret(&draft, "").is_some());
    let draft = serde_json::json!({"card_form": {"number": "4111 1111 1111 1111"}});
    assert!(json_secret(&draft, "").is_some());
    let clean = serde_json::json!({"payment": {"Card": {"last4": "1111", "exp": "12/30"}}});
    assert_eq!(json_secret(&clean, ""), None);
}

#[test]
fn card_numbers_and_security_codes_never_reach_the_data_folder() {
    let (dir, path, store) = demo_store();
    let mut app = crate::common::app(store, "alice", Theme { mono: true });
    for (number, cvc, last4) in CARDS {
        card_typed(&mut app, number, cvc);
        code(&mut app, KeyCode::Enter);
        assert!(
            app.order()
                .payment
                .as_ref()
                .is_some_and(|p| p.describe().contains(last4)),
            "card ending {last4} taken: {:?}",
            app.order().payment
        );
        code(&mut app, KeyCode::F(9));
        code(&mut app, KeyCode::Enter);
        assert_eq!(app.step, Step::Confirmation, "card ending {last4} placed");
        code(&mut app, KeyCode::Enter);
    }
    // A card typed whole, with its code, and never used: the order in
    // progress is a draft.
    card_typed(&mut app, CARDS[1].0, CARDS[1].1);

    // While the app runs, without a checkpoint: the WAL holds the news.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let placed: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM payments WHERE method = 'card'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(placed, 3);
    let last4s: Vec<String> = conn
        .prepare("SELECT last4 FROM payments ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(last4s, vec!["1111", "4444", "0005"]);
    let drafts: Vec<String> = conn
        .prepare("SELECT data FROM drafts")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(drafts.len(), 1, "the order in progress is saved");
    for d in &drafts {
        for (number, cvc, _) in CARDS {
            for form in number_forms(number) {
                assert!(!d.contains(&form), "draft holds {form}: {d}");
            }
            let json: serde_json::Value = serde_json::from_str(d).unwrap();
            assert_eq!(json_secret(&json, ""), None, "draft: {d}");
            assert!(!d.contains(&format!("\"{cvc}\"")), "draft holds {cvc}: {d}");
        }
    }
    assert_eq!(cells_with_secrets(&conn), Vec::<String>::new());
    assert_eq!(
        files_with_numbers(dir.path()),
        Vec::<(String, String)>::new()
    );
    drop(conn);

    // The app goes away mid-order, then everything is checkpointed into
    // the main file: still nothing.
    drop(app);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    assert_eq!(cells_with_secrets(&conn), Vec::<String>::new());
    assert_eq!(
        files_with_numbers(dir.path()),
        Vec::<(String, String)>::new()
    );
}

/// The real binary: a card typed whole with its code, then the process is
/// killed. Its terminal output (where any log line would go) is only the
/// screen, which masks the code; the data folder holds neither.
#[test]
fn a_killed_binary_leaves_no_card_behind() {
    use crate::common::pty::{fresh_db, pick_customer, Term, ENTER, TAB, TIMEOUT};
    let (dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    t.send("SLP-1014");
    t.wait_for("> SLP-1014", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Added 1 x SLP-1014", TIMEOUT);
    crate::common::pty::payment_list(&mut t);
    t.wait_for("Billing and payment", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Card number", TIMEOUT);
    let (number, cvc, _) = CARDS[2];
    t.send(number);
    t.send(TAB);
    t.send("12/30");
    t.send(TAB);
    t.send(cvc);
    let s = t.wait_for("••••", TIMEOUT);
    assert!(!s.contains(cvc), "the code is masked on screen:\n{s}");
    // The draft of the order (its line) is saved before the kill.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let start = std::time::Instant::now();
    while conn
        .query_row("SELECT COUNT(*) FROM drafts", [], |r| r.get::<_, i64>(0))
        .unwrap()
        == 0
    {
        assert!(start.elapsed() < TIMEOUT, "no draft saved");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pid = t.pid();
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    t.wait_exit(TIMEOUT);
    assert_eq!(cells_with_secrets(&conn), Vec::<String>::new());
    assert_eq!(
        files_with_numbers(dir.path()),
        Vec::<(String, String)>::new()
    );
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    assert_eq!(
        files_with_numbers(dir.path()),
        Vec::<(String, String)>::new()
    );
}

/// Found in the bytes of any file of `dir`: each of `texts` that is.
fn files_with(dir: &Path, texts: &[&str]) -> Vec<(String, String)> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for t in texts {
            if find(&bytes, t.as_bytes()) {
                hits.push((path.display().to_string(), t.to_string()));
            }
        }
    }
    hits
}

/// What is typed and not yet confirmed is kept with the draft when typing
/// pauses and when the console closes on a hang-up, but never a card (the
/// form typed whole, security code and all) nor a password or challenge
/// answer typed into a new customer's record.
#[test]
fn typed_cards_and_passwords_never_reach_the_data_folder_after_a_hang_up() {
    const PASSWORD: &str = "Harbor-7731-pw";
    const ANSWER: &str = "Quokka-5521-ans";
    let (dir, path, store) = demo_store();
    let mut app = crate::common::app(store, "alice", Theme { mono: true });
    let (number, cvc, _) = CARDS[0];
    card_typed(&mut app, number, cvc);
    code(&mut app, KeyCode::F(2));
    press(&mut app, crate::common::ctrl('n'));
    assert_eq!(app.step, Step::Customer);
    for value in [
        "keptlogon7",
        PASSWORD,
        PASSWORD,
        "Maria",
        "Rossi",
        "555 010 7788",
        "maria@example.com",
        "Street you grew up on?",
        ANSWER,
    ] {
        type_text(&mut app, value);
        code(&mut app, KeyCode::Tab);
    }
    let kept = |conn: &rusqlite::Connection| -> String {
        conn.query_row("SELECT fields FROM drafts", [], |r| {
            r.get::<_, Option<String>>(0)
        })
        .unwrap()
        .unwrap_or_default()
    };
    let secrets = [PASSWORD, ANSWER];
    // Typing pauses: what is typed is saved (the process may be killed
    // from here on).
    app.save_typed();
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(kept(&conn).contains("keptlogon7"), "{}", kept(&conn));
    assert_eq!(cells_with_secrets(&conn), Vec::<String>::new());
    assert_eq!(files_with(dir.path(), &secrets), Vec::new());
    assert_eq!(
        files_with_numbers(dir.path()),
        Vec::<(String, String)>::new()
    );
    // The terminal hangs up: the console closes (tui/terminal.rs), then
    // everything is checkpointed into the main file.
    app.close();
    drop(app);
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    assert!(kept(&conn).contains("keptlogon7"), "{}", kept(&conn));
    assert!(!kept(&conn).contains(cvc), "{}", kept(&conn));
    assert_eq!(cells_with_secrets(&conn), Vec::<String>::new());
    assert_eq!(files_with(dir.path(), &secrets), Vec::new());
    assert_eq!(
        files_with_numbers(dir.path()),
        Vec::<(String, String)>::new()
    );
}

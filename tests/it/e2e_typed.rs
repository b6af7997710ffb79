//! End to end, the real binary in a pseudo-terminal: a new customer's
//! record typed into its nine fields and not saved survives the console
//! being killed once typing paused, and a hang-up straight after the last
//! key. The next console resumes into the same form with the same text;
//! the password and the challenge answer were never written.

use crate::common::pty::{Term, BACKTAB, CTRL_N, ENTER, TAB, TIMEOUT};
use std::path::Path;
use std::time::Duration;

const PASSWORD: &str = "Tiramisu-4417";
const ANSWER: &str = "Via Appia";

/// The nine text fields of the record's first section, top to bottom.
const FORM: [(&str, &str); 9] = [
    ("Logon ID", "mrossi"),
    ("Password", PASSWORD),
    ("Confirm password", PASSWORD),
    ("First name", "Maria"),
    ("Last name", "Rossi"),
    ("Phone", "+1 555 010 7788"),
    ("E-mail", "maria.rossi@example.com"),
    ("Challenge question", "Street you grew up on?"),
    ("Challenge answer", ANSWER),
];

fn is_secret(label: &str) -> bool {
    matches!(label, "Password" | "Confirm password" | "Challenge answer")
}

/// The row of the field labelled `label`: the label, blanks, then the
/// value or the box's `_` (never a lower-case word, as in "Password
/// policy: ...").
fn field<'a>(rows: &'a [String], label: &str) -> &'a str {
    rows.iter()
        .find(|r| {
            r.trim_start_matches(['>', ' '])
                .strip_prefix(label)
                .and_then(|rest| rest.strip_prefix(' '))
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_lowercase()))
        })
        .map(String::as_str)
        .unwrap_or("")
}

/// A console on `db` with the nine fields typed (the last one, the answer,
/// still has the keys).
fn typed_form(db: &Path) -> Term {
    let mut t = Term::spawn(db, 24, 80, &[]);
    t.wait_for("recent customers", TIMEOUT);
    t.send(CTRL_N);
    t.wait_rows("the new customer form", TIMEOUT, |rows| {
        field(rows, "Logon ID").starts_with('>')
    });
    for (i, (_, value)) in FORM.iter().enumerate() {
        t.send(value);
        if i + 1 < FORM.len() {
            t.send(TAB);
        }
    }
    t.wait_rows("the answer typed", TIMEOUT, |rows| {
        let answer = field(rows, "Challenge answer");
        answer.starts_with('>') && answer.matches('•').count() == ANSWER.chars().count()
    });
    t
}

/// What the drafts keep of the typing, all rows together.
fn kept(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT COALESCE(fields, '') FROM drafts")
        .unwrap();
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows.join("\n")
}

/// No file of the data folder holds the password or the answer.
fn no_secrets_in(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for secret in [PASSWORD, ANSWER] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in {}",
                path.display()
            );
        }
    }
}

/// The next console, once it resumed (`take_over`: the dead console still
/// holds the draft, T takes it): the record form with the text as typed,
/// the secrets empty, the answer focused; typing goes on where it was.
fn back_in_the_form(db: &Path, take_over: bool) -> Term {
    let mut t = Term::spawn(db, 24, 80, &[]);
    let (title, key) = if take_over {
        ("Your draft is open elsewhere", "T")
    } else {
        ("Resume your draft?", ENTER)
    };
    let s = t.wait_for(title, TIMEOUT);
    assert!(
        s.contains("Typed, not yet confirmed: Customer record."),
        "{s}"
    );
    t.send(key);
    let rows = t.wait_rows("the record form back", TIMEOUT, |rows| {
        field(rows, "Logon ID").contains("mrossi")
    });
    assert!(rows.iter().any(|r| r.contains("New customer")), "{rows:#?}");
    for (label, value) in FORM {
        let row = field(&rows, label);
        if is_secret(label) {
            assert!(!row.contains('•'), "{label} is never kept: {row}");
        } else {
            assert!(row.contains(value), "{label}: {row}\n{rows:#?}");
        }
    }
    assert!(
        field(&rows, "Challenge answer").starts_with('>'),
        "{rows:#?}"
    );
    t.send(BACKTAB);
    t.send(" (first)");
    t.wait_rows(
        "typing goes on at the end of the question",
        TIMEOUT,
        |rows| field(rows, "Challenge question").contains("up on? (first)"),
    );
    t
}

#[test]
fn a_console_killed_after_typing_paused_comes_back_in_the_form() {
    let (dir, db, store) = crate::common::demo_store();
    drop(store);
    let mut t = typed_form(&db);
    // Typing pauses; a second later what is typed is with the draft.
    std::thread::sleep(Duration::from_millis(1500));
    let killed = std::process::Command::new("sh")
        .args(["-c", &format!("kill -KILL {}", t.pid())])
        .status()
        .unwrap();
    assert!(killed.success());
    t.wait_exit(TIMEOUT);
    drop(t);
    let fields = kept(&db);
    assert!(fields.contains("mrossi"), "{fields}");
    no_secrets_in(dir.path());

    let t = back_in_the_form(&db, true);
    drop(t);
    no_secrets_in(dir.path());
}

#[test]
fn a_hang_up_straight_after_the_last_key_keeps_what_was_typed() {
    let (dir, db, store) = crate::common::demo_store();
    drop(store);
    let mut t = typed_form(&db);
    // No pause: the console saves it as it closes on the hang-up.
    let hung_up = std::process::Command::new("sh")
        .args(["-c", &format!("kill -HUP {}", t.pid())])
        .status()
        .unwrap();
    assert!(hung_up.success());
    t.wait_exit(TIMEOUT);
    drop(t);
    assert!(kept(&db).contains("mrossi"), "{}", kept(&db));
    no_secrets_in(dir.path());

    let t = back_in_the_form(&db, false);
    drop(t);
    no_secrets_in(dir.path());
}

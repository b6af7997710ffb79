//! Text as it enters: cleaning of control characters and escape sequences
//! (docs/design.md), and the folded search keys of section 11.

/// Removes control characters, whole ANSI escape sequences (CSI, OSC and
/// two-byte ones), C1 controls and bidirectional overrides. Applied to
/// everything typed, pasted, or read from the database or asset files, so
/// nothing can reach the terminal raw or break column alignment.
pub fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    // CSI: parameters and intermediates up to a final byte @..~
                    for n in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&n) {
                            break;
                        }
                    }
                }
                Some(']') | Some('P') | Some('_') | Some('^') => {
                    chars.next();
                    // OSC / DCS / APC / PM: up to BEL or ST (ESC \)
                    while let Some(n) = chars.next() {
                        if n == '\u{7}' {
                            break;
                        }
                        if n == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            '\t' => out.push(' '),
            c if c.is_control() => {}
            // Bidirectional overrides, zero-width and invisible marks reorder,
            // hide or (soft hyphen, line and paragraph separators, BOM)
            // shift text on some terminals and not others.
            '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{00ad}'
            | '\u{061c}'
            | '\u{feff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The folded search key: accents removed, lower case, inner white space
/// collapsed. `Müller` and `MÜL` share a prefix; so do `Zoë` and `zo`.
pub fn fold(input: &str) -> String {
    let plain = deunicode::deunicode(&clean(input));
    let mut out = String::with_capacity(plain.len());
    for word in plain.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// The digits of a phone number, in order.
pub fn digits(input: &str) -> String {
    input.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// A phone number's national digits: without the leading country code when
/// the number was written with one (`+1 555 123 4567` → `5551234567`), and
/// without a trunk prefix `0` (`020 7946 0958` → `2079460958`).
pub fn national_digits(input: &str) -> String {
    let all = digits(input);
    let trimmed = input.trim_start();
    if trimmed.starts_with('+') || trimmed.starts_with("00") {
        let rest = if trimmed.starts_with("00") {
            &all[2..]
        } else {
            &all[..]
        };
        let cc_len = country_code_len(rest);
        return rest[cc_len.min(rest.len())..]
            .trim_start_matches('0')
            .to_string();
    }
    if all.len() == 11 && all.starts_with('1') {
        return all[1..].to_string();
    }
    all.trim_start_matches('0').to_string()
}

/// Length of the ITU country calling code at the start of `digits`.
fn country_code_len(digits: &str) -> usize {
    const ONE_DIGIT: [&str; 2] = ["1", "7"];
    const TWO_DIGIT: [&str; 43] = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95",
    ];
    if ONE_DIGIT.iter().any(|p| digits.starts_with(p)) {
        1
    } else if TWO_DIGIT.iter().any(|p| digits.starts_with(p)) {
        2
    } else {
        3
    }
}

/// Cuts `text` to at most `width` terminal columns, marking a cut with `…`.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// JSON text with every C1 control, bidirectional control and invisible
/// mark written as a `\uXXXX` escape (serde_json escapes only C0): the
/// same value, but nothing that reorders or hides text reaches a terminal
/// or a log viewer raw. Such characters only occur inside JSON strings,
/// where the escape means the same character.
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        let hidden = matches!(c,
            '\u{80}'..='\u{9f}'
            | '\u{ad}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}');
        if hidden {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_escape_sequences_and_controls() {
        assert_eq!(clean("\u{1b}[31mRed\u{1b}[0m"), "Red");
        assert_eq!(clean("a\u{7}b\u{0}c\rd\ne"), "abcde");
        assert_eq!(clean("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(clean("x\u{1b}]8;;http://e\u{1b}\\y"), "xy");
        assert_eq!(clean("tab\there"), "tab here");
        assert_eq!(clean("evil\u{202e}txt"), "eviltxt");
        assert_eq!(clean("\u{9b}31m"), "31m");
        assert_eq!(clean("Zoë Müller"), "Zoë Müller");
        assert_eq!(clean("trailing\u{1b}"), "trailing");
        // Marks a terminal may draw at another width than unicode-width says.
        assert_eq!(clean("soft\u{ad}hyphen"), "softhyphen");
        assert_eq!(clean("\u{feff}bom"), "bom");
        assert_eq!(clean("line\u{2028}para\u{2029}end"), "lineparaend");
        assert_eq!(clean("a\u{2066}b\u{2069}c\u{61c}d"), "abcd");
    }

    #[test]
    fn json_escapes_what_would_reorder_or_hide_text() {
        let v = serde_json::json!({"name": "evil\u{202e}gpj.exe\u{9b}31m\u{feff}"});
        let text = json_safe(&v.to_string());
        assert!(text.is_ascii(), "{text}");
        assert_eq!(text, r#"{"name":"evil\u202egpj.exe\u009b31m\ufeff"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v, "the same value");
    }

    #[test]
    fn fold_is_case_and_accent_insensitive() {
        assert_eq!(fold("Müller"), "muller");
        assert!(fold("Müller").starts_with(&fold("MÜL")));
        assert!(fold("Zoë").starts_with(&fold("zo")));
        assert_eq!(fold("  O'Brien   Jr "), "o'brien jr");
        assert_eq!(fold("FRANÇOIS"), "francois");
    }

    #[test]
    fn phone_keys() {
        assert_eq!(digits("+1 (555) 123-4567"), "15551234567");
        assert_eq!(national_digits("+1 555 123 4567"), "5551234567");
        assert_eq!(national_digits("(555) 123-4567"), "5551234567");
        assert_eq!(national_digits("1-555-123-4567"), "5551234567");
        assert_eq!(national_digits("+44 20 7946 0958"), "2079460958");
        assert_eq!(national_digits("020 7946 0958"), "2079460958");
        assert_eq!(national_digits("+49 30 1234567"), "301234567");
        assert_eq!(national_digits("+81 3-1234-5678"), "312345678");
        assert_eq!(national_digits("+353 1 234 5678"), "12345678");
        assert!(national_digits("+1 555 123 4567").starts_with(&digits("(555) 123-4")));
    }

    #[test]
    fn fit_cuts_by_columns() {
        assert_eq!(fit("abcdef", 10), "abcdef");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(fit("abc", 0), "");
    }
}

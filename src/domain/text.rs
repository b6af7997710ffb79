//! Text as it enters: cleaning of control characters and escape sequences
//! (docs/design.md), and the folded search keys of section 11. Text as it
//! is drawn (section 10): its width in terminal columns, a stand-in for
//! what terminals draw at differing widths, and cutting and padding to a
//! column — the one way every table on screen lines up.

/// Removes control characters, whole ANSI escape sequences (CSI, OSC and
/// two-byte ones), C1 controls and bidirectional overrides. Applied to
/// everything typed, pasted, or read from the database or asset files, so
/// nothing can reach the terminal raw or break column alignment.
pub fn clean(input: &str) -> String {
    // Most text has nothing to remove: copied whole (a search shows some
    // two thousand fields).
    if is_clean(input) {
        return input.to_string();
    }
    strip(input)
}

/// [`clean`] without the shortcut: every character looked at.
fn strip(input: &str) -> String {
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
            c if c.is_control() || invisible(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Bidirectional overrides, zero-width and invisible marks reorder, hide
/// or (soft hyphen, line and paragraph separators, BOM) shift text on some
/// terminals and not others.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{00ad}'
            | '\u{061c}'
            | '\u{feff}'
    )
}

/// Whether [`clean`] leaves `input` as it is: no control character (a tab
/// becomes a space, escapes go whole) and nothing invisible.
fn is_clean(input: &str) -> bool {
    input.bytes().all(|b| (0x20..0x7f).contains(&b))
        || !input.chars().any(|c| c.is_control() || invisible(c))
}

/// [`clean`] of a string already owned: kept as it is, without a copy,
/// when there is nothing to remove (rows read from the database, a search's
/// some two thousand fields).
pub fn clean_owned(input: String) -> String {
    if is_clean(&input) {
        input
    } else {
        strip(&input)
    }
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
pub(crate) fn country_code_len(digits: &str) -> usize {
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

/// What a grapheme cluster whose drawn width is not certain is shown as:
/// one column, the same on every terminal. Only in what is drawn; what is
/// stored keeps the original text.
pub const STAND_IN: char = '?';

/// Whether the terminal may draw `cluster` (one grapheme cluster) at
/// another width than `unicode-width` says, so that ratatui, which writes
/// only the cells that changed, would leave a glyph behind or shift the rest
/// of the row (docs/design.md, section 10):
///
/// - emoji sequences: a regional indicator (flags), a zero-width joiner,
///   a variation selector, a skin-tone modifier, a tag or the keycap mark
///   anywhere in the cluster;
/// - emoji and pictographs (U+1F000–U+1FBFF, Miscellaneous Symbols and
///   Dingbats, and the emoji among the arrows, technical and geometric
///   symbols), drawn one or two columns wide depending on the terminal, its
///   font and its Unicode version;
/// - symbols from U+2150 up whose East Asian width is ambiguous (①, ■, ★,
///   ∞): one column, or two on a terminal set for CJK — except the arrows
///   ←↑→↓, box drawing, block elements and ◄ ►, which the console draws
///   itself. Letters, punctuation, `€` and `™` below U+2150 are ambiguous
///   too but drawn one column wide everywhere outside CJK mode, as the
///   console's own text is;
/// - private-use characters (icon fonts), control characters, prepended
///   concatenation marks (they join what follows), and half-width sound
///   marks (ratatui gives them a column more than a terminal does);
/// - a cluster of no width (a combining mark with nothing to sit on), which
///   would attach itself to whatever is drawn before it.
///
/// A letter with combining marks (`e` + U+0301) is one cluster as wide as
/// its letter and is drawn as is.
pub fn uncertain(cluster: &str) -> bool {
    use unicode_width::UnicodeWidthStr;
    let Some(base) = cluster.chars().next() else {
        return false;
    };
    if risky_base(base) || cluster.chars().any(sequence_part) {
        return true;
    }
    cluster.width() == 0
}

/// A character that makes its whole cluster's width uncertain wherever it
/// stands in it.
fn sequence_part(c: char) -> bool {
    matches!(c,
        '\u{200d}'                       // zero-width joiner
        | '\u{20e3}'                     // combining enclosing keycap
        | '\u{fe00}'..='\u{fe0f}'        // variation selectors
        | '\u{ff9e}'..='\u{ff9f}'        // half-width (semi-)voiced sound marks
        | '\u{1f1e6}'..='\u{1f1ff}'      // regional indicators (flags)
        | '\u{1f3fb}'..='\u{1f3ff}'      // skin-tone modifiers
        | '\u{e0000}'..='\u{e007f}'      // tags (subdivision flags)
        | '\u{e0100}'..='\u{e01ef}'      // variation selectors supplement
        | '\u{0600}'..='\u{0605}'        // prepended concatenation marks
        | '\u{06dd}'
        | '\u{070f}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08e2}'
        | '\u{110bd}'
        | '\u{110cd}')
        || c.is_control()
}

/// A first character whose drawn width terminals disagree on.
fn risky_base(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    let emoji = matches!(c,
        '\u{203c}' | '\u{2049}' | '\u{2139}'
        | '\u{2194}'..='\u{2199}'
        | '\u{21a9}'..='\u{21aa}'
        | '\u{231a}'..='\u{231b}'
        | '\u{2328}' | '\u{23cf}'
        | '\u{23e9}'..='\u{23f3}'
        | '\u{23f8}'..='\u{23fa}'
        | '\u{24c2}'
        | '\u{25aa}'..='\u{25ab}'
        | '\u{25b6}' | '\u{25c0}'
        | '\u{25fb}'..='\u{25fe}'
        | '\u{2600}'..='\u{27bf}'        // Miscellaneous Symbols, Dingbats
        | '\u{2934}'..='\u{2935}'
        | '\u{2b05}'..='\u{2b07}'
        | '\u{2b1b}'..='\u{2b1c}'
        | '\u{2b50}' | '\u{2b55}'
        | '\u{3030}' | '\u{303d}' | '\u{3297}' | '\u{3299}'
        | '\u{1f000}'..='\u{1fbff}'); // emoji, pictographs, legacy computing
    let private = matches!(c, '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{10ffff}');
    let console_own = matches!(c,
        '\u{2190}'..='\u{2193}'          // ← ↑ → ↓
        | '\u{2500}'..='\u{259f}'        // box drawing, block elements
        | '\u{25ba}' | '\u{25c4}'); // ► ◄
    let ambiguous = c >= '\u{2150}' && c.width() != c.width_cjk() && !console_own;
    emoji || private || ambiguous
}

/// `text` as it is drawn: each grapheme cluster the terminal may draw at
/// another width ([`uncertain`]) replaced by [`STAND_IN`]; everything else,
/// combining marks on their letters included, unchanged. Apply to what is
/// drawn, never to what is stored.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_segmentation::UnicodeSegmentation;
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for g in text.graphemes(true) {
        if uncertain(g) {
            out.push(STAND_IN);
            changed = true;
        } else {
            out.push_str(g);
        }
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The terminal columns `text` takes as drawn ([`shown`]): a CJK character
/// counts 2, a letter with combining marks 1, a flag 1 (its stand-in).
pub fn width(text: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;
    shown(text).graphemes(true).map(|g| g.width()).sum()
}

/// `text` as drawn ([`shown`]) in at most `width` terminal columns, cut
/// between grapheme clusters and marked with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;
    let text = shown(text);
    if self::width(&text) <= width {
        return text.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

/// `text` as drawn in exactly `width` columns, on the left: cut as
/// [`fit`] cuts, then filled with spaces. A table's columns line up
/// whatever the text holds (wide characters, combining marks, flags).
pub fn pad(text: &str, width: usize) -> String {
    let mut out = fit(text, width);
    let used = self::width(&out);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// `text` as drawn in `width` columns, on the right, for amounts and
/// quantities: spaces before it. Never cut, since a number cut short would
/// be a different number: one wider than its column widens it (and the
/// line is cut at the screen's edge instead).
pub fn pad_start(text: &str, width: usize) -> String {
    let drawn = shown(text);
    let used = self::width(&drawn);
    let mut out: String = std::iter::repeat_n(' ', width.saturating_sub(used)).collect();
    out.push_str(&drawn);
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
    fn clean_owned_is_clean_with_or_without_the_fast_path() {
        for text in [
            "Plain ASCII, kept: O'Brien-Smith #42",
            "tab\there",
            "\u{1b}[31mRed\u{1b}[0m",
            "Müller\u{202e}",
            "del\u{7f}ete",
            "",
        ] {
            assert_eq!(clean_owned(text.to_string()), clean(text), "{text:?}");
        }
        assert_eq!(clean_owned("a\u{7f}b".into()), "ab");
    }

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
        // Between clusters: a mark stays on its letter, a flag is one thing.
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(fit("🇺🇸🇺🇸🇺🇸", 2), "?…");
    }

    #[test]
    fn columns_are_counted_by_display_width() {
        assert_eq!(width("日本"), 4, "CJK counts 2");
        assert_eq!(width("ｶﾀｶﾅ"), 4, "half-width katakana counts 1");
        assert_eq!(width("e\u{301}"), 1, "e + combining acute counts 1");
        assert_eq!(width("é"), 1);
        assert_eq!(width("Zoë Müller"), 10);
        assert_eq!(width("🇺🇸"), 1, "a flag is drawn as its one-column stand-in");
        assert_eq!(width(""), 0);
    }

    #[test]
    fn uncertain_clusters_are_drawn_as_the_stand_in() {
        // Flags, ZWJ sequences, modifiers, variation selectors, keycaps.
        assert_eq!(shown("🇺🇸"), "?");
        assert_eq!(shown("Antler 🇺🇸 Table Lamp"), "Antler ? Table Lamp");
        assert_eq!(
            shown("👨\u{200d}👩\u{200d}👧"),
            "?",
            "ZWJ family: one cluster"
        );
        assert_eq!(
            shown(&clean("👨\u{200d}👩\u{200d}👧")),
            "???",
            "cleaned: three emoji"
        );
        assert_eq!(shown("👍🏽"), "?");
        assert_eq!(shown("❤\u{fe0f}"), "?");
        assert_eq!(shown("❤"), "?", "text-style emoji: one column or two");
        assert_eq!(shown("1\u{fe0f}\u{20e3}"), "?");
        assert_eq!(
            shown("🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}"),
            "?"
        );
        assert_eq!(shown("😀 ☔ ✈"), "? ? ?");
        // Ambiguous symbols, icon fonts, marks with no letter, controls.
        assert_eq!(shown("① ■ ★ ∞"), "? ? ? ?");
        assert_eq!(shown("\u{e0b0}x"), "?x");
        assert_eq!(shown("\u{301}x"), "?x");
        assert_eq!(shown("a\u{1b}[31m"), "a?[31m");
        assert_eq!(shown("ｶﾞ"), "?", "half-width voiced mark");
    }

    #[test]
    fn certain_text_is_drawn_as_is() {
        for text in [
            "Zoë Müller",
            "Zoe\u{308} Mu\u{308}ller",
            "Ωμέγα Привет",
            "日本語のテキスト 한국어",
            "O'Brien & Sons — 12 Elm St…",
            "€ 12 ™ ® © ° ± ×",
            "← ↑ → ↓ │ ◄ ►",
        ] {
            assert_eq!(shown(text), text);
            assert!(matches!(shown(text), std::borrow::Cow::Borrowed(_)));
        }
    }

    #[test]
    fn padding_gives_exactly_the_columns() {
        for text in [
            "",
            "abc",
            "日本語の長い商品名です",
            "e\u{301}cole",
            "Antler 🇺🇸 Table Lamp",
            "👨\u{200d}👩\u{200d}👧 family",
            "12 Elm 🇸🇪 St",
        ] {
            for n in 0..16 {
                let left = pad(text, n);
                assert_eq!(width(&left), n, "{text:?} padded to {n}: {left:?}");
                let right = pad_start(text, n);
                assert_eq!(
                    width(&right),
                    n.max(width(text)),
                    "{text:?} at {n}: {right:?}"
                );
                assert_eq!(right.trim_start(), shown(text).trim_start(), "never cut");
            }
        }
        assert_eq!(pad("日本", 5), "日本 ");
        assert_eq!(pad("日本語", 5), "日本…");
        assert_eq!(
            pad("日本語", 4),
            "日… ",
            "a wide character does not fit in 1"
        );
        assert_eq!(pad("e\u{301}", 3), "e\u{301}  ");
        assert_eq!(pad("🇺🇸", 3), "?  ");
        assert_eq!(pad_start("12.50", 8), "   12.50");
        assert_eq!(
            pad_start("12,345.50", 8),
            "12,345.50",
            "an amount is never cut"
        );
    }

    proptest::proptest! {
        /// The shortcut for text with nothing to remove changes nothing:
        /// any text comes out as looking at every character makes it.
        #[test]
        fn clean_is_strip_for_any_text(text in "\\PC*|[\\x00-\\x{7f}\\u{200b}-\\u{200f}\\u{feff}é]*") {
            proptest::prop_assert_eq!(clean(&text), strip(&text));
            proptest::prop_assert_eq!(clean_owned(text.clone()), strip(&text));
        }

        /// Whatever the text, padding gives exactly the columns asked for
        /// (or, on the right, the text's own when wider), counted per
        /// cluster (as ratatui does) and per character (as a terminal
        /// does), and nothing uncertain is left in what is drawn.
        #[test]
        fn padded_text_is_the_same_width_everywhere(
            text in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'Z', ' ', 'é', 'e', '\u{301}', '\u{308}', '日', 'ｶ', 'ﾞ', '한',
                '\u{1161}', 'ل', 'ا', 'क', '\u{93f}', '\u{1f1fa}', '\u{1f1f8}',
                '\u{200d}', '\u{fe0f}', '👨', '👍', '\u{1f3fd}', '❤', '①', '€',
                '—', '…', '\u{e0b0}', '\u{600}', '\u{7}', '\u{20e3}', '1',
            ]), 0..24),
            n in 0usize..30,
        ) {
            use unicode_segmentation::UnicodeSegmentation;
            use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
            let text: String = text.into_iter().collect();
            let right = n.max(width(&text));
            for (drawn, n) in [(pad(&text, n), n), (pad_start(&text, n), right)] {
                let per_cluster: usize = drawn.graphemes(true).map(|g| g.width()).sum();
                let per_char: usize = drawn.chars().map(|c| c.width().unwrap_or(0)).sum();
                proptest::prop_assert_eq!(per_cluster, n, "{:?} from {:?}", drawn, text);
                proptest::prop_assert_eq!(per_char, n, "{:?} from {:?}", drawn, text);
                proptest::prop_assert!(!drawn.graphemes(true).any(uncertain), "{:?}", drawn);
            }
        }
    }
}

//! Words as catalog search sees them (docs/design.md, section 16): folded
//! text cut into words, singular and plural brought together, and how far
//! a typed word may be from a catalog word and still find it.
//!
//! Folded text is ASCII (`fold` transliterates), so words are byte strings
//! here and distances count bytes, which are letters.

use super::text::fold;
use std::borrow::Cow;

/// The words of `text`, folded (lower case, accents removed), cut at every
/// character that is not a letter or a digit (`2-Person` is `2`, `person`).
pub fn words(text: &str) -> Vec<String> {
    split_folded(&fold(text)).map(str::to_string).collect()
}

/// The words of text that is already folded.
pub fn split_folded(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A folded word's singular, by the regular English plural endings:
/// `tents` → `tent`, `boxes` → `box`, `batteries` → `battery`,
/// `dresses` → `dress`; `glass`, `bus`, `chassis` and words of three
/// letters or fewer stay as they are. Both sides of a comparison pass
/// through it, so an irregular word at worst stays apart.
pub fn singular(word: &str) -> Cow<'_, str> {
    let w = word.as_bytes();
    if w.len() <= 3 || w.last() != Some(&b's') {
        return Cow::Borrowed(word);
    }
    if w.len() > 4 && word.ends_with("ies") {
        return Cow::Owned(format!("{}y", &word[..word.len() - 3]));
    }
    for ending in ["sses", "xes", "zes", "ches", "shes"] {
        if word.ends_with(ending) {
            return Cow::Borrowed(&word[..word.len() - 2]);
        }
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return Cow::Borrowed(word);
    }
    Cow::Borrowed(&word[..word.len() - 1])
}

/// How many typing mistakes a typed word may hold and still find a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    /// Exact letters only (up to 3 letters, or a word with a digit: a size
    /// or a model number one digit off is another product).
    None,
    /// Two neighbouring letters swapped (`tnet` for `tent`): 4 letters.
    Swap,
    /// One insert, delete, substitute or swap: 5 to 8 letters.
    One,
    /// Two of them: 9 letters or more.
    Two,
}

impl Tolerance {
    /// The tolerance of a typed (folded) word.
    pub fn of(word: &str) -> Tolerance {
        if word.bytes().any(|b| b.is_ascii_digit()) {
            return Tolerance::None;
        }
        match word.len() {
            0..=3 => Tolerance::None,
            4 => Tolerance::Swap,
            5..=8 => Tolerance::One,
            _ => Tolerance::Two,
        }
    }

    /// The most edits allowed.
    pub fn max_edits(self) -> u8 {
        match self {
            Tolerance::None => 0,
            Tolerance::Swap | Tolerance::One => 1,
            Tolerance::Two => 2,
        }
    }

    /// What an insert, delete or substitute costs: beyond the budget when
    /// only swaps are allowed.
    fn edit_cost(self) -> u8 {
        match self {
            Tolerance::Swap => 2,
            _ => 1,
        }
    }
}

/// Rows of the edit-distance table between a typed word (the columns) and
/// the letters of a catalog word read so far (one row per letter), built
/// one letter at a time so words sharing a beginning share their rows.
/// Distances are optimal string alignment (a swap of neighbours is one
/// edit) and saturate above the budget.
pub struct PrefixDistance<'q> {
    typed: &'q [u8],
    tolerance: Tolerance,
    /// The table's rows one after another, row d (after d letters of the
    /// catalog word) at d × (typed length + 1): no allocation per letter.
    rows: Vec<u8>,
    /// best[d]: the least distance from the typed word to any of the
    /// first 0..=d letters (the typed word as the start of the word).
    best: Vec<u8>,
    /// least[d]: the least value in rows[d].
    least: Vec<u8>,
    /// The letters the rows stand for.
    letters: Vec<u8>,
}

impl<'q> PrefixDistance<'q> {
    pub fn new(typed: &'q str, tolerance: Tolerance) -> PrefixDistance<'q> {
        let typed = typed.as_bytes();
        let cost = tolerance.edit_cost();
        let first: Vec<u8> = (0..=typed.len())
            .map(|j| (j as u8).saturating_mul(cost).min(CAP))
            .collect();
        let best = vec![first[typed.len()]];
        PrefixDistance {
            typed,
            tolerance,
            rows: first,
            best,
            least: vec![0],
            letters: Vec::new(),
        }
    }

    /// How many letters of the current word are in the table.
    pub fn depth(&self) -> usize {
        self.letters.len()
    }

    /// Keeps the first `depth` letters (a shared beginning with the next word).
    pub fn truncate(&mut self, depth: usize) {
        self.letters.truncate(depth);
        self.rows.truncate((depth + 1) * (self.typed.len() + 1));
        self.best.truncate(depth + 1);
        self.least.truncate(depth + 1);
    }

    /// Adds one letter; returns the least distance any longer word with
    /// these letters can reach: the least value in the new row, or one
    /// more than the least in the row before (a swap reaches back two
    /// rows, so a row in the middle of a swap may hold only large values).
    pub fn push(&mut self, letter: u8) -> u8 {
        let cost = self.tolerance.edit_cost();
        let d = self.letters.len();
        let width = self.typed.len() + 1;
        let start = d * width;
        self.rows.extend_from_within(start..start + width);
        // rows[start..] is row d; the new row is written over its copy.
        let (before, row) = self.rows.split_at_mut(start + width);
        let prev = &before[start..];
        let two_back = d
            .checked_sub(1)
            .map(|b| &before[b * width..b * width + width]);
        row[0] = prev[0].saturating_add(cost).min(CAP);
        let mut least = row[0];
        for j in 1..width {
            let substitute = if self.typed[j - 1] == letter { 0 } else { cost };
            let mut v = (prev[j - 1].saturating_add(substitute))
                .min(prev[j].saturating_add(cost))
                .min(row[j - 1].saturating_add(cost));
            if let Some(back) = two_back {
                if j >= 2 && self.typed[j - 1] == self.letters[d - 1] && self.typed[j - 2] == letter
                {
                    v = v.min(back[j - 2].saturating_add(1));
                }
            }
            row[j] = v.min(CAP);
            least = least.min(row[j]);
        }
        let best = self.best[d].min(row[width - 1]);
        let bound = least.min(self.least[d].saturating_add(1));
        self.best.push(best);
        self.least.push(least);
        self.letters.push(letter);
        bound
    }

    /// The distance from the typed word to the nearest beginning of the
    /// letters so far.
    pub fn distance(&self) -> u8 {
        self.best[self.letters.len()]
    }

    /// Past this many letters the distance can only stay as it is (every
    /// further letter is one more edit than the budget allows).
    pub fn settled_depth(&self) -> usize {
        self.typed.len() + self.tolerance.max_edits() as usize
    }
}

/// Saturation: well above any budget.
const CAP: u8 = 9;

/// The distance from `typed` to the nearest beginning of `word` under the
/// tolerance of `typed` (None: beyond it). Zero when `word` starts with it.
pub fn prefix_distance(typed: &str, word: &str, tolerance: Tolerance) -> Option<u8> {
    let mut table = PrefixDistance::new(typed, tolerance);
    for &b in word.as_bytes().iter().take(table.settled_depth()) {
        if table.push(b) > tolerance.max_edits() {
            break;
        }
    }
    let d = table.distance();
    (d <= tolerance.max_edits()).then_some(d)
}

/// `text` in pieces that join back into it, each marked when it is a word
/// among `found` (folded words): what a result shows as matched. A word
/// cut short on screen (right before `…`) is marked when a found word
/// starts with what is left of it.
pub fn mark_words<'t>(text: &'t str, found: &[&str]) -> Vec<(&'t str, bool)> {
    let mut pieces: Vec<(&'t str, bool)> = Vec::new();
    let mut push = |piece: &'t str, marked: bool| match pieces.last_mut() {
        // Unmarked neighbours join into one piece.
        Some((last, false)) if !marked => {
            let start = last.as_ptr() as usize - text.as_ptr() as usize;
            *last = &text[start..start + last.len() + piece.len()];
        }
        _ => pieces.push((piece, marked)),
    };
    let mut rest = text;
    while !rest.is_empty() {
        let word_len = rest
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(rest.len(), |(i, _)| i);
        if word_len == 0 {
            let c = rest.chars().next().map_or(1, char::len_utf8);
            push(&rest[..c], false);
            rest = &rest[c..];
            continue;
        }
        let (word, after) = rest.split_at(word_len);
        let folded = fold(word);
        let cut = after.starts_with('…');
        let marked = split_folded(&folded).any(|part| {
            found
                .iter()
                .any(|f| *f == part || (cut && f.starts_with(part)))
        });
        push(word, marked);
        rest = after;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_are_folded_and_cut_at_punctuation() {
        assert_eq!(
            words("Ridgeline 2-Person Tent"),
            ["ridgeline", "2", "person", "tent"]
        );
        assert_eq!(words("Crème BRÛLÉE"), ["creme", "brulee"]);
        assert_eq!(words("Smörgåsbord"), ["smorgasbord"]);
        assert!(words(" -- ").is_empty());
    }

    #[test]
    fn found_words_are_marked_in_the_text_as_written() {
        assert_eq!(
            mark_words("Ridgeline 2-Person Tent", &["tent", "2"]),
            [
                ("Ridgeline ", false),
                ("2", true),
                ("-Person ", false),
                ("Tent", true)
            ]
        );
        assert_eq!(
            mark_words("Crème Brûlée Torch", &["creme"]),
            [("Crème", true), (" Brûlée Torch", false)]
        );
        assert_eq!(
            mark_words("Smörgåsbord Serving Bo…", &["board"]),
            [("Smörgåsbord Serving ", false), ("Bo", true), ("…", false)]
        );
        assert_eq!(mark_words("", &["x"]), []);
    }

    #[test]
    fn plurals_become_singular() {
        for (plural, single) in [
            ("tents", "tent"),
            ("lanterns", "lantern"),
            ("boxes", "box"),
            ("batteries", "battery"),
            ("dresses", "dress"),
            ("benches", "bench"),
            ("brushes", "brush"),
            ("shoes", "shoe"),
            ("glass", "glass"),
            ("bus", "bus"),
            ("chassis", "chassis"),
            ("gas", "gas"),
            ("tent", "tent"),
        ] {
            assert_eq!(singular(plural), single, "{plural}");
        }
    }

    #[test]
    fn tolerance_grows_with_length() {
        assert_eq!(Tolerance::of("ten"), Tolerance::None);
        assert_eq!(Tolerance::of("tnet"), Tolerance::Swap);
        assert_eq!(Tolerance::of("boots"), Tolerance::One);
        assert_eq!(Tolerance::of("lanterns"), Tolerance::One);
        assert_eq!(Tolerance::of("flashlght"), Tolerance::Two);
        assert_eq!(Tolerance::of("18650"), Tolerance::None);
    }

    #[test]
    fn distances_of_the_examples() {
        let d = |t: &str, w: &str| prefix_distance(t, w, Tolerance::of(t));
        assert_eq!(d("tent", "tent"), Some(0));
        assert_eq!(d("ten", "tents"), Some(0));
        assert_eq!(d("tnet", "tent"), Some(1));
        assert_eq!(d("tnet", "tents"), Some(1));
        // Four letters: a swap, nothing else.
        assert_eq!(d("tant", "tent"), None);
        assert_eq!(d("tet", "tent"), None);
        assert_eq!(d("lantren", "lantern"), Some(1));
        assert_eq!(d("lanern", "lantern"), Some(1));
        assert_eq!(d("lanterm", "lantern"), Some(1));
        assert_eq!(d("lamtren", "lantern"), None);
        // Nine letters: two edits.
        assert_eq!(d("flashlgiht", "flashlight"), Some(1));
        assert_eq!(d("flaslhigt", "flashlight"), Some(2));
        assert_eq!(d("flslhigt", "flashlight"), None);
        // A typed beginning with a mistake finds the longer word.
        assert_eq!(d("lantenr", "lanterns"), Some(1));
        assert_eq!(d("headlmap", "headlamp"), Some(1));
    }

    /// Plain optimal-string-alignment distance, for comparison.
    fn osa(a: &[u8], b: &[u8]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let sub = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + sub);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    proptest! {
        /// The incremental table agrees with the plain distance to the
        /// nearest beginning of the word.
        #[test]
        fn prefix_distance_is_the_least_over_beginnings(
            typed in "[abcde]{4,10}",
            word in "[abcde]{0,12}",
        ) {
            let tolerance = Tolerance::of(&typed);
            // At four letters only a swap counts: equal, or one swap away.
            let allowed = |n: usize| -> bool {
                let beginning = &word.as_bytes()[..n];
                tolerance != Tolerance::Swap
                    || beginning == typed.as_bytes()
                    || (beginning.len() == typed.len()
                        && (0..typed.len() - 1).any(|i| {
                            let mut t = typed.as_bytes().to_vec();
                            t.swap(i, i + 1);
                            t == beginning
                        }))
            };
            let least = (0..=word.len())
                .filter(|&n| allowed(n))
                .map(|n| osa(&word.as_bytes()[..n], typed.as_bytes()))
                .min()
                .unwrap_or(usize::MAX);
            let want = (least <= tolerance.max_edits() as usize).then_some(least as u8);
            prop_assert_eq!(prefix_distance(&typed, &word, tolerance), want);
        }

        /// Sharing rows between words gives what a fresh table gives.
        #[test]
        fn truncated_tables_agree_with_fresh_ones(
            typed in "[abc]{5,9}",
            first in "[abc]{1,10}",
            second in "[abc]{1,10}",
        ) {
            let tolerance = Tolerance::of(&typed);
            let mut table = PrefixDistance::new(&typed, tolerance);
            for &b in first.as_bytes() {
                table.push(b);
            }
            let shared = first
                .bytes()
                .zip(second.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            table.truncate(shared);
            for &b in &second.as_bytes()[shared..] {
                table.push(b);
            }
            let mut fresh = PrefixDistance::new(&typed, tolerance);
            for &b in second.as_bytes() {
                fresh.push(b);
            }
            prop_assert_eq!(table.distance(), fresh.distance());
        }
    }
}

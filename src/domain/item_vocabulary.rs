//! The catalog's vocabulary: every distinct folded word of item names and
//! descriptions, sorted, with the items that have each, and the words a
//! typed word finds (docs/design.md, section 16).

use super::search_words::{singular, PrefixDistance, Tolerance};
use std::collections::HashMap;

/// A typed word's matches: vocabulary number and typing mistakes, sorted
/// by number.
pub type Candidates = Vec<(u32, u8)>;

/// Lists of numbers, one per key, in one allocation.
#[derive(Debug, Default)]
pub struct Postings {
    starts: Vec<u32>,
    data: Vec<u32>,
}

impl Postings {
    /// Starts empty; `push` adds to the last list, `close` starts the next.
    pub fn with_capacity(lists: usize, numbers: usize) -> Postings {
        let mut starts = Vec::with_capacity(lists + 1);
        starts.push(0);
        Postings {
            starts,
            data: Vec::with_capacity(numbers),
        }
    }

    pub fn push(&mut self, n: u32) {
        self.data.push(n);
    }

    pub fn close(&mut self) {
        self.starts.push(self.data.len() as u32);
    }

    /// Lists from (key, number) pairs sorted by key then number.
    pub fn from_sorted_pairs(keys: usize, pairs: &[(u32, u32)]) -> Postings {
        let mut p = Postings::with_capacity(keys, pairs.len());
        let mut next = 0;
        for key in 0..keys as u32 {
            while next < pairs.len() && pairs[next].0 == key {
                p.push(pairs[next].1);
                next += 1;
            }
            p.close();
        }
        p
    }

    /// How many numbers all the lists hold.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn get(&self, key: u32) -> &[u32] {
        let k = key as usize;
        &self.data[self.starts[k] as usize..self.starts[k + 1] as usize]
    }
}

/// The distinct words of the catalog, sorted, with the items they are in
/// (by position in the index).
#[derive(Debug, Default)]
pub struct Vocabulary {
    pub words: Vec<Box<str>>,
    /// A word's singular → the words that have it.
    singulars: HashMap<Box<str>, Vec<u32>>,
    /// Items with the word in their name, per word, ascending.
    pub in_name: Postings,
    /// Items with the word in their description but not their name.
    pub in_description: Postings,
}

impl Vocabulary {
    pub fn new(words: Vec<Box<str>>, in_name: Postings, in_description: Postings) -> Vocabulary {
        let mut singulars: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        for (n, w) in words.iter().enumerate() {
            singulars
                .entry(singular(w).into())
                .or_default()
                .push(n as u32);
        }
        Vocabulary {
            words,
            singulars,
            in_name,
            in_description,
        }
    }

    /// How many item entries a word's candidates cover (its cost).
    pub fn volume(&self, candidates: &Candidates) -> usize {
        candidates
            .iter()
            .map(|&(w, _)| self.in_name.get(w).len() + self.in_description.get(w).len())
            .sum()
    }

    /// The words a typed word finds, each with the typing mistakes it
    /// took: words starting with it, words with its singular (`boxes`
    /// finds `box`; `boxe`, a plural being typed, too), then words within
    /// its tolerance ([`Tolerance`]), as a beginning.
    pub fn candidates(&self, typed: &str) -> Candidates {
        let mut out: Candidates = self.starting_with(typed).map(|n| (n, 0)).collect();
        for form in [typed.to_string(), format!("{typed}s")] {
            let single = singular(&form);
            if let Some(list) = self.singulars.get(single.as_ref()) {
                out.extend(list.iter().map(|&n| (n, 0)));
            }
        }
        let tolerance = Tolerance::of(typed);
        if tolerance != Tolerance::None {
            self.within(typed, tolerance, &mut out);
            let single = singular(typed);
            if single != typed {
                self.within(&single, tolerance, &mut out);
            }
        }
        // One entry per word, with its fewest mistakes.
        out.sort_unstable();
        out.dedup_by_key(|c| c.0);
        out
    }

    /// Vocabulary numbers of the words starting with `prefix`.
    fn starting_with(&self, prefix: &str) -> std::ops::Range<u32> {
        let from = self.words.partition_point(|w| w.as_ref() < prefix);
        let to = from + self.words[from..].partition_point(|w| w.starts_with(prefix));
        from as u32..to as u32
    }

    /// Adds the words within `tolerance` of `typed` (as a beginning) with
    /// a mistake, walking the sorted words so that words sharing their
    /// first letters share the work, and skipping every word under a
    /// beginning already too far off.
    pub(super) fn within(&self, typed: &str, tolerance: Tolerance, out: &mut Candidates) {
        let max = tolerance.max_edits();
        let settled = PrefixDistance::new(typed, tolerance).settled_depth();
        let mut table = PrefixDistance::new(typed, tolerance);
        let mut i = 0;
        let mut previous: &[u8] = &[];
        while i < self.words.len() {
            let word = self.words[i].as_bytes();
            let shared = word
                .iter()
                .zip(previous)
                .take_while(|(a, b)| a == b)
                .count()
                .min(table.depth());
            table.truncate(shared);
            previous = word;
            let mut cut = None;
            while table.depth() < word.len().min(settled) {
                if table.push(word[table.depth()]) > max {
                    cut = Some(table.depth());
                    break;
                }
            }
            // Every word with these first letters fares the same: past
            // `settled` letters nothing changes, and a row beyond the
            // budget only grows.
            let depth = cut.unwrap_or(table.depth());
            let next = if depth == word.len() && cut.is_none() {
                i + 1
            } else {
                let stem = &word[..depth];
                i + self.words[i..].partition_point(|w| w.as_bytes().starts_with(stem))
            };
            // A beginning found before the cut still counts.
            let d = table.distance();
            if d > 0 && d <= max {
                out.extend((i..next).map(|n| (n as u32, d)));
            }
            i = next;
        }
    }
}

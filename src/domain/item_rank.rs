//! Ranking the items that have every typed word (docs/design.md, section
//! 16), best first: fewer typing mistakes, then more words in the name
//! than only in the description, then by name (an item's position in the
//! index is its alphabetical rank).
//!
//! Short words match most of the catalog (`c` is in nearly every item), so
//! neither way here looks at every match when it need not:
//! - one word: the items come tier by tier (no mistake in the name, none
//!   in the description, one mistake in the name, …), each tier a merge of
//!   the words' item lists in alphabetical order, and stop at the limit;
//! - several words: the items of the word with the fewest entries, each
//!   checked for the other words through its own word list.

use super::item_vocabulary::{Candidates, Postings, Vocabulary};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Items by position: a set as bits.
pub struct Bits(Vec<u64>);

impl Bits {
    pub fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    pub fn get(&self, i: u32) -> bool {
        self.0[i as usize / 64] & (1 << (i % 64)) != 0
    }

    pub fn set(&mut self, i: u32) {
        self.0[i as usize / 64] |= 1 << (i % 64);
    }
}

/// What ranking reads besides the words: which positions may be shown
/// (the category) and which are taken already (SKU matches).
pub struct Filter<'a> {
    pub accepted: &'a dyn Fn(u32) -> bool,
    pub taken: &'a Bits,
}

/// The best `limit` positions with the one typed word of `candidates`.
pub fn one_word(
    vocabulary: &Vocabulary,
    candidates: &Candidates,
    filter: &Filter,
    items: usize,
    limit: usize,
) -> Vec<u32> {
    let mut placed = Bits::new(items);
    let mut out = Vec::new();
    let most = candidates.iter().map(|c| c.1).max().unwrap_or(0);
    for typos in 0..=most {
        for postings in [&vocabulary.in_name, &vocabulary.in_description] {
            let lists: Vec<&[u32]> = candidates
                .iter()
                .filter(|c| c.1 == typos)
                .map(|c| postings.get(c.0))
                .filter(|l| !l.is_empty())
                .collect();
            // An item in an earlier tier was placed there (every earlier
            // tier was taken whole before this one).
            for p in merged(&lists) {
                if placed.get(p) || filter.taken.get(p) || !(filter.accepted)(p) {
                    continue;
                }
                placed.set(p);
                out.push(p);
                if out.len() == limit {
                    return out;
                }
            }
        }
    }
    out
}

/// The numbers of sorted lists in ascending order (repeats included).
fn merged<'l>(lists: &[&'l [u32]]) -> impl Iterator<Item = u32> + 'l {
    let mut heap: BinaryHeap<Reverse<(u32, usize, &'l [u32])>> = lists
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.first().map(|&p| Reverse((p, i, &l[1..]))))
        .collect();
    std::iter::from_fn(move || {
        let Reverse((p, i, rest)) = heap.pop()?;
        if let Some(&next) = rest.first() {
            heap.push(Reverse((next, i, &rest[1..])));
        }
        Some(p)
    })
}

/// Per item, for one typed word: its best match as typos × 2, + 1 when
/// only in the description. NONE: not found.
const NONE: u8 = u8::MAX;

/// How the best match of a typed word other than the seed is found.
enum Other {
    /// Per item, as for the seed.
    Items(Vec<u8>),
    /// Per vocabulary number: 1 + typos, 0 when not the word's.
    Words(Vec<u8>),
}

/// Each item's best match for a typed word (lower is better), from the
/// item lists of its candidates; `touched` gets each item once.
fn best_matches(
    vocabulary: &Vocabulary,
    candidates: &Candidates,
    best: &mut [u8],
    touched: &mut Vec<u32>,
) {
    for &(word, typos) in candidates {
        for (list, extra) in [
            (vocabulary.in_name.get(word), 0),
            (vocabulary.in_description.get(word), 1),
        ] {
            let code = typos * 2 + extra;
            for &p in list {
                let b = &mut best[p as usize];
                if *b == NONE {
                    touched.push(p);
                }
                *b = (*b).min(code);
            }
        }
    }
}

/// The best `limit` positions with every typed word of `words` (two or
/// more), or none.
pub fn all_words(
    vocabulary: &Vocabulary,
    item_words: &Postings,
    words: &[&Candidates],
    filter: &Filter,
    items: usize,
    limit: usize,
) -> Vec<u32> {
    let Some(seed) = (0..words.len()).min_by_key(|&i| vocabulary.volume(words[i])) else {
        return Vec::new();
    };
    // The seed word's best match per item, from its item lists.
    let mut best = vec![NONE; items];
    let mut touched: Vec<u32> = Vec::new();
    best_matches(vocabulary, words[seed], &mut best, &mut touched);
    // Each other word: through its item lists too when they are not much
    // longer than the seed's (a pass over them), else through the word
    // lists of the seed's items.
    let per_item = item_words.len() / items.max(1) + 1;
    let others: Vec<Other> = (0..words.len())
        .filter(|&i| i != seed)
        .map(|i| {
            if vocabulary.volume(words[i]) <= touched.len() * per_item {
                let mut theirs = vec![NONE; items];
                best_matches(vocabulary, words[i], &mut theirs, &mut Vec::new());
                Other::Items(theirs)
            } else {
                let mut table = vec![0u8; vocabulary.words.len()];
                for &(word, typos) in words[i] {
                    table[word as usize] = typos + 1;
                }
                Other::Words(table)
            }
        })
        .collect();
    // In alphabetical order, so that once `limit` items have every word
    // exactly in the name (the best there is), the rest cannot beat them.
    // Many items: a pass over all positions reads memory in order.
    let order: Box<dyn Iterator<Item = u32>> = if touched.len() > items / 16 {
        Box::new((0..items as u32).filter(|&p| best[p as usize] != NONE))
    } else {
        touched.sort_unstable();
        Box::new(touched.into_iter())
    };
    let mut keys: Vec<u64> = Vec::new();
    let mut perfect = 0;
    'items: for p in order {
        if filter.taken.get(p) || !(filter.accepted)(p) {
            continue;
        }
        let code = best[p as usize];
        let (mut typos, mut outside) = (u64::from(code / 2), u64::from(code % 2));
        for other in &others {
            let b = match other {
                Other::Items(theirs) => theirs[p as usize],
                Other::Words(table) => {
                    let mut b = NONE;
                    for &entry in item_words.get(p) {
                        let t = table[(entry / 2) as usize];
                        if t > 0 {
                            b = b.min((t - 1) * 2 + (entry % 2) as u8);
                        }
                    }
                    b
                }
            };
            if b == NONE {
                continue 'items;
            }
            typos += u64::from(b / 2);
            outside += u64::from(b % 2);
        }
        keys.push((typos << 40) | (outside << 32) | u64::from(p));
        if typos == 0 && outside == 0 {
            perfect += 1;
            if perfect == limit {
                break;
            }
        }
    }
    if keys.len() > limit {
        keys.select_nth_unstable(limit);
        keys.truncate(limit);
    }
    keys.sort_unstable();
    keys.into_iter().map(|k| k as u32).collect()
}

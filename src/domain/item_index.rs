//! The catalog's search index, held in memory (docs/design.md, section 16):
//! every active item's SKU and the words of its name and description, and
//! the ranking of section 16. The store builds it from the items table and
//! rebuilds it when the catalog changes; searching it costs no query.
//!
//! An item is found when every typed word is in its name or description
//! (as a beginning, singular or plural, or with typing mistakes); when no
//! item has them all, those with most of them stand in, so a word the
//! catalog does not know leaves the others to find something.
//!
//! Ranking, best first: items whose SKU starts with the text (by SKU);
//! then by the number of typed words found (only when standing in); then
//! by the typing mistakes it took (exact and prefix matches before typo
//! matches); then by how many words were found in the name rather than
//! only in the description (all, then fewer); ties by name,
//! alphabetically.

use super::search_words::{singular, split_folded, words, PrefixDistance, Tolerance};
use super::text::fold;
use std::collections::HashMap;

/// One active item as the index reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedItem {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category_id: i64,
}

/// Where a typed word was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Name,
    Description,
}

/// One typed word found in an item: as which catalog word, where, and
/// with how many typing mistakes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordMatch {
    /// The typed word, folded.
    pub typed: String,
    /// The item's word it matched, folded.
    pub found: String,
    pub field: Field,
    pub typos: u8,
}

/// One search result: the item and why it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: i64,
    /// The item's SKU starts with the whole text.
    pub sku: bool,
    /// Every typed word found in the item, best match first per word.
    pub words: Vec<WordMatch>,
}

/// Typed words beyond this many are not searched for (each costs a pass
/// over its matches; nobody says more of a product's name on the phone).
pub const MAX_WORDS: usize = 8;

/// The distinct words of the catalog, sorted, with the items they are in.
#[derive(Debug, Default)]
struct Vocabulary {
    words: Vec<Box<str>>,
    /// A word's singular → the words that have it.
    singulars: HashMap<Box<str>, Vec<u32>>,
    /// Items (by position) with the word in their name, per word.
    in_name: Postings,
    /// Items with the word in their description (not counting the name).
    in_description: Postings,
}

/// Lists of numbers, one per key, in one allocation.
#[derive(Debug, Default)]
struct Postings {
    starts: Vec<u32>,
    data: Vec<u32>,
}

impl Postings {
    fn from_lists(lists: Vec<Vec<u32>>) -> Postings {
        let mut starts = Vec::with_capacity(lists.len() + 1);
        let mut data = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        starts.push(0);
        for list in lists {
            data.extend(list);
            starts.push(data.len() as u32);
        }
        Postings { starts, data }
    }

    fn get(&self, key: u32) -> &[u32] {
        let k = key as usize;
        &self.data[self.starts[k] as usize..self.starts[k + 1] as usize]
    }
}

/// The index: items in alphabetical order of their names (a position is
/// the tie-break of the ranking), their SKUs sorted for prefix ranges,
/// and the vocabulary.
#[derive(Debug, Default)]
pub struct ItemIndex {
    ids: Vec<i64>,
    categories: Vec<i64>,
    /// (folded SKU, position), sorted.
    skus: Vec<(Box<str>, u32)>,
    vocabulary: Vocabulary,
    /// Per position, its words: vocabulary number × 2, + 1 for the
    /// description (to name which words matched in a result).
    item_words: Postings,
}

/// A typed word's matches: vocabulary number and typing mistakes.
type Candidates = Vec<(u32, u8)>;

impl ItemIndex {
    pub fn build(items: Vec<IndexedItem>) -> ItemIndex {
        let mut keyed: Vec<(String, IndexedItem)> =
            items.into_iter().map(|i| (fold(&i.name), i)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));

        let mut numbers: HashMap<String, u32> = HashMap::new();
        let mut per_item: Vec<(Vec<u32>, Vec<u32>)> = Vec::with_capacity(keyed.len());
        let mut ids = Vec::with_capacity(keyed.len());
        let mut categories = Vec::with_capacity(keyed.len());
        let mut skus = Vec::with_capacity(keyed.len());
        for (pos, (name_key, item)) in keyed.iter().enumerate() {
            let mut number = |w: &str| -> u32 {
                let next = numbers.len() as u32;
                *numbers.entry(w.to_string()).or_insert(next)
            };
            let mut name: Vec<u32> = split_folded(name_key).map(&mut number).collect();
            name.sort_unstable();
            name.dedup();
            let mut description: Vec<u32> = split_folded(&fold(&item.description))
                .map(&mut number)
                .filter(|n| name.binary_search(n).is_err())
                .collect();
            description.sort_unstable();
            description.dedup();
            per_item.push((name, description));
            ids.push(item.id);
            categories.push(item.category_id);
            skus.push((fold(&item.sku).into_boxed_str(), pos as u32));
        }
        skus.sort_unstable();

        // Vocabulary numbers in sorted order of the words.
        let mut sorted: Vec<(String, u32)> = numbers.into_iter().collect();
        sorted.sort_unstable();
        let mut renumber = vec![0u32; sorted.len()];
        for (new, (_, old)) in sorted.iter().enumerate() {
            renumber[*old as usize] = new as u32;
        }
        let words: Vec<Box<str>> = sorted.into_iter().map(|(w, _)| w.into()).collect();
        let mut singulars: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        for (n, w) in words.iter().enumerate() {
            singulars
                .entry(singular(w).into())
                .or_default()
                .push(n as u32);
        }
        let mut in_name = vec![Vec::new(); words.len()];
        let mut in_description = vec![Vec::new(); words.len()];
        let mut item_words = Vec::with_capacity(per_item.len());
        for (pos, (name, description)) in per_item.into_iter().enumerate() {
            let mut mine = Vec::with_capacity(name.len() + description.len());
            for old in name {
                let n = renumber[old as usize];
                in_name[n as usize].push(pos as u32);
                mine.push(n * 2);
            }
            for old in description {
                let n = renumber[old as usize];
                in_description[n as usize].push(pos as u32);
                mine.push(n * 2 + 1);
            }
            item_words.push(mine);
        }
        ItemIndex {
            ids,
            categories,
            skus,
            vocabulary: Vocabulary {
                words,
                singulars,
                in_name: Postings::from_lists(in_name),
                in_description: Postings::from_lists(in_description),
            },
            item_words: Postings::from_lists(item_words),
        }
    }

    /// How many items the index holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The best `limit` items for `text`, best first, among those whose
    /// category `within` accepts. Empty text lists items by name.
    pub fn search(&self, text: &str, within: &dyn Fn(i64) -> bool, limit: usize) -> Vec<Hit> {
        let key = fold(text);
        let accepted = |pos: u32| within(self.categories[pos as usize]);
        if key.is_empty() {
            return (0..self.ids.len() as u32)
                .filter(|&p| accepted(p))
                .take(limit)
                .map(|p| self.hit(p, true, &[]))
                .collect();
        }
        let typed: Vec<String> = words(text).into_iter().take(MAX_WORDS).collect();
        let candidates: Vec<(String, Candidates)> = typed
            .into_iter()
            .map(|w| {
                let c = self.vocabulary.candidates(&w);
                (w, c)
            })
            .collect();

        // SKUs that start with the whole text, by SKU.
        let from = self
            .skus
            .partition_point(|(s, _)| s.as_ref() < key.as_str());
        let sku_hits: Vec<u32> = self.skus[from..]
            .iter()
            .take_while(|(s, _)| s.starts_with(key.as_str()))
            .map(|&(_, p)| p)
            .filter(|&p| accepted(p))
            .take(limit)
            .collect();
        let word_limit = limit - sku_hits.len();
        let mut ranked = if word_limit > 0 {
            self.rank_words(&candidates, &accepted, &sku_hits, word_limit)
        } else {
            Vec::new()
        };
        ranked.truncate(word_limit);
        let mut hits: Vec<Hit> = Vec::with_capacity(sku_hits.len() + ranked.len());
        hits.extend(sku_hits.iter().map(|&p| self.hit(p, true, &candidates)));
        hits.extend(ranked.iter().map(|&p| self.hit(p, false, &candidates)));
        hits
    }

    /// Positions of the items with any typed word, best first (at most
    /// `limit`), leaving out those already found by SKU.
    fn rank_words(
        &self,
        candidates: &[(String, Candidates)],
        accepted: &dyn Fn(u32) -> bool,
        sku_hits: &[u32],
        limit: usize,
    ) -> Vec<u32> {
        let n = self.ids.len();
        // Per item: words found, typos, words found in the name.
        let mut found = vec![0u8; n];
        let mut typos = vec![0u8; n];
        let mut in_name = vec![0u8; n];
        let mut touched: Vec<u32> = Vec::new();
        // Per item, for the word at hand: its best match (typos × 2, + 1
        // when only in the description); NONE when not found.
        const NONE: u8 = u8::MAX;
        let mut best = vec![NONE; n];
        let mut this_word: Vec<u32> = Vec::new();
        for (_, cands) in candidates {
            for &(word, t) in cands {
                for (list, extra) in [
                    (self.vocabulary.in_name.get(word), 0),
                    (self.vocabulary.in_description.get(word), 1),
                ] {
                    let code = t * 2 + extra;
                    for &p in list {
                        let b = &mut best[p as usize];
                        if *b == NONE {
                            this_word.push(p);
                        }
                        if code < *b {
                            *b = code;
                        }
                    }
                }
            }
            for p in this_word.drain(..) {
                let i = p as usize;
                let code = best[i];
                best[i] = NONE;
                if found[i] == 0 {
                    touched.push(p);
                }
                found[i] += 1;
                typos[i] = typos[i].saturating_add(code / 2);
                in_name[i] += u8::from(code.is_multiple_of(2));
            }
        }
        let words = candidates.len() as u64;
        let mut by_sku = sku_hits.to_vec();
        by_sku.sort_unstable();
        touched.retain(|&p| accepted(p) && by_sku.binary_search(&p).is_err());
        // Every typed word narrows the results; only when no item has
        // them all do items with most of them stand in.
        if touched.iter().any(|&p| found[p as usize] as u64 == words) {
            touched.retain(|&p| found[p as usize] as u64 == words);
        }
        let mut keys: Vec<u64> = touched
            .into_iter()
            .map(|p| {
                let i = p as usize;
                ((words - found[i] as u64) << 48)
                    | ((typos[i] as u64) << 40)
                    | ((words - in_name[i] as u64) << 32)
                    | p as u64
            })
            .collect();
        if keys.len() > limit {
            keys.select_nth_unstable(limit);
            keys.truncate(limit);
        }
        keys.sort_unstable();
        keys.into_iter().map(|k| k as u32).collect()
    }

    /// The hit for the item at `pos`, naming the typed words found in it.
    fn hit(&self, pos: u32, sku: bool, candidates: &[(String, Candidates)]) -> Hit {
        let mine = self.item_words.get(pos);
        let mut words = Vec::new();
        for (typed, cands) in candidates {
            // Candidates are sorted by vocabulary number.
            let mut found: Vec<WordMatch> = mine
                .iter()
                .filter_map(|&code| {
                    let w = code / 2;
                    let i = cands.binary_search_by_key(&w, |c| c.0).ok()?;
                    Some(WordMatch {
                        typed: typed.clone(),
                        found: self.vocabulary.words[w as usize].to_string(),
                        field: if code % 2 == 0 {
                            Field::Name
                        } else {
                            Field::Description
                        },
                        typos: cands[i].1,
                    })
                })
                .collect();
            found.sort_by(|a, b| (a.typos, a.field, &a.found).cmp(&(b.typos, b.field, &b.found)));
            words.extend(found);
        }
        Hit {
            id: self.ids[pos as usize],
            sku,
            words,
        }
    }
}

impl Vocabulary {
    /// The words a typed word finds, each with the typing mistakes it
    /// took: words starting with it, words with its singular (`boxes`
    /// finds `box`; `boxe`, a plural being typed, too), then words within
    /// its tolerance ([`Tolerance`]), as a beginning.
    fn candidates(&self, typed: &str) -> Candidates {
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
    fn within(&self, typed: &str, tolerance: Tolerance, out: &mut Candidates) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, sku: &str, name: &str, description: &str) -> IndexedItem {
        IndexedItem {
            id,
            sku: sku.into(),
            name: name.into(),
            description: description.into(),
            category_id: 1,
        }
    }

    fn ids(index: &ItemIndex, text: &str) -> Vec<i64> {
        index
            .search(text, &|_| true, 50)
            .iter()
            .map(|h| h.id)
            .collect()
    }

    #[test]
    fn the_sorted_walk_finds_what_a_word_by_word_check_finds() {
        let names = [
            "tent",
            "tents",
            "tenter",
            "tend",
            "ten",
            "lantern",
            "lanterns",
            "lantana",
            "box",
            "boxes",
            "boots",
            "boats",
            "bolts",
            "flashlight",
            "flashlights",
            "fleshlike",
            "test",
        ];
        let index = ItemIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(n, w)| item(n as i64, &format!("S{n}"), w, ""))
                .collect(),
        );
        for typed in [
            "tnet",
            "tenst",
            "lantren",
            "lnatern",
            "bots",
            "boost",
            "flahslight",
            "flslhight",
        ] {
            let tolerance = Tolerance::of(typed);
            let mut walked = Vec::new();
            index.vocabulary.within(typed, tolerance, &mut walked);
            walked.sort_unstable();
            let want: Candidates = index
                .vocabulary
                .words
                .iter()
                .enumerate()
                .filter_map(|(n, w)| {
                    super::super::search_words::prefix_distance(typed, w, tolerance)
                        .filter(|&d| d > 0)
                        .map(|d| (n as u32, d))
                })
                .collect();
            assert_eq!(walked, want, "{typed}");
        }
    }

    #[test]
    fn ranking_follows_sku_then_words_then_typos_then_name() {
        let index = ItemIndex::build(vec![
            item(1, "TNT-1", "Ridgeline Tent", "sleeps two"),
            item(2, "LMP-1", "Camp Lamp", "hangs in any tent"),
            item(3, "TENT-9", "Stake", "for pegs"),
            item(4, "TNT-2", "Alpine Tent Stakes", "light tent pegs"),
            item(5, "TNT-3", "Tend Kit", "garden"),
        ]);
        // SKU first; then tent in the name (by name); then in the
        // description only.
        assert_eq!(ids(&index, "tent"), [3, 4, 1, 2]);
        // Both words: only the item that has them.
        assert_eq!(ids(&index, "tent stake"), [4]);
        assert_eq!(ids(&index, "stake tent"), [4]);
        // A word nobody has: the items with the other stand in.
        assert_eq!(ids(&index, "tent zzz"), [4, 1, 2]);
        // Both in descriptions: by name.
        assert_eq!(ids(&index, "pegs"), [4, 3]);
        assert_eq!(ids(&index, "light peg"), [4]);
    }
}

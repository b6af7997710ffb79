//! The catalog's search index, held in memory (docs/design.md, section 16):
//! every active item's SKU and the words of its name and description. The
//! store builds it from the items table and rebuilds it when the catalog
//! changes; searching it costs no query.
//!
//! An item is found when every typed word is in its name or description
//! (as a beginning, singular or plural, or with typing mistakes:
//! `search_words`). Words the catalog does not have at all are left out;
//! when no item has all the others, the last typed words are dropped one
//! by one until some items have the rest, so one unknown word still leaves
//! the others to find something. Items whose SKU starts with the whole
//! text come first (by SKU); the rest are ranked by `item_rank`.

use super::item_rank::{self, Bits, Filter};
use super::item_vocabulary::{Candidates, Postings, Vocabulary};
use super::search_words::{split_folded, words};
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

/// Typed words beyond this many are not searched for (nobody says more of
/// a product's name on the phone, and each costs a pass).
pub const MAX_WORDS: usize = 8;

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
    /// description.
    item_words: Postings,
}

/// Text as [`fold`] folds it, into `out`, without its work for plain
/// ASCII (most of a catalog): lower case, white space runs as one space.
fn fold_into(text: &str, out: &mut String) {
    out.clear();
    if !text.is_ascii() || text.bytes().any(|b| b.is_ascii_control()) {
        out.push_str(&fold(text));
        return;
    }
    for word in text.split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
}

#[cfg(test)]
fn fold_quick(text: &str) -> String {
    let mut out = String::new();
    fold_into(text, &mut out);
    out
}

/// The first eight bytes of a key as a number that sorts as they do:
/// most comparisons of a sort end there.
fn head(key: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = key.len().min(8);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// FxHash (as in rustc): the vocabulary's words are short and trusted,
/// and SipHash was a fifth of building the index.
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type WordNumbers = HashMap<Box<str>, u32, std::hash::BuildHasherDefault<WordHasher>>;

/// One item as the builder keeps it until the end.
struct Entry {
    /// The first bytes of the folded name, then all of it: the sort key.
    head: u64,
    name_key: Box<str>,
    id: i64,
    category_id: i64,
    sku_key: Box<str>,
    /// Its words in the builder's list.
    words: std::ops::Range<u32>,
}

/// Collects items, then sorts and numbers everything once.
#[derive(Default)]
pub struct IndexBuilder {
    items: Vec<Entry>,
    /// Every item's words in turn: word number × 2, + 1 for the description.
    words: Vec<u32>,
    numbers: WordNumbers,
    /// Scratch for folding.
    name_key: String,
    description_key: String,
}

impl IndexBuilder {
    pub fn add(&mut self, id: i64, sku: &str, name: &str, description: &str, category_id: i64) {
        fold_into(name, &mut self.name_key);
        fold_into(description, &mut self.description_key);
        let first = self.words.len();
        for (text, extra) in [(self.name_key.as_str(), 0), (&*self.description_key, 1)] {
            for w in split_folded(text) {
                let n = match self.numbers.get(w) {
                    Some(&n) => n,
                    None => {
                        let n = self.numbers.len() as u32;
                        self.numbers.insert(w.into(), n);
                        n
                    }
                };
                self.words.push(n * 2 + extra);
            }
        }
        // Each word once per item, in the name rather than the
        // description when in both.
        let mine = &mut self.words[first..];
        mine.sort_unstable();
        let mut kept = first;
        for i in first..self.words.len() {
            let entry = self.words[i];
            let last = (kept > first).then(|| self.words[kept - 1]);
            if last.is_some_and(|l| l / 2 == entry / 2) {
                continue;
            }
            self.words[kept] = entry;
            kept += 1;
        }
        self.words.truncate(kept);
        // The description's scratch is free again: the SKU in it.
        fold_into(sku, &mut self.description_key);
        self.items.push(Entry {
            head: head(&self.name_key),
            name_key: self.name_key.as_str().into(),
            id,
            category_id,
            sku_key: self.description_key.as_str().into(),
            words: first as u32..kept as u32,
        });
    }

    pub fn finish(mut self) -> ItemIndex {
        self.items
            .sort_unstable_by(|a, b| (a.head, &a.name_key, a.id).cmp(&(b.head, &b.name_key, b.id)));
        // Vocabulary numbers in sorted order of the words.
        let mut sorted: Vec<(Box<str>, u32)> = self.numbers.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut renumber = vec![0u32; sorted.len()];
        for (new, (_, old)) in sorted.iter().enumerate() {
            renumber[*old as usize] = new as u32;
        }
        let words: Vec<Box<str>> = sorted.into_iter().map(|(w, _)| w).collect();
        let mut ids = Vec::with_capacity(self.items.len());
        let mut categories = Vec::with_capacity(self.items.len());
        let mut skus = Vec::with_capacity(self.items.len());
        let mut item_words = Postings::with_capacity(self.items.len(), self.words.len());
        let mut name_pairs: Vec<(u32, u32)> = Vec::new();
        let mut description_pairs: Vec<(u32, u32)> = Vec::new();
        for (pos, item) in self.items.into_iter().enumerate() {
            let pos = pos as u32;
            ids.push(item.id);
            categories.push(item.category_id);
            skus.push((head(&item.sku_key), item.sku_key, pos));
            for &entry in &self.words[item.words.start as usize..item.words.end as usize] {
                let n = renumber[(entry / 2) as usize];
                item_words.push(n * 2 + entry % 2);
                match entry % 2 {
                    0 => name_pairs.push((n, pos)),
                    _ => description_pairs.push((n, pos)),
                }
            }
            item_words.close();
        }
        skus.sort_unstable();
        let skus = skus.into_iter().map(|(_, s, p)| (s, p)).collect();
        // Positions were pushed in ascending order: a stable sort by word
        // keeps them so.
        name_pairs.sort_by_key(|p| p.0);
        description_pairs.sort_by_key(|p| p.0);
        let vocabulary = Vocabulary::new(
            words,
            Postings::from_sorted_pairs(renumber.len(), &name_pairs),
            Postings::from_sorted_pairs(renumber.len(), &description_pairs),
        );
        ItemIndex {
            ids,
            categories,
            skus,
            vocabulary,
            item_words,
        }
    }
}

impl ItemIndex {
    pub fn build(items: Vec<IndexedItem>) -> ItemIndex {
        let mut builder = IndexBuilder::default();
        for i in items {
            builder.add(i.id, &i.sku, &i.name, &i.description, i.category_id);
        }
        builder.finish()
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
        let candidates: Vec<(String, Candidates)> = words(text)
            .into_iter()
            .take(MAX_WORDS)
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
        let mut taken = Bits::new(self.ids.len());
        for &p in &sku_hits {
            taken.set(p);
        }
        let filter = Filter {
            accepted: &accepted,
            taken: &taken,
        };
        let mut known: Vec<&Candidates> = candidates
            .iter()
            .map(|(_, c)| c)
            .filter(|c| !c.is_empty())
            .collect();
        let room = limit - sku_hits.len();
        let mut ranked = Vec::new();
        while room > 0 && !known.is_empty() && ranked.is_empty() {
            ranked = match known.as_slice() {
                [one] => item_rank::one_word(&self.vocabulary, one, &filter, self.ids.len(), room),
                many => item_rank::all_words(
                    &self.vocabulary,
                    &self.item_words,
                    many,
                    &filter,
                    self.ids.len(),
                    room,
                ),
            };
            known.pop();
        }
        let mut hits: Vec<Hit> = Vec::with_capacity(sku_hits.len() + ranked.len());
        hits.extend(sku_hits.iter().map(|&p| self.hit(p, true, &candidates)));
        hits.extend(ranked.iter().map(|&p| self.hit(p, false, &candidates)));
        hits
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search_words::{prefix_distance, Tolerance};

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
    fn quick_folding_folds_as_fold_does() {
        for text in [
            "Ridgeline  2-Person Tent",
            "  a\tb ",
            "Crème",
            "ABC def",
            "",
        ] {
            assert_eq!(fold_quick(text), fold(text), "{text:?}");
        }
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
                    prefix_distance(typed, w, tolerance)
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

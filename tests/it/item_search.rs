//! Catalog search that forgives (docs/design.md, section 16), on the demo
//! database: plurals, typing mistakes, accents, ranking, the catalog kept
//! current when another program changes items, and the catalog screen
//! underlining the words that matched.

use crate::common::desk::Desk;
use crate::common::{demo_store, BUSY};
use orderdesk::domain::item_index::Field;
use orderdesk::domain::money::Currency;
use orderdesk::domain::text::fold;
use orderdesk::store::{ItemHit, Store};
use ratatui::style::Modifier;

fn find(store: &Store, text: &str) -> Vec<ItemHit> {
    store.find_items(Currency::USD, text, None, 100).unwrap()
}

fn skus(hits: &[ItemHit]) -> Vec<&str> {
    hits.iter().map(|h| h.item.sku.as_str()).collect()
}

/// The SKUs of demo items whose name has `word` as a whole word (any case).
fn named(store: &Store, word: &str) -> Vec<String> {
    store
        .find_items(Currency::USD, "", None, 1000)
        .unwrap()
        .into_iter()
        .filter(|h| {
            h.item
                .name
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == word)
        })
        .map(|h| h.item.sku)
        .collect()
}

/// How the typed word `typed` was found in `hit`, if it was.
fn found<'h>(
    hit: &'h ItemHit,
    typed: &str,
) -> Option<&'h orderdesk::domain::item_index::WordMatch> {
    hit.words.iter().find(|w| w.typed == typed)
}

#[test]
fn plural_and_singular_find_the_same_items() {
    let (_dir, _path, store) = demo_store();
    let tents = named(&store, "tent");
    assert!(tents.len() >= 8, "{tents:?}");
    for text in ["tent", "tents", "TENTS", "Tent"] {
        let hits = find(&store, text);
        let top: Vec<&str> = skus(&hits).into_iter().take(tents.len()).collect();
        for sku in &tents {
            assert!(top.contains(&sku.as_str()), "{text}: {sku} in {top:?}");
        }
        assert!(hits[0].words.iter().all(|w| w.typos == 0), "{text}");
    }
    // `lanterns`: the lantern items by name, and the party lanterns whose
    // description says "lanterns".
    let hits = find(&store, "lanterns");
    let lanterns = named(&store, "lantern");
    assert!(lanterns.len() >= 4, "{lanterns:?}");
    for sku in &lanterns {
        assert!(skus(&hits).contains(&sku.as_str()), "{sku}");
    }
    let hit = &hits[0];
    let w = found(hit, "lanterns").expect("the word is named");
    assert_eq!((w.field, w.typos), (Field::Name, 0));
    assert_eq!(w.found, "lantern");
    // `boxes`: box stitching, a gift box, in descriptions.
    let hits = find(&store, "boxes");
    let s = skus(&hits);
    assert!(s.contains(&"BED-1013"), "box stitching: {s:?}");
    assert!(s.contains(&"GFC-1016"), "gift box: {s:?}");
    let w = found(&hits[0], "boxes").unwrap();
    assert_eq!((w.found.as_str(), w.typos), ("box", 0));
    // A plural still being typed (`boxe`) finds the singular too.
    assert!(skus(&find(&store, "boxe")).contains(&"BED-1013"));
    // `batteries` and `battery` find each other: a battery by name, a
    // lantern "without batteries" by description.
    for text in ["battery", "batteries"] {
        let s = skus(&find(&store, text)).join(" ");
        assert!(
            s.contains("LGT-1021") && s.contains("LGT-1020"),
            "{text}: {s}"
        );
    }
}

#[test]
fn typing_mistakes_are_forgiven_by_length() {
    let (_dir, _path, store) = demo_store();
    let tents = named(&store, "tent");
    // Four letters: two neighbours swapped.
    let hits = find(&store, "tnet");
    for sku in &tents {
        assert!(skus(&hits).contains(&sku.as_str()), "tnet: {sku}");
    }
    let w = found(&hits[0], "tnet").unwrap();
    assert_eq!((w.found.as_str(), w.typos), ("tent", 1));
    // ... but no other edit at four letters.
    assert!(!skus(&find(&store, "tant"))
        .iter()
        .any(|s| tents.iter().any(|t| t == s)));
    // Five to eight letters: one insert, delete, substitute or swap.
    for typo in ["lantren", "lanern", "lanterm", "lanttern", "lantrens"] {
        let hits = find(&store, typo);
        assert!(
            skus(&hits).contains(&"LGT-1007"),
            "{typo}: {:?}",
            skus(&hits)
        );
        let w = found(&hits[0], typo).unwrap();
        assert_eq!(w.typos, 1, "{typo}");
    }
    assert!(!skus(&find(&store, "lamtren")).contains(&"LGT-1007"));
    // Nine letters and more: two edits.
    for typo in ["falshlihgt", "flashlgiht", "flsahlgiht"] {
        let hits = find(&store, typo);
        assert!(
            skus(&hits).contains(&"LGT-1015"),
            "{typo}: {:?}",
            skus(&hits)
        );
    }
    let hits = find(&store, "falshlihgt");
    let w = found(&hits[0], "falshlihgt").unwrap();
    assert_eq!((w.found.as_str(), w.typos), ("flashlight", 2));
    // Eight letters: two edits are too many.
    assert!(!skus(&find(&store, "haedlmap")).contains(&"LGT-1001"));
    assert!(skus(&find(&store, "headlmap")).contains(&"LGT-1001"));
    // Sizes and model numbers are not guessed at.
    assert!(!skus(&find(&store, "18651")).contains(&"LGT-1021"));
}

#[test]
fn accents_and_case_are_folded() {
    let (_dir, _path, store) = demo_store();
    for (text, sku) in [
        ("creme brulee", "KTL-1010"),
        ("CRÈME", "KTL-1010"),
        ("pinata", "DEC-2125"),
        ("smorgasbord", "KTL-1023"),
        ("uber", "ACC-1025"),
        ("jalapeno", "KTL-1025"),
        ("Café", "COF-3002"),
        ("cafe press", "COF-3001"),
    ] {
        let hits = find(&store, text);
        assert_eq!(
            hits.first().map(|h| h.item.sku.as_str()),
            Some(sku),
            "{text}: {:?}",
            skus(&hits)
        );
    }
}

/// The rank of a hit as section 16 orders them: SKU matches first; then
/// more typed words found; fewer typing mistakes; more words in the name.
fn rank(hit: &ItemHit, typed: usize) -> (bool, usize, u32, usize) {
    if hit.sku_match {
        // Among themselves, by SKU.
        return (false, 0, 0, 0);
    }
    // The best match of each typed word comes first in `words`.
    let mut best = std::collections::HashMap::new();
    for w in &hit.words {
        best.entry(w.typed.as_str()).or_insert(w);
    }
    (
        !hit.sku_match,
        typed - best.len(),
        best.values().map(|w| w.typos as u32).sum(),
        typed - best.values().filter(|w| w.field == Field::Name).count(),
    )
}

#[test]
fn results_are_ranked_sku_words_typos_name_then_alphabetically() {
    let (_dir, _path, store) = demo_store();
    for (text, typed) in [
        ("tent", 1),
        ("tnet", 1),
        ("boots", 1),
        ("camp", 1),
        ("wool socks", 2),
        ("steel pan", 2),
        ("s", 1),
        ("tnt-20", 2),
    ] {
        let hits = find(&store, text);
        assert!(!hits.is_empty(), "{text}");
        for pair in hits.windows(2) {
            let (a, b) = (rank(&pair[0], typed), rank(&pair[1], typed));
            assert!(
                a <= b,
                "{text}: {} {a:?} before {} {b:?}",
                pair[0].item.sku,
                pair[1].item.sku
            );
            if a == b && a.0 {
                let (x, y) = (fold(&pair[0].item.name), fold(&pair[1].item.name));
                assert!(x <= y, "{text}: ties by name: {x} before {y}");
            }
        }
    }
    // SKU matches first, by SKU.
    let hits = find(&store, "TNT-20");
    assert!(hits.len() > 10);
    let s = skus(&hits);
    assert_eq!(s[0], "TNT-2001");
    let by_sku: Vec<&str> = s
        .iter()
        .copied()
        .take_while(|s| s.starts_with("TNT-20"))
        .collect();
    let mut sorted = by_sku.clone();
    sorted.sort();
    assert_eq!(by_sku, sorted);
    assert!(hits[0].sku_match);
    // Tent in the name (alphabetically), then tent in a description only.
    let hits = find(&store, "tent");
    let first_desc = hits
        .iter()
        .position(|h| found(h, "tent").unwrap().field == Field::Description)
        .expect("a description mentions tents");
    assert!(first_desc >= 8);
    assert!(hits[first_desc..]
        .iter()
        .all(|h| found(h, "tent").unwrap().field == Field::Description));
    assert_eq!(
        hits[0].item.sku, "TNT-2010",
        "Alpine Storm 2 Tent, first by name"
    );
    // Exact before typo: `boots` finds Boot items before any typo match.
    let hits = find(&store, "boots");
    let first_typo = hits
        .iter()
        .position(|h| found(h, "boots").unwrap().typos > 0);
    let last_exact = hits
        .iter()
        .rposition(|h| found(h, "boots").unwrap().typos == 0);
    if let (Some(t), Some(e)) = (first_typo, last_exact) {
        assert!(e < t, "exact {e} before typo {t}");
    }
    // Both words before one: Wool Hiking Socks first.
    let hits = find(&store, "wool socks");
    assert_eq!(hits[0].item.sku, "FTW-2117");
    assert_eq!(
        rank(&hits[0], 2),
        (true, 0, 0, 0),
        "both, exactly, in the name"
    );
    assert!(hits.iter().all(|h| rank(h, 2).1 == 0), "every word narrows");
    // A word the catalog does not know: the other word's items stand in.
    let hits = find(&store, "wool qqqqzz");
    assert!(skus(&hits).contains(&"FTW-2117"));
    assert!(hits.iter().all(|h| rank(h, 2).1 == 1));
}

#[test]
fn one_letter_and_empty_searches_list_by_rank_and_by_name() {
    let (_dir, _path, store) = demo_store();
    let hits = store.find_items(Currency::USD, "", None, 20).unwrap();
    assert_eq!(hits.len(), 20);
    let names: Vec<String> = hits.iter().map(|h| fold(&h.item.name)).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let hits = store.find_items(Currency::USD, "a", None, 100).unwrap();
    assert_eq!(hits.len(), 100);
    // SKUs starting with A first, then items with a word starting so.
    assert!(hits[0].sku_match);
    assert!(hits.iter().all(|h| h.sku_match || found(h, "a").is_some()));
    assert!(hits.iter().any(|h| !h.sku_match));
}

#[test]
fn a_category_limits_the_search_to_its_subtree() {
    let (_dir, _path, store) = demo_store();
    let tree = store.category_tree().unwrap();
    let tents = tree
        .iter()
        .find(|c| c.name.contains("Tent"))
        .expect("a tents category");
    let all = find(&store, "tent");
    let within = store
        .find_items(Currency::USD, "tent", Some(tents.id), 100)
        .unwrap();
    assert!(!within.is_empty());
    assert!(within.len() < all.len());
    assert!(
        within.iter().all(|h| h.item.sku.starts_with("TNT-")),
        "{:?}",
        skus(&within)
    );
    // A parent category holds its children's items: string lights whose
    // description mentions tent guylines are in Outdoor, not in Tents.
    let outdoor = tree.iter().find(|c| c.name == "Outdoor").expect("Outdoor");
    let s = skus(
        &store
            .find_items(Currency::USD, "tent", Some(outdoor.id), 100)
            .unwrap(),
    )
    .join(" ");
    assert!(s.contains("TNT-2001") && s.contains("LGT-1014"), "{s}");
    assert!(!skus(&within).contains(&"LGT-1014"));
}

#[test]
fn results_carry_price_and_stock_read_with_them() {
    let (_dir, path, store) = demo_store();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE inventory SET on_hand = 0, reserved = 0 WHERE item_id = (SELECT id FROM items WHERE sku = 'LGT-1007')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO expected_receipts (item_id, due_date, quantity)
         SELECT id, '2026-12-20', 5 FROM items WHERE sku = 'LGT-1007'",
        [],
    )
    .unwrap();
    let hit = find(&store, "LGT-1007").remove(0);
    assert!(hit.sku_match);
    assert_eq!(hit.item.available(), 0);
    assert_eq!(hit.stock.on_hand, 0);
    assert!(hit
        .stock
        .receipts
        .contains(&(chrono::NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(), 5)));
    let price: String = conn
        .query_row(
            "SELECT amount FROM prices p JOIN price_lists l ON l.id = p.price_list_id
             WHERE l.currency = 'USD' AND p.item_id = ?1",
            [hit.item.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hit.item.price.map(|p| p.to_string()), Some(price));
    assert_eq!(
        hit.stock,
        store.item_stock(&[hit.item.id]).unwrap()[&hit.item.id]
    );
}

#[test]
fn items_changed_by_another_program_are_searched_as_they_are_now() {
    let (_dir, path, store) = demo_store();
    assert!(find(&store, "zeppelin").is_empty());
    // Another console (or the demo generator) changes the catalog.
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute(
            "UPDATE items SET name = 'Zeppelin Family Tent' WHERE sku = 'TNT-2006'",
            [],
        )
        .unwrap();
    let hits = find(&store, "zeppelin");
    assert_eq!(skus(&hits), ["TNT-2006"]);
    assert_eq!(hits[0].item.name, "Zeppelin Family Tent");
    assert!(find(&store, "basecamp 6 family")
        .iter()
        .all(|h| h.item.sku != "TNT-2006" || h.words.len() < 3));
    // No longer sold: gone from the results.
    other
        .execute("UPDATE items SET active = 0 WHERE sku = 'TNT-2006'", [])
        .unwrap();
    assert!(find(&store, "zeppelin").is_empty());
    // A new item, through a second store on the same file.
    let (second, _) = Store::open(&path, BUSY).unwrap();
    assert!(second.warm_item_index().unwrap() > 200);
    other
        .execute(
            "INSERT INTO items (sku, sku_key, name, name_key, description, category_id, weight_grams)
             SELECT 'ZEP-1', 'zep-1', 'Zeppelin Lantern', 'zeppelin lantern', 'floats', category_id, 100
             FROM items WHERE sku = 'LGT-1007'",
            [],
        )
        .unwrap();
    assert_eq!(skus(&find(&store, "zepelin")), ["ZEP-1"]);
    assert_eq!(
        skus(&second.find_items(Currency::USD, "zep", None, 10).unwrap()),
        ["ZEP-1"]
    );
}

#[test]
fn the_catalog_underlines_the_words_that_matched() {
    let mut d = Desk::new();
    d.pick("doe");
    d.type_text("tnet ridgelin");
    let lines = d.lines();
    let (row, line) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains("TNT-2001"))
        .expect("the Ridgeline tent is listed");
    assert!(line.contains("Ridgeline 2-Person Tent"), "{line}");
    let buf = d.term.backend().buffer().clone();
    let underlined = |text: &str| -> bool {
        let start = line.find(text).expect("on the row");
        let col = line[..start].chars().count();
        (col..col + text.chars().count()).all(|x| {
            buf.cell((x as u16, row as u16))
                .unwrap()
                .modifier
                .contains(Modifier::UNDERLINED)
        })
    };
    assert!(underlined("Ridgeline"), "{line}");
    assert!(underlined("Tent"), "the typo tnet found Tent: {line}");
    assert!(!underlined("2-Person"), "{line}");
    assert!(!underlined("TNT-2001"), "not found by SKU: {line}");
    // A word found only in the description is underlined on the
    // selected item's description line.
    d.code(crossterm::event::KeyCode::Esc);
    d.type_text("vestibules");
    let lines = d.lines();
    let last = lines.len() - 2;
    let desc_row = (0..lines.len())
        .rev()
        .find(|&r| lines[r].contains("vestibule"))
        .expect("the description line shows the word");
    assert!(desc_row >= last - 2, "{lines:?}");
    let line = &lines[desc_row];
    let col = line[..line.find("vestibule").unwrap()].chars().count();
    let buf = d.term.backend().buffer();
    assert!(buf
        .cell((col as u16, desc_row as u16))
        .unwrap()
        .modifier
        .contains(Modifier::UNDERLINED));
}

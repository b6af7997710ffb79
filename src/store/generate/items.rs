//! Generated items: names and descriptions from the words of `items.json`,
//! prices in every price list's currency, stock and expected receipts.

use super::random::pick;
use super::words::ItemWords;
use super::SEED;
use crate::store::demo::{demo_items, insert_item};
use anyhow::{anyhow, Result};
use chrono::{Duration, NaiveDate};
use fastrand::Rng;
use rusqlite::{params, Transaction};

fn is_apparel(category_code: &str) -> bool {
    category_code.starts_with("APP-")
}

/// An amount in minor units as the decimal text prices are stored in.
pub(super) fn minor_text(minor: i64, minor_units: u32) -> String {
    if minor_units == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(minor_units);
    format!(
        "{}.{:0width$}",
        minor / scale,
        minor % scale,
        width = minor_units as usize
    )
}

/// A price in `minor_units` with a shop-like ending (.99, .95, .50, .00; yen
/// rounded to tens or hundreds).
pub(super) fn price_in(usd_cents: i64, rate: f64, minor_units: u32, ending: i64) -> String {
    let value = usd_cents as f64 / 100.0 * rate;
    match minor_units {
        0 => {
            let step = if value >= 10_000.0 { 100.0 } else { 10.0 };
            let v = ((value / step).round() * step).max(step) as i64;
            v.to_string()
        }
        2 => {
            let whole = ((value + 1e-9).floor() as i64).max(0);
            minor_text(whole * 100 + ending, 2)
        }
        m => minor_text((value * 10f64.powi(m as i32)).round() as i64, m),
    }
}

pub(super) fn generate_items(
    tx: &Transaction,
    words: &ItemWords,
    count: u64,
    today: NaiveDate,
    tick: &mut dyn FnMut(u64),
) -> Result<()> {
    // Leaf categories only; gift cards are not generated (their price is their value).
    let categories: Vec<(i64, String)> = tx
        .prepare(
            "SELECT id, code FROM categories c
             WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_id = c.id) AND code <> 'GIFT-CARD'
             ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if categories.is_empty() {
        return Err(anyhow!(
            "the database has no categories; load the demo first"
        ));
    }
    let lists: Vec<(i64, String, u32, f64)> = tx
        .prepare("SELECT p.id, p.currency, c.minor_units FROM price_lists p JOIN currencies c ON c.code = p.currency ORDER BY p.id")?
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?)))?
        .filter_map(|row| match row {
            Ok((id, cur, mu)) => words.usd_rates.get(&cur).map(|rate| Ok((id, cur, mu, *rate))),
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<_>>()?;
    let next: i64 = tx.query_row(
        "SELECT COALESCE(MAX(CAST(substr(sku, 5) AS INTEGER)), 0) + 1 FROM items WHERE sku LIKE 'GEN-%'",
        [],
        |r| r.get(0),
    )?;
    let mut rng = Rng::with_seed(SEED.rotate_left(17) ^ next as u64);
    // One scratch record, refilled for every item (insert_item reads only
    // the fields set here).
    let mut item = demo_items()?
        .pop()
        .ok_or_else(|| anyhow!("assets/items.json is empty"))?;
    item.prices.clear();
    let mut price =
        tx.prepare("INSERT INTO prices (price_list_id, item_id, amount) VALUES (?1, ?2, ?3)")?;
    let mut receipt = tx.prepare(
        "INSERT INTO expected_receipts (item_id, due_date, quantity) VALUES (?1, ?2, ?3)",
    )?;
    for n in 0..count as i64 {
        let (category_id, code) = pick(&mut rng, &categories);
        let code = code.as_str();
        let noun = pick(&mut rng, words.nouns(code));
        let adjective = pick(&mut rng, &words.adjectives);
        let middle = if code == "GIFT-BOOK" {
            pick(&mut rng, &words.book_topics)
        } else {
            pick(&mut rng, &words.materials)
        };
        let mut name = format!("{adjective} {middle} {noun}");
        if is_apparel(code) && rng.bool() {
            name = format!(
                "{name}, {} {}",
                pick(&mut rng, &words.colors),
                pick(&mut rng, &words.sizes)
            );
        } else if rng.u8(0..3) == 0 {
            name = format!("{name}, {}", pick(&mut rng, &words.colors));
        }
        let other_adj = pick(&mut rng, &words.adjectives).to_lowercase();
        let article = if other_adj.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "An"
        } else {
            "A"
        };
        let weight = rng.i64(40..6000);
        let mut description = format!(
            "{article} {other_adj} {} {} {} {}. {}",
            noun.to_lowercase(),
            if code == "GIFT-BOOK" { "on" } else { "in" },
            middle.to_lowercase(),
            pick(&mut rng, &words.uses),
            pick(&mut rng, &words.features)
        );
        if rng.bool() {
            description.push(' ');
            description.push_str(pick(&mut rng, &words.care).as_str());
        }
        if rng.u8(0..4) == 0 {
            description.push_str(&format!(" Weighs {weight} g."));
        }
        item.sku = format!("GEN-{:07}", next + n);
        item.name = name;
        item.description = description;
        item.category = code.to_string();
        item.weight_grams = weight;
        item.taxable = code != "GIFT-BOOK" || rng.bool();
        item.on_hand = match rng.u8(0..20) {
            0..=2 => 0,
            3..=10 => rng.i64(1..25),
            _ => rng.i64(25..500),
        };
        let id = insert_item(tx, &item, *category_id)?;

        // Log-uniform list price from about 5 to 600 US dollars.
        let usd = (500.0 * (120f64).powf(rng.f64())) as i64;
        let ending = *pick(&mut rng, &[99i64, 99, 95, 50, 0]);
        let usd_cents = (usd / 100) * 100;
        for (list_id, _, minor_units, rate) in &lists {
            price.execute(params![
                list_id,
                id,
                price_in(usd_cents, *rate, *minor_units, ending)
            ])?;
        }
        let receipts = if item.on_hand == 0 {
            rng.u8(0..5) < 4
        } else {
            rng.u8(0..10) < 3
        };
        if receipts {
            let k = if rng.u8(0..4) == 0 { 2 } else { 1 };
            let mut due = today + Duration::days(rng.i64(3..40));
            for _ in 0..k {
                receipt.execute(params![
                    id,
                    due.format("%Y-%m-%d").to_string(),
                    rng.i64(5..200)
                ])?;
                due += Duration::days(rng.i64(14..60));
            }
        }
        tick(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_have_shop_endings_and_minor_units() {
        assert_eq!(price_in(18_900, 1.0, 2, 99), "189.99");
        assert_eq!(price_in(18_900, 150.0, 0, 99), "28400");
        assert_eq!(price_in(500, 150.0, 0, 0), "750");
        assert_eq!(price_in(10_000, 0.92, 2, 0), "92.00");
        assert_eq!(minor_text(5, 2), "0.05");
    }
}

//! Seeded choices: the generator's only source of variety, so the same
//! seed gives the same data.

use fastrand::Rng;

pub(super) fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// An index into `items`, each as likely as its weight.
pub(super) fn weighted<T>(rng: &mut Rng, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
    let total: u32 = items.iter().map(&weight).sum();
    let mut roll = rng.u32(..total);
    for (i, item) in items.iter().enumerate() {
        let w = weight(item);
        if roll < w {
            return i;
        }
        roll -= w;
    }
    items.len() - 1
}

/// `n` random decimal digits.
pub(super) fn num(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
}

pub(super) fn letter(rng: &mut Rng, from: &[u8]) -> char {
    char::from(*pick(rng, from))
}

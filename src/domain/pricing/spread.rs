//! Splitting an amount over weights in whole minor units.

use crate::domain::money::Currency;
use rust_decimal::Decimal;

/// Splits `total` over `weights` in proportion, in whole minor units of
/// `cur`, by the largest-remainder method: the parts add up exactly to
/// `total`, and no part exceeds its weight when `total` ≤ Σ weights.
/// Ties go to the earlier entry. Negative weights count as zero; with no
/// positive weight the whole goes to the first entry.
pub fn spread(total: Decimal, weights: &[Decimal], cur: Currency) -> Vec<Decimal> {
    let k = cur.minor_units();
    let mut out = vec![cur.round(Decimal::ZERO); weights.len()];
    if weights.is_empty() {
        return out;
    }
    let negative = total.is_sign_negative();
    let t = units(total.abs(), k);
    let mut w: Vec<i128> = weights.iter().map(|x| units(*x, k).max(0)).collect();
    let mut sum: i128 = w.iter().sum();
    if sum == 0 || t == 0 {
        out[0] = cur.round(total);
        return out;
    }
    // Keep t × w within i128; only absurd amounts ever get here.
    while w.iter().any(|wi| wi.checked_mul(t).is_none()) {
        for wi in w.iter_mut() {
            *wi /= 2;
        }
        sum = w.iter().sum();
        if sum == 0 {
            out[0] = cur.round(total);
            return out;
        }
    }
    let mut parts: Vec<i128> = w.iter().map(|wi| t * wi / sum).collect();
    let mut order: Vec<usize> = (0..w.len()).collect();
    // Largest remainder first; sort is stable, so ties keep index order.
    order.sort_by(|a, b| (t * w[*b] % sum).cmp(&(t * w[*a] % sum)));
    let mut left = t - parts.iter().sum::<i128>();
    for i in order.iter().cycle() {
        if left <= 0 {
            break;
        }
        parts[*i] += 1;
        left -= 1;
    }
    for (o, p) in out.iter_mut().zip(parts) {
        let v = Decimal::from_i128_with_scale(if negative { -p } else { p }, k);
        *o = cur.round(v);
    }
    out
}

/// `x` in whole minor units (rounded half away from zero).
fn units(x: Decimal, k: u32) -> i128 {
    let mut r = x.round_dp_with_strategy(k, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    r.rescale(k);
    r.mantissa()
}

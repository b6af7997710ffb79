//! Property tests of pricing: whatever the cart, promotions, coupons and
//! adjustments, the breakdown adds up, has no more decimals than its
//! currency, has nothing negative, and is the same when priced twice.

use chrono::NaiveDate;
use orderdesk::domain::adjustment::{Adjustment, AdjustmentKind};
use orderdesk::domain::availability::LineAvailability;
use orderdesk::domain::money::{Currency, Money};
use orderdesk::domain::order::{Address, BackorderChoice, Line, Order, ShipTo};
use orderdesk::domain::parts::{split as split_parts, Part};
use orderdesk::domain::planning::{plan, Plan};
use orderdesk::domain::price_split;
use orderdesk::domain::pricing::{price, spread, Breakdown, PricingContext, ShipmentInput};
use orderdesk::domain::promotion::{Coupon, CouponUsage, Promotion};
use orderdesk::domain::shipping::{Rate, TaxRate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn cur_strategy() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::ALL.to_vec())
}

/// An amount of `0..max` minor units in `cur`.
fn amount(cur: Currency, units: i64) -> Decimal {
    Decimal::new(units, cur.minor_units())
}

#[derive(Debug, Clone)]
struct LineGen {
    item: i64,
    price_units: i64,
    qty: u32,
    grams: u32,
    taxable: bool,
    ship_to: usize,
}

#[derive(Debug, Clone)]
struct PromoGen {
    kind: usize,
    target: i64,
    value: i64,
    threshold: i64,
    combinable: bool,
    automatic: bool,
    dated: bool,
}

#[derive(Debug, Clone)]
enum AdjGen {
    Price(usize, i64),
    Ship(usize, i64),
    Subtotal(i64),
}

#[derive(Debug, Clone)]
struct Input {
    cur: Currency,
    ship_tos: usize,
    lines: Vec<LineGen>,
    rates: Vec<Option<(i64, i64, i64)>>,
    taxes: Vec<Option<(u32, bool)>>,
    promos: Vec<PromoGen>,
    coupons: Vec<(usize, bool, i64)>,
    adjustments: Vec<AdjGen>,
    split_shipments: bool,
}

fn input_strategy() -> impl Strategy<Value = Input> {
    (cur_strategy(), 1usize..4).prop_flat_map(|(cur, ship_tos)| {
        let line = (
            1i64..6,
            0i64..200_000,
            1u32..40,
            0u32..5000,
            any::<bool>(),
            0..ship_tos,
        )
            .prop_map(
                |(item, price_units, qty, grams, taxable, ship_to)| LineGen {
                    item,
                    price_units,
                    qty,
                    grams,
                    taxable,
                    ship_to,
                },
            );
        let promo = (
            0usize..7,
            1i64..6,
            1i64..5_000,
            0i64..50_000,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(kind, target, value, threshold, combinable, automatic, dated)| PromoGen {
                    kind,
                    target,
                    value,
                    threshold,
                    combinable,
                    automatic,
                    dated,
                },
            );
        let adj = prop_oneof![
            (0usize..8, -500i64..300_000).prop_map(|(l, u)| AdjGen::Price(l, u)),
            (0usize..5, -500i64..20_000).prop_map(|(s, u)| AdjGen::Ship(s, u)),
            (-500i64..500_000).prop_map(AdjGen::Subtotal),
        ];
        (
            Just(cur),
            Just(ship_tos),
            prop::collection::vec(line, 1..7),
            prop::collection::vec(
                prop::option::of((0i64..2_000, 0i64..300, 0i64..500)),
                ship_tos,
            ),
            prop::collection::vec(prop::option::of((0u32..2_500, any::<bool>())), ship_tos),
            prop::collection::vec(promo, 0..6),
            prop::collection::vec((0usize..6, any::<bool>(), 0i64..20_000), 0..3),
            prop::collection::vec(adj, 0..4),
            any::<bool>(),
        )
            .prop_map(
                |(
                    cur,
                    ship_tos,
                    lines,
                    rates,
                    taxes,
                    promos,
                    coupons,
                    adjustments,
                    split_shipments,
                )| Input {
                    cur,
                    ship_tos,
                    lines,
                    rates,
                    taxes,
                    promos,
                    coupons,
                    adjustments,
                    split_shipments,
                },
            )
    })
}

fn promotion(p: &PromoGen, i: usize, cur: Currency) -> Promotion {
    let money = |units: i64| format!(r#"{{"{}":"{}"}}"#, cur.code(), amount(cur, units));
    let percent = Decimal::new(p.value % 10_000 + 1, 2).min(Decimal::ONE_HUNDRED);
    let (kind, item, category, params) = match p.kind {
        0 => (
            "item_percent",
            None,
            Some(p.target),
            format!(r#"{{"percent":"{percent}"}}"#),
        ),
        1 => (
            "item_amount",
            Some(p.target),
            None,
            format!(r#"{{"amount":{}}}"#, money(p.value)),
        ),
        2 => (
            "item_fixed_price",
            Some(p.target),
            None,
            format!(r#"{{"price":{}}}"#, money(p.value * 10)),
        ),
        3 => (
            "buy_n_get_m",
            Some(p.target),
            None,
            format!(r#"{{"n":{},"m":{}}}"#, p.value % 4 + 1, p.threshold % 3 + 1),
        ),
        4 => (
            "order_percent",
            None,
            None,
            format!(
                r#"{{"percent":"{percent}","threshold":{}}}"#,
                money(p.threshold)
            ),
        ),
        5 => (
            "order_amount",
            None,
            None,
            format!(
                r#"{{"amount":{},"threshold":{}}}"#,
                money(p.value * 3),
                money(p.threshold)
            ),
        ),
        _ => (
            "free_shipping",
            None,
            None,
            format!(r#"{{"threshold":{}}}"#, money(p.threshold)),
        ),
    };
    let (starts, ends) = if p.dated {
        (Some("2026-11-01"), Some("2026-11-10"))
    } else {
        (None, None)
    };
    Promotion::from_row(
        &format!("P{i}"),
        &format!("Promotion {i}"),
        kind,
        item,
        category,
        &params,
        p.combinable,
        p.automatic,
        starts,
        ends,
    )
    .unwrap()
}

fn build(input: &Input) -> (Order, PricingContext) {
    let cur = input.cur;
    let mut order = Order::new("prop".into(), cur);
    let mut ctx = PricingContext {
        today: NaiveDate::from_ymd_opt(2026, 11, 5).unwrap(),
        ..Default::default()
    };
    for s in 0..input.ship_tos {
        order.ship_tos.push(ShipTo {
            address: Address::default(),
            method: Some("GROUND".into()),
        });
        ctx.ship_to_rates.push(input.rates[s].map(|(b, i, k)| Rate {
            base: amount(cur, b),
            per_item: amount(cur, i),
            per_kg: amount(cur, k),
        }));
        ctx.ship_to_tax
            .push(input.taxes[s].map(|(bp, ship)| TaxRate {
                name: format!("Tax {s}"),
                rate: Decimal::new(i64::from(bp), 4),
                taxes_shipping: ship,
            }));
    }
    for l in &input.lines {
        order.lines.push(Line {
            item_id: l.item,
            sku: format!("S{}", l.item),
            name: "thing".into(),
            quantity: l.qty,
            unit_price: amount(cur, l.price_units),
            weight_grams: l.grams,
            taxable: l.taxable,
            ship_to: l.ship_to,
        });
        // Items 1-5; categories 1-5 with item n in category n and n+1.
        ctx.item_categories.insert(l.item, vec![l.item, l.item + 1]);
    }
    let promos: Vec<Promotion> = input
        .promos
        .iter()
        .enumerate()
        .map(|(i, p)| promotion(p, i, cur))
        .collect();
    for (i, (p, used, min)) in input.coupons.iter().enumerate() {
        if let Some(promo) = promos.get(*p) {
            ctx.coupons.push(Coupon {
                code: format!("C{i}"),
                promotion: promo.clone(),
                customer_id: None,
                starts_on: None,
                ends_on: None,
                min_spend: Some(Money::new(amount(cur, *min), cur)),
                usage: CouponUsage {
                    used: u32::from(*used),
                    ..CouponUsage::default()
                },
            });
        }
    }
    ctx.promotions = promos;
    ctx.adjustments = input
        .adjustments
        .iter()
        .map(|a| Adjustment {
            kind: match a {
                AdjGen::Price(line, u) => AdjustmentKind::PriceOverride {
                    line: *line,
                    unit_price: amount(cur, *u),
                    // Both kinds of override, drawn from the amount.
                    net: u % 2 != 0,
                },
                AdjGen::Ship(s, u) => AdjustmentKind::ShippingOverride {
                    shipment: *s,
                    amount: amount(cur, *u),
                },
                AdjGen::Subtotal(u) => AdjustmentKind::SubtotalOff {
                    amount: amount(cur, *u),
                },
            },
            reason_code: "GOODWILL".into(),
            operator: "prop".into(),
            approval: None,
            made_at: None,
        })
        .collect();
    if input.split_shipments {
        // Each line in two shipments: one unit apart from the rest.
        let mut list = Vec::new();
        for (i, l) in order.lines.iter().enumerate() {
            if l.quantity > 1 {
                list.push(ShipmentInput {
                    ship_to: l.ship_to,
                    lines: vec![(i, l.quantity - 1)],
                });
            }
            list.push(ShipmentInput {
                ship_to: l.ship_to,
                lines: vec![(i, 1)],
            });
        }
        ctx.shipments = Some(list);
    }
    (order, ctx)
}

/// Every money amount of the breakdown, named.
fn amounts(b: &Breakdown) -> Vec<(String, Decimal)> {
    let mut out = vec![
        ("merchandise".to_string(), b.merchandise),
        ("item_discount_total".into(), b.item_discount_total),
        (
            "subtotal_after_item_discounts".into(),
            b.subtotal_after_item_discounts,
        ),
        ("order_discount_total".into(), b.order_discount_total),
        ("adjustment_total".into(), b.adjustment_total),
        ("discount_total".into(), b.discount_total),
        ("subtotal".into(), b.subtotal),
        ("shipping_total".into(), b.shipping_total),
        ("tax_total".into(), b.tax_total),
        ("grand_total".into(), b.grand_total),
    ];
    for (i, l) in b.lines.iter().enumerate() {
        for (n, v) in [
            ("list_amount", l.list_amount),
            ("amount", l.amount),
            ("item_discount", l.item_discount),
            ("order_discount", l.order_discount),
            ("discount", l.discount),
            ("total", l.total),
            ("tax", l.tax),
        ] {
            out.push((format!("line {i} {n}"), v));
        }
        for d in &l.discounts {
            out.push((format!("line {i} discount {}", d.name), d.amount));
        }
    }
    for d in &b.order_discounts {
        out.push((format!("order discount {}", d.name), d.amount));
    }
    for (i, s) in b.shipments.iter().enumerate() {
        out.push((format!("shipment {i} computed"), s.computed));
        out.push((format!("shipment {i} charge"), s.charge));
        out.push((format!("shipment {i} tax"), s.tax));
        if let Some(o) = s.override_amount {
            out.push((format!("shipment {i} override"), o));
        }
    }
    for t in &b.taxes {
        out.push((format!("tax {} base", t.name), t.base));
        out.push((format!("tax {}", t.name), t.amount));
    }
    if let Some(f) = &b.free_shipping {
        out.push(("free shipping".into(), f.amount));
    }
    out
}

fn sum(values: impl Iterator<Item = Decimal>) -> Decimal {
    values.sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn totals_equal_the_sum_of_their_parts(input in input_strategy()) {
        let (order, ctx) = build(&input);
        let b = price(&order, &ctx);
        prop_assert_eq!(b.lines.len(), order.lines.len());
        prop_assert_eq!(b.merchandise, sum(b.lines.iter().map(|l| l.amount)));
        prop_assert_eq!(b.item_discount_total, sum(b.lines.iter().map(|l| l.item_discount)));
        prop_assert_eq!(b.order_discount_total, sum(b.order_discounts.iter().map(|d| d.amount)));
        prop_assert_eq!(
            b.adjustment_total,
            sum(b.adjustments.iter().filter(|a| a.kind == "subtotal").map(|a| a.amount))
        );
        // The spread order-level discounts add up exactly to the whole.
        prop_assert_eq!(
            b.order_discount_total + b.adjustment_total,
            sum(b.lines.iter().map(|l| l.order_discount))
        );
        prop_assert_eq!(
            b.discount_total,
            b.item_discount_total + b.order_discount_total + b.adjustment_total
        );
        prop_assert_eq!(b.discount_total, sum(b.lines.iter().map(|l| l.discount)));
        prop_assert_eq!(b.subtotal_after_item_discounts, b.merchandise - b.item_discount_total);
        prop_assert_eq!(b.subtotal, sum(b.lines.iter().map(|l| l.total)));
        for l in &b.lines {
            prop_assert_eq!(l.total, l.amount - l.discount);
            prop_assert_eq!(l.discount, l.item_discount + l.order_discount);
            prop_assert_eq!(l.item_discount, sum(l.discounts.iter().map(|d| d.amount)));
        }
        prop_assert_eq!(b.shipping_total, sum(b.shipments.iter().map(|s| s.charge)));
        prop_assert_eq!(b.tax_total, sum(b.taxes.iter().map(|t| t.amount)));
        prop_assert_eq!(
            b.tax_total,
            sum(b.lines.iter().map(|l| l.tax)) + sum(b.shipments.iter().map(|s| s.tax))
        );
        prop_assert_eq!(b.grand_total, b.merchandise - b.discount_total + b.shipping_total + b.tax_total);
        // Every unit of every line is on exactly the shipments planned.
        let shipped: u64 = b.shipments.iter().map(|s| s.items).sum();
        let ordered: u64 = order.lines.iter().map(|l| u64::from(l.quantity)).sum();
        prop_assert_eq!(shipped, ordered);
        prop_assert_eq!(b.coupons.len(), ctx.coupons.len());
    }

    #[test]
    fn no_amount_has_more_decimals_than_its_currency(input in input_strategy()) {
        let (order, ctx) = build(&input);
        let b = price(&order, &ctx);
        let k = input.cur.minor_units();
        for (name, v) in amounts(&b) {
            prop_assert!(v.scale() <= k, "{} = {} has more than {} decimals", name, v, k);
        }
        for a in &b.adjustments {
            prop_assert!(a.amount.scale() <= k, "adjustment {} {}", a.kind, a.amount);
        }
    }

    #[test]
    fn discounts_never_make_anything_negative(input in input_strategy()) {
        let (order, ctx) = build(&input);
        let b = price(&order, &ctx);
        for (name, v) in amounts(&b) {
            prop_assert!(v >= Decimal::ZERO, "{} = {} is negative", name, v);
        }
        for l in &b.lines {
            prop_assert!(l.discount <= l.amount, "line {} discount {} over {}", l.line_no, l.discount, l.amount);
        }
        prop_assert!(b.discount_total <= b.merchandise);
        for c in &b.coupons {
            prop_assert_eq!(c.applied, c.reason.is_none());
        }
    }

    #[test]
    fn pricing_the_same_input_twice_gives_the_same_result(input in input_strategy()) {
        let (order, ctx) = build(&input);
        let first = price(&order, &ctx);
        let second = price(&order.clone(), &ctx.clone());
        prop_assert_eq!(&first, &second);
        // And through JSON, as a stored breakdown is read back.
        let text = serde_json::to_string(&first).unwrap();
        let back: Breakdown = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, first);
    }

    #[test]
    fn spread_parts_sum_exactly_and_stay_within_their_weights(
        cur in cur_strategy(),
        weights in prop::collection::vec(0i64..1_000_000, 1..12),
        share in 0u32..=1000,
    ) {
        let weights: Vec<Decimal> = weights.iter().map(|w| amount(cur, *w)).collect();
        let whole: Decimal = weights.iter().copied().sum();
        // Any total up to the sum of the weights, in whole minor units.
        let total = cur.round(whole * Decimal::from(share) / Decimal::from(1000));
        let parts = spread(total, &weights, cur);
        prop_assert_eq!(parts.len(), weights.len());
        prop_assert_eq!(sum(parts.iter().copied()), total);
        for (p, w) in parts.iter().zip(&weights) {
            prop_assert!(*p >= Decimal::ZERO && p <= w, "part {} of weight {}", p, w);
            prop_assert!(p.scale() <= cur.minor_units());
            // Within one minor unit of the exact proportional share.
            if !whole.is_zero() {
                let exact = total * *w / whole;
                prop_assert!((*p - exact).abs() < amount(cur, 1), "part {} vs exact {}", p, exact);
            }
        }
    }
}

/// Random availability for the lines of `input`: (units in stock, per
/// mille of the line; backorder due in days, or unknown).
fn availability_strategy() -> impl Strategy<Value = Vec<(u32, Option<i64>)>> {
    prop::collection::vec((0u32..=1000, prop::option::of(0i64..3)), 7)
}

/// The order of `input` with ship-available-now, its backorders later in
/// the same order (`separate` false) or as a separate order: the plan's
/// shipments, the parts, and the context priced with every shipment.
fn with_backorders(
    input: &Input,
    stock: &[(u32, Option<i64>)],
    separate: bool,
) -> (Order, PricingContext, Plan, Vec<Part>) {
    let (mut order, mut ctx) = build(input);
    order.backorder_choice = BackorderChoice::ShipAvailable { separate };
    let availability: Vec<LineAvailability> = order
        .lines
        .iter()
        .zip(stock)
        .map(|(l, (per_mille, due))| {
            let now = l.quantity * per_mille / 1000;
            LineAvailability {
                now,
                backordered: l.quantity - now,
                due: due.map(|d| ctx.today + chrono::Duration::days(d)),
            }
        })
        .collect();
    let plan = plan(&order, &availability, ctx.today);
    ctx.shipments = Some(
        plan.shipments
            .iter()
            .map(|s| ShipmentInput {
                ship_to: s.ship_to,
                lines: s.lines.clone(),
            })
            .collect(),
    );
    let parts = split_parts(&order, &availability, &plan);
    (order, ctx, plan, parts)
}

/// Adds `v` under `key`.
fn add(map: &mut BTreeMap<String, Decimal>, key: String, v: Decimal) {
    *map.entry(key).or_default() += v;
}

/// Every amount of `b` by what it is in the whole order: `lines` and
/// `shipments` map the breakdown's line and shipment numbers to the
/// whole's. Summed over parts, it must equal the whole's own.
fn ledger(b: &Breakdown, lines: &[usize], shipments: &[usize]) -> BTreeMap<String, Decimal> {
    let mut m = BTreeMap::new();
    for (n, v) in [
        ("merchandise", b.merchandise),
        ("item_discount_total", b.item_discount_total),
        (
            "subtotal_after_item_discounts",
            b.subtotal_after_item_discounts,
        ),
        ("order_discount_total", b.order_discount_total),
        ("adjustment_total", b.adjustment_total),
        ("discount_total", b.discount_total),
        ("subtotal", b.subtotal),
        ("shipping_total", b.shipping_total),
        ("tax_total", b.tax_total),
        ("grand_total", b.grand_total),
    ] {
        add(&mut m, n.into(), v);
    }
    for (k, l) in b.lines.iter().enumerate() {
        let i = lines[k];
        for (n, v) in [
            ("list_amount", l.list_amount),
            ("amount", l.amount),
            ("item_discount", l.item_discount),
            ("order_discount", l.order_discount),
            ("discount", l.discount),
            ("total", l.total),
            ("tax", l.tax),
        ] {
            add(&mut m, format!("line {i} {n}"), v);
        }
        for d in &l.discounts {
            add(
                &mut m,
                format!("line {i} discount {} {:?}", d.promotion, d.coupon),
                d.amount,
            );
        }
    }
    for d in &b.order_discounts {
        add(
            &mut m,
            format!("order discount {} {:?}", d.promotion, d.coupon),
            d.amount,
        );
    }
    for (k, s) in b.shipments.iter().enumerate() {
        let j = shipments[k];
        for (n, v) in [
            ("computed", s.computed),
            ("charge", s.charge),
            ("tax", s.tax),
        ] {
            add(&mut m, format!("shipment {j} {n}"), v);
        }
        if let Some(o) = s.override_amount {
            add(&mut m, format!("shipment {j} override"), o);
        }
        let whole_lines: Vec<(usize, u32)> = s.lines.iter().map(|(l, q)| (lines[*l], *q)).collect();
        add(
            &mut m,
            format!("shipment {j} lines {whole_lines:?} to {}", s.ship_to),
            Decimal::ONE,
        );
    }
    for t in &b.taxes {
        add(&mut m, format!("tax {} {} base", t.ship_to, t.name), t.base);
        add(&mut m, format!("tax {} {}", t.ship_to, t.name), t.amount);
    }
    if let Some(f) = &b.free_shipping {
        add(&mut m, format!("free shipping {}", f.promotion), f.amount);
    }
    for a in &b.adjustments {
        let target = match a.kind.as_str() {
            "price_override" => a
                .target
                .parse::<usize>()
                .map(|n| lines[n - 1] + 1)
                .unwrap_or(0),
            "shipping_override" => a
                .target
                .parse::<usize>()
                .map(|n| shipments[n - 1] + 1)
                .unwrap_or(0),
            _ => 0,
        };
        add(&mut m, format!("adjustment {} {target}", a.kind), a.amount);
    }
    // Zero entries say nothing (a part may leave out a discount it has no
    // share of).
    m.retain(|_, v| !v.is_zero());
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A separate backorder order is priced as one order, then split: the
    /// parts add up, field by field, to the single-order pricing of the
    /// same goods and shipments (choice 2), and each part adds up on its
    /// own.
    #[test]
    fn a_separate_order_adds_up_to_the_single_order(
        input in input_strategy(),
        stock in availability_strategy(),
    ) {
        let (order, ctx, plan, parts) = with_backorders(&input, &stock, true);
        // The same goods and shipments as one order.
        let single = price(&order, &ctx);
        let shapes = price_split::shapes(&plan, &parts);
        let split = price_split::split(&order, &ctx.ship_to_tax, &single, &shapes);
        prop_assert_eq!(split.len(), parts.len());

        let all_lines: Vec<usize> = (0..order.lines.len()).collect();
        let all_shipments: Vec<usize> = (0..single.shipments.len()).collect();
        let mut summed = BTreeMap::new();
        for (b, shape) in split.iter().zip(&shapes) {
            let lines: Vec<usize> = shape.lines.iter().map(|(i, _)| *i).collect();
            for (k, v) in ledger(b, &lines, &shape.shipments) {
                add(&mut summed, k, v);
            }
        }
        summed.retain(|_, v| !v.is_zero());
        prop_assert_eq!(summed, ledger(&single, &all_lines, &all_shipments));

        let k = input.cur.minor_units();
        for ((part, b), shape) in parts.iter().zip(&split).zip(&shapes) {
            prop_assert_eq!(b.lines.len(), part.order.lines.len());
            prop_assert_eq!(b.shipments.len(), part.shipments.len());
            prop_assert_eq!(shape.shipments.len(), part.shipments.len());
            prop_assert_eq!(b.merchandise, sum(b.lines.iter().map(|l| l.amount)));
            prop_assert_eq!(b.item_discount_total, sum(b.lines.iter().map(|l| l.item_discount)));
            prop_assert_eq!(b.order_discount_total, sum(b.order_discounts.iter().map(|d| d.amount)));
            prop_assert_eq!(
                b.adjustment_total,
                sum(b.adjustments.iter().filter(|a| a.kind == "subtotal").map(|a| a.amount))
            );
            prop_assert_eq!(
                b.order_discount_total + b.adjustment_total,
                sum(b.lines.iter().map(|l| l.order_discount))
            );
            prop_assert_eq!(b.subtotal, sum(b.lines.iter().map(|l| l.total)));
            for l in &b.lines {
                prop_assert_eq!(l.total, l.amount - l.discount);
                prop_assert_eq!(l.discount, l.item_discount + l.order_discount);
                prop_assert_eq!(l.item_discount, sum(l.discounts.iter().map(|d| d.amount)));
                prop_assert!(l.discount <= l.amount, "line {} discount {} over {}", l.line_no, l.discount, l.amount);
            }
            prop_assert_eq!(b.shipping_total, sum(b.shipments.iter().map(|s| s.charge)));
            prop_assert_eq!(
                b.tax_total,
                sum(b.lines.iter().map(|l| l.tax)) + sum(b.shipments.iter().map(|s| s.tax))
            );
            prop_assert_eq!(b.grand_total, b.subtotal + b.shipping_total + b.tax_total);
            for (name, v) in amounts(b) {
                prop_assert!(v.scale() <= k, "{} = {} has more than {} decimals", name, v, k);
                prop_assert!(v >= Decimal::ZERO, "{} = {} is negative", name, v);
            }
            // Each shipment's lines are this part's, with its quantities.
            for s in &b.shipments {
                for (l, q) in &s.lines {
                    prop_assert!(part.order.lines[*l].quantity >= *q);
                }
            }
        }
        let paid: Decimal = split.iter().map(|b| b.grand_total).sum();
        prop_assert_eq!(paid, single.grand_total);
        // Choice 2 plans the same shipments, listed by ship-to rather than
        // by order: without a shipping override (which names a shipment by
        // its place in the list) it costs the same, field for field.
        if !input.adjustments.iter().any(|a| matches!(a, AdjGen::Ship(..))) {
            let (order2, ctx2, _, _) = with_backorders(&input, &stock, false);
            let choice2 = price(&order2, &ctx2);
            let totals = |b: &Breakdown| amounts(b).into_iter().take(10).collect::<Vec<_>>();
            prop_assert_eq!(totals(&choice2), totals(&single));
        }
    }
}

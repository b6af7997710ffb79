//! Runs the hand-worked pricing cases of `tests/it/pricing_cases.json`: each
//! case gives an order, its promotions, coupons, adjustments, shipments and
//! tax, the arithmetic worked by hand in `why`, and the breakdown expected
//! to the cent. Every field an `expect` gives is compared, as text, so a
//! wrong number of decimals fails too.
//!
//! A case with `parts` is also placed as separate orders: each part names
//! its lines as [line index, quantity] and its shipments by index (both of
//! the case's), and its `expect` is checked against the case's breakdown
//! split between the parts (`domain::price_split`), line numbers counted
//! within the part; the parts' grand totals must add up to the case's.

use chrono::NaiveDate;
use orderdesk::domain::adjustment::{Adjustment, AdjustmentKind};
use orderdesk::domain::money::{Currency, Money};
use orderdesk::domain::order::{Address, CustomerRef, Line, Order, ShipTo};
use orderdesk::domain::price_split::{self, PartShape};
use orderdesk::domain::pricing::{
    check_adjustment, price, Breakdown, PricingContext, ShipmentInput,
};
use orderdesk::domain::promotion::{Coupon, CouponUsage, Promotion};
use orderdesk::domain::rules::Limits;
use orderdesk::domain::shipping::{Rate, TaxRate};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code)]
    about: Vec<String>,
    promotions: Vec<PromoDef>,
    cases: Vec<Case>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct PromoDef {
    code: String,
    name: String,
    kind: String,
    #[serde(default)]
    item: Option<i64>,
    #[serde(default)]
    category: Option<i64>,
    params: serde_json::Value,
    #[serde(default = "yes")]
    combinable: bool,
    #[serde(default = "yes")]
    automatic: bool,
    #[serde(default)]
    starts_on: Option<String>,
    #[serde(default)]
    ends_on: Option<String>,
}

fn yes() -> bool {
    true
}

/// A promotion of the shared list by code, or one written in the case.
#[derive(Deserialize)]
#[serde(untagged)]
enum PromoRef {
    Code(String),
    Def(PromoDef),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    why: Vec<String>,
    currency: String,
    #[serde(default)]
    today: Option<String>,
    #[serde(default)]
    customer_id: Option<i64>,
    ship_tos: Vec<ShipToDef>,
    lines: Vec<LineDef>,
    #[serde(default)]
    shipments: Option<Vec<ShipmentDef>>,
    #[serde(default)]
    promotions: Vec<PromoRef>,
    #[serde(default)]
    coupons: Vec<CouponDef>,
    #[serde(default)]
    adjustments: Vec<AdjDef>,
    expect: Expect,
    #[serde(default)]
    checks: Vec<CheckDef>,
    /// The order placed as separate orders (needs `shipments`).
    #[serde(default)]
    parts: Vec<PartDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartDef {
    lines: Vec<(usize, u32)>,
    shipments: Vec<usize>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShipToDef {
    rate: Option<RateDef>,
    tax: Option<TaxDef>,
    /// Its shipping method's code (free shipping names methods).
    #[serde(default = "ground")]
    method: String,
}

fn ground() -> String {
    "GROUND".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateDef {
    base: String,
    #[serde(default)]
    per_item: Option<String>,
    #[serde(default)]
    per_kg: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxDef {
    name: String,
    rate: String,
    taxes_shipping: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineDef {
    item: i64,
    price: String,
    qty: u32,
    #[serde(default)]
    grams: u32,
    #[serde(default = "yes")]
    taxable: bool,
    #[serde(default)]
    ship_to: usize,
    #[serde(default)]
    categories: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShipmentDef {
    ship_to: usize,
    lines: Vec<(usize, u32)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CouponDef {
    code: String,
    promotion: String,
    #[serde(default)]
    customer: Option<i64>,
    #[serde(default)]
    starts_on: Option<String>,
    #[serde(default)]
    ends_on: Option<String>,
    #[serde(default)]
    min_spend: Option<(String, String)>,
    #[serde(default)]
    redeemed: bool,
    /// How often it may be used and has been (default: single-use, used
    /// once when `redeemed`).
    #[serde(default)]
    uses: Option<CouponUsage>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct AdjDef {
    kind: String,
    #[serde(default)]
    line: usize,
    #[serde(default)]
    shipment: usize,
    amount: String,
    #[serde(default = "reason")]
    reason: String,
    #[serde(default = "operator")]
    operator: String,
    /// A price override that is a net price (no item promotions).
    #[serde(default)]
    net: bool,
    /// When the operator made it (kept through pricing to the stored row).
    #[serde(default)]
    made_at: Option<String>,
}

fn reason() -> String {
    "GOODWILL".into()
}
fn operator() -> String {
    "amy".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckDef {
    adjustment: AdjDef,
    limit_amount: String,
    limit_percent: String,
    /// May set a shipping charge to zero, up to `waiver_max` (absent: any).
    #[serde(default)]
    shipping_waiver: bool,
    #[serde(default)]
    waiver_max: Option<String>,
    /// None: accepted; otherwise the refusal must contain this.
    refused: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    merchandise: Option<String>,
    item_discount_total: Option<String>,
    subtotal_after_item_discounts: Option<String>,
    order_discount_total: Option<String>,
    adjustment_total: Option<String>,
    discount_total: Option<String>,
    subtotal: Option<String>,
    shipping_total: Option<String>,
    tax_total: Option<String>,
    grand_total: Option<String>,
    lines: Option<Vec<LineExpect>>,
    order_discounts: Option<Vec<(String, String)>>,
    shipments: Option<Vec<ShipmentExpect>>,
    taxes: Option<Vec<TaxExpect>>,
    adjustments: Option<Vec<AdjExpect>>,
    coupons: Option<Vec<CouponExpect>>,
    /// (name, amount) or null.
    free_shipping: Option<Option<(String, String)>>,
    #[serde(default)]
    notes_contain: Vec<String>,
    notes_count: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineExpect {
    amount: Option<String>,
    /// The line's price override is a net price.
    net: Option<bool>,
    item_discount: Option<String>,
    order_discount: Option<String>,
    discount: Option<String>,
    total: Option<String>,
    tax: Option<String>,
    /// (promotion name, amount) per item discount.
    discounts: Option<Vec<(String, String)>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShipmentExpect {
    items: Option<u64>,
    grams: Option<u64>,
    computed: Option<String>,
    charge: Option<String>,
    tax: Option<String>,
    free_shipping: Option<Option<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxExpect {
    name: String,
    base: String,
    amount: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdjExpect {
    kind: String,
    target: String,
    reason: String,
    operator: String,
    amount: String,
    #[serde(default)]
    made_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CouponExpect {
    code: String,
    applied: bool,
    reason_contains: Option<String>,
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("'{s}' is not a decimal: {e}"))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn promotion(d: &PromoDef) -> Promotion {
    Promotion::from_row(
        &d.code,
        &d.name,
        &d.kind,
        d.item,
        d.category,
        &d.params.to_string(),
        d.combinable,
        d.automatic,
        d.starts_on.as_deref(),
        d.ends_on.as_deref(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn adjustment(a: &AdjDef) -> Adjustment {
    let amount = dec(&a.amount);
    let kind = match a.kind.as_str() {
        "price_override" => AdjustmentKind::PriceOverride {
            line: a.line,
            unit_price: amount,
            net: a.net,
        },
        "shipping_override" => AdjustmentKind::ShippingOverride {
            shipment: a.shipment,
            amount,
        },
        "subtotal" => AdjustmentKind::SubtotalOff { amount },
        other => panic!("unknown adjustment kind {other}"),
    };
    Adjustment {
        kind,
        reason_code: a.reason.clone(),
        operator: a.operator.clone(),
        approval: None,
        made_at: a.made_at.clone(),
    }
}

fn build(case: &Case, shared: &[PromoDef]) -> (Order, PricingContext) {
    let cur = Currency::from_str(&case.currency).unwrap();
    let mut order = Order::new(format!("case-{}", case.name), cur);
    if let Some(id) = case.customer_id {
        order.customer = Some(CustomerRef {
            id: Some(id),
            guest: false,
            logon_id: None,
            first_name: "Test".into(),
            last_name: "Customer".into(),
            email: String::new(),
            phone: String::new(),
            currency: cur,
            account: None,
            addresses: Vec::new(),
            cards: Vec::new(),
        });
    }
    let mut ctx = PricingContext {
        today: date(case.today.as_deref().unwrap_or("2026-11-15")),
        // The demo methods' names, for `{methods}` in promotion names.
        method_names: [
            ("GROUND", "Ground"),
            ("EXPRESS", "Express"),
            ("INTL", "International"),
        ]
        .into_iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect(),
        ..Default::default()
    };
    for s in &case.ship_tos {
        order.ship_tos.push(ShipTo {
            address: Address::default(),
            method: Some(s.method.clone()),
        });
        ctx.ship_to_methods.push(Some(s.method.clone()));
        ctx.ship_to_rates.push(s.rate.as_ref().map(|r| Rate {
            base: dec(&r.base),
            per_item: dec(r.per_item.as_deref().unwrap_or("0")),
            per_kg: dec(r.per_kg.as_deref().unwrap_or("0")),
        }));
        ctx.ship_to_tax.push(s.tax.as_ref().map(|t| TaxRate {
            name: t.name.clone(),
            rate: dec(&t.rate),
            taxes_shipping: t.taxes_shipping,
        }));
    }
    for l in &case.lines {
        order.lines.push(Line {
            item_id: l.item,
            sku: format!("SKU-{}", l.item),
            name: format!("Item {}", l.item),
            quantity: l.qty,
            unit_price: dec(&l.price),
            weight_grams: l.grams,
            taxable: l.taxable,
            ship_to: l.ship_to,
        });
        ctx.item_categories.insert(l.item, l.categories.clone());
    }
    ctx.shipments = case.shipments.as_ref().map(|list| {
        list.iter()
            .map(|s| ShipmentInput {
                ship_to: s.ship_to,
                lines: s.lines.clone(),
            })
            .collect()
    });
    let find = |code: &str| -> PromoDef {
        case.promotions
            .iter()
            .find_map(|p| match p {
                PromoRef::Def(d) if d.code == code => Some(d.clone()),
                _ => None,
            })
            .or_else(|| shared.iter().find(|d| d.code == code).cloned())
            .unwrap_or_else(|| panic!("{}: no promotion {code}", case.name))
    };
    for p in &case.promotions {
        let def = match p {
            PromoRef::Code(code) => find(code),
            PromoRef::Def(d) => d.clone(),
        };
        ctx.promotions.push(promotion(&def));
    }
    for c in &case.coupons {
        ctx.coupons.push(Coupon {
            code: c.code.clone(),
            promotion: promotion(&find(&c.promotion)),
            customer_id: c.customer,
            starts_on: c.starts_on.as_deref().map(date),
            ends_on: c.ends_on.as_deref().map(date),
            min_spend: c
                .min_spend
                .as_ref()
                .map(|(cur, amount)| Money::new(dec(amount), Currency::from_str(cur).unwrap())),
            usage: c.uses.unwrap_or(CouponUsage {
                used: u32::from(c.redeemed),
                ..CouponUsage::default()
            }),
        });
    }
    ctx.adjustments = case.adjustments.iter().map(adjustment).collect();
    (order, ctx)
}

/// Compares one field as text; collects every mismatch of a case.
fn same(errors: &mut Vec<String>, what: &str, actual: impl ToString, expected: &Option<String>) {
    if let Some(e) = expected {
        let a = actual.to_string();
        if &a != e {
            errors.push(format!("{what}: got {a}, expected {e}"));
        }
    }
}

fn compare(b: &Breakdown, x: &Expect) -> Vec<String> {
    let mut err = Vec::new();
    same(&mut err, "merchandise", b.merchandise, &x.merchandise);
    same(
        &mut err,
        "item_discount_total",
        b.item_discount_total,
        &x.item_discount_total,
    );
    same(
        &mut err,
        "subtotal_after_item_discounts",
        b.subtotal_after_item_discounts,
        &x.subtotal_after_item_discounts,
    );
    same(
        &mut err,
        "order_discount_total",
        b.order_discount_total,
        &x.order_discount_total,
    );
    same(
        &mut err,
        "adjustment_total",
        b.adjustment_total,
        &x.adjustment_total,
    );
    same(
        &mut err,
        "discount_total",
        b.discount_total,
        &x.discount_total,
    );
    same(&mut err, "subtotal", b.subtotal, &x.subtotal);
    same(
        &mut err,
        "shipping_total",
        b.shipping_total,
        &x.shipping_total,
    );
    same(&mut err, "tax_total", b.tax_total, &x.tax_total);
    same(&mut err, "grand_total", b.grand_total, &x.grand_total);
    if let Some(lines) = &x.lines {
        if lines.len() != b.lines.len() {
            err.push(format!("{} lines, expected {}", b.lines.len(), lines.len()));
        }
        for (i, (a, e)) in b.lines.iter().zip(lines).enumerate() {
            let n = i + 1;
            same(&mut err, &format!("line {n} amount"), a.amount, &e.amount);
            same(
                &mut err,
                &format!("line {n} net"),
                a.net,
                &e.net.map(|v| v.to_string()),
            );
            same(
                &mut err,
                &format!("line {n} item_discount"),
                a.item_discount,
                &e.item_discount,
            );
            same(
                &mut err,
                &format!("line {n} order_discount"),
                a.order_discount,
                &e.order_discount,
            );
            same(
                &mut err,
                &format!("line {n} discount"),
                a.discount,
                &e.discount,
            );
            same(&mut err, &format!("line {n} total"), a.total, &e.total);
            same(&mut err, &format!("line {n} tax"), a.tax, &e.tax);
            if let Some(ds) = &e.discounts {
                let got: Vec<(String, String)> = a
                    .discounts
                    .iter()
                    .map(|d| (d.name.clone(), d.amount.to_string()))
                    .collect();
                if &got != ds {
                    err.push(format!("line {n} discounts: got {got:?}, expected {ds:?}"));
                }
            }
        }
    }
    if let Some(ods) = &x.order_discounts {
        let got: Vec<(String, String)> = b
            .order_discounts
            .iter()
            .map(|d| (d.name.clone(), d.amount.to_string()))
            .collect();
        if &got != ods {
            err.push(format!("order discounts: got {got:?}, expected {ods:?}"));
        }
    }
    if let Some(ss) = &x.shipments {
        if ss.len() != b.shipments.len() {
            err.push(format!(
                "{} shipments, expected {}",
                b.shipments.len(),
                ss.len()
            ));
        }
        for (i, (a, e)) in b.shipments.iter().zip(ss).enumerate() {
            let n = i + 1;
            same(
                &mut err,
                &format!("shipment {n} items"),
                a.items,
                &e.items.map(|v| v.to_string()),
            );
            same(
                &mut err,
                &format!("shipment {n} grams"),
                a.grams,
                &e.grams.map(|v| v.to_string()),
            );
            same(
                &mut err,
                &format!("shipment {n} computed"),
                a.computed,
                &e.computed,
            );
            same(
                &mut err,
                &format!("shipment {n} charge"),
                a.charge,
                &e.charge,
            );
            same(&mut err, &format!("shipment {n} tax"), a.tax, &e.tax);
            if let Some(f) = &e.free_shipping {
                if &a.free_shipping != f {
                    err.push(format!(
                        "shipment {n} free_shipping: got {:?}, expected {f:?}",
                        a.free_shipping
                    ));
                }
            }
        }
    }
    if let Some(ts) = &x.taxes {
        let got: Vec<(String, String, String)> = b
            .taxes
            .iter()
            .map(|t| (t.name.clone(), t.base.to_string(), t.amount.to_string()))
            .collect();
        let want: Vec<(String, String, String)> = ts
            .iter()
            .map(|t| (t.name.clone(), t.base.clone(), t.amount.clone()))
            .collect();
        if got != want {
            err.push(format!("taxes: got {got:?}, expected {want:?}"));
        }
    }
    if let Some(adjs) = &x.adjustments {
        let got: Vec<String> = b
            .adjustments
            .iter()
            .map(|a| {
                format!(
                    "{} {} {} {} {} {:?}",
                    a.kind, a.target, a.reason_code, a.operator, a.amount, a.made_at
                )
            })
            .collect();
        let want: Vec<String> = adjs
            .iter()
            .map(|a| {
                format!(
                    "{} {} {} {} {} {:?}",
                    a.kind, a.target, a.reason, a.operator, a.amount, a.made_at
                )
            })
            .collect();
        if got != want {
            err.push(format!("adjustments: got {got:?}, expected {want:?}"));
        }
    }
    if let Some(cs) = &x.coupons {
        if cs.len() != b.coupons.len() {
            err.push(format!(
                "{} coupon outcomes, expected {}",
                b.coupons.len(),
                cs.len()
            ));
        }
        for (a, e) in b.coupons.iter().zip(cs) {
            if a.code != e.code || a.applied != e.applied {
                err.push(format!(
                    "coupon {}: applied {} ({:?}), expected {} {}",
                    a.code, a.applied, a.reason, e.code, e.applied
                ));
            }
            if let Some(want) = &e.reason_contains {
                let got = a.reason.clone().unwrap_or_default();
                if !got.contains(want.as_str()) {
                    err.push(format!("coupon {} reason '{got}' lacks '{want}'", a.code));
                }
            }
        }
    }
    if let Some(f) = &x.free_shipping {
        let got = b
            .free_shipping
            .as_ref()
            .map(|d| (d.name.clone(), d.amount.to_string()));
        if &got != f {
            err.push(format!("free_shipping: got {got:?}, expected {f:?}"));
        }
    }
    for want in &x.notes_contain {
        if !b.notes.iter().any(|n| n.contains(want.as_str())) {
            err.push(format!("no note contains '{want}': {:?}", b.notes));
        }
    }
    if let Some(n) = x.notes_count {
        if b.notes.len() != n {
            err.push(format!(
                "{} notes, expected {n}: {:?}",
                b.notes.len(),
                b.notes
            ));
        }
    }
    err
}

fn load() -> File {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/pricing_cases.json");
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("pricing_cases.json: {e}"))
}

#[test]
fn hand_worked_cases_price_to_the_cent() {
    let file = load();
    assert!(file.cases.len() >= 30, "only {} cases", file.cases.len());
    let mut failures = Vec::new();
    for case in &file.cases {
        assert!(
            !case.why.is_empty(),
            "{}: the arithmetic by hand is missing",
            case.name
        );
        let (order, ctx) = build(case, &file.promotions);
        let b = price(&order, &ctx);
        for e in compare(&b, &case.expect) {
            failures.push(format!("{}: {e}", case.name));
        }
        if !case.parts.is_empty() {
            assert!(
                case.shipments.is_some(),
                "{}: parts need shipments",
                case.name
            );
            let shapes: Vec<PartShape> = case
                .parts
                .iter()
                .map(|p| PartShape {
                    lines: p.lines.clone(),
                    shipments: p.shipments.clone(),
                })
                .collect();
            let split = price_split::split(&order, &ctx.ship_to_tax, &b, &shapes);
            for (k, (part, pb)) in case.parts.iter().zip(&split).enumerate() {
                for e in compare(pb, &part.expect) {
                    failures.push(format!("{} order {}: {e}", case.name, k + 1));
                }
            }
            let paid: Decimal = split.iter().map(|p| p.grand_total).sum();
            if paid != b.grand_total {
                failures.push(format!(
                    "{}: the orders add up to {paid}, not {}",
                    case.name, b.grand_total
                ));
            }
        }
        for (k, check) in case.checks.iter().enumerate() {
            let got = check_adjustment(
                &adjustment(&check.adjustment),
                &order,
                &b,
                &Limits {
                    amount: dec(&check.limit_amount),
                    percent: dec(&check.limit_percent),
                    shipping_waiver: check.shipping_waiver,
                    price_increase: true,
                    waiver_max: check.waiver_max.as_deref().map(dec),
                },
            );
            match (&got, &check.refused) {
                (Ok(()), None) => {}
                (Err(e), Some(want)) if e.contains(want.as_str()) => {}
                _ => failures.push(format!(
                    "{} check {}: got {got:?}, expected refusal {:?}",
                    case.name,
                    k + 1,
                    check.refused
                )),
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn cases_cover_every_currency_and_adjustment_kind() {
    let file = load();
    for cur in ["USD", "EUR", "GBP", "CAD", "JPY"] {
        let n = file.cases.iter().filter(|c| c.currency == cur).count();
        assert!(n >= 3, "only {n} cases in {cur}");
    }
    for kind in ["price_override", "shipping_override", "subtotal"] {
        assert!(
            file.cases
                .iter()
                .any(|c| c.adjustments.iter().any(|a| a.kind == kind)),
            "no case with a {kind} adjustment"
        );
    }
    assert!(file.cases.iter().any(|c| c.shipments.is_some()));
    assert!(file.cases.iter().any(|c| c
        .ship_tos
        .iter()
        .any(|s| s.tax.as_ref().is_some_and(|t| t.taxes_shipping))));
    assert!(file.cases.iter().any(|c| c.coupons.iter().any(|_| c
        .expect
        .coupons
        .as_ref()
        .is_some_and(|o| o.iter().any(|x| !x.applied)))));
}

//! The catalog (store/catalog.rs), the warehouse's stock
//! (store/warehouse.rs `receive_stock`, inventory.rs `ship_shipment`) and
//! quotes (store/quote.rs), the same test body on a SQLite file and on
//! PostgreSQL: rows, prices, categories, methods and taxes read alike;
//! receiving and shipping give exact stock figures; a quote prices alike.

use crate::common::backends::{Conn, Target};
use chrono::NaiveDate;
use orderdesk::domain::money::Currency;
use orderdesk::domain::order::{Address, Line, Order, ShipTo};
use orderdesk::store::db::{Sql, Value};
use orderdesk::store::warehouse::Stocked;
use orderdesk::store::{catalog, inventory, quote, settings, warehouse};
use orderdesk::store::{CategoryRow, ItemRow};
use rust_decimal_macros::dec;

pub(crate) fn id(sql: Sql<'_>, statement: &str, params: &[Value]) -> i64 {
    sql.query_row(statement, params)
        .and_then(|r| r.get_i64(0))
        .unwrap_or_else(|e| panic!("{statement}: {e}"))
}

pub(crate) fn run(sql: Sql<'_>, statement: &str, params: &[Value]) {
    sql.execute(statement, params)
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

fn day(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
}

struct Catalog {
    hammer: i64,
    saw: i64,
    bit: i64,
    tools: i64,
    bits: i64,
}

pub(crate) fn category(
    sql: Sql<'_>,
    code: &str,
    name: &str,
    parent: Option<i64>,
    sort: i64,
) -> i64 {
    id(
        sql,
        "INSERT INTO categories (code, name, parent_id, sort) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        &[code.into(), name.into(), parent.into(), sort.into()],
    )
}

pub(crate) fn item(
    sql: Sql<'_>,
    sku: &str,
    name: &str,
    category: i64,
    grams: i64,
    flags: &str,
) -> i64 {
    id(
        sql,
        &format!(
            "INSERT INTO items (sku, sku_key, name, name_key, description, category_id,
                                weight_grams, taxable, active)
             VALUES (?1, lower(?1), ?2, lower(?2), ?3, ?4, ?5, {flags}) RETURNING id"
        ),
        &[
            sku.into(),
            name.into(),
            format!("The {name}").into(),
            category.into(),
            grams.into(),
        ],
    )
}

/// Categories in several levels, three items (one no longer sold), prices
/// in two currencies, stock, receipts, shipping methods and taxes.
fn seed(sql: Sql<'_>) -> Catalog {
    run(
        sql,
        "INSERT INTO currencies (code, minor_units, name)
         VALUES ('USD', 2, 'US dollar'), ('EUR', 2, 'Euro')",
        &[],
    );
    let tools = category(sql, "tools", "Tools", None, 2);
    category(sql, "garden", "Garden", None, 1);
    category(sql, "apparel", "Apparel", None, 1);
    category(sql, "saws", "Saws", Some(tools), 1);
    let drills = category(sql, "drills", "Drills", Some(tools), 0);
    let bits = category(sql, "bits", "Bits", Some(drills), 0);
    let hammer = item(sql, "HAM-1", "Claw hammer", tools, 500, "1, 1");
    let saw = item(sql, "SAW-2", "Old saw", tools, 900, "1, 0");
    let bit = item(sql, "BIT-3", "Drill bit", bits, 20, "0, 1");
    let usd = id(
        sql,
        "INSERT INTO price_lists (currency, name) VALUES ('USD', 'US') RETURNING id",
        &[],
    );
    let eur = id(
        sql,
        "INSERT INTO price_lists (currency, name) VALUES ('EUR', 'Euro') RETURNING id",
        &[],
    );
    for (list, item, amount) in [
        (usd, hammer, "12.50"),
        (eur, hammer, "11.00"),
        (usd, bit, "3.99"),
        (usd, saw, "20.00"),
    ] {
        run(
            sql,
            "INSERT INTO prices (price_list_id, item_id, amount) VALUES (?1, ?2, ?3)",
            &[list.into(), item.into(), amount.into()],
        );
    }
    run(
        sql,
        "INSERT INTO inventory (item_id, on_hand, reserved) VALUES (?1, 10, 3)",
        &[hammer.into()],
    );
    for (due, q) in [("2026-12-10", 5), ("2026-12-03", 2)] {
        run(
            sql,
            "INSERT INTO expected_receipts (item_id, due_date, quantity) VALUES (?1, ?2, ?3)",
            &[hammer.into(), due.into(), i64::from(q).into()],
        );
    }
    for (code, name, days, sort, active) in [
        ("GROUND", "Ground", 5, 1, 1),
        ("AIR", "Air", 1, 0, 1),
        ("OLD", "Old post", 9, 0, 0),
        ("EUONLY", "Euro post", 3, 0, 1),
    ] {
        let m = id(
            sql,
            "INSERT INTO shipping_methods (code, name, transit_days, sort, active)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            &[
                code.into(),
                name.into(),
                i64::from(days).into(),
                i64::from(sort).into(),
                i64::from(active).into(),
            ],
        );
        let (currency, base) = match code {
            "EUONLY" => ("EUR", "4.00"),
            "AIR" => ("USD", "15.00"),
            _ => ("USD", "5.00"),
        };
        run(
            sql,
            "INSERT INTO shipping_rates (method_id, currency, base, per_item, per_kg)
             VALUES (?1, ?2, ?3, '0.50', '1.25')",
            &[m.into(), currency.into(), base.into()],
        );
        if code == "GROUND" {
            for (country, region) in [("US", ""), ("CA", "ON")] {
                run(
                    sql,
                    "INSERT INTO shipping_method_regions (method_id, country, region)
                     VALUES (?1, ?2, ?3)",
                    &[m.into(), country.into(), region.into()],
                );
            }
        }
    }
    run(
        sql,
        "INSERT INTO tax_regions (country, region, name, rate, taxes_shipping)
         VALUES ('US', '', 'US sales tax', '0.05', 0), ('US', 'IL', 'Illinois', '0.0625', 1)",
        &[],
    );
    Catalog {
        hammer,
        saw,
        bit,
        tools,
        bits,
    }
}

#[test]
fn catalog_rows_prices_categories_methods_and_taxes_read_alike() {
    let mut seen = Vec::new();
    for target in [Target::sqlite(), Target::postgres()] {
        let conn = target.connect();
        let sql = conn.sql();
        let c = seed(sql);

        let tree: Vec<(String, usize)> = catalog::category_tree(sql)
            .unwrap()
            .into_iter()
            .map(|CategoryRow { name, depth, .. }| (name, depth))
            .collect();
        let expected = [
            ("Apparel", 0),
            ("Garden", 0),
            ("Tools", 0),
            ("Drills", 1),
            ("Bits", 2),
            ("Saws", 1),
        ];
        let expected: Vec<(String, usize)> =
            expected.iter().map(|(n, d)| (n.to_string(), *d)).collect();
        assert_eq!(tree, expected);
        if let Conn::Store(store) = &conn {
            // The order the recursive query with printf gave on SQLite.
            let old: Vec<(String, usize)> = sql
                .query(
                    "WITH RECURSIVE tree(id, name, depth, path) AS (
                         SELECT id, name, 0, printf('%06d', sort) || name FROM categories
                         WHERE parent_id IS NULL
                         UNION ALL
                         SELECT c.id, c.name, t.depth + 1,
                                t.path || '/' || printf('%06d', c.sort) || c.name
                         FROM categories c JOIN tree t ON c.parent_id = t.id)
                     SELECT name, depth FROM tree ORDER BY path",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| (r.get_string(0).unwrap(), r.get_i64(1).unwrap() as usize))
                .collect();
            assert_eq!(tree, old);
            assert_eq!(store.category_tree().unwrap().len(), 6);
        }

        let hammer = ItemRow {
            id: c.hammer,
            sku: "HAM-1".into(),
            name: "Claw hammer".into(),
            description: "The Claw hammer".into(),
            category_id: c.tools,
            weight_grams: 500,
            taxable: true,
            price: Some(dec!(12.50)),
            on_hand: 10,
            reserved: 3,
            next_due: Some(day("2026-12-03")),
        };
        let by_sku = catalog::item_by_sku(sql, Currency::USD, " ham-1 ".trim()).unwrap();
        assert_eq!(by_sku.as_ref(), Some(&hammer));
        assert_eq!(by_sku.unwrap().available(), 7);
        let eur = catalog::item(sql, Currency::EUR, c.hammer)
            .unwrap()
            .unwrap();
        assert_eq!(eur.price, Some(dec!(11.00)));
        // No EUR price: found, not sold in it; no stock row: none on hand.
        let bit = catalog::item(sql, Currency::EUR, c.bit).unwrap().unwrap();
        assert_eq!(
            (
                bit.price,
                bit.taxable,
                bit.category_id,
                bit.on_hand,
                bit.next_due
            ),
            (None, false, c.bits, 0, None)
        );
        assert_eq!(bit.order_line(1), None);
        // No longer sold.
        assert_eq!(catalog::item(sql, Currency::USD, c.saw).unwrap(), None);
        assert_eq!(
            catalog::item_by_sku(sql, Currency::USD, "SAW-2").unwrap(),
            None
        );
        assert_eq!(
            catalog::item_by_sku(sql, Currency::USD, "NONE").unwrap(),
            None
        );

        let methods = catalog::shipping_methods(sql, Currency::USD).unwrap();
        let codes: Vec<&str> = methods.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(codes, ["AIR", "GROUND"]);
        let ground = &methods[1];
        assert_eq!(
            (
                ground.transit_days,
                ground.rate.base,
                ground.rate.per_item,
                ground.rate.per_kg
            ),
            (5, dec!(5.00), dec!(0.50), dec!(1.25))
        );
        assert_eq!(
            ground.regions,
            [
                ("CA".to_string(), "ON".to_string()),
                ("US".into(), "".into())
            ]
        );
        let eur_codes: Vec<String> = catalog::shipping_methods(sql, Currency::EUR)
            .unwrap()
            .into_iter()
            .map(|m| m.code)
            .collect();
        assert_eq!(eur_codes, ["EUONLY"]);

        let il = catalog::tax_rate(sql, " us ", " Il ").unwrap().unwrap();
        assert_eq!(
            (il.name.as_str(), il.rate, il.taxes_shipping),
            ("Illinois", dec!(0.0625), true)
        );
        let ny = catalog::tax_rate(sql, "US", "NY").unwrap().unwrap();
        assert_eq!(
            (ny.name.as_str(), ny.rate, ny.taxes_shipping),
            ("US sales tax", dec!(0.05), false)
        );
        assert_eq!(catalog::tax_rate(sql, "FR", "").unwrap(), None);

        assert_eq!(catalog::default_currency(sql).unwrap(), Currency::USD);
        settings::set_setting(sql, "default_currency", "EUR").unwrap();
        assert_eq!(catalog::default_currency(sql).unwrap(), Currency::EUR);

        seen.push((tree, format!("{methods:?}"), format!("{il:?} {ny:?}")));
    }
    assert_eq!(seen[0], seen[1], "SQLite and PostgreSQL read alike");
}

fn stocked(item_id: i64, sku: &str, on_hand: i64, reserved: i64) -> Stocked {
    Stocked {
        item_id,
        sku: sku.into(),
        on_hand,
        reserved,
    }
}

fn expected_receipts(sql: Sql<'_>, item: i64) -> Vec<(String, i64)> {
    sql.query(
        "SELECT due_date, quantity FROM expected_receipts WHERE item_id = ?1 ORDER BY due_date",
        &[item.into()],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get_string(0).unwrap(), r.get_i64(1).unwrap()))
    .collect()
}

/// An order with lines of (item, quantity) all reserved now, and one
/// shipment carrying them; the shipment's id.
fn shipment_of(sql: Sql<'_>, no: i64, lines: &[(i64, i64)]) -> i64 {
    let order = id(
        sql,
        "INSERT INTO orders (order_no, submit_token, customer_snapshot, currency, status,
             backorder_choice, billing_address, merchandise_total, discount_total,
             shipping_total, tax_total, grand_total, breakdown, operator, placed_at)
         VALUES (?1, ?2, '{}', 'USD', 'released', 'ship_available', '{}', '0.00', '0.00',
             '0.00', '0.00', '0.00', '{}', 'ann', '2026-11-25T10:00:00Z') RETURNING id",
        &[no.into(), format!("tok-{no}").into()],
    );
    let shipment = id(
        sql,
        "INSERT INTO shipments (order_id, shipment_no, ship_to_no, method_code, charge,
                                computed_charge)
         VALUES (?1, 1, 1, 'GROUND', '5.00', '5.00') RETURNING id",
        &[order.into()],
    );
    for (n, &(item, q)) in lines.iter().enumerate() {
        let line = id(
            sql,
            "INSERT INTO order_lines (order_id, line_no, item_id, sku, name, ship_to_no,
                 quantity, qty_now, qty_backordered, unit_price, list_price, line_total)
             VALUES (?1, ?2, ?3, 'S', 'S', 1, ?4, ?4, 0, '1.00', '1.00', '1.00') RETURNING id",
            &[order.into(), (n as i64 + 1).into(), item.into(), q.into()],
        );
        run(
            sql,
            "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity) VALUES (?1, ?2, ?3)",
            &[shipment.into(), line.into(), q.into()],
        );
    }
    shipment
}

#[test]
fn receiving_and_shipping_give_exact_stock_figures() {
    crate::common::backends::on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        let c = seed(sql);

        // In any case, as typed; the earliest receipt is used up first.
        let got = warehouse::receive_stock(sql, " ham-1 ", 4).unwrap();
        assert_eq!(got, Some(stocked(c.hammer, "HAM-1", 14, 3)));
        assert_eq!(
            expected_receipts(sql, c.hammer),
            [("2026-12-10".to_string(), 3)]
        );
        // More than was expected: the receipts are gone, the rest is stock.
        let got = warehouse::receive_stock(sql, "HAM-1", 5).unwrap();
        assert_eq!(got, Some(stocked(c.hammer, "HAM-1", 19, 3)));
        assert_eq!(expected_receipts(sql, c.hammer), []);
        // An item without a stock row gets one.
        let got = warehouse::receive_stock(sql, "bit-3", 6).unwrap();
        assert_eq!(got, Some(stocked(c.bit, "BIT-3", 6, 0)));
        // No such item: nothing written.
        assert_eq!(warehouse::receive_stock(sql, "NOPE-9", 3).unwrap(), None);
        assert_eq!(inventory::stock(sql, c.saw).unwrap(), None);

        // A shipment of two hammer lines and two bits, reserved at submit.
        assert_eq!(
            inventory::reserve(sql, c.bit, 2).unwrap(),
            inventory::Reservation::Reserved
        );
        let shipment = shipment_of(sql, 100_001, &[(c.hammer, 2), (c.hammer, 1), (c.bit, 2)]);
        assert_eq!(inventory::ship_shipment(sql, shipment).unwrap(), 2);
        assert_eq!(inventory::stock(sql, c.hammer).unwrap(), Some((16, 0)));
        assert_eq!(inventory::stock(sql, c.bit).unwrap(), Some((4, 0)));

        // More than is reserved: the CHECK refuses, nothing moves.
        let shipment = shipment_of(sql, 100_002, &[(c.bit, 3)]);
        let e = inventory::ship_shipment(sql, shipment).unwrap_err();
        assert!(e.is_check_violation(), "{e}");
        assert_eq!(inventory::stock(sql, c.bit).unwrap(), Some((4, 0)));

        assert_eq!(
            warehouse::placed_order_numbers(sql).unwrap(),
            Vec::<i64>::new()
        );
        run(
            sql,
            "UPDATE orders SET status = 'placed' WHERE order_no = 100002",
            &[],
        );
        assert_eq!(warehouse::placed_order_numbers(sql).unwrap(), [100_002]);
    });
}

fn ship_to_illinois() -> ShipTo {
    ShipTo {
        address: Address {
            nickname: "Home".into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            line1: "1 Main St".into(),
            line2: String::new(),
            city: "Springfield".into(),
            region: "IL".into(),
            postal_code: "62701".into(),
            country: "US".into(),
            phone: String::new(),
        },
        method: Some("GROUND".into()),
    }
}

#[test]
fn a_quote_prices_alike_on_both() {
    let mut seen = Vec::new();
    for target in [Target::sqlite(), Target::postgres()] {
        let conn = target.connect();
        let sql = conn.sql();
        let c = seed(sql);
        run(
            sql,
            "INSERT INTO promotions (code, name, kind, params, automatic, active, starts_on, ends_on)
             VALUES ('AUTO10', 'Ten off', 'order_percent', '{\"percent\":\"10\"}', 1, 1,
                     '2026-11-01', '2026-11-30')",
            &[],
        );
        let hammer = catalog::item(sql, Currency::USD, c.hammer)
            .unwrap()
            .unwrap();
        let mut order = Order::new("tok-q".into(), Currency::USD);
        order.ship_tos.push(ship_to_illinois());
        order.lines.push(hammer.order_line(12).unwrap());
        order.lines.push(Line {
            ship_to: 0,
            ..catalog::item(sql, Currency::USD, c.bit)
                .unwrap()
                .unwrap()
                .order_line(1)
                .unwrap()
        });
        let q = quote::quote(sql, &order, day("2026-11-25")).unwrap();

        // 7 free now; 5 wait for the receipts (2 on 12-03, 5 on 12-10).
        let now: Vec<(u32, u32, Option<NaiveDate>)> = (q.availability.iter())
            .map(|a| (a.now, a.backordered, a.due))
            .collect();
        assert_eq!(now, [(7, 5, Some(day("2026-12-10"))), (0, 1, None)]);
        let b = &q.breakdown;
        assert_eq!(b.merchandise, dec!(153.99));
        assert_eq!(b.discount_total, dec!(15.40));
        assert_eq!(
            b.grand_total,
            b.merchandise - b.discount_total + b.shipping_total + b.tax_total
        );
        assert!(b.shipping_total > dec!(0) && b.tax_total > dec!(0), "{b:?}");
        assert_eq!(q.methods.len(), 2);
        if let Conn::Store(store) = &conn {
            let through_store = store.quote(&order, day("2026-11-25")).unwrap();
            assert_eq!(format!("{through_store:?}"), format!("{q:?}"));
        }
        seen.push(format!(
            "{:?} {:?} {:?}",
            q.availability, q.plan, q.breakdown
        ));
    }
    assert_eq!(seen[0], seen[1], "SQLite and PostgreSQL quote alike");
}

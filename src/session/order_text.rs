//! The readable form of a placed order (`orderdesk export --text`, and
//! the confirmation the order view reads to the customer): what was
//! placed, where it stands, and every change since. From the stored
//! order's JSON (`Store::export_order`), so it says what is stored.

/// The readable form of an exported order, for reading back or printing.
pub fn order_text(o: &serde_json::Value) -> String {
    use std::fmt::Write;
    let cur = text(&o["currency"]);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Order {}  placed {} by {}",
        text(&o["order_no"]),
        text(&o["placed_at"]),
        text(&o["operator"])
    );
    let _ = writeln!(out, "Customer {}", text(&o["customer"]["name"]));
    let status = text(&o["status"]).replace('_', " ");
    let _ = writeln!(out, "Status {status}");
    for st in o["ship_tos"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "Ship-to {} by {}: {}",
            text(&st["ship_to_no"]),
            text(&st["method_name"]),
            address_text(&st["address"])
        );
    }
    let priced = o["breakdown"]["lines"].as_array();
    for (i, l) in o["lines"].as_array().into_iter().flatten().enumerate() {
        let _ = writeln!(
            out,
            "  {:>3} {:<12} {:<30} {:>5} x {:>10} = {:>12}",
            text(&l["line_no"]),
            text(&l["sku"]),
            text(&l["name"]),
            text(&l["quantity"]),
            text(&l["unit_price"]),
            text(&l["line_total"])
        );
        if priced
            .and_then(|p| p.get(i))
            .is_some_and(|p| p["net"] == true)
        {
            let _ = writeln!(out, "      net price: item promotions do not apply");
        }
    }
    // The same words as the review: merchandise before discounts, the
    // qualifying spend after item discounts.
    for (label, v) in [
        ("Merchandise", &o["merchandise_total"]),
        (
            "Qualifying spend",
            &o["breakdown"]["subtotal_after_item_discounts"],
        ),
    ] {
        let _ = writeln!(out, "{label:>52} {:>12} {cur}", text(v));
    }
    for (label, key) in [
        ("Discounts", "discount_total"),
        ("Shipping", "shipping_total"),
        ("Tax", "tax_total"),
        ("Total", "grand_total"),
    ] {
        let _ = writeln!(out, "{label:>52} {:>12} {cur}", text(&o[key]));
    }
    for p in o["payments"].as_array().into_iter().flatten() {
        let _ = writeln!(out, "Payment: {}", text(&p["summary"]));
    }
    for r in o["refunds_owed"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "Refund owed: {} {}",
            text(&r["amount"]),
            text(&r["currency"])
        );
    }
    for sh in o["shipments"].as_array().into_iter().flatten() {
        let pieces: Vec<String> = (sh["lines"].as_array().into_iter().flatten())
            .map(|l| format!("line {} x{}", text(&l["line_no"]), text(&l["quantity"])))
            .collect();
        let when = match text(&sh["status"]).as_str() {
            "shipped" => format!(
                "shipped {}{}",
                text(&sh["shipped_at"]).get(..10).unwrap_or(""),
                match text(&sh["tracking"]).as_str() {
                    "" => String::new(),
                    t => format!(", tracking {t}"),
                }
            ),
            "cancelled" => "cancelled".into(),
            _ => match text(&sh["ship_date"]).as_str() {
                "" => "open, date unknown".into(),
                d => format!("open, ships {d}"),
            },
        };
        let _ = writeln!(
            out,
            "Shipment {} to ship-to {} by {}: {}; {when}",
            text(&sh["shipment_no"]),
            text(&sh["ship_to_no"]),
            text(&sh["method_code"]),
            pieces.join(", ")
        );
    }
    let history = o["history"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    if !history.is_empty() {
        let _ = writeln!(out, "Changes since the order was placed:");
    }
    for e in history {
        let reason = match text(&e["reason"]).as_str() {
            "" => String::new(),
            r => format!(" ({})", crate::domain::lifecycle::reason_label(r)),
        };
        let _ = writeln!(
            out,
            "  {} {} {}{reason}:",
            text(&e["at"]).get(..16).unwrap_or("").replace('T', " "),
            text(&e["operator"]),
            text(&e["action"]).replace('_', " ")
        );
        for line in e["detail"].as_str().unwrap_or("").split('\n') {
            let _ = writeln!(out, "    {}", crate::domain::text::clean(line));
        }
    }
    out
}

/// A value of the exported order as read back: text cleaned, nothing for
/// null, numbers as written.
fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(t) => crate::domain::text::clean(t),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An exported address on one line: name, street lines (the second only
/// when there is one), city with region and postal code, country.
fn address_text(a: &serde_json::Value) -> String {
    let s = |key: &str| text(&a[key]);
    let joined = |keys: &[&str], by: &str| {
        keys.iter()
            .map(|k| s(k))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(by)
    };
    [
        joined(&["first_name", "last_name"], " "),
        s("line1"),
        s("line2"),
        joined(&["city", "region", "postal_code"], " "),
        s("country"),
    ]
    .into_iter()
    .filter(|t| !t.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every part of a ship-to's address is read back, the second street
    /// line included; parts left empty leave no gap.
    #[test]
    fn the_ship_to_reads_back_every_line_of_its_address() {
        let order = serde_json::json!({
            "ship_tos": [
                {"ship_to_no": 1, "method_name": "Ground", "address": {
                    "first_name": "Ana", "last_name": "Ruiz", "line1": "12 Rue Haute",
                    "line2": "App. 4", "city": "Lyon", "region": "", "postal_code": "69001",
                    "country": "FR"}},
                {"ship_to_no": 2, "method_name": "Air", "address": {
                    "first_name": "Bo", "last_name": "Lund", "line1": "1 Main St",
                    "line2": null, "city": "Austin", "region": "TX", "postal_code": "78701",
                    "country": "US"}}
            ]
        });
        let text = order_text(&order);
        assert!(
            text.contains("Ship-to 1 by Ground: Ana Ruiz, 12 Rue Haute, App. 4, Lyon 69001, FR\n"),
            "{text}"
        );
        assert!(
            text.contains("Ship-to 2 by Air: Bo Lund, 1 Main St, Austin TX 78701, US\n"),
            "{text}"
        );
    }
}

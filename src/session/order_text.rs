//! The readable form of a placed order (`orderdesk export --text`, and
//! the confirmation the order view reads to the customer): what was
//! placed, where it stands, and every change since. From the stored
//! order's JSON (`Store::export_order`), so it says what is stored.

/// The readable form of an exported order, for reading back or printing.
pub fn order_text(o: &serde_json::Value) -> String {
    use std::fmt::Write;
    let s = |v: &serde_json::Value| match v {
        serde_json::Value::String(t) => crate::domain::text::clean(t),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let cur = s(&o["currency"]);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Order {}  placed {} by {}",
        s(&o["order_no"]),
        s(&o["placed_at"]),
        s(&o["operator"])
    );
    let _ = writeln!(out, "Customer {}", s(&o["customer"]["name"]));
    let status = s(&o["status"]).replace('_', " ");
    let _ = writeln!(out, "Status {status}");
    for st in o["ship_tos"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "Ship-to {} by {}: {}",
            s(&st["ship_to_no"]),
            s(&st["method_name"]),
            address_text(&st["address"])
        );
    }
    let priced = o["breakdown"]["lines"].as_array();
    for (i, l) in o["lines"].as_array().into_iter().flatten().enumerate() {
        let _ = writeln!(
            out,
            "  {:>3} {:<12} {:<30} {:>5} x {:>10} = {:>12}",
            s(&l["line_no"]),
            s(&l["sku"]),
            s(&l["name"]),
            s(&l["quantity"]),
            s(&l["unit_price"]),
            s(&l["line_total"])
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
        let _ = writeln!(out, "{label:>52} {:>12} {cur}", s(v));
    }
    for (label, key) in [
        ("Discounts", "discount_total"),
        ("Shipping", "shipping_total"),
        ("Tax", "tax_total"),
        ("Total", "grand_total"),
    ] {
        let _ = writeln!(out, "{label:>52} {:>12} {cur}", s(&o[key]));
    }
    for p in o["payments"].as_array().into_iter().flatten() {
        let _ = writeln!(out, "Payment: {}", s(&p["summary"]));
    }
    for r in o["refunds_owed"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "Refund owed: {} {}",
            s(&r["amount"]),
            s(&r["currency"])
        );
    }
    for sh in o["shipments"].as_array().into_iter().flatten() {
        let pieces: Vec<String> = (sh["lines"].as_array().into_iter().flatten())
            .map(|l| format!("line {} x{}", s(&l["line_no"]), s(&l["quantity"])))
            .collect();
        let when = match s(&sh["status"]).as_str() {
            "shipped" => format!(
                "shipped {}{}",
                s(&sh["shipped_at"]).get(..10).unwrap_or(""),
                match s(&sh["tracking"]).as_str() {
                    "" => String::new(),
                    t => format!(", tracking {t}"),
                }
            ),
            "cancelled" => "cancelled".into(),
            _ => match s(&sh["ship_date"]).as_str() {
                "" => "open, date unknown".into(),
                d => format!("open, ships {d}"),
            },
        };
        let _ = writeln!(
            out,
            "Shipment {} to ship-to {} by {}: {}; {when}",
            s(&sh["shipment_no"]),
            s(&sh["ship_to_no"]),
            s(&sh["method_code"]),
            pieces.join(", ")
        );
    }
    let history = o["history"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    if !history.is_empty() {
        let _ = writeln!(out, "Changes since the order was placed:");
    }
    for e in history {
        let reason = match s(&e["reason"]).as_str() {
            "" => String::new(),
            r => format!(" ({})", crate::domain::lifecycle::reason_label(r)),
        };
        let _ = writeln!(
            out,
            "  {} {} {}{reason}:",
            s(&e["at"]).get(..16).unwrap_or("").replace('T', " "),
            s(&e["operator"]),
            s(&e["action"]).replace('_', " ")
        );
        for line in e["detail"].as_str().unwrap_or("").split('\n') {
            let _ = writeln!(out, "    {}", crate::domain::text::clean(line));
        }
    }
    out
}

/// An exported address on one line: name, street lines (the second only
/// when there is one), city with region and postal code, country.
fn address_text(a: &serde_json::Value) -> String {
    let s = |key: &str| match &a[key] {
        serde_json::Value::String(t) => crate::domain::text::clean(t),
        _ => String::new(),
    };
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

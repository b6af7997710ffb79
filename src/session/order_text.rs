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
        let a = &st["address"];
        let _ = writeln!(
            out,
            "Ship-to {} by {}: {} {}, {}, {} {} {}, {}",
            s(&st["ship_to_no"]),
            s(&st["method_name"]),
            s(&a["first_name"]),
            s(&a["last_name"]),
            s(&a["line1"]),
            s(&a["city"]),
            s(&a["region"]),
            s(&a["postal_code"]),
            s(&a["country"])
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

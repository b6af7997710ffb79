//! A change to a placed order (docs/design.md, "After the order"): more or
//! fewer of a line, a line added or cancelled, a ship-to's address or
//! method. Each is applied to the order as it was placed (the session's
//! `Order`), which the store then prices and plans again under the original
//! order's rules. Pure.

use crate::domain::money::Currency;
use crate::domain::order::{Address, Line, Order, MAX_QUANTITY};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// `line` indexes `Order::lines`.
    Quantity { line: usize, quantity: u32 },
    /// Cancels the line.
    Remove { line: usize },
    /// A new line (priced from today's price list by the caller).
    Add { line: Line },
    /// A ship-to's new address.
    Address { ship_to: usize, address: Address },
    /// A ship-to's new shipping method (its code).
    Method { ship_to: usize, method: String },
}

impl Change {
    /// Applies the change to `order`, or says why it cannot be. Returns
    /// what changed in words, for the history ("LGT-1002: 1 → 3").
    pub fn apply(&self, order: &mut Order) -> Result<String, String> {
        match self {
            Change::Quantity { line, quantity } => {
                if *quantity == 0 {
                    return Err("a quantity is 1 or more: cancel the line instead".into());
                }
                if *quantity > MAX_QUANTITY {
                    return Err(format!("{MAX_QUANTITY} at most on one line"));
                }
                let l = line_mut(order, *line)?;
                if l.quantity == *quantity {
                    return Err(format!("{} is {} already", l.sku, quantity));
                }
                let text = format!(
                    "{} {}: quantity {} → {}",
                    l.sku, l.name, l.quantity, quantity
                );
                l.quantity = *quantity;
                Ok(text)
            }
            Change::Remove { line } => {
                let l = line_mut(order, *line)?.clone();
                if order.lines.len() == 1 {
                    return Err("that is the order's only line: cancel the order instead".into());
                }
                let before = order.line_keys();
                order.lines.remove(*line);
                order.follow_lines(&before);
                Ok(format!("{} {} ×{}: cancelled", l.sku, l.name, l.quantity))
            }
            Change::Add { line } => {
                if line.ship_to >= order.ship_tos.len() {
                    return Err(format!("the order has no ship-to {}", line.ship_to + 1));
                }
                let had = (order.lines.iter())
                    .find(|l| l.item_id == line.item_id && l.ship_to == line.ship_to)
                    .map(|l| l.quantity);
                order.add_line(line.clone())?;
                Ok(match had {
                    Some(q) => format!(
                        "{} {}: quantity {q} → {}",
                        line.sku,
                        line.name,
                        q + line.quantity
                    ),
                    None => format!("{} {} ×{}: added", line.sku, line.name, line.quantity),
                })
            }
            Change::Address { ship_to, address } => {
                let s = ship_to_mut(order, *ship_to)?;
                if s.address == *address {
                    return Err("that is the address already".into());
                }
                let text = format!(
                    "ship-to {}: address {} → {}",
                    ship_to + 1,
                    s.address.one_line(),
                    address.one_line()
                );
                s.address = address.clone();
                Ok(text)
            }
            Change::Method { ship_to, method } => {
                let s = ship_to_mut(order, *ship_to)?;
                if s.method.as_deref() == Some(method) {
                    return Err(format!("ship-to {} goes by {method} already", ship_to + 1));
                }
                let text = format!(
                    "ship-to {}: method {} → {method}",
                    ship_to + 1,
                    s.method.as_deref().unwrap_or("none")
                );
                s.method = Some(method.clone());
                Ok(text)
            }
        }
    }
}

fn line_mut(order: &mut Order, line: usize) -> Result<&mut Line, String> {
    order
        .lines
        .get_mut(line)
        .ok_or_else(|| format!("the order has no line {}", line + 1))
}

fn ship_to_mut(
    order: &mut Order,
    ship_to: usize,
) -> Result<&mut crate::domain::order::ShipTo, String> {
    order
        .ship_tos
        .get_mut(ship_to)
        .ok_or_else(|| format!("the order has no ship-to {}", ship_to + 1))
}

/// "+24.95, new total 123.45" (or "−5.00, …", "no change, total …"): the
/// difference a change makes, shown before it is confirmed.
pub fn difference(currency: Currency, before: Decimal, after: Decimal) -> String {
    let d = after - before;
    let total = currency.format(after);
    if d.is_zero() {
        format!("no change, total {total}")
    } else if d > Decimal::ZERO {
        format!("+{}, new total {total}", currency.format(d))
    } else {
        format!("−{}, new total {total}", currency.format(-d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::adjustment::{Adjustment, AdjustmentKind};
    use rust_decimal_macros::dec;

    fn line(sku: &str, item_id: i64, quantity: u32) -> Line {
        Line {
            item_id,
            sku: sku.into(),
            name: format!("Item {sku}"),
            quantity,
            unit_price: dec!(10.00),
            weight_grams: 100,
            taxable: true,
            ship_to: 0,
        }
    }

    fn order() -> Order {
        let mut o = Order::new("t".into(), Currency::USD);
        o.add_ship_to(Address {
            first_name: "Jane".into(),
            last_name: "Doe".into(),
            line1: "1 Main St".into(),
            city: "Austin".into(),
            region: "TX".into(),
            postal_code: "78701".into(),
            country: "US".into(),
            ..Address::default()
        });
        o.lines = vec![line("A-1", 1, 2), line("B-2", 2, 1), line("C-3", 3, 4)];
        o
    }

    #[test]
    fn quantities_change_and_zero_or_the_same_are_refused() {
        let mut o = order();
        let text = Change::Quantity {
            line: 1,
            quantity: 3,
        }
        .apply(&mut o)
        .unwrap();
        assert_eq!(text, "B-2 Item B-2: quantity 1 → 3");
        assert_eq!(o.lines[1].quantity, 3);
        assert!(Change::Quantity {
            line: 1,
            quantity: 3
        }
        .apply(&mut o)
        .is_err());
        assert!(Change::Quantity {
            line: 1,
            quantity: 0
        }
        .apply(&mut o)
        .unwrap_err()
        .contains("cancel the line"));
        assert!(Change::Quantity {
            line: 7,
            quantity: 1
        }
        .apply(&mut o)
        .unwrap_err()
        .contains("no line 8"));
    }

    #[test]
    fn a_cancelled_line_takes_its_price_override_and_keeps_the_others() {
        let mut o = order();
        let over = |line| Adjustment {
            kind: AdjustmentKind::PriceOverride {
                line,
                unit_price: dec!(9.00),
                net: false,
            },
            reason_code: "price_match".into(),
            operator: "alice".into(),
            approval: None,
            made_at: None,
        };
        o.adjustments = vec![over(0), over(2)];
        Change::Remove { line: 0 }.apply(&mut o).unwrap();
        assert_eq!(o.lines.len(), 2);
        // C-3's override follows it from line 3 to line 2.
        assert_eq!(o.adjustments.len(), 1);
        assert!(matches!(
            o.adjustments[0].kind,
            AdjustmentKind::PriceOverride { line: 1, .. }
        ));
        Change::Remove { line: 0 }.apply(&mut o).unwrap();
        assert!(Change::Remove { line: 0 }
            .apply(&mut o)
            .unwrap_err()
            .contains("cancel the order"));
    }

    #[test]
    fn lines_add_and_ship_tos_change() {
        let mut o = order();
        Change::Add {
            line: line("D-4", 4, 1),
        }
        .apply(&mut o)
        .unwrap();
        assert_eq!(o.lines.len(), 4);
        let mut far = line("E-5", 5, 1);
        far.ship_to = 3;
        assert!(Change::Add { line: far }.apply(&mut o).is_err());
        let mut office = o.ship_tos[0].address.clone();
        office.line1 = "500 Congress Ave".into();
        let text = Change::Address {
            ship_to: 0,
            address: office.clone(),
        }
        .apply(&mut o)
        .unwrap();
        assert!(
            text.contains("→") && text.contains("500 Congress Ave"),
            "{text}"
        );
        assert_eq!(o.ship_tos[0].address, office);
        Change::Method {
            ship_to: 0,
            method: "EXPRESS".into(),
        }
        .apply(&mut o)
        .unwrap();
        assert!(Change::Method {
            ship_to: 0,
            method: "EXPRESS".into()
        }
        .apply(&mut o)
        .is_err());
    }

    #[test]
    fn the_difference_names_its_sign_and_the_new_total() {
        assert_eq!(
            difference(Currency::USD, dec!(100.00), dec!(124.95)),
            "+24.95, new total 124.95"
        );
        assert_eq!(
            difference(Currency::USD, dec!(100.00), dec!(95.00)),
            "−5.00, new total 95.00"
        );
        assert_eq!(
            difference(Currency::JPY, dec!(3000), dec!(3000)),
            "no change, total 3,000"
        );
    }
}

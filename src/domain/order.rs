//! The order being taken: one value that the whole console edits, saved as
//! a draft on every change and placed by the store on submit.

use crate::domain::adjustment::{Adjustment, AdjustmentKind};
use crate::domain::card::CardSummary;
use crate::domain::money::Currency;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Quantities are whole and bounded (docs/design.md).
pub const MAX_QUANTITY: u32 = 99_999;

/// Parses a quantity as typed: a whole number from 1 to [`MAX_QUANTITY`].
pub fn parse_quantity(input: &str) -> Result<u32, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err("enter a quantity".into());
    }
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("quantity '{t}': whole numbers only"));
    }
    match t.parse::<u64>() {
        Ok(0) => Err("quantity must be at least 1".into()),
        Ok(n) if n <= u64::from(MAX_QUANTITY) => Ok(n as u32),
        _ => Err(format!("quantity {MAX_QUANTITY} at most")),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub nickname: String,
    pub first_name: String,
    pub last_name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166 alpha-2.
    pub country: String,
    pub phone: String,
}

impl Address {
    /// The address with control characters taken out of every field, as
    /// text read back from the database is drawn (docs/design.md, 10).
    pub fn cleaned(self) -> Address {
        use crate::domain::text::clean;
        Address {
            nickname: clean(&self.nickname),
            first_name: clean(&self.first_name),
            last_name: clean(&self.last_name),
            line1: clean(&self.line1),
            line2: clean(&self.line2),
            city: clean(&self.city),
            region: clean(&self.region),
            postal_code: clean(&self.postal_code),
            country: clean(&self.country),
            phone: clean(&self.phone),
        }
    }

    pub fn one_line(&self) -> String {
        let mut parts = vec![format!("{} {}", self.first_name, self.last_name)];
        parts.push(self.line1.clone());
        if !self.line2.is_empty() {
            parts.push(self.line2.clone());
        }
        let region = if self.region.is_empty() {
            self.postal_code.clone()
        } else {
            format!("{} {}", self.region, self.postal_code)
        };
        parts.push(format!("{} {}", self.city, region));
        parts.push(self.country.clone());
        parts.join(", ")
    }
}

/// A business account, as the order needs it for pay on account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRef {
    pub id: i64,
    pub name: String,
    pub currency: Currency,
    pub credit_limit: Decimal,
    pub po_required: bool,
}

/// An address from the customer's address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub id: i64,
    pub address: Address,
    pub default_shipping: bool,
    pub default_billing: bool,
}

/// A stored payment method: only brand, last four and expiry, plus the
/// back-end's token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCard {
    pub id: i64,
    pub summary: CardSummary,
    /// The customer's default card: preselected for a new order (its
    /// challenge still applies). Drafts saved before it read as false.
    #[serde(default)]
    pub default: bool,
}

/// What the order knows of its customer (a copy, taken when picked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRef {
    /// None for a guest not saved yet.
    pub id: Option<i64>,
    pub guest: bool,
    pub logon_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub currency: Currency,
    pub account: Option<AccountRef>,
    pub addresses: Vec<SavedAddress>,
    pub cards: Vec<StoredCard>,
}

impl CustomerRef {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
    pub fn default_shipping(&self) -> Option<&Address> {
        self.addresses
            .iter()
            .find(|a| a.default_shipping)
            .or(self.addresses.first())
            .map(|a| &a.address)
    }
    /// The stored card marked default, if one is.
    pub fn default_card(&self) -> Option<&StoredCard> {
        self.cards.iter().find(|c| c.default)
    }
    pub fn default_billing(&self) -> Option<&Address> {
        self.addresses
            .iter()
            .find(|a| a.default_billing)
            .or(self.addresses.first())
            .map(|a| &a.address)
    }
}

/// What happens to the parts of lines that are not in stock (docs/design.md
/// section 4). A separate backorder order only exists with "ship available
/// now", so it is a field of that choice and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackorderChoice {
    /// Nothing ships until every item of a shipment is available.
    ShipComplete,
    /// Ship what is available now, backorders later; with `separate`, the
    /// backordered parts are placed as a second, linked order.
    ShipAvailable { separate: bool },
    /// Ship what is available, drop the backordered parts.
    DropBackorders,
}

impl Default for BackorderChoice {
    fn default() -> Self {
        BackorderChoice::ShipAvailable { separate: false }
    }
}

impl BackorderChoice {
    pub fn code(self) -> &'static str {
        match self {
            BackorderChoice::ShipComplete => "ship_complete",
            BackorderChoice::ShipAvailable { .. } => "ship_available",
            BackorderChoice::DropBackorders => "drop_backorders",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            BackorderChoice::ShipComplete => "Ship complete",
            BackorderChoice::ShipAvailable { separate: false } => {
                "Ship available now, backorders later"
            }
            BackorderChoice::ShipAvailable { separate: true } => {
                "Ship available now, backorders on a separate order"
            }
            BackorderChoice::DropBackorders => "Ship available, drop backorders",
        }
    }
    /// Whether backorders go on a separate, linked order.
    pub fn separate(self) -> bool {
        matches!(self, BackorderChoice::ShipAvailable { separate: true })
    }
    pub fn ships_available(self) -> bool {
        matches!(self, BackorderChoice::ShipAvailable { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub item_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    /// The price list's unit price in the order's currency when added.
    pub unit_price: Decimal,
    pub weight_grams: u32,
    pub taxable: bool,
    /// Index into [`Order::ship_tos`].
    pub ship_to: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipTo {
    pub address: Address,
    /// Shipping method code; None until chosen.
    pub method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payment {
    /// A card typed in this call: only its summary is kept.
    Card(CardSummary),
    /// One of the customer's stored cards.
    StoredCard(StoredCard),
    /// Pay on account (business customers), with a purchase-order number.
    Account {
        po_number: String,
    },
    CashOnDelivery,
}

impl Payment {
    pub fn code(&self) -> &'static str {
        match self {
            Payment::Card(_) | Payment::StoredCard(_) => "card",
            Payment::Account { .. } => "account",
            Payment::CashOnDelivery => "cod",
        }
    }
    pub fn describe(&self) -> String {
        match self {
            Payment::Card(c) => c.describe(),
            Payment::StoredCard(s) => format!("{} (stored)", s.summary.describe()),
            Payment::Account { po_number } if po_number.is_empty() => "On account".into(),
            Payment::Account { po_number } => format!("On account, PO {po_number}"),
            Payment::CashOnDelivery => "Cash on delivery".into(),
        }
    }
}

/// Which part of the order a problem belongs to; the console maps it to the
/// step that fixes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    Customer,
    Cart,
    Fulfillment,
    Payment,
    Adjustments,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub area: Area,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Identifies this order across saves and submits: a second submit of
    /// the same order finds the first instead of placing another.
    pub token: String,
    pub customer: Option<CustomerRef>,
    pub currency: Currency,
    pub lines: Vec<Line>,
    pub ship_tos: Vec<ShipTo>,
    pub backorder_choice: BackorderChoice,
    pub billing: Option<Address>,
    pub payment: Option<Payment>,
    pub comment_customer: String,
    pub comment_warehouse: String,
    /// Coupon codes the operator redeemed (as stored in `coupons.code`).
    /// Default: drafts saved before coupons existed still load.
    #[serde(default)]
    pub coupons: Vec<String>,
    /// Operator adjustments, each with its reason and operator.
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    /// A supervisor's approval to order for the customer although they are
    /// disabled (it holds for that customer only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_approval: Option<crate::domain::operator::Approval>,
}

impl Order {
    pub fn new(token: String, currency: Currency) -> Self {
        Order {
            token,
            customer: None,
            currency,
            lines: Vec::new(),
            ship_tos: Vec::new(),
            backorder_choice: BackorderChoice::default(),
            billing: None,
            payment: None,
            comment_customer: String::new(),
            comment_warehouse: String::new(),
            coupons: Vec::new(),
            adjustments: Vec::new(),
            customer_approval: None,
        }
    }

    /// Takes the customer for this order: currency, default ship-to and
    /// billing address come from the record. Lines already in the cart
    /// keep their place; their prices are the caller's to refresh.
    pub fn set_customer(&mut self, customer: CustomerRef) {
        self.currency = customer.currency;
        self.ship_tos.clear();
        if let Some(a) = customer.default_shipping() {
            self.ship_tos.push(ShipTo {
                address: a.clone(),
                method: None,
            });
        }
        self.billing = customer.default_billing().cloned();
        if matches!(
            self.payment,
            Some(Payment::StoredCard(_)) | Some(Payment::Account { .. })
        ) {
            self.payment = None;
        }
        for line in &mut self.lines {
            line.ship_to = 0;
        }
        self.customer = Some(customer);
    }

    /// Adds `quantity` of an item; the same item on the same ship-to adds
    /// to its line rather than making a second one.
    pub fn add_line(&mut self, line: Line) -> Result<(), String> {
        if let Some(existing) = self
            .lines
            .iter_mut()
            .find(|l| l.item_id == line.item_id && l.ship_to == line.ship_to)
        {
            let total = existing.quantity + line.quantity;
            if total > MAX_QUANTITY {
                return Err(format!(
                    "{}: {} in the cart already, {MAX_QUANTITY} at most",
                    existing.sku, existing.quantity
                ));
            }
            existing.quantity = total;
        } else {
            self.lines.push(line);
        }
        Ok(())
    }

    /// Adds a ship-to (or finds the same address already there); returns
    /// its index.
    pub fn add_ship_to(&mut self, address: Address) -> usize {
        if let Some(i) = self.ship_tos.iter().position(|s| s.address == address) {
            return i;
        }
        self.ship_tos.push(ShipTo {
            address,
            method: None,
        });
        self.ship_tos.len() - 1
    }

    /// Moves `quantity` of line `line` to ship-to `ship_to`: the whole line
    /// when the quantity is all of it, else a new line with that part. The
    /// part joins a line of the same item already going there.
    pub fn split_line(&mut self, line: usize, quantity: u32, ship_to: usize) -> Result<(), String> {
        if ship_to >= self.ship_tos.len() {
            return Err(format!("there is no ship-to {}", ship_to + 1));
        }
        let Some(l) = self.lines.get(line) else {
            return Err(format!("there is no line {}", line + 1));
        };
        if quantity == 0 || quantity > l.quantity {
            return Err(format!("move 1 to {} of {}", l.quantity, l.sku));
        }
        if l.ship_to == ship_to {
            return Ok(());
        }
        let sku = l.sku.clone();
        let whole = quantity == l.quantity;
        let join = self
            .lines
            .iter()
            .position(|x| x.item_id == l.item_id && x.ship_to == ship_to);
        match join {
            Some(j) => {
                if self.lines[j].quantity + quantity > MAX_QUANTITY {
                    return Err(format!("{sku}: {MAX_QUANTITY} at most on one line"));
                }
                self.lines[j].quantity += quantity;
                if whole {
                    self.lines.remove(line);
                } else {
                    self.lines[line].quantity -= quantity;
                }
            }
            None if whole => self.lines[line].ship_to = ship_to,
            None => {
                let mut part = self.lines[line].clone();
                part.quantity = quantity;
                part.ship_to = ship_to;
                self.lines[line].quantity -= quantity;
                self.lines.insert(line + 1, part);
            }
        }
        Ok(())
    }

    /// Removes ship-tos no line uses (except the first) and renumbers lines.
    pub fn prune_ship_tos(&mut self) {
        let mut keep: Vec<usize> = (0..self.ship_tos.len())
            .filter(|i| *i == 0 || self.lines.iter().any(|l| l.ship_to == *i))
            .collect();
        keep.dedup();
        if keep.len() == self.ship_tos.len() {
            return;
        }
        let old = std::mem::take(&mut self.ship_tos);
        for l in &mut self.lines {
            l.ship_to = keep.iter().position(|k| *k == l.ship_to).unwrap_or(0);
        }
        self.ship_tos = keep
            .into_iter()
            .filter_map(|i| old.get(i).cloned())
            .collect();
    }

    /// Each line's (item, ship-to), to give [`Order::follow_lines`].
    pub fn line_keys(&self) -> Vec<(i64, usize)> {
        self.lines.iter().map(|l| (l.item_id, l.ship_to)).collect()
    }

    /// Keeps price overrides on their lines after lines were removed,
    /// moved or split (`before` from [`Order::line_keys`]): an override
    /// follows its item and ship-to; a part split off to a new ship-to keeps
    /// it too; a removed line's override goes with the line.
    pub fn follow_lines(&mut self, before: &[(i64, usize)]) {
        let now = self.line_keys();
        if now == before {
            return;
        }
        let mut out = Vec::new();
        for a in std::mem::take(&mut self.adjustments) {
            let AdjustmentKind::PriceOverride {
                line,
                unit_price,
                net,
            } = a.kind
            else {
                out.push(a);
                continue;
            };
            let Some(&(item, ship_to)) = before.get(line) else {
                continue;
            };
            for (i, key) in now.iter().enumerate() {
                if key.0 == item && (key.1 == ship_to || !before.contains(key)) {
                    out.push(Adjustment {
                        kind: AdjustmentKind::PriceOverride {
                            line: i,
                            unit_price,
                            net,
                        },
                        ..a.clone()
                    });
                }
            }
        }
        self.adjustments = out;
    }

    /// Renumbers shipping overrides after the shipments changed: shipment
    /// `n` was `before[n]` and is now wherever that key is in `after`;
    /// overrides of shipments that are gone are removed. Returns how many.
    pub fn follow_shipments<K: PartialEq>(&mut self, before: &[K], after: &[K]) -> usize {
        let mut gone = 0;
        self.adjustments.retain_mut(|a| {
            let AdjustmentKind::ShippingOverride { shipment, .. } = &mut a.kind else {
                return true;
            };
            match before
                .get(*shipment)
                .and_then(|k| after.iter().position(|x| x == k))
            {
                Some(n) => {
                    *shipment = n;
                    true
                }
                None => {
                    gone += 1;
                    false
                }
            }
        });
        gone
    }

    pub fn is_empty(&self) -> bool {
        self.customer.is_none() && self.lines.is_empty()
    }

    /// Everything that stands between this order and submit.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut add = |area, message: &str| {
            out.push(Problem {
                area,
                message: message.to_string(),
            })
        };
        if self.customer.is_none() {
            add(
                Area::Customer,
                "no customer: pick one, or start a guest order",
            );
        }
        if self.lines.is_empty() {
            add(Area::Cart, "the cart is empty");
        }
        if self.ship_tos.is_empty() {
            add(Area::Fulfillment, "no ship-to address");
        }
        for (i, s) in self.ship_tos.iter().enumerate() {
            let used = self.lines.iter().any(|l| l.ship_to == i);
            if used && s.method.is_none() {
                out.push(Problem {
                    area: Area::Fulfillment,
                    message: format!("ship-to {}: choose a shipping method", i + 1),
                });
            }
        }
        if self.billing.is_none() {
            out.push(Problem {
                area: Area::Payment,
                message: "no billing address".into(),
            });
        }
        if self.payment.is_none() {
            out.push(Problem {
                area: Area::Payment,
                message: "no payment method".into(),
            });
        }
        out
    }

    /// A fingerprint of everything the order holds (FNV-1a over its JSON),
    /// stored with a placed order: the same token with another
    /// fingerprint is another order, never the one placed.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in json.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    /// A one-line description for the resume offer.
    pub fn summary(&self) -> String {
        let who = self
            .customer
            .as_ref()
            .map(|c| c.name())
            .unwrap_or_else(|| "no customer".into());
        let n = self.lines.len();
        format!("{who}, {n} line{}", if n == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(item_id: i64, qty: u32) -> Line {
        Line {
            item_id,
            sku: format!("SKU-{item_id}"),
            name: "Thing".into(),
            quantity: qty,
            unit_price: dec!(1.00),
            weight_grams: 100,
            taxable: true,
            ship_to: 0,
        }
    }

    #[test]
    fn quantities_are_whole_positive_bounded() {
        assert_eq!(parse_quantity("3"), Ok(3));
        assert_eq!(parse_quantity(" 99999 "), Ok(99_999));
        assert!(parse_quantity("0").unwrap_err().contains("at least 1"));
        assert!(parse_quantity("100000").unwrap_err().contains("99999"));
        assert!(parse_quantity("1.5").unwrap_err().contains("whole"));
        assert!(parse_quantity("-1").unwrap_err().contains("whole"));
        assert!(parse_quantity("").is_err());
        assert!(parse_quantity("99999999999999999999999").is_err());
    }

    #[test]
    fn same_item_adds_to_its_line() {
        let mut o = Order::new("t".into(), Currency::USD);
        o.add_line(line(1, 2)).unwrap();
        o.add_line(line(1, 3)).unwrap();
        o.add_line(line(2, 1)).unwrap();
        assert_eq!(o.lines.len(), 2);
        assert_eq!(o.lines[0].quantity, 5);
        assert!(o.add_line(line(1, MAX_QUANTITY)).is_err());
        assert_eq!(o.lines[0].quantity, 5);
    }

    fn addr(city: &str) -> Address {
        Address {
            city: city.into(),
            ..Address::default()
        }
    }

    #[test]
    fn split_moves_part_of_a_line_to_another_ship_to() {
        let mut o = Order::new("t".into(), Currency::USD);
        o.add_ship_to(addr("A"));
        let b = o.add_ship_to(addr("B"));
        assert_eq!(o.add_ship_to(addr("B")), b, "same address, same ship-to");
        o.add_line(line(1, 5)).unwrap();
        o.split_line(0, 2, b).unwrap();
        assert_eq!(o.lines.len(), 2);
        assert_eq!((o.lines[0].quantity, o.lines[0].ship_to), (3, 0));
        assert_eq!((o.lines[1].quantity, o.lines[1].ship_to), (2, 1));
        // Moving the rest joins the line already there.
        o.split_line(0, 3, b).unwrap();
        assert_eq!(o.lines.len(), 1);
        assert_eq!((o.lines[0].quantity, o.lines[0].ship_to), (5, 1));
        // A whole line moves in place.
        o.split_line(0, 5, 0).unwrap();
        assert_eq!((o.lines.len(), o.lines[0].ship_to), (1, 0));
        o.add_line(line(2, 1)).unwrap();
        o.split_line(0, 5, b).unwrap();
        assert_eq!((o.lines[0].item_id, o.lines[0].ship_to), (1, 1));
        assert!(o.split_line(0, 6, 0).is_err());
        assert!(o.split_line(0, 0, 0).is_err());
        assert!(o.split_line(0, 1, 7).is_err());
        let total: u32 = o
            .lines
            .iter()
            .filter(|l| l.item_id == 1)
            .map(|l| l.quantity)
            .sum();
        assert_eq!(total, 5, "quantities are conserved");
    }

    #[test]
    fn unused_ship_tos_are_pruned_and_lines_renumbered() {
        let mut o = Order::new("t".into(), Currency::USD);
        o.add_ship_to(addr("A"));
        o.add_ship_to(addr("B"));
        let c = o.add_ship_to(addr("C"));
        let mut l = line(1, 1);
        l.ship_to = c;
        o.add_line(l).unwrap();
        o.prune_ship_tos();
        assert_eq!(o.ship_tos.len(), 2);
        assert_eq!(o.ship_tos[1].address.city, "C");
        assert_eq!(o.lines[0].ship_to, 1);
    }

    #[test]
    fn new_order_names_what_is_missing() {
        let o = Order::new("t".into(), Currency::USD);
        let areas: Vec<Area> = o.problems().iter().map(|p| p.area).collect();
        assert!(areas.contains(&Area::Customer));
        assert!(areas.contains(&Area::Cart));
        assert!(areas.contains(&Area::Payment));
    }
}

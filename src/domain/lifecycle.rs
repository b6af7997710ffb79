//! An order after the call (docs/design.md, "After the order"): its status,
//! its shipments' statuses, and which action each allows. Pure: the store
//! asks these functions inside the transaction that makes the change, and
//! the order view asks them to say why an action is refused before the
//! operator types anything.

use std::fmt;

/// Where an order stands. `Placed` → `Released` (to the warehouse) →
/// `PartlyShipped` → `Shipped`; `Held` stops it on the way; `Cancelled`
/// ends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    Placed,
    Held,
    Released,
    PartlyShipped,
    Shipped,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Placed,
        OrderStatus::Held,
        OrderStatus::Released,
        OrderStatus::PartlyShipped,
        OrderStatus::Shipped,
        OrderStatus::Cancelled,
    ];

    /// The `orders.status` column.
    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Held => "held",
            OrderStatus::Released => "released",
            OrderStatus::PartlyShipped => "partly_shipped",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// As the operator reads it.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Held => "held",
            OrderStatus::Released => "released",
            OrderStatus::PartlyShipped => "partly shipped",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// From [`OrderStatus::code`] or [`OrderStatus::label`] (as typed on the
    /// command line or in the find screen).
    pub fn parse(text: &str) -> Option<OrderStatus> {
        let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        OrderStatus::ALL.into_iter().find(|s| s.code() == t)
    }

    /// Nothing more happens to the order.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Shipped | OrderStatus::Cancelled)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShipmentStatus {
    Open,
    Shipped,
    Cancelled,
}

impl ShipmentStatus {
    /// The `shipments.status` column.
    pub fn code(self) -> &'static str {
        match self {
            ShipmentStatus::Open => "open",
            ShipmentStatus::Shipped => "shipped",
            ShipmentStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<ShipmentStatus> {
        [
            ShipmentStatus::Open,
            ShipmentStatus::Shipped,
            ShipmentStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.code() == text)
    }
}

/// What the rules below need to know of one shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentState {
    /// 1-based, as the order view and `orderdesk ship` name it.
    pub number: u32,
    pub status: ShipmentStatus,
    /// When it shipped (`YYYY-MM-DD`), for the refusals that name it.
    pub shipped_on: Option<String>,
    /// Pieces of it still waiting for goods; 0: it can leave.
    pub waiting: u32,
}

/// The order's status once its shipments stand as `shipments` (after one
/// shipped): all shipped → shipped, some → partly shipped, else `current`.
pub fn status_after_shipping(current: OrderStatus, shipments: &[ShipmentState]) -> OrderStatus {
    let live: Vec<&ShipmentState> = shipments
        .iter()
        .filter(|s| s.status != ShipmentStatus::Cancelled)
        .collect();
    let shipped = live
        .iter()
        .filter(|s| s.status == ShipmentStatus::Shipped)
        .count();
    if !live.is_empty() && shipped == live.len() {
        OrderStatus::Shipped
    } else if shipped > 0 {
        OrderStatus::PartlyShipped
    } else {
        current
    }
}

/// Why the order's lines, ship-tos or methods cannot change, if they
/// cannot: only an order of which nothing has shipped changes (a shipped
/// shipment is never changed, and the order is re-priced as a whole).
/// `priced_with`: the other order of a split submit (number, status).
/// The two were priced as one, so while the other is not cancelled a
/// change, which prices this one alone, would count a coupon or a
/// threshold twice or not at all: it is refused, with the way out.
pub fn may_change(
    status: OrderStatus,
    shipments: &[ShipmentState],
    priced_with: Option<(i64, OrderStatus)>,
) -> Result<(), String> {
    if let Some((other, s)) = priced_with {
        if s != OrderStatus::Cancelled {
            return Err(format!(
                "it was priced together with order {other}, and a change would price it alone: take the change as a new order, or cancel order {other} first"
            ));
        }
    }
    match status {
        OrderStatus::Cancelled => return Err("the order is cancelled".into()),
        OrderStatus::Shipped => return Err("the order has shipped".into()),
        _ => {}
    }
    if let Some(s) = shipments
        .iter()
        .find(|s| s.status == ShipmentStatus::Shipped)
    {
        return Err(format!(
            "shipment {} shipped{}: a shipped shipment never changes; cancel or hold what is open instead",
            s.number,
            s.shipped_on
                .as_deref()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default()
        ));
    }
    Ok(())
}

/// Why the order cannot be cancelled whole, if it cannot.
pub fn may_cancel(status: OrderStatus, shipments: &[ShipmentState]) -> Result<(), String> {
    may_change(status, shipments, None)
}

/// Why the order cannot be held, if it cannot.
pub fn may_hold(status: OrderStatus) -> Result<(), String> {
    match status {
        OrderStatus::Held => Err("the order is on hold already".into()),
        s if s.is_final() => Err(format!("the order is {s}")),
        _ => Ok(()),
    }
}

/// Why the hold cannot be lifted, if it cannot.
pub fn may_release_hold(status: OrderStatus) -> Result<(), String> {
    match status {
        OrderStatus::Held => Ok(()),
        s => Err(format!("the order is {s}, not on hold")),
    }
}

/// The status a lifted hold returns to: placed again (the warehouse gets
/// it with the next release), or partly shipped if some of it left.
pub fn status_after_hold(shipments: &[ShipmentState]) -> OrderStatus {
    status_after_shipping(OrderStatus::Placed, shipments)
}

/// Why the order cannot go to the warehouse, if it cannot.
pub fn may_release(status: OrderStatus) -> Result<(), String> {
    match status {
        OrderStatus::Placed => Ok(()),
        OrderStatus::Held => Err("the order is on hold: lift the hold first".into()),
        OrderStatus::Released | OrderStatus::PartlyShipped => {
            Err("the order is with the warehouse already".into())
        }
        s => Err(format!("the order is {s}")),
    }
}

/// Why shipment `number` cannot leave, if it cannot: the order must be
/// with the warehouse and not on hold, the shipment open and nothing of it
/// waiting for goods.
pub fn may_ship(
    status: OrderStatus,
    shipments: &[ShipmentState],
    number: u32,
) -> Result<(), String> {
    let Some(s) = shipments.iter().find(|s| s.number == number) else {
        return Err(format!("the order has no shipment {number}"));
    };
    match s.status {
        ShipmentStatus::Shipped => Err(format!(
            "shipment {number} shipped already{}",
            s.shipped_on
                .as_deref()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default()
        )),
        ShipmentStatus::Cancelled => Err(format!("shipment {number} is cancelled")),
        ShipmentStatus::Open
            if !matches!(status, OrderStatus::Released | OrderStatus::PartlyShipped) =>
        {
            Err(match status {
                OrderStatus::Placed => "the order is not released to the warehouse yet".into(),
                OrderStatus::Held => "the order is on hold".into(),
                s => format!("the order is {s}"),
            })
        }
        ShipmentStatus::Open if s.waiting > 0 => Err(format!(
            "shipment {number} still waits for {} piece{} to arrive",
            s.waiting,
            if s.waiting == 1 { "" } else { "s" }
        )),
        ShipmentStatus::Open => Ok(()),
    }
}

/// Reason codes for cancelling and holding, as (code, label). Fixed
/// lists: the warehouse and reports read the codes.
pub const CANCEL_REASONS: &[(&str, &str)] = &[
    ("customer_request", "Customer asked"),
    ("out_of_stock", "Out of stock too long"),
    ("duplicate", "Duplicate order"),
    ("price", "Price disagreement"),
    ("fraud", "Suspected fraud"),
    ("other", "Other"),
];
pub const HOLD_REASONS: &[(&str, &str)] = &[
    ("customer_request", "Customer asked to wait"),
    ("payment", "Payment to check"),
    ("address", "Address to check"),
    ("fraud", "Suspected fraud"),
    ("other", "Other"),
];

/// The code of `typed` in `list` (by code or label, any case), or a
/// message listing the codes.
pub fn reason_code(list: &[(&'static str, &str)], typed: &str) -> Result<&'static str, String> {
    let t = typed.trim().to_ascii_lowercase();
    list.iter()
        .find(|(c, l)| *c == t || l.to_ascii_lowercase() == t)
        .map(|(c, _)| *c)
        .ok_or_else(|| {
            let codes: Vec<&str> = list.iter().map(|(c, _)| *c).collect();
            format!(
                "'{}' is not a reason: use one of {}",
                typed.trim(),
                codes.join(", ")
            )
        })
}

/// The label of reason `code` (the code itself when unknown).
pub fn reason_label(code: &str) -> &str {
    CANCEL_REASONS
        .iter()
        .chain(HOLD_REASONS)
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipment(number: u32, status: ShipmentStatus, waiting: u32) -> ShipmentState {
        ShipmentState {
            number,
            status,
            shipped_on: (status == ShipmentStatus::Shipped).then(|| "2026-12-01".into()),
            waiting,
        }
    }

    #[test]
    fn every_status_reads_back_from_its_code_and_label() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.code()), Some(s));
            assert_eq!(OrderStatus::parse(s.label()), Some(s));
        }
        assert_eq!(
            OrderStatus::parse("Partly-Shipped"),
            Some(OrderStatus::PartlyShipped)
        );
        assert_eq!(OrderStatus::parse("gone"), None);
    }

    #[test]
    fn shipping_moves_the_status_to_partly_then_fully_shipped() {
        let open = shipment(1, ShipmentStatus::Open, 0);
        let shipped = shipment(2, ShipmentStatus::Shipped, 0);
        let cancelled = shipment(3, ShipmentStatus::Cancelled, 0);
        let r = OrderStatus::Released;
        assert_eq!(status_after_shipping(r, std::slice::from_ref(&open)), r);
        assert_eq!(
            status_after_shipping(r, &[open, shipped.clone()]),
            OrderStatus::PartlyShipped
        );
        assert_eq!(
            status_after_shipping(r, &[shipped, cancelled]),
            OrderStatus::Shipped
        );
    }

    #[test]
    fn a_shipped_shipment_freezes_the_order_and_says_when() {
        let list = [
            shipment(1, ShipmentStatus::Shipped, 0),
            shipment(2, ShipmentStatus::Open, 0),
        ];
        let e = may_change(OrderStatus::PartlyShipped, &list, None).unwrap_err();
        assert!(e.contains("shipment 1 shipped on 2026-12-01"), "{e}");
        assert!(may_cancel(OrderStatus::PartlyShipped, &list).is_err());
        assert!(may_change(OrderStatus::Held, &list[1..], None).is_ok());
        assert!(may_change(OrderStatus::Released, &list[1..], None).is_ok());
        assert_eq!(
            may_change(OrderStatus::Cancelled, &[], None).unwrap_err(),
            "the order is cancelled"
        );
    }

    #[test]
    fn one_order_of_a_split_submit_changes_only_once_the_other_is_cancelled() {
        let open = [shipment(1, ShipmentStatus::Open, 0)];
        let e = may_change(
            OrderStatus::Placed,
            &open,
            Some((100002, OrderStatus::Placed)),
        )
        .unwrap_err();
        assert!(e.contains("priced together with order 100002"), "{e}");
        assert!(may_change(
            OrderStatus::Placed,
            &open,
            Some((100002, OrderStatus::Shipped))
        )
        .is_err());
        assert!(may_change(
            OrderStatus::Placed,
            &open,
            Some((100002, OrderStatus::Cancelled))
        )
        .is_ok());
        // Cancelling it alone stays open (the "on its own").
        assert!(may_cancel(OrderStatus::Placed, &open).is_ok());
    }

    #[test]
    fn hold_release_and_ship_refuse_with_the_reason() {
        assert!(may_hold(OrderStatus::Placed).is_ok());
        assert!(may_hold(OrderStatus::Released).is_ok());
        assert!(may_hold(OrderStatus::Held).is_err());
        assert!(may_hold(OrderStatus::Shipped).is_err());
        assert!(may_release_hold(OrderStatus::Held).is_ok());
        assert!(may_release_hold(OrderStatus::Placed).is_err());
        assert_eq!(
            status_after_hold(&[
                shipment(1, ShipmentStatus::Shipped, 0),
                shipment(2, ShipmentStatus::Open, 0)
            ]),
            OrderStatus::PartlyShipped
        );
        assert_eq!(status_after_hold(&[]), OrderStatus::Placed);
        assert!(may_release(OrderStatus::Placed).is_ok());
        assert!(may_release(OrderStatus::Held).unwrap_err().contains("hold"));
        let list = [
            shipment(1, ShipmentStatus::Open, 0),
            shipment(2, ShipmentStatus::Open, 3),
            shipment(3, ShipmentStatus::Shipped, 0),
        ];
        assert!(may_ship(OrderStatus::Released, &list, 1).is_ok());
        assert!(may_ship(OrderStatus::Placed, &list, 1)
            .unwrap_err()
            .contains("not released"));
        assert!(may_ship(OrderStatus::Held, &list, 1)
            .unwrap_err()
            .contains("hold"));
        assert!(may_ship(OrderStatus::Released, &list, 2)
            .unwrap_err()
            .contains("3 pieces"));
        assert!(may_ship(OrderStatus::PartlyShipped, &list, 3)
            .unwrap_err()
            .contains("already"));
        assert!(may_ship(OrderStatus::Released, &list, 9)
            .unwrap_err()
            .contains("no shipment 9"));
    }

    #[test]
    fn reasons_are_known_codes_or_labels() {
        assert_eq!(
            reason_code(CANCEL_REASONS, "Duplicate order"),
            Ok("duplicate")
        );
        assert_eq!(reason_code(HOLD_REASONS, "payment"), Ok("payment"));
        // A hold reason is not a cancel reason.
        assert!(reason_code(CANCEL_REASONS, "payment")
            .unwrap_err()
            .contains("customer_request"));
    }
}

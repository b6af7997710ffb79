-- Version 8: orders after the call (docs/design.md, "After the order").
--
-- orders.status moves placed -> held / released -> partly_shipped ->
-- shipped, or to cancelled; `version` goes up with every change, and a
-- change names the version it was based on (two operators changing one
-- order: the second is told what changed). `order_data` is the order as
-- the session holds it (JSON of domain::order::Order, for this part only;
-- never a card number or security code: the same JSON drafts keep), so a
-- change re-prices exactly what was placed.
ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN order_data TEXT;
-- The day whose promotions priced the order (the console's day at submit);
-- a change is priced under that day's rules. NULL: the date of placed_at.
ALTER TABLE orders ADD COLUMN priced_on TEXT;
CREATE INDEX orders_status ON orders(status, placed_at);
CREATE INDEX orders_placed_at ON orders(placed_at);

-- Each shipment is open, shipped (with when and tracking) or cancelled.
ALTER TABLE shipments ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'shipped', 'cancelled'));
ALTER TABLE shipments ADD COLUMN shipped_at TEXT;
ALTER TABLE shipments ADD COLUMN tracking TEXT NOT NULL DEFAULT '';

-- Which backorders wait for goods, first placed first: receipts walk this.
CREATE INDEX order_lines_item_waiting ON order_lines(item_id, order_id) WHERE qty_backordered > 0;

-- What happened to an order since it was placed: who, when, why, what.
-- `version` is the order's version after the event. Insert-only.
CREATE TABLE order_events (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    version      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    operator     TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('changed', 'cancelled', 'held', 'hold_released',
                     'released', 'received', 'shipped')),
    reason       TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL,
    total_before TEXT,
    total_after  TEXT
);
CREATE INDEX order_events_order ON order_events(order_id, id);

-- Money owed back to the customer after a change or cancellation of an
-- order paid by card: the payment back-end refunds it (as it authorizes).
CREATE TABLE refunds_owed (
    id        INTEGER PRIMARY KEY,
    order_id  INTEGER NOT NULL REFERENCES orders(id),
    amount    TEXT NOT NULL,
    currency  TEXT NOT NULL REFERENCES currencies(code),
    reason    TEXT NOT NULL,
    operator  TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX refunds_owed_order ON refunds_owed(order_id);

-- Version 5: how often a coupon may be used, each use on record, and a
-- limit of its own for waiving a shipping charge (docs/design.md,
-- sections 5 and 13).

-- A coupon is a single-use code (max_uses 1: what every coupon was before
-- version 5, and what a row that names no limit still is) or a multi-use
-- code: max_uses NULL (no limit) or N in all, max_uses_per_customer NULL
-- (no limit) or N per customer.
ALTER TABLE coupons ADD COLUMN max_uses INTEGER DEFAULT 1
    CHECK (max_uses IS NULL OR max_uses >= 1);
ALTER TABLE coupons ADD COLUMN max_uses_per_customer INTEGER
    CHECK (max_uses_per_customer IS NULL OR max_uses_per_customer >= 1);

-- Each use: the order that redeemed the coupon (the main order of a
-- submit: one use per submit), its customer and when.
CREATE TABLE coupon_redemptions (
    id          INTEGER PRIMARY KEY,
    coupon_id   INTEGER NOT NULL REFERENCES coupons(id),
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    redeemed_at TEXT NOT NULL,
    UNIQUE (coupon_id, order_id)
);
CREATE INDEX coupon_redemptions_customer ON coupon_redemptions(coupon_id, customer_id);

-- The one use a coupon could have had before is carried over; the columns
-- that held it go (nothing reads them any more).
INSERT INTO coupon_redemptions (coupon_id, order_id, customer_id, redeemed_at)
    SELECT c.id, c.redeemed_order_id, o.customer_id, COALESCE(c.redeemed_at, o.placed_at)
      FROM coupons c JOIN orders o ON o.id = c.redeemed_order_id;
ALTER TABLE coupons DROP COLUMN redeemed_order_id;
ALTER TABLE coupons DROP COLUMN redeemed_at;

-- Waiving a shipping charge (setting it to 0) is a permission of its own
-- (shipping_waiver); waiver_max is the largest charge it may waive, in
-- the currency (NULL: any charge). Rows that had the permission keep it
-- for any charge. The operator role gets a cap for when an admin grants it
-- the waiver (it has none by default): ordinary ground shipping, not
-- express.
ALTER TABLE role_limits ADD COLUMN waiver_max TEXT;
ALTER TABLE operator_limits ADD COLUMN waiver_max TEXT;
UPDATE role_limits SET waiver_max = CASE currency
        WHEN 'USD' THEN '15.00' WHEN 'EUR' THEN '15.00' WHEN 'GBP' THEN '12.00'
        WHEN 'CAD' THEN '20.00' WHEN 'JPY' THEN '2000' END
 WHERE role = 'operator' AND shipping_waiver = 0;

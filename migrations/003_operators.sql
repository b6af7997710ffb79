-- Version 3: operators, roles, limits per currency and supervisor approval
-- (docs/design.md, section 13).

-- Operators by the OS login name of their session. One not listed has the
-- operator role. `act_as`: whom this login may name with --operator
-- (empty: nobody else, '*': anyone, else names separated by commas).
-- `pin_hash` is an Argon2 hash; five wrong PINs in a row lock it until
-- `pin_locked_until`.
CREATE TABLE operators (
    login            TEXT PRIMARY KEY,
    role             TEXT NOT NULL DEFAULT 'operator'
                     CHECK (role IN ('operator', 'supervisor', 'admin')),
    name             TEXT NOT NULL DEFAULT '',
    enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    act_as           TEXT NOT NULL DEFAULT '',
    pin_hash         TEXT,
    pin_failures     INTEGER NOT NULL DEFAULT 0,
    pin_locked_until TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) WITHOUT ROWID;

-- Adjustment limits per role and currency: the most one adjustment may
-- change an amount by (in the currency: yen are yen), in percent of it,
-- whether a shipping charge may be set to zero, whether a price may go up.
CREATE TABLE role_limits (
    role            TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    amount_off      TEXT NOT NULL,
    percent_off     TEXT NOT NULL,
    shipping_waiver INTEGER NOT NULL CHECK (shipping_waiver IN (0, 1)),
    price_increase  INTEGER NOT NULL CHECK (price_increase IN (0, 1)),
    PRIMARY KEY (role, currency)
) WITHOUT ROWID;

INSERT INTO role_limits (role, currency, amount_off, percent_off, shipping_waiver, price_increase) VALUES
    ('operator',   'USD', '50.00',   '15', 0, 1),
    ('operator',   'EUR', '50.00',   '15', 0, 1),
    ('operator',   'GBP', '40.00',   '15', 0, 1),
    ('operator',   'CAD', '65.00',   '15', 0, 1),
    ('operator',   'JPY', '5000',    '15', 0, 1),
    ('supervisor', 'USD', '250.00',  '40', 1, 1),
    ('supervisor', 'EUR', '250.00',  '40', 1, 1),
    ('supervisor', 'GBP', '200.00',  '40', 1, 1),
    ('supervisor', 'CAD', '325.00',  '40', 1, 1),
    ('supervisor', 'JPY', '25000',   '40', 1, 1),
    ('admin',      'USD', '1000.00', '60', 1, 1),
    ('admin',      'EUR', '1000.00', '60', 1, 1),
    ('admin',      'GBP', '800.00',  '60', 1, 1),
    ('admin',      'CAD', '1300.00', '60', 1, 1),
    ('admin',      'JPY', '100000',  '60', 1, 1);

-- Before version 3 every operator without a row of their own had the
-- settings adjust.limit_amount / adjust.limit_percent, in whatever currency
-- the order was: they become the operator role's limits in the default
-- currency, and the settings go (nothing reads them any more).
UPDATE role_limits
   SET amount_off = (SELECT value FROM settings WHERE key = 'adjust.limit_amount'),
       percent_off = (SELECT value FROM settings WHERE key = 'adjust.limit_percent')
 WHERE role = 'operator'
   AND currency = COALESCE((SELECT value FROM settings WHERE key = 'default_currency'), 'USD')
   AND EXISTS (SELECT 1 FROM settings WHERE key = 'adjust.limit_amount')
   AND EXISTS (SELECT 1 FROM settings WHERE key = 'adjust.limit_percent');
DELETE FROM settings WHERE key IN ('adjust.limit_amount', 'adjust.limit_percent');

-- An operator's own limits, per currency: they replace the role's in that
-- currency. Rows of version 1 (one per operator, no currency) are kept for
-- the default currency.
ALTER TABLE operator_limits RENAME TO operator_limits_v1;
CREATE TABLE operator_limits (
    operator        TEXT NOT NULL,
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    amount_off      TEXT NOT NULL,
    percent_off     TEXT NOT NULL,
    shipping_waiver INTEGER NOT NULL CHECK (shipping_waiver IN (0, 1)),
    price_increase  INTEGER NOT NULL CHECK (price_increase IN (0, 1)),
    PRIMARY KEY (operator, currency)
) WITHOUT ROWID;
INSERT INTO operator_limits (operator, currency, amount_off, percent_off, shipping_waiver, price_increase)
    SELECT operator, COALESCE((SELECT value FROM settings WHERE key = 'default_currency'), 'USD'),
           limit_amount, limit_percent, 0, 1
      FROM operator_limits_v1;
DROP TABLE operator_limits_v1;

-- A supervisor's approval (name + PIN) of what was beyond an operator:
-- an adjustment over their limits, an order for a disabled customer, or
-- unlocking a customer's challenge. `operator` asked, `supervisor` approved.
CREATE TABLE approvals (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    supervisor  TEXT NOT NULL,
    action      TEXT NOT NULL
                CHECK (action IN ('adjustment', 'disabled_customer', 'challenge_unlock')),
    order_token TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX approvals_order_token ON approvals(order_token);

-- A placed adjustment names who approved it and when; an order placed for
-- a disabled customer names its approval.
ALTER TABLE adjustments ADD COLUMN approval_id INTEGER REFERENCES approvals(id);
ALTER TABLE adjustments ADD COLUMN approved_by TEXT;
ALTER TABLE adjustments ADD COLUMN approved_at TEXT;
ALTER TABLE orders ADD COLUMN approval_id INTEGER REFERENCES approvals(id);

-- A customer's stored payment locked by five wrong challenge answers
-- within an hour, until a supervisor unlocks it (the row goes). Every
-- attempt is in the audit (challenge.passed, .failed, .refused).
CREATE TABLE challenge_locks (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id),
    locked_at   TEXT NOT NULL,
    failures    INTEGER NOT NULL
);

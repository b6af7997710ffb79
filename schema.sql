-- orderdesk schema, version 1.
--
-- Applied by the migration runner in src/store/migrate.rs inside one
-- transaction; `PRAGMA user_version` records the version. Later versions are
-- new migration files, never edits to this one once it has shipped.
--
-- Conventions:
--   * Money is TEXT holding a decimal string ("12.50"), never REAL; its
--     currency is named beside it or by the row's owner.
--   * *_key columns hold search keys folded by domain::text::fold (lower case,
--     accents removed) or domain::text::digits (phones); they are what the
--     indexes and prefix queries use (docs/design.md, section 11).
--   * Dates are ISO 8601 TEXT: 'YYYY-MM-DD'; timestamps 'YYYY-MM-DDTHH:MM:SSZ'.
--   * Orders keep JSON snapshots of what they were placed with, so later edits
--     to customers, prices or promotions never change a placed order.

-- Key/value settings: default currency, operator adjustment limits, ...
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE currencies (
    code        TEXT PRIMARY KEY CHECK (length(code) = 3),
    minor_units INTEGER NOT NULL CHECK (minor_units BETWEEN 0 AND 4),
    name        TEXT NOT NULL
) WITHOUT ROWID;

-- Business entities a customer may belong to; pay on account checks their
-- credit limit and purchase-order requirement.
CREATE TABLE business_accounts (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    currency     TEXT NOT NULL REFERENCES currencies(code),
    credit_limit TEXT NOT NULL,
    po_required  INTEGER NOT NULL DEFAULT 0 CHECK (po_required IN (0, 1))
);
CREATE INDEX business_accounts_name_key ON business_accounts(name_key);

-- Registered customers and guests (guests have no logon, no password).
CREATE TABLE customers (
    id                    INTEGER PRIMARY KEY,
    logon_id              TEXT UNIQUE,
    logon_key             TEXT,
    password_hash         TEXT,
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL,
    first_key             TEXT NOT NULL,
    last_key              TEXT NOT NULL,
    challenge_question    TEXT,
    challenge_answer_hash TEXT,
    currency              TEXT NOT NULL REFERENCES currencies(code),
    language              TEXT NOT NULL DEFAULT 'en',
    phone                 TEXT NOT NULL DEFAULT '',
    phone_key             TEXT NOT NULL DEFAULT '',  -- all digits, e.g. 15551234567
    phone_national_key    TEXT NOT NULL DEFAULT '',  -- without country code, e.g. 5551234567
    email                 TEXT NOT NULL DEFAULT '',
    email_key             TEXT NOT NULL DEFAULT '',
    postal_key            TEXT NOT NULL DEFAULT '',  -- of the default shipping address
    account_id            INTEGER REFERENCES business_accounts(id),
    is_guest              INTEGER NOT NULL DEFAULT 0 CHECK (is_guest IN (0, 1)),
    enabled               INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    last_order_at         TEXT,
    CHECK (is_guest = 1 OR (logon_id IS NOT NULL AND password_hash IS NOT NULL))
);
-- The search indexes (store/customers.rs): one per search field, each
-- leading with its key and carrying every other search key, so a search on
-- several fields checks them all inside one index and reads from the table
-- only the rows it shows. Each index's column order is also its result order.
CREATE INDEX customers_last_key ON customers(last_key, first_key, logon_key, email_key, postal_key,
    phone_key, phone_national_key, account_id);
CREATE INDEX customers_first_key ON customers(first_key, last_key, logon_key, email_key, postal_key,
    phone_key, phone_national_key, account_id);
CREATE INDEX customers_logon_key ON customers(logon_key, last_key, first_key, email_key, postal_key,
    phone_key, phone_national_key, account_id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_email_key ON customers(email_key, last_key, first_key, logon_key, postal_key,
    phone_key, phone_national_key, account_id);
CREATE INDEX customers_postal_key ON customers(postal_key, last_key, first_key, logon_key, email_key,
    phone_key, phone_national_key, account_id);
CREATE INDEX customers_phone_key ON customers(phone_key, last_key, first_key, logon_key, email_key,
    postal_key, phone_national_key, account_id);
CREATE INDEX customers_phone_national_key ON customers(phone_national_key, last_key, first_key, logon_key,
    email_key, postal_key, phone_key, account_id);
CREATE INDEX customers_account ON customers(account_id, last_key, first_key, logon_key, email_key,
    postal_key, phone_key, phone_national_key) WHERE account_id IS NOT NULL;
CREATE INDEX customers_last_order ON customers(last_order_at) WHERE last_order_at IS NOT NULL;

-- The address book: nicknames, one default shipping and one default billing.
CREATE TABLE addresses (
    id                  INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    nickname            TEXT NOT NULL,
    first_name          TEXT NOT NULL,
    last_name           TEXT NOT NULL,
    line1               TEXT NOT NULL,
    line2               TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL,
    region              TEXT NOT NULL DEFAULT '',
    postal_code         TEXT NOT NULL,
    country             TEXT NOT NULL CHECK (length(country) = 2),
    phone               TEXT NOT NULL DEFAULT '',
    is_default_shipping INTEGER NOT NULL DEFAULT 0 CHECK (is_default_shipping IN (0, 1)),
    is_default_billing  INTEGER NOT NULL DEFAULT 0 CHECK (is_default_billing IN (0, 1)),
    UNIQUE (customer_id, nickname)
);
CREATE INDEX addresses_customer ON addresses(customer_id);
-- The city and postal code customer search shows, without reading the address.
CREATE INDEX addresses_default_shipping ON addresses(customer_id, city, postal_code)
    WHERE is_default_shipping = 1;

-- Optional demographics, each from a fixed list (see domain::customer).
CREATE TABLE demographics (
    customer_id    INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    gender         TEXT,
    age_range      TEXT,
    income_range   TEXT,
    marital_status TEXT,
    children       TEXT,
    household_size TEXT,
    education      TEXT,
    occupation     TEXT
);

-- Stored payment methods: only what may ever be stored of a card.
CREATE TABLE payment_methods (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('card')),
    brand       TEXT NOT NULL,
    last4       TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month   INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year    INTEGER NOT NULL,
    token       TEXT NOT NULL,  -- the payment back-end's reference, not a card number
    is_default  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payment_methods_customer ON payment_methods(customer_id);

-- Catalog ---------------------------------------------------------------

CREATE TABLE categories (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES categories(id),
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    sort      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX categories_parent ON categories(parent_id);

CREATE TABLE items (
    id           INTEGER PRIMARY KEY,
    sku          TEXT NOT NULL UNIQUE,
    sku_key      TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    category_id  INTEGER NOT NULL REFERENCES categories(id),
    weight_grams INTEGER NOT NULL CHECK (weight_grams >= 0),
    taxable      INTEGER NOT NULL DEFAULT 1 CHECK (taxable IN (0, 1)),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX items_sku_key ON items(sku_key);
CREATE INDEX items_name_key ON items(name_key);
CREATE INDEX items_category ON items(category_id, name_key);

-- Words inside names and descriptions (external content: kept in step with
-- items by the triggers below).
-- prefix: also indexes every word's first 2 and 3 letters, so a search for
-- a word still being typed ("co", "cot") reads one list instead of merging
-- those of every word that starts so.
CREATE VIRTUAL TABLE items_fts USING fts5(
    name, description, content = 'items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts(rowid, name, description) VALUES (new.id, new.name, new.description);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, name, description)
        VALUES ('delete', old.id, old.name, old.description);
END;
CREATE TRIGGER items_fts_update AFTER UPDATE OF name, description ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, name, description)
        VALUES ('delete', old.id, old.name, old.description);
    INSERT INTO items_fts(rowid, name, description) VALUES (new.id, new.name, new.description);
END;

-- One price list per currency.
CREATE TABLE price_lists (
    id       INTEGER PRIMARY KEY,
    currency TEXT NOT NULL UNIQUE REFERENCES currencies(code),
    name     TEXT NOT NULL
);
CREATE TABLE prices (
    price_list_id INTEGER NOT NULL REFERENCES price_lists(id),
    item_id       INTEGER NOT NULL REFERENCES items(id),
    amount        TEXT NOT NULL,
    PRIMARY KEY (price_list_id, item_id)
) WITHOUT ROWID;

-- Inventory ---------------------------------------------------------------

-- available = on_hand - reserved; the CHECK makes overselling impossible
-- even for a writer that forgot to look.
CREATE TABLE inventory (
    item_id  INTEGER PRIMARY KEY REFERENCES items(id),
    on_hand  INTEGER NOT NULL CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand)
);

CREATE TABLE expected_receipts (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES items(id),
    due_date TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0)
);
CREATE INDEX expected_receipts_item ON expected_receipts(item_id, due_date);

-- Promotions and coupons ---------------------------------------------------

-- kind: item_percent, item_amount, item_fixed_price, buy_n_get_m,
--       order_percent, order_amount, free_shipping.
-- params: JSON, e.g. {"percent":"10"}, {"amount":{"USD":"5.00","JPY":"700"}},
--         {"n":2,"m":1}, {"threshold":{"USD":"100.00"}}.
CREATE TABLE promotions (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('item_percent', 'item_amount', 'item_fixed_price',
                    'buy_n_get_m', 'order_percent', 'order_amount', 'free_shipping')),
    item_id     INTEGER REFERENCES items(id),
    category_id INTEGER REFERENCES categories(id),
    params      TEXT NOT NULL DEFAULT '{}',
    combinable  INTEGER NOT NULL DEFAULT 1 CHECK (combinable IN (0, 1)),
    automatic   INTEGER NOT NULL DEFAULT 1 CHECK (automatic IN (0, 1)),
    starts_on   TEXT,
    ends_on     TEXT,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE coupons (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    code_key          TEXT NOT NULL UNIQUE,
    promotion_id      INTEGER NOT NULL REFERENCES promotions(id),
    customer_id       INTEGER REFERENCES customers(id),
    starts_on         TEXT,
    ends_on           TEXT,
    min_spend         TEXT,
    min_spend_currency TEXT REFERENCES currencies(code),
    redeemed_order_id INTEGER REFERENCES orders(id),
    redeemed_at       TEXT
);
CREATE INDEX coupons_customer ON coupons(customer_id) WHERE customer_id IS NOT NULL;

-- Shipping and tax ---------------------------------------------------------

CREATE TABLE shipping_methods (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    transit_days INTEGER NOT NULL CHECK (transit_days >= 0),
    sort         INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1
);
-- Charge = base + per_item * items + per_kg * weight (kg), per currency.
CREATE TABLE shipping_rates (
    method_id INTEGER NOT NULL REFERENCES shipping_methods(id),
    currency  TEXT NOT NULL REFERENCES currencies(code),
    base      TEXT NOT NULL,
    per_item  TEXT NOT NULL DEFAULT '0',
    per_kg    TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (method_id, currency)
) WITHOUT ROWID;
-- Which countries (and optionally regions; '' = whole country) a method covers.
CREATE TABLE shipping_method_regions (
    method_id INTEGER NOT NULL REFERENCES shipping_methods(id),
    country   TEXT NOT NULL,
    region    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (method_id, country, region)
) WITHOUT ROWID;

-- Tax rate by ship-to region; region '' is the country-wide rate.
CREATE TABLE tax_regions (
    id             INTEGER PRIMARY KEY,
    country        TEXT NOT NULL,
    region         TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL,
    rate           TEXT NOT NULL,  -- a fraction: '0.0825'
    taxes_shipping INTEGER NOT NULL DEFAULT 0 CHECK (taxes_shipping IN (0, 1)),
    UNIQUE (country, region)
);

-- Reason codes for operator adjustments.
CREATE TABLE reason_codes (
    code    TEXT PRIMARY KEY,
    label   TEXT NOT NULL
) WITHOUT ROWID;

-- Per-operator adjustment limits; operators without a row use the settings
-- adjust.limit_amount / adjust.limit_percent.
CREATE TABLE operator_limits (
    operator      TEXT PRIMARY KEY,
    limit_amount  TEXT NOT NULL,
    limit_percent TEXT NOT NULL
) WITHOUT ROWID;

-- Orders --------------------------------------------------------------------

-- The order number sequence: one row, advanced inside the submit transaction.
CREATE TABLE order_number_sequence (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    next_no INTEGER NOT NULL
);
INSERT INTO order_number_sequence (id, next_no) VALUES (1, 100001);

CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,
    order_no          INTEGER NOT NULL UNIQUE,
    -- The draft's token: a second submit of the same draft finds this order.
    submit_token      TEXT NOT NULL,
    part              INTEGER NOT NULL DEFAULT 1,  -- 2 = the separate backorder order
    parent_order_id   INTEGER REFERENCES orders(id),
    customer_id       INTEGER REFERENCES customers(id),
    customer_snapshot TEXT NOT NULL,  -- JSON: name, logon, contact, account
    currency          TEXT NOT NULL REFERENCES currencies(code),
    status            TEXT NOT NULL DEFAULT 'placed',
    backorder_choice  TEXT NOT NULL CHECK (backorder_choice IN ('ship_complete', 'ship_available', 'drop_backorders')),
    billing_address   TEXT NOT NULL,  -- JSON snapshot
    merchandise_total TEXT NOT NULL,
    discount_total    TEXT NOT NULL,
    shipping_total    TEXT NOT NULL,
    tax_total         TEXT NOT NULL,
    grand_total       TEXT NOT NULL,
    breakdown         TEXT NOT NULL,  -- JSON: the pricing breakdown as reviewed
    comment_customer  TEXT NOT NULL DEFAULT '',
    comment_warehouse TEXT NOT NULL DEFAULT '',
    operator          TEXT NOT NULL,
    placed_at         TEXT NOT NULL,
    UNIQUE (submit_token, part)
);
CREATE INDEX orders_customer ON orders(customer_id, placed_at);

CREATE TABLE order_ship_tos (
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    ship_to_no  INTEGER NOT NULL,
    address     TEXT NOT NULL,  -- JSON snapshot
    method_code TEXT NOT NULL,
    method_name TEXT NOT NULL,
    PRIMARY KEY (order_id, ship_to_no)
) WITHOUT ROWID;

CREATE TABLE order_lines (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    line_no         INTEGER NOT NULL,
    item_id         INTEGER NOT NULL REFERENCES items(id),
    sku             TEXT NOT NULL,
    name            TEXT NOT NULL,
    ship_to_no      INTEGER NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    qty_now         INTEGER NOT NULL CHECK (qty_now >= 0),
    qty_backordered INTEGER NOT NULL CHECK (qty_backordered >= 0),
    backorder_due   TEXT,  -- NULL: date unknown (or nothing backordered)
    unit_price      TEXT NOT NULL,  -- as charged, after any operator override
    list_price      TEXT NOT NULL,  -- the price list's price when placed
    discount        TEXT NOT NULL DEFAULT '0',
    line_total      TEXT NOT NULL,
    tax             TEXT NOT NULL DEFAULT '0',
    CHECK (qty_now + qty_backordered = quantity),
    UNIQUE (order_id, line_no)
);
CREATE INDEX order_lines_item_backorder ON order_lines(item_id) WHERE qty_backordered > 0;

CREATE TABLE shipments (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    shipment_no INTEGER NOT NULL,
    ship_to_no  INTEGER NOT NULL,
    method_code TEXT NOT NULL,
    ship_date   TEXT,  -- NULL: date unknown
    charge      TEXT NOT NULL,  -- as charged, after any override
    computed_charge TEXT NOT NULL,
    UNIQUE (order_id, shipment_no)
);

CREATE TABLE shipment_lines (
    shipment_id   INTEGER NOT NULL REFERENCES shipments(id),
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shipment_id, order_line_id)
) WITHOUT ROWID;

-- Promotions and coupons as applied (snapshot of name and amount).
CREATE TABLE order_discounts (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    promotion_id INTEGER REFERENCES promotions(id),
    coupon_id    INTEGER REFERENCES coupons(id),
    name         TEXT NOT NULL,
    amount       TEXT NOT NULL
);

-- Operator adjustments: kind price_override, shipping_override, subtotal, ...
CREATE TABLE adjustments (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    kind        TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',  -- line no., shipment no., ...
    amount      TEXT NOT NULL,
    reason_code TEXT NOT NULL REFERENCES reason_codes(code),
    operator    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- The payment instruction; never a full card number or security code.
CREATE TABLE payments (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders(id),
    method     TEXT NOT NULL CHECK (method IN ('card', 'account', 'cod')),
    brand      TEXT,
    last4      TEXT,
    exp_month  INTEGER,
    exp_year   INTEGER,
    account_id INTEGER REFERENCES business_accounts(id),
    po_number  TEXT,
    amount     TEXT NOT NULL,
    summary    TEXT NOT NULL  -- what the operator read back: "VISA ending 1111, exp 12/28"
);

-- Work in progress and the trail -----------------------------------------------

-- The order being taken, saved on every change (JSON of domain::order::Order).
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    operator   TEXT NOT NULL,
    data       TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX drafts_operator ON drafts(operator, updated_at);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    operator TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_subject ON audit(subject, at);

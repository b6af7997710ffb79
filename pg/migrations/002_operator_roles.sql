-- orderdesk on PostgreSQL, version 2: operators are database roles and the
-- database itself holds them to their rules (docs/design.md, "PostgreSQL
-- backend"). Applied by src/store/db/pg_migrate.rs as the schema's owner.
--
-- * Three group roles, NOLOGIN, cluster-wide (made once, whichever database
--   migrates first): orderdesk_operator, orderdesk_supervisor,
--   orderdesk_admin. Each person logs in with a role of their own, a member
--   of one group: orderdesk_grant_operator('jdoe', 'operator') makes it.
-- * The mapping: a login role's name is the operator's `operators.login`.
--   Limits follow `operators.role` and `operator_limits`, exactly as the
--   program reads them (store/operators.rs, limits_in); the group decides
--   what the login may write.
-- * Grants: operators and supervisors read everything and write what taking
--   and servicing an order writes; settings, operators, limits, the catalog,
--   prices, promotions, coupons, shipping and tax are the admin's.
--   Adjustments are INSERT and DELETE (an order change rewrites them),
--   never UPDATE; audit, approvals and order_events are insert-only.
-- * Triggers, checked at commit (the rows of an order are written in
--   several statements): an adjustment within the limits of whoever made it
--   or of the supervisor whose approval it carries; an order line charged
--   other than its list price only with its price override; a shipment
--   charged other than computed only with its override or free shipping.
-- * The schema's owner and superusers (migrations, demo data, a copy from
--   SQLite) are not measured: they own the tables and could drop the
--   triggers anyway.
--
-- A later migration that adds a table grants it here too: the groups get
-- nothing by default.

-- The groups, cluster-wide: another database of the cluster may be making
-- them at this very moment.
DO $$
DECLARE
    g text;
BEGIN
    FOREACH g IN ARRAY ARRAY['orderdesk_operator', 'orderdesk_supervisor', 'orderdesk_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', g);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
    -- Before PostgreSQL 15 anyone could create objects in the schema, and
    -- so shadow a table or function the triggers use.
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', current_schema());
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO orderdesk_operator, orderdesk_supervisor, orderdesk_admin',
        current_schema());
END;
$$;

-- Reading: everyone reads every table (the console shows limits, checks
-- PINs and approvals, prices orders).
GRANT SELECT ON
    schema_version, settings, currencies, business_accounts, customers, addresses,
    demographics, payment_methods, categories, items, catalog_version, price_lists,
    prices, inventory, expected_receipts, promotions, coupons, shipping_methods,
    shipping_rates, shipping_method_regions, tax_regions, reason_codes, operators,
    role_limits, operator_limits, approvals, challenge_locks, order_number_sequence,
    orders, order_ship_tos, order_lines, shipments, shipment_lines, order_discounts,
    adjustments, payments, coupon_redemptions, order_events, refunds_owed, drafts, audit
    TO orderdesk_operator, orderdesk_supervisor;

-- Taking and servicing orders. A supervisor's extra power is approving
-- (an `approvals` row measured against their own, wider limits), so both
-- groups write the same tables.
GRANT INSERT, UPDATE ON customers, payments TO orderdesk_operator, orderdesk_supervisor;
GRANT INSERT, UPDATE, DELETE ON addresses, demographics, payment_methods, challenge_locks,
    coupon_redemptions, drafts, order_lines, shipments
    TO orderdesk_operator, orderdesk_supervisor;
GRANT INSERT, DELETE ON order_ship_tos, shipment_lines, order_discounts, adjustments
    TO orderdesk_operator, orderdesk_supervisor;
GRANT INSERT, UPDATE ON orders TO orderdesk_operator, orderdesk_supervisor;
GRANT UPDATE ON order_number_sequence TO orderdesk_operator, orderdesk_supervisor;
-- Reserving stock; receiving it (on_hand) is the warehouse's, for now the admin's.
GRANT UPDATE (reserved) ON inventory TO orderdesk_operator, orderdesk_supervisor;
-- A supervisor's PIN is checked on the console where it is typed: the
-- wrong tries count there.
GRANT UPDATE (pin_failures, pin_locked_until) ON operators TO orderdesk_operator, orderdesk_supervisor;
-- Insert-only: the trail.
GRANT INSERT ON audit, approvals, order_events, refunds_owed TO orderdesk_operator, orderdesk_supervisor;

-- The admin: everything in the schema, the limits and the operators too.
GRANT SELECT, INSERT, UPDATE, DELETE ON
    settings, currencies, business_accounts, customers, addresses,
    demographics, payment_methods, categories, items, catalog_version, price_lists,
    prices, inventory, expected_receipts, promotions, coupons, shipping_methods,
    shipping_rates, shipping_method_regions, tax_regions, reason_codes, operators,
    role_limits, operator_limits, approvals, challenge_locks, order_number_sequence,
    orders, order_ship_tos, order_lines, shipments, shipment_lines, order_discounts,
    adjustments, payments, coupon_redemptions, order_events, refunds_owed, drafts, audit
    TO orderdesk_admin;
GRANT SELECT ON schema_version TO orderdesk_admin;

-- Who is measured ------------------------------------------------------------

-- The operator login of the connected role (current_user: its name is the
-- login), or NULL for the schema's owner and superusers, who are not
-- measured.
CREATE FUNCTION orderdesk_login() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN pg_has_role(current_user, c.relowner, 'USAGE') THEN NULL
                ELSE current_user::text END
      FROM pg_class c WHERE c.oid = 'adjustments'::regclass
$$;

-- Whether `login` may act as `other` (operators.act_as: '*' or a
-- comma-separated list), as domain/operator.rs may_act_as reads it.
CREATE FUNCTION orderdesk_may_act_as(login text, other text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(bool_or(a = '*' OR (a <> '' AND a = other)), false)
      FROM operators o, unnest(string_to_array(o.act_as, ',')) AS x(raw),
           LATERAL (SELECT btrim(x.raw) AS a) t
     WHERE o.login = $1
$$;

-- Limits ------------------------------------------------------------------

CREATE TYPE orderdesk_limits AS (
    amount     numeric,
    percent    numeric,
    waiver     boolean,
    increase   boolean,
    waiver_max numeric
);

-- `login`'s limits in `cur`, as store/operators.rs limits_in reads them:
-- their own row, else their role's (the operator role when they are not in
-- the table); nothing at all when they are disabled or no row says.
CREATE FUNCTION orderdesk_limits_of(login text, cur text) RETURNS orderdesk_limits
LANGUAGE plpgsql STABLE AS $$
DECLARE
    nothing orderdesk_limits := ROW(0, 0, false, false, NULL)::orderdesk_limits;
    l orderdesk_limits;
    op_role text;
    op_enabled bigint;
BEGIN
    SELECT o.role, o.enabled INTO op_role, op_enabled FROM operators o WHERE o.login = $1;
    IF op_enabled = 0 THEN
        RETURN nothing;
    END IF;
    SELECT m.amount_off::numeric, m.percent_off::numeric, m.shipping_waiver = 1,
           m.price_increase = 1, m.waiver_max::numeric
      INTO l FROM operator_limits m WHERE m.operator = $1 AND m.currency = cur;
    IF FOUND THEN
        RETURN l;
    END IF;
    SELECT r.amount_off::numeric, r.percent_off::numeric, r.shipping_waiver = 1,
           r.price_increase = 1, r.waiver_max::numeric
      INTO l FROM role_limits r WHERE r.role = coalesce(op_role, 'operator') AND r.currency = cur;
    IF FOUND THEN
        RETURN l;
    END IF;
    RETURN nothing;
END;
$$;

-- Why changing `base` by `change` (positive takes off, negative raises) is
-- beyond `l`, in the program's words (domain/rules.rs within_limits and
-- domain/adjustment.rs check_adjustment_limit); NULL when it is within.
-- `waiver`: the change sets a shipping charge to zero.
CREATE FUNCTION orderdesk_beyond(l orderdesk_limits, change numeric, base numeric, waiver boolean)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    c numeric := abs(change);
    what text := CASE WHEN change > 0 THEN 'off' ELSE 'more' END;
    of_ text := CASE WHEN change > 0 THEN 'off' ELSE 'more than' END;
BEGIN
    IF change = 0 THEN
        RETURN NULL;
    END IF;
    IF waiver THEN
        IF NOT l.waiver THEN
            RETURN format('waiving shipping of %s needs the shipping-waiver permission', base);
        END IF;
        IF l.waiver_max IS NOT NULL AND base > l.waiver_max THEN
            RETURN format('waiving %s is over your shipping-waiver limit of %s', base, l.waiver_max);
        END IF;
        RETURN NULL;
    END IF;
    IF change < 0 AND NOT l.increase THEN
        RETURN format('%s more: raising a price is beyond your limits', c);
    END IF;
    IF c > l.amount THEN
        RETURN format('%s %s is over your adjustment limit of %s', c, what, l.amount);
    END IF;
    IF base <= 0 THEN
        RETURN format('%s %s a zero amount is over your adjustment limit of %s%%', c, of_, l.percent);
    END IF;
    IF c * 100 > base * l.percent THEN
        RETURN format('%s %s %s is %s%%, over your adjustment limit of %s%%',
            c, of_, base, trim_scale(round(c * 100 / base, 2)), l.percent);
    END IF;
    RETURN NULL;
END;
$$;

-- Adjustments carried over by an order change ------------------------------

-- A change rewrites an order's adjustments (delete, then insert), those
-- other operators made too, each still measured against its maker's
-- limits. What was deleted in this transaction is noted in a temporary
-- table of this session, written only by its owner (the schema's owner),
-- so a re-inserted row may keep its maker. A table the session made
-- itself under that name is refused.
CREATE FUNCTION orderdesk_removed_table() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    IF to_regclass('pg_temp.orderdesk_adjustments_removed') IS NULL THEN
        CREATE TEMPORARY TABLE orderdesk_adjustments_removed (
            order_id    bigint NOT NULL,
            kind        text NOT NULL,
            operator    text NOT NULL,
            created_at  text NOT NULL,
            approval_id bigint
        ) ON COMMIT DELETE ROWS;
    END IF;
    IF (SELECT relowner FROM pg_class WHERE oid = 'pg_temp.orderdesk_adjustments_removed'::regclass)
       <> (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'orderdesk: pg_temp.orderdesk_adjustments_removed was not made by orderdesk'
            USING ERRCODE = '42501';
    END IF;
END;
$$;

CREATE FUNCTION orderdesk_adjustment_removed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    PERFORM orderdesk_removed_table();
    INSERT INTO pg_temp.orderdesk_adjustments_removed (order_id, kind, operator, created_at, approval_id)
    VALUES (OLD.order_id, OLD.kind, OLD.operator, OLD.created_at, OLD.approval_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER adjustments_removed AFTER DELETE ON adjustments
    FOR EACH ROW EXECUTE FUNCTION orderdesk_adjustment_removed();

-- Whether adjustment `a`, in someone else's name, was on its order before
-- this transaction deleted it (the target may move: a change that drops a
-- line renumbers the lines after it).
CREATE FUNCTION orderdesk_was_removed(a adjustments) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    IF to_regclass('pg_temp.orderdesk_adjustments_removed') IS NULL THEN
        RETURN false;
    END IF;
    PERFORM orderdesk_removed_table();
    RETURN EXISTS (
        SELECT 1 FROM pg_temp.orderdesk_adjustments_removed r
         WHERE r.order_id = a.order_id AND r.kind = a.kind AND r.operator = a.operator
           AND r.created_at = a.created_at AND r.approval_id IS NOT DISTINCT FROM a.approval_id);
END;
$$;

-- The checks ------------------------------------------------------------------

-- Refuses `why` about order `o` in the program's words: "your" limit
-- becomes the approving supervisor's.
CREATE FUNCTION orderdesk_refuse(o orders, what text, why text, supervisor text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF supervisor IS NOT NULL THEN
        why := replace(why, 'your ', supervisor || '''s ');
    END IF;
    RAISE EXCEPTION 'orderdesk: order %, %: %', o.order_no, what, why USING ERRCODE = '42501';
END;
$$;

-- What an adjustment is on, for messages: "line 2", "shipment 1", "subtotal".
CREATE FUNCTION orderdesk_what(a adjustments) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE a.kind WHEN 'price_override' THEN 'line ' || a.target
                       WHEN 'shipping_override' THEN 'shipment ' || a.target
                       ELSE a.kind END
$$;

-- Whether adjustment `a` is within the limits of its maker or of the
-- supervisor whose approval it carries, the approval holding as the program
-- holds it (store/operators.rs approval_state_in); refused otherwise. It is
-- measured against the order's rows as written: a price override against
-- its line's list price times quantity, a shipping override against the
-- charge before it, amounts off the subtotal together, over the orders of
-- one submit, with the limits of the latest.
CREATE FUNCTION orderdesk_measure(a adjustments) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    o orders;
    ap approvals;
    sup operators;
    lim orderdesk_limits;
    by_ text;
    minor int;
    list_amount numeric;
    charged numeric;
    was numeric;
    total_off numeric;
    base numeric;
    what text;
    why text;
BEGIN
    SELECT * INTO o FROM orders WHERE id = a.order_id;
    SELECT minor_units INTO minor FROM currencies WHERE code = o.currency;
    what := orderdesk_what(a);
    lim := orderdesk_limits_of(a.operator, o.currency);
    IF a.approval_id IS NOT NULL THEN
        SELECT * INTO ap FROM approvals WHERE id = a.approval_id;
        IF NOT FOUND THEN
            PERFORM orderdesk_refuse(o, what, format('approval %s is not on file', a.approval_id), NULL);
        END IF;
        IF ap.operator <> a.operator THEN
            PERFORM orderdesk_refuse(o, what, format('approval %s was given to %s', ap.id, ap.operator), NULL);
        END IF;
        IF ap.action <> 'adjustment' OR ap.order_token <> o.submit_token
           OR ap.subject <> 'order:' || o.submit_token THEN
            PERFORM orderdesk_refuse(o, what, format('approval %s was given for something else', ap.id), NULL);
        END IF;
        SELECT * INTO sup FROM operators WHERE login = ap.supervisor;
        IF NOT FOUND OR sup.enabled = 0 OR sup.role NOT IN ('supervisor', 'admin') THEN
            PERFORM orderdesk_refuse(o, what,
                format('%s''s approval no longer holds: not an enabled supervisor', ap.supervisor), NULL);
        END IF;
        lim := orderdesk_limits_of(ap.supervisor, o.currency);
        by_ := ap.supervisor;
    END IF;
    IF a.kind = 'price_override' THEN
        SELECT round(l.list_price::numeric * l.quantity, minor), round(l.unit_price::numeric * l.quantity, minor)
          INTO list_amount, charged
          FROM order_lines l WHERE l.order_id = a.order_id AND l.line_no::text = a.target;
        IF NOT FOUND THEN
            PERFORM orderdesk_refuse(o, what, 'there is no such line', NULL);
        END IF;
        why := orderdesk_beyond(lim, list_amount - charged, list_amount, false);
    ELSIF a.kind = 'shipping_override' THEN
        SELECT s.charge::numeric, s.computed_charge::numeric INTO charged, base
          FROM shipments s WHERE s.order_id = a.order_id AND s.shipment_no::text = a.target;
        IF NOT FOUND THEN
            PERFORM orderdesk_refuse(o, what, 'there is no such shipment', NULL);
        END IF;
        -- amount = the charge before (computed, or zero when free shipping
        -- took it) - the charge set.
        was := a.amount::numeric + charged;
        IF was <> base AND was <> 0 THEN
            PERFORM orderdesk_refuse(o, what,
                format('%s off a charge of %s does not come from %s', a.amount, charged, base), NULL);
        END IF;
        why := orderdesk_beyond(lim, was - charged, was, charged = 0 AND was > 0);
    ELSIF a.kind = 'subtotal' THEN
        -- The latest amount off of the submit decides, for all of them.
        IF EXISTS (SELECT 1 FROM adjustments x JOIN orders p ON p.id = x.order_id
                    WHERE p.submit_token = o.submit_token AND x.kind = 'subtotal' AND x.id > a.id) THEN
            RETURN;
        END IF;
        SELECT coalesce(sum(x.amount::numeric), 0) INTO total_off
          FROM adjustments x JOIN orders p ON p.id = x.order_id
         WHERE p.submit_token = o.submit_token AND x.kind = 'subtotal';
        -- The subtotal before amounts off, from the rows that make it (not
        -- the order's totals, which an operator writes): the lines at the
        -- prices charged, less the promotions' discounts (free shipping is
        -- off the shipping).
        SELECT coalesce(sum(round(l.unit_price::numeric * l.quantity, minor)), 0) INTO base
          FROM order_lines l JOIN orders p ON p.id = l.order_id
         WHERE p.submit_token = o.submit_token;
        base := base - (SELECT coalesce(sum(d.amount::numeric), 0)
                          FROM order_discounts d JOIN orders p ON p.id = d.order_id
                          LEFT JOIN promotions m ON m.id = d.promotion_id
                         WHERE p.submit_token = o.submit_token
                           AND m.kind IS DISTINCT FROM 'free_shipping');
        IF total_off > base THEN
            PERFORM orderdesk_refuse(o, what,
                format('%s off the subtotal is more than the subtotal, %s', total_off, base), NULL);
        END IF;
        why := orderdesk_beyond(lim, total_off, base, false);
    ELSE
        PERFORM orderdesk_refuse(o, what, format('%s is not a kind of adjustment', a.kind), NULL);
    END IF;
    IF why IS NOT NULL THEN
        PERFORM orderdesk_refuse(o, what, why, by_);
    END IF;
END;
$$;

-- An adjustment, at commit: made in the connected operator's name (or one
-- they may act as, or carried over by a change), and measured.
CREATE FUNCTION orderdesk_check_adjustment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    me text := orderdesk_login();
    a adjustments;
    o orders;
BEGIN
    IF me IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT * INTO a FROM adjustments WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL; -- deleted again before commit
    END IF;
    IF a.operator <> me AND NOT orderdesk_may_act_as(me, a.operator) AND NOT orderdesk_was_removed(a) THEN
        SELECT * INTO o FROM orders WHERE id = a.order_id;
        PERFORM orderdesk_refuse(o, orderdesk_what(a), format('%s may not make an adjustment in %s''s name', me, a.operator), NULL);
    END IF;
    PERFORM orderdesk_measure(a);
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER adjustments_within_limits AFTER INSERT ON adjustments
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orderdesk_check_adjustment();

-- A line charged other than its list price, at commit: only with its price
-- override, measured again (a quantity changed changes what it gives).
CREATE FUNCTION orderdesk_check_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    l order_lines;
    o orders;
    a adjustments;
    overridden boolean := false;
BEGIN
    IF orderdesk_login() IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT * INTO l FROM order_lines WHERE id = NEW.id;
    IF NOT FOUND OR l.unit_price::numeric = l.list_price::numeric THEN
        RETURN NULL;
    END IF;
    FOR a IN SELECT * FROM adjustments x WHERE x.order_id = l.order_id
                AND x.kind = 'price_override' AND x.target = l.line_no::text LOOP
        PERFORM orderdesk_measure(a);
        overridden := true;
    END LOOP;
    IF NOT overridden THEN
        SELECT * INTO o FROM orders WHERE id = l.order_id;
        PERFORM orderdesk_refuse(o, 'line ' || l.line_no,
            format('charged %s instead of %s without a price override', l.unit_price, l.list_price), NULL);
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER order_lines_list_price
    AFTER INSERT OR UPDATE OF unit_price, list_price, quantity ON order_lines
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orderdesk_check_line();

-- A shipment charged other than computed, at commit: only with its shipping
-- override (measured again), or free of charge by a free-shipping
-- promotion on the order.
CREATE FUNCTION orderdesk_check_shipment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s shipments;
    o orders;
    a adjustments;
    overridden boolean := false;
BEGIN
    IF orderdesk_login() IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT * INTO s FROM shipments WHERE id = NEW.id;
    IF NOT FOUND OR s.charge::numeric = s.computed_charge::numeric THEN
        RETURN NULL;
    END IF;
    FOR a IN SELECT * FROM adjustments x WHERE x.order_id = s.order_id
                AND x.kind = 'shipping_override' AND x.target = s.shipment_no::text LOOP
        PERFORM orderdesk_measure(a);
        overridden := true;
    END LOOP;
    IF overridden THEN
        RETURN NULL;
    END IF;
    IF s.charge::numeric = 0 AND EXISTS (
           SELECT 1 FROM order_discounts d JOIN promotions p ON p.id = d.promotion_id
            WHERE d.order_id = s.order_id AND p.kind = 'free_shipping') THEN
        RETURN NULL;
    END IF;
    SELECT * INTO o FROM orders WHERE id = s.order_id;
    PERFORM orderdesk_refuse(o, 'shipment ' || s.shipment_no,
        format('charged %s instead of %s without a shipping override', s.charge, s.computed_charge), NULL);
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER shipments_computed_charge AFTER INSERT OR UPDATE OF charge, computed_charge ON shipments
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orderdesk_check_shipment();

-- An approval is recorded by the operator who asked for it (in their own
-- name, or one they may act as), naming an enabled supervisor or admin.
CREATE FUNCTION orderdesk_check_approval() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    me text := orderdesk_login();
BEGIN
    IF me IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.operator <> me AND NOT orderdesk_may_act_as(me, NEW.operator) THEN
        RAISE EXCEPTION 'orderdesk: % may not record an approval asked by %', me, NEW.operator
            USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM operators WHERE login = NEW.supervisor AND enabled = 1
                      AND role IN ('supervisor', 'admin')) THEN
        RAISE EXCEPTION 'orderdesk: % is not an enabled supervisor', NEW.supervisor
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER approvals_by_the_asker BEFORE INSERT ON approvals
    FOR EACH ROW EXECUTE FUNCTION orderdesk_check_approval();

-- Adding an operator ------------------------------------------------------

-- For the admin (and the owner): makes `login` an operator of `role` in
-- one step: their `operators` row (added, or its role changed), their
-- login role (made if missing, LOGIN, no password: set one with ALTER
-- ROLE … PASSWORD or use the server's own authentication), a member of
-- that role's group and of no other. Audited.
CREATE FUNCTION orderdesk_grant_operator(operator_login text, operator_role text DEFAULT 'operator')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    who text := btrim(operator_login);
    now_text text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
    g text;
    r pg_roles;
BEGIN
    IF operator_role NOT IN ('operator', 'supervisor', 'admin') THEN
        RAISE EXCEPTION 'orderdesk: ''%'' is not a role: operator, supervisor or admin', operator_role
            USING ERRCODE = '22023';
    END IF;
    IF who = '' OR who = '*' OR position(',' IN who) > 0 OR octet_length(who) > 63
       OR who ~ '[[:cntrl:]]' OR who LIKE 'orderdesk\_%' OR who LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'orderdesk: ''%'' cannot be an operator''s login', who USING ERRCODE = '22023';
    END IF;
    SELECT * INTO r FROM pg_roles WHERE rolname = who;
    IF FOUND AND (r.rolsuper OR r.rolcreaterole OR pg_has_role(r.oid,
                  (SELECT relowner FROM pg_class WHERE oid = 'adjustments'::regclass), 'USAGE')) THEN
        RAISE EXCEPTION 'orderdesk: % manages the database; an operator''s login is a role of its own', who
            USING ERRCODE = '42501';
    END IF;
    IF NOT FOUND THEN
        EXECUTE format('CREATE ROLE %I LOGIN', who);
    END IF;
    FOREACH g IN ARRAY ARRAY['operator', 'supervisor', 'admin'] LOOP
        IF g = operator_role THEN
            EXECUTE format('GRANT %I TO %I', 'orderdesk_' || g, who);
        ELSIF pg_has_role(who, 'orderdesk_' || g, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', 'orderdesk_' || g, who);
        END IF;
    END LOOP;
    INSERT INTO operators (login, role, created_at, updated_at) VALUES (who, operator_role, now_text, now_text)
        ON CONFLICT (login) DO UPDATE SET role = EXCLUDED.role, updated_at = EXCLUDED.updated_at;
    INSERT INTO audit (at, operator, action, subject, detail)
        VALUES (now_text, session_user, 'operator.db_role', 'operator:' || who,
                format('login role %s in group orderdesk_%s', who, operator_role));
    RETURN format('%s: login role in orderdesk_%s', who, operator_role);
END;
$$;
REVOKE EXECUTE ON FUNCTION orderdesk_grant_operator(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION orderdesk_grant_operator(text, text) TO orderdesk_admin;

-- Every function above resolves names in this schema and the system
-- catalog only: never in a schema or temporary table a user made first.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = current_schema()::regnamespace AND p.proname LIKE 'orderdesk\_%'
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', f, current_schema());
    END LOOP;
END;
$$;

-- The version, as the runner records it: the same files fed to psql in
-- order make the same database (README, "PostgreSQL").
UPDATE schema_version SET version = 2 WHERE id = 1;

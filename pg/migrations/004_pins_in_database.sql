-- Version 4: a supervisor's PIN checked by the database, so an approval
-- cannot be forged with a plain SQL client.
--
-- Before this, an operator's role could read every PIN hash (and guess a
-- short PIN offline), reset a supervisor's count of wrong tries, and insert
-- an `approvals` row naming any enabled supervisor: an over-limit
-- adjustment with a made-up approval passed the limit triggers. Now:
-- - PIN hashes are bcrypt (pgcrypto's crypt()), written by the database
--   when an admin sets a PIN, and readable by the admin and the owner only.
-- - orderdesk_check_pin() is the one way an operator's role checks a PIN:
--   it counts wrong tries and locks the PIN (the figures of
--   domain/operator.rs, PIN_ATTEMPTS and PIN_LOCK_MINUTES; the tests hold
--   the two equal), audits every try and, for a right one, leaves a pass:
--   the asker may record one approval naming that supervisor within ten
--   minutes.
-- - Inserting an approval takes such a pass (approvals_with_a_pin_pass);
--   without one it is refused.

DO $$
BEGIN
    EXECUTE format('CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA %I', current_schema());
END;
$$;

-- Every column of `operators` but the PIN hash; wrong tries are counted by
-- orderdesk_check_pin only.
REVOKE SELECT ON operators FROM orderdesk_operator, orderdesk_supervisor;
GRANT SELECT (login, role, name, enabled, act_as, pin_failures, pin_locked_until, created_at, updated_at)
    ON operators TO orderdesk_operator, orderdesk_supervisor;
REVOKE UPDATE (pin_failures, pin_locked_until) ON operators FROM orderdesk_operator, orderdesk_supervisor;

-- orderdesk_measure (version 2) read a supervisor's whole row, which the
-- column grants above no longer let an operator's transaction do: it reads
-- the columns it may instead. Rewritten in place from its own definition,
-- so the rest of it stays as version 2 made it.
DO $$
DECLARE
    def text := pg_get_functiondef('orderdesk_measure(adjustments)'::regprocedure);
    whole text := 'SELECT * INTO sup FROM operators';
BEGIN
    IF position(whole IN def) = 0 THEN
        RAISE EXCEPTION 'orderdesk_measure no longer reads %', whole;
    END IF;
    EXECUTE replace(def, whole,
        'SELECT login, role, name, enabled, act_as, NULL, pin_failures, pin_locked_until,
                created_at, updated_at INTO sup FROM operators');
END;
$$;

-- A right PIN typed for `supervisor` on `asker`'s connection (its login
-- role), not yet used by an approval. No operator's role reads or writes
-- it: only the functions below.
CREATE TABLE pin_passes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asker      TEXT NOT NULL,
    supervisor TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The operator login of the connection (its login role, which a SECURITY
-- DEFINER function still sees as session_user), or NULL for the owner and
-- superusers.
CREATE FUNCTION orderdesk_session_login() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN pg_has_role(session_user, c.relowner, 'USAGE') THEN NULL
                ELSE session_user::text END
      FROM pg_class c WHERE c.oid = 'adjustments'::regclass
$$;

-- Whether `who` has a PIN (the console shows it; the hash stays hidden).
CREATE FUNCTION orderdesk_pin_set(who text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT pin_hash IS NOT NULL FROM operators WHERE login = who
$$;

CREATE TYPE orderdesk_pin_check AS (
    -- approved, wrong, locked, no_pin (none set), reset (set on another
    -- database: not a hash this one checks), refused (not an enabled
    -- supervisor or admin)
    outcome      text,
    failures     bigint,
    locked_until text
);

-- Checks `pin` for supervisor `who`, typed on `asker`'s console (audited
-- in their name: the connection's login or one it may act as).
CREATE FUNCTION orderdesk_check_pin(who text, pin text, asker text) RETURNS orderdesk_pin_check
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    me text := orderdesk_session_login();
    o operators;
    r orderdesk_pin_check;
    at_text text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
    subject text := 'operator:' || who;
BEGIN
    IF me IS NOT NULL AND asker <> me AND NOT orderdesk_may_act_as(me, asker) THEN
        RAISE EXCEPTION 'orderdesk: % may not check a PIN for %', me, asker USING ERRCODE = '42501';
    END IF;
    -- Locked: two consoles typing for the same supervisor count one by one.
    SELECT * INTO o FROM operators WHERE login = who FOR UPDATE;
    IF NOT FOUND OR o.enabled <> 1 OR o.role NOT IN ('supervisor', 'admin') THEN
        r.outcome := 'refused';
        RETURN r;
    END IF;
    IF o.pin_hash IS NULL THEN
        r.outcome := 'no_pin';
        RETURN r;
    END IF;
    IF o.pin_hash NOT LIKE '$2%' THEN
        r.outcome := 'reset';
        RETURN r;
    END IF;
    IF o.pin_locked_until IS NOT NULL AND o.pin_locked_until > at_text THEN
        INSERT INTO audit (at, operator, action, subject, detail)
            VALUES (at_text, asker, 'approval.pin_refused', subject,
                    format('PIN locked until %s; not checked', o.pin_locked_until));
        r.outcome := 'locked';
        r.locked_until := o.pin_locked_until;
        RETURN r;
    END IF;
    IF crypt(pin, o.pin_hash) = o.pin_hash THEN
        UPDATE operators SET pin_failures = 0, pin_locked_until = NULL WHERE login = who;
        INSERT INTO pin_passes (asker, supervisor) VALUES (coalesce(me, session_user::text), who);
        r.outcome := 'approved';
        RETURN r;
    END IF;
    UPDATE operators SET pin_failures = pin_failures + 1 WHERE login = who
        RETURNING pin_failures INTO r.failures;
    INSERT INTO audit (at, operator, action, subject, detail)
        VALUES (at_text, asker, 'approval.pin_wrong', subject, format('wrong PIN (%s of 5)', r.failures));
    IF r.failures >= 5 THEN
        r.locked_until := to_char((now() + interval '15 minutes') AT TIME ZONE 'UTC',
                                  'YYYY-MM-DD"T"HH24:MI:SS"Z"');
        UPDATE operators SET pin_failures = 0, pin_locked_until = r.locked_until WHERE login = who;
        INSERT INTO audit (at, operator, action, subject, detail)
            VALUES (at_text, asker, 'approval.pin_locked', subject,
                    format('5 wrong PINs: locked until %s', r.locked_until));
    END IF;
    r.outcome := 'wrong';
    RETURN r;
END;
$$;

-- Takes the oldest pass of this connection's login for `supervisor` from
-- the last ten minutes; false when there is none. Passes older than that
-- are dropped.
CREATE FUNCTION orderdesk_take_pin_pass(supervisor_login text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    taken bigint;
BEGIN
    DELETE FROM pin_passes WHERE at < now() - interval '10 minutes';
    DELETE FROM pin_passes WHERE id = (
        SELECT id FROM pin_passes
         WHERE asker = session_user::text AND supervisor = supervisor_login
         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id INTO taken;
    RETURN taken IS NOT NULL;
END;
$$;

-- An approval an operator records (approvals_by_the_asker checks whose it
-- is first: triggers fire by name) takes a pass of their connection for
-- its supervisor. A refused insert rolls back, and its pass with it.
CREATE FUNCTION orderdesk_check_pin_pass() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF orderdesk_login() IS NOT NULL AND NOT orderdesk_take_pin_pass(NEW.supervisor) THEN
        RAISE EXCEPTION 'orderdesk: no PIN of % was checked on this connection in the last ten minutes',
            NEW.supervisor USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER approvals_with_a_pin_pass BEFORE INSERT ON approvals
    FOR EACH ROW EXECUTE FUNCTION orderdesk_check_pin_pass();

REVOKE EXECUTE ON FUNCTION orderdesk_check_pin(text, text, text), orderdesk_take_pin_pass(text),
    orderdesk_pin_set(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION orderdesk_check_pin(text, text, text), orderdesk_take_pin_pass(text),
    orderdesk_pin_set(text) TO orderdesk_operator, orderdesk_supervisor, orderdesk_admin;

-- As in version 2: every function resolves names in this schema and the
-- system catalog only (the rewritten orderdesk_measure's too).
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

UPDATE schema_version SET version = 4 WHERE id = 1;

-- orderdesk on PostgreSQL, version 10: a business account typed alone
-- reads its members in result order through bucket indexes, as the pairs
-- of version 9 do (store/customer_buckets.rs). Before, every member of
-- every matching account was read and sorted: prefix `m` is 253 accounts
-- and 2,605 members at a million customers, about 6 ms at p99.
--
-- The buckets need the account's name on each member's row:
-- `account_name_key` is the member's account's `name_key`, NULL for a
-- consumer. The database keeps it, whoever writes: it is set from the
-- account at every insert or update of a customer (so a value written by
-- hand does not stay), and copied to every member when an account's name
-- changes. SQLite has no such column (its search reads accounts its own
-- way, store/customers.rs); `orderdesk migrate` leaves it to the trigger.

ALTER TABLE customers ADD COLUMN account_name_key TEXT COLLATE "C";

CREATE FUNCTION orderdesk_member_account_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.account_id IS NULL THEN
        NEW.account_name_key := NULL;
    ELSE
        NEW.account_name_key := (SELECT name_key FROM business_accounts WHERE id = NEW.account_id);
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER customers_account_name_key BEFORE INSERT OR UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION orderdesk_member_account_key();

CREATE FUNCTION orderdesk_account_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE customers SET account_name_key = NEW.name_key WHERE account_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER business_accounts_renamed AFTER UPDATE OF name_key ON business_accounts
    FOR EACH ROW WHEN (OLD.name_key IS DISTINCT FROM NEW.name_key)
    EXECUTE FUNCTION orderdesk_account_renamed();

UPDATE customers c SET account_name_key = b.name_key
  FROM business_accounts b WHERE b.id = c.account_id;

-- The members in the account search's result order (last name first,
-- store/customers.rs `SearchField::order`) within each bucket of one to
-- three characters of the account's name; a longer prefix is checked on
-- each entry of its three-character bucket (at most 763 members at a
-- million customers). The key itself is included so that the check, and
-- the bucket's condition, read the index alone.
CREATE INDEX customers_account_name1_last ON customers(substr(account_name_key, 1, 1), last_key,
    first_key, logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) INCLUDE (account_name_key) WHERE account_name_key IS NOT NULL;
CREATE INDEX customers_account_name2_last ON customers(substr(account_name_key, 1, 2), last_key,
    first_key, logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) INCLUDE (account_name_key) WHERE account_name_key IS NOT NULL;
CREATE INDEX customers_account_name3_last ON customers(substr(account_name_key, 1, 3), last_key,
    first_key, logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) INCLUDE (account_name_key) WHERE account_name_key IS NOT NULL;

UPDATE schema_version SET version = 10 WHERE id = 1;

-- orderdesk on PostgreSQL, version 5: the customer search indexes of
-- schema.sql (customers_*_key, customers_account) made again in the order
-- the search reads them (store/customer_search_pg.rs): the same columns as
-- SQLite's, with the nullable keys (logon_key, account_id) NULLS FIRST, as
-- SQLite sorts NULL, and the id last, as SQLite's rowid ends every index
-- entry. A leading field's prefix range is then read from its index in
-- result order and stops at the limit. The keys are COLLATE "C" (byte
-- order), so `key >= ? AND key < ?` is a range of the btree.
DROP INDEX customers_last_key;
DROP INDEX customers_first_key;
DROP INDEX customers_logon_key;
DROP INDEX customers_email_key;
DROP INDEX customers_postal_key;
DROP INDEX customers_phone_key;
DROP INDEX customers_phone_national_key;
DROP INDEX customers_account;

CREATE INDEX customers_last_key ON customers(last_key, first_key, logon_key NULLS FIRST, email_key,
    postal_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_first_key ON customers(first_key, last_key, logon_key NULLS FIRST, email_key,
    postal_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_logon_key ON customers(logon_key NULLS FIRST, last_key, first_key, email_key, postal_key,
    phone_key, phone_national_key, account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_email_key ON customers(email_key, last_key, first_key, logon_key NULLS FIRST,
    postal_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_postal_key ON customers(postal_key, last_key, first_key, logon_key NULLS FIRST,
    email_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_phone_key ON customers(phone_key, last_key, first_key, logon_key NULLS FIRST,
    email_key, postal_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key ON customers(phone_national_key, last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, account_id NULLS FIRST, id);
CREATE INDEX customers_account ON customers(account_id, last_key, first_key, logon_key NULLS FIRST,
    email_key, postal_key, phone_key, phone_national_key, id) WHERE account_id IS NOT NULL;

UPDATE schema_version SET version = 5 WHERE id = 1;

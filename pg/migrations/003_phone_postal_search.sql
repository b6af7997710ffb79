-- orderdesk on PostgreSQL, version 3: the phone-and-postal-code search
-- indexes of SQLite's version 9 (migrations/009_phone_postal_search.sql),
-- so both backends keep the same indexes. The keys are COLLATE "C", and so
-- is a substring of one.
CREATE INDEX customers_phone_key_postal ON customers(substr(phone_key, 1, 2), postal_key, last_key,
    first_key, logon_key, email_key, phone_key, phone_national_key, account_id);
CREATE INDEX customers_phone_national_key_postal ON customers(substr(phone_national_key, 1, 2),
    postal_key, last_key, first_key, logon_key, email_key, phone_key, phone_national_key, account_id);
UPDATE schema_version SET version = 3 WHERE id = 1;

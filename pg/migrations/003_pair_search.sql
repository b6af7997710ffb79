-- orderdesk on PostgreSQL, version 3: the pair search indexes of SQLite's
-- version 9 (migrations/009_pair_search.sql), so both backends keep the
-- same indexes. The keys are COLLATE "C", and so is a substring of one.
CREATE INDEX customers_phone_key_postal ON customers(substr(phone_key, 1, 2), postal_key, last_key,
    first_key, logon_key, email_key, phone_key, phone_national_key, account_id);
CREATE INDEX customers_phone_national_key_postal ON customers(substr(phone_national_key, 1, 2),
    postal_key, last_key, first_key, logon_key, email_key, phone_key, phone_national_key, account_id);
CREATE INDEX customers_last_initial_first ON customers(substr(last_key, 1, 1), first_key, last_key,
    logon_key, email_key, postal_key, phone_key, phone_national_key, account_id);

UPDATE schema_version SET version = 3 WHERE id = 1;

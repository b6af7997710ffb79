-- orderdesk on PostgreSQL, version 7: the indexes that read one field's
-- range among the customers whose name starts with a typed letter, or
-- whose phone key starts with two typed digits, now able to answer alone.
-- Version 3 made the pair indexes with SQLite's columns, but without the
-- id (SQLite's rowid ends every index entry; PostgreSQL's entry points at
-- the table row instead) and with NULLs last: PostgreSQL had to fetch
-- each entry's row to learn its id, and to sort. Made again as version 5
-- made the single-field indexes (the id last, the nullable keys NULLS
-- FIRST), and with SQLite's version 11 (the postal code among a name's
-- initial), which PostgreSQL lacked. store/customer_search_pg.rs gives the
-- planner the conditions that reach them.
DROP INDEX customers_phone_key_postal;
DROP INDEX customers_phone_national_key_postal;
DROP INDEX customers_last_initial_first;

CREATE INDEX customers_phone_key_postal ON customers(substr(phone_key, 1, 2), postal_key, last_key,
    first_key, logon_key NULLS FIRST, email_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key_postal ON customers(substr(phone_national_key, 1, 2),
    postal_key, last_key, first_key, logon_key NULLS FIRST, email_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_last_initial_first ON customers(substr(last_key, 1, 1), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_last_initial_postal ON customers(substr(last_key, 1, 1), postal_key, last_key,
    first_key, logon_key NULLS FIRST, email_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_first_initial_postal ON customers(substr(first_key, 1, 1), postal_key, last_key,
    first_key, logon_key NULLS FIRST, email_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
-- The planner's statistics of the indexes' expressions (substr of a key)
-- come from ANALYZE; without them it guesses the share of a first letter.
ANALYZE customers;

UPDATE schema_version SET version = 7 WHERE id = 1;

-- orderdesk on PostgreSQL, version 8: SQLite's version 12. An e-mail
-- address read whole among the customers whose first name starts with the
-- typed one's first letter, and a postal code among those whose e-mail
-- address does (store/customers.rs, INITIAL_INDEXES), with the columns,
-- NULL order and id of version 7's initial indexes.
CREATE INDEX customers_first_initial_email ON customers(substr(first_key, 1, 1), email_key, last_key,
    first_key, logon_key NULLS FIRST, postal_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_email_initial_postal ON customers(substr(email_key, 1, 1), postal_key, last_key,
    first_key, logon_key NULLS FIRST, email_key, phone_key, phone_national_key, account_id NULLS FIRST, id);
-- Statistics of the new expressions (substr of the e-mail key).
ANALYZE customers;

UPDATE schema_version SET version = 8 WHERE id = 1;

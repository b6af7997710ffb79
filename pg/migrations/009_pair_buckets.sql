-- orderdesk on PostgreSQL, version 9: indexes for the two-field customer
-- searches, which missed 5 ms at p99 on a million customers. Each reads
-- the leading field's result order among the customers whose other key
-- starts with the typed one's first one, two or three characters
-- (store/customer_buckets.rs), or whose phone key starts with the typed
-- number's first two digits, or its one digit (store/customer_pair.rs,
-- as version 7's phone indexes do for the postal code). Each carries the
-- leading field's order with the id last and the nullable keys NULLS
-- FIRST, like version 5's. PostgreSQL only: SQLite races its own indexes
-- (customer_race.rs).

-- Names, logons and e-mail addresses go together: buckets of one to three.
CREATE INDEX customers_first1_last ON customers(substr(first_key, 1, 1), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_first2_last ON customers(substr(first_key, 1, 2), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_first3_last ON customers(substr(first_key, 1, 3), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_logon1_last ON customers(substr(logon_key, 1, 1), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_logon2_last ON customers(substr(logon_key, 1, 2), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_logon3_last ON customers(substr(logon_key, 1, 3), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_logon1_first ON customers(substr(logon_key, 1, 1), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_logon2_first ON customers(substr(logon_key, 1, 2), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_logon3_first ON customers(substr(logon_key, 1, 3), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_email1_logon ON customers(substr(email_key, 1, 1), logon_key NULLS FIRST,
    last_key, first_key, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_email2_logon ON customers(substr(email_key, 1, 2), logon_key NULLS FIRST,
    last_key, first_key, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_email3_logon ON customers(substr(email_key, 1, 3), logon_key NULLS FIRST,
    last_key, first_key, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_email1_first ON customers(substr(email_key, 1, 1), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_email2_first ON customers(substr(email_key, 1, 2), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_email3_first ON customers(substr(email_key, 1, 3), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_email1_last ON customers(substr(email_key, 1, 1), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_email2_last ON customers(substr(email_key, 1, 2), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_email3_last ON customers(substr(email_key, 1, 3), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
-- A postal code goes with no name: buckets of one and two.
CREATE INDEX customers_postal1_logon ON customers(substr(postal_key, 1, 1),
    logon_key NULLS FIRST, last_key, first_key, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_postal2_logon ON customers(substr(postal_key, 1, 2),
    logon_key NULLS FIRST, last_key, first_key, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_postal1_first ON customers(substr(postal_key, 1, 1), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_postal2_first ON customers(substr(postal_key, 1, 2), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_postal1_last ON customers(substr(postal_key, 1, 1), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_postal2_last ON customers(substr(postal_key, 1, 2), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_postal1_email ON customers(substr(postal_key, 1, 1), email_key, last_key,
    first_key, logon_key NULLS FIRST, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_postal2_email ON customers(substr(postal_key, 1, 2), email_key, last_key,
    first_key, logon_key NULLS FIRST, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
-- A phone number's two digits, either key, in a name's, logon's or e-mail's
-- order (the postal code's are version 7's).
CREATE INDEX customers_phone_key_last ON customers(substr(phone_key, 1, 2), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key_last ON customers(substr(phone_national_key, 1, 2),
    last_key, first_key, logon_key NULLS FIRST, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_phone_key_first ON customers(substr(phone_key, 1, 2), first_key, last_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key_first ON customers(substr(phone_national_key, 1, 2),
    first_key, last_key, logon_key NULLS FIRST, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_phone_key_logon ON customers(substr(phone_key, 1, 2),
    logon_key NULLS FIRST, last_key, first_key, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_phone_national_key_logon ON customers(substr(phone_national_key, 1, 2),
    logon_key NULLS FIRST, last_key, first_key, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_phone_key_email ON customers(substr(phone_key, 1, 2), email_key, last_key,
    first_key, logon_key NULLS FIRST, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key_email ON customers(substr(phone_national_key, 1, 2),
    email_key, last_key, first_key, logon_key NULLS FIRST, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id);
-- A phone number's first digit, either key, in every leading field's order.
CREATE INDEX customers_phone_key1_last ON customers(substr(phone_key, 1, 1), last_key, first_key,
    logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key1_last ON customers(substr(phone_national_key, 1, 1),
    last_key, first_key, logon_key NULLS FIRST, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_phone_key1_first ON customers(substr(phone_key, 1, 1), first_key,
    last_key, logon_key NULLS FIRST, email_key, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key1_first ON customers(substr(phone_national_key, 1, 1),
    first_key, last_key, logon_key NULLS FIRST, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_phone_key1_logon ON customers(substr(phone_key, 1, 1),
    logon_key NULLS FIRST, last_key, first_key, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_phone_national_key1_logon ON customers(substr(phone_national_key, 1, 1),
    logon_key NULLS FIRST, last_key, first_key, email_key, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id) WHERE logon_key IS NOT NULL;
CREATE INDEX customers_phone_key1_email ON customers(substr(phone_key, 1, 1), email_key,
    last_key, first_key, logon_key NULLS FIRST, postal_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key1_email ON customers(substr(phone_national_key, 1, 1),
    email_key, last_key, first_key, logon_key NULLS FIRST, postal_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id);
CREATE INDEX customers_phone_key1_postal ON customers(substr(phone_key, 1, 1), postal_key,
    last_key, first_key, logon_key NULLS FIRST, email_key, phone_key, phone_national_key,
    account_id NULLS FIRST, id);
CREATE INDEX customers_phone_national_key1_postal ON customers(substr(phone_national_key, 1, 1),
    postal_key, last_key, first_key, logon_key NULLS FIRST, email_key, phone_key,
    phone_national_key, account_id NULLS FIRST, id);
-- Statistics of the new expressions.
ANALYZE customers;

UPDATE schema_version SET version = 9 WHERE id = 1;

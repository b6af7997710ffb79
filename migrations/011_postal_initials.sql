-- Version 11: a postal code read whole among the customers whose last (or
-- first) name starts with the typed name's first letter
-- (store/customers.rs, INITIAL_INDEXES), as customers_last_initial_first
-- does for first names. A name's first letter and a postal code's first
-- characters each match tens of thousands of customers at a million, and
-- their matches some hundreds to thousands: "B" and "23" share 1,111,
-- where the postal code's own range holds 18,976. These lead with the
-- name's first letter and then carry customers_postal_key's columns.
CREATE INDEX customers_last_initial_postal ON customers(substr(last_key, 1, 1), postal_key, last_key,
    first_key, logon_key, email_key, phone_key, phone_national_key, account_id);
CREATE INDEX customers_first_initial_postal ON customers(substr(first_key, 1, 1), postal_key, last_key,
    first_key, logon_key, email_key, phone_key, phone_national_key, account_id);

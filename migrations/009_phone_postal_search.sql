-- Version 9: a search on a phone number and a postal code
-- (store/customer_pair.rs). Neither field's own index narrows the other:
-- a few digits of a number and the first letters of a postal code each
-- match tens of thousands of customers at a million. These lead with the
-- number's first two digits and then carry the postal code's result order
-- (customers_postal_key's columns), so one bucket of numbers is read in
-- result order from the typed postal code on, stopping at the limit.
CREATE INDEX customers_phone_key_postal ON customers(substr(phone_key, 1, 2), postal_key, last_key,
    first_key, logon_key, email_key, phone_key, phone_national_key, account_id);
CREATE INDEX customers_phone_national_key_postal ON customers(substr(phone_national_key, 1, 2),
    postal_key, last_key, first_key, logon_key, email_key, phone_key, phone_national_key, account_id);

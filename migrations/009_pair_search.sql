-- Version 9: indexes for the pairs of search fields whose own indexes
-- don't narrow each other (store/customer_pair.rs, store/customer_race.rs).
--
-- A phone number and a postal code: a few digits of a number and the first
-- letters of a postal code each match tens of thousands of customers at a
-- million. These lead with the number's first two digits and then carry
-- the postal code's result order (customers_postal_key's columns), so one
-- bucket of numbers is read in result order from the typed postal code on,
-- stopping at the limit.
CREATE INDEX customers_phone_key_postal ON customers(substr(phone_key, 1, 2), postal_key, last_key,
    first_key, logon_key, email_key, phone_key, phone_national_key, account_id);
CREATE INDEX customers_phone_national_key_postal ON customers(substr(phone_national_key, 1, 2),
    postal_key, last_key, first_key, logon_key, email_key, phone_key, phone_national_key, account_id);
-- A last name with a first name: a first name's range read whole only among
-- customers whose last name starts with the typed one's first letter ("K"
-- and "k" are some 1,500 customers of a million, not 40,000).
CREATE INDEX customers_last_initial_first ON customers(substr(last_key, 1, 1), first_key, last_key,
    logon_key, email_key, postal_key, phone_key, phone_national_key, account_id);

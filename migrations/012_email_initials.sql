-- Version 12: the last pairs that read tens of thousands of entries with
-- an e-mail address among them (store/customers.rs, INITIAL_INDEXES): an
-- e-mail address read whole among the customers whose first name starts
-- with the typed one's first letter, and a postal code among those whose
-- e-mail address does. These lead with that letter and then carry
-- customers_email_key's and customers_postal_key's columns.
CREATE INDEX customers_first_initial_email ON customers(substr(first_key, 1, 1), email_key, last_key,
    first_key, logon_key, postal_key, phone_key, phone_national_key, account_id);
CREATE INDEX customers_email_initial_postal ON customers(substr(email_key, 1, 1), postal_key, last_key,
    first_key, logon_key, email_key, phone_key, phone_national_key, account_id);

-- Version 7: customer search keys as callers speak (docs/design.md, section 16).
-- Names lose punctuation and inner spaces, and German/Nordic letters and
-- their spellings key alike (O'Brien -> obrien; Müller, Mueller -> muller);
-- postal codes lose spaces and hyphens; phones get their country's calling code. The keys are made
-- by domain::search_keys::SearchKeys::of, which SQL cannot run: the
-- migration runner (store/migrate.rs) recomputes every customer's keys in
-- Rust (store/customer_keys.rs) in this migration's transaction.
SELECT 1;

-- Version 2: what the order session needs to be safe across consoles.

-- Customer records are edited optimistically: a save names the version it
-- was based on and is refused when the record moved on since.
ALTER TABLE customers ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- A draft is held by one live console at a time: `holder` names the
-- console, `held_since` when it took the draft, `lease_until` when the
-- hold lapses unless the console renews it.
ALTER TABLE drafts ADD COLUMN holder TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN held_since TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';

-- The submit token is bound to the order's content: a second submit with
-- the same token and other content is refused, never answered with the
-- earlier order.
ALTER TABLE orders ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';

-- Version 6: a counter of changes to the catalog's searchable items, so
-- every console keeps its in-memory search index (docs/design.md, section
-- 16) current: a search reads the counter and rebuilds the index when it
-- moved, whichever program changed the items.
CREATE TABLE catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO catalog_version (id, n) VALUES (1, 0);

CREATE TRIGGER items_catalog_insert AFTER INSERT ON items BEGIN
    UPDATE catalog_version SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER items_catalog_delete AFTER DELETE ON items BEGIN
    UPDATE catalog_version SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER items_catalog_update AFTER UPDATE OF sku, name, description, category_id, active ON items BEGIN
    UPDATE catalog_version SET n = n + 1 WHERE id = 1;
END;

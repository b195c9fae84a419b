-- Attached files and co-operating units (sqlite). Kept in step with
-- ../postgres/0009_attachments.sql. A file belongs to the unit of the item or directive
-- it is attached to and is stored in the database, so it is backed up, replicated and
-- committed with the rest. A co-operation row belongs to the co-operating unit.

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    item_id BIGINT REFERENCES work_items(id),
    directive_id BIGINT REFERENCES directives(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    created_at_us BIGINT NOT NULL
);
CREATE INDEX attachments_item ON attachments(item_id);
CREATE INDEX attachments_directive ON attachments(directive_id);

CREATE TABLE item_cooperators (
    item_id BIGINT NOT NULL REFERENCES work_items(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX item_cooperators_unit ON item_cooperators(unit_id);

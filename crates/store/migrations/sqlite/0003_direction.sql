-- Directives and work items (SQLite). Kept in step with ../postgres/0003_direction.sql.
-- A directive belongs to its issuing unit; a work item to its accountable unit; events
-- to the item's unit. unit_id is the scoping and distribution key of each.

CREATE TABLE directives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    doc_number TEXT NOT NULL,
    doc_date TEXT NOT NULL,
    signer TEXT NOT NULL,
    title TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    summary TEXT NOT NULL,
    due_date TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at_us BIGINT NOT NULL
);
CREATE INDEX directives_unit ON directives(unit_id, created_at_us);

CREATE TABLE work_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    directive_id BIGINT REFERENCES directives(id),
    issuer_unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    priority TEXT NOT NULL,
    due_date TEXT NOT NULL,
    assignee_id BIGINT REFERENCES users(id),
    progress BIGINT NOT NULL,
    created_at_us BIGINT NOT NULL,
    closed_on TEXT
);
CREATE INDEX work_items_unit ON work_items(unit_id, state);
CREATE INDEX work_items_issuer ON work_items(issuer_unit_id, state);
CREATE INDEX work_items_directive ON work_items(directive_id);

CREATE TABLE work_item_events (
    unit_id BIGINT NOT NULL,
    item_id BIGINT NOT NULL REFERENCES work_items(id),
    seq BIGINT NOT NULL,
    at_us BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    note TEXT NOT NULL,
    progress BIGINT,
    PRIMARY KEY (item_id, seq)
);

-- Leaders in charge of units and their field visits (SQLite). Kept in step with
-- ../postgres/0004_visits.sql. Both belong to the visited unit (unit_id).

CREATE TABLE unit_leaders (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    leader_id BIGINT NOT NULL REFERENCES users(id),
    since TEXT NOT NULL,
    PRIMARY KEY (unit_id, leader_id)
);
CREATE INDEX unit_leaders_leader ON unit_leaders(leader_id);

CREATE TABLE field_visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    leader_id BIGINT NOT NULL REFERENCES users(id),
    visit_date TEXT NOT NULL,
    findings TEXT NOT NULL,
    follow_up_item_id BIGINT REFERENCES work_items(id),
    created_at_us BIGINT NOT NULL
);
CREATE INDEX field_visits_unit ON field_visits(unit_id, visit_date);

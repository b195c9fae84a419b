-- In-app notifications (SQLite). Kept in step with ../postgres/0006_notifications.sql.
-- A notification belongs to the unit of the item it is about. The unique key makes
-- the reminder job idempotent: several server processes may run it, one row wins.

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    item_id BIGINT NOT NULL REFERENCES work_items(id),
    kind TEXT NOT NULL,
    for_date TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    read_at_us BIGINT,
    UNIQUE (user_id, item_id, kind, for_date)
);
CREATE INDEX notifications_user ON notifications(user_id, read_at_us);

-- E-mail (sqlite). Kept in step with ../postgres/0008_outbox.sql.
-- An official may give an address; each notification to them becomes one outbox row,
-- sent over SMTP when a server is configured and otherwise left for administrators to
-- see. A row belongs to the unit of the item it is about.

ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    notification_id BIGINT NOT NULL UNIQUE REFERENCES notifications(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    claimed_at_us BIGINT,
    sent_at_us BIGINT,
    attempts BIGINT NOT NULL,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(sent_at_us, id);

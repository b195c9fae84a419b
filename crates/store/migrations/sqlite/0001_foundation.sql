-- Foundation schema (SQLite). Kept in step with ../postgres/0001_foundation.sql.
-- Every table holding unit data carries unit_id: it scopes access and is the
-- distribution key for a sharded PostgreSQL-compatible database.
-- Instants are BIGINT epoch microseconds (UTC); dates are TEXT YYYY-MM-DD;
-- booleans are SMALLINT 0/1 (the sqlx Any driver's common types).

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL,
    parent_id BIGINT REFERENCES units(id),
    province_code TEXT NOT NULL,
    old_province TEXT,
    domains TEXT,
    source TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    UNIQUE (code, valid_from)
);
CREATE INDEX units_kind ON units(kind);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE unit_boundaries (
    unit_id BIGINT PRIMARY KEY NOT NULL REFERENCES units(id),
    geometry TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    full_name_folded TEXT NOT NULL,
    title TEXT,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_last_step BIGINT,
    disabled SMALLINT NOT NULL DEFAULT 0,
    created_at_us BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    mfa_pending SMALLINT NOT NULL DEFAULT 0,
    created_at_us BIGINT NOT NULL,
    last_seen_us BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    label TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    expires_at_us BIGINT NOT NULL,
    revoked SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit_log (
    unit_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at_us BIGINT NOT NULL,
    actor_id BIGINT,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    summary TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (unit_id, seq)
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at_us);
CREATE INDEX audit_log_time ON audit_log(at_us);

CREATE TABLE audit_head (
    unit_id BIGINT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

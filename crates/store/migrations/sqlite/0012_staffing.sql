-- Staffing (sqlite). Kept in step with ../postgres/0012_staffing.sql.
-- Positions and profiles belong to their unit; a proposal belongs to the unit of the
-- board that ran it and keeps its inputs, weights and result so it can be reproduced.

CREATE TABLE positions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    quota BIGINT NOT NULL,
    key_position SMALLINT NOT NULL,
    rotation_years BIGINT,
    deputy_of BIGINT REFERENCES positions(id),
    requirements_json TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE INDEX positions_unit ON positions(unit_id);

CREATE TABLE official_profiles (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    position_id BIGINT REFERENCES positions(id),
    since TEXT,
    levels_json TEXT NOT NULL,
    wishes_json TEXT NOT NULL,
    comment TEXT NOT NULL,
    comment_anonymous SMALLINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);
CREATE INDEX official_profiles_unit ON official_profiles(unit_id);

CREATE TABLE staffing_proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    inputs_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    total REAL NOT NULL,
    state TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at_us BIGINT NOT NULL
);

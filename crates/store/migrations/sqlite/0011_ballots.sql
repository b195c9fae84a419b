-- Secret ballots (sqlite). Kept in step with ../postgres/0011_ballots.sql.
-- Participation (who voted) and content (how many chose each option) are kept apart:
-- a vote flips the voter's flag and adds one to an option's counter, so no row, id or
-- time links a voter to a choice. All three tables belong to the organising unit.

CREATE TABLE ballots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    options_json TEXT NOT NULL,
    threshold REAL NOT NULL,
    opens_at_us BIGINT NOT NULL,
    closes_at_us BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at_us BIGINT NOT NULL
);
CREATE INDEX ballots_unit ON ballots(unit_id);

CREATE TABLE ballot_voters (
    ballot_id BIGINT NOT NULL REFERENCES ballots(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    voted SMALLINT NOT NULL,
    PRIMARY KEY (ballot_id, user_id)
);
CREATE INDEX ballot_voters_user ON ballot_voters(user_id);

CREATE TABLE ballot_tallies (
    ballot_id BIGINT NOT NULL REFERENCES ballots(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    option_index BIGINT NOT NULL,
    votes BIGINT NOT NULL,
    PRIMARY KEY (ballot_id, option_index)
);

-- Public services (sqlite). Kept in step with ../postgres/0013_dossiers.sql.
-- The procedure catalogue and competence decisions are city reference data. A dossier
-- lives beside its work item and belongs to the receiving unit (unit_id is in every
-- dossier table, so a distributed database can shard them together). The applicant's
-- name, identity number and contact are sealed (authenticated encryption); a keyed
-- hash of the identity number allows exact lookup without decrypting.

CREATE TABLE procedures (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    domain TEXT NOT NULL,
    level TEXT NOT NULL,
    term_value BIGINT NOT NULL,
    term_unit TEXT NOT NULL,
    term_note TEXT NOT NULL,
    fee_vnd BIGINT NOT NULL,
    fee_note TEXT NOT NULL,
    documents_json TEXT NOT NULL,
    steps_json TEXT NOT NULL,
    online_level TEXT NOT NULL,
    electronic_result SMALLINT NOT NULL,
    legal_basis TEXT NOT NULL,
    source TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    updated_at_us BIGINT NOT NULL
);

CREATE TABLE competence_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    instrument_number TEXT NOT NULL,
    instrument_date TEXT NOT NULL,
    signer TEXT NOT NULL,
    decision_json TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    revoked_at_us BIGINT,
    created_by BIGINT REFERENCES users(id),
    created_at_us BIGINT NOT NULL
);

CREATE TABLE dossier_sequences (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    day TEXT NOT NULL,
    last_value BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day)
);

CREATE TABLE dossiers (
    item_id BIGINT PRIMARY KEY NOT NULL REFERENCES work_items(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    code TEXT NOT NULL UNIQUE,
    procedure_code TEXT NOT NULL REFERENCES procedures(code),
    channel TEXT NOT NULL,
    applicant_user_id BIGINT REFERENCES users(id),
    applicant_sealed TEXT NOT NULL,
    identity_hash TEXT NOT NULL,
    submitted_at_us BIGINT NOT NULL,
    received_at_us BIGINT,
    term_value BIGINT NOT NULL,
    term_unit TEXT NOT NULL,
    appointment_date TEXT,
    appointment_time TEXT,
    finished_at_us BIGINT,
    returned_at_us BIGINT,
    stopped_at_us BIGINT,
    outcome TEXT NOT NULL,
    result_note TEXT NOT NULL,
    fee_vnd BIGINT NOT NULL,
    fee_status TEXT NOT NULL,
    fee_channel TEXT NOT NULL,
    paid_at_us BIGINT,
    rating TEXT NOT NULL,
    rating_comment TEXT NOT NULL,
    rated_at_us BIGINT
);
CREATE INDEX dossiers_unit_submitted ON dossiers(unit_id, submitted_at_us);
CREATE INDEX dossiers_applicant ON dossiers(applicant_user_id);
CREATE INDEX dossiers_identity ON dossiers(identity_hash);

CREATE TABLE dossier_supplements (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    item_id BIGINT NOT NULL REFERENCES dossiers(item_id),
    seq BIGINT NOT NULL,
    requested_at_us BIGINT NOT NULL,
    reason TEXT NOT NULL,
    completed_at_us BIGINT,
    PRIMARY KEY (item_id, seq)
);

CREATE TABLE dossier_extensions (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    item_id BIGINT PRIMARY KEY NOT NULL REFERENCES dossiers(item_id),
    apology_at_us BIGINT NOT NULL,
    old_date TEXT NOT NULL,
    new_date TEXT NOT NULL,
    reason TEXT NOT NULL
);

CREATE TABLE index766_inputs (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    indicator TEXT NOT NULL,
    numerator REAL NOT NULL,
    denominator REAL NOT NULL,
    source TEXT NOT NULL,
    entered_by BIGINT REFERENCES users(id),
    entered_at_us BIGINT NOT NULL,
    PRIMARY KEY (unit_id, period, indicator)
);

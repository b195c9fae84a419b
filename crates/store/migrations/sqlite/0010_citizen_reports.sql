-- Citizen reports and Open311 (sqlite). Kept in step with ../postgres/0010_citizen_reports.sql.
-- Services (categories) and integrators' API keys are city reference data; a report
-- lives beside its work item and belongs to the unit handling it. The reporter's
-- contact details are sealed (authenticated encryption) and never listed.

CREATE TABLE report_services (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    group_name TEXT NOT NULL,
    keywords TEXT NOT NULL,
    department_unit_id BIGINT REFERENCES units(id),
    deadline_days BIGINT NOT NULL,
    anonymous_allowed SMALLINT NOT NULL,
    attributes_json TEXT NOT NULL,
    active SMALLINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);

CREATE TABLE open311_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id),
    created_at_us BIGINT NOT NULL,
    revoked_at_us BIGINT
);

CREATE TABLE citizen_reports (
    item_id BIGINT PRIMARY KEY NOT NULL REFERENCES work_items(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    public_id TEXT NOT NULL UNIQUE,
    service_code TEXT NOT NULL REFERENCES report_services(code),
    lat REAL,
    lon REAL,
    address TEXT NOT NULL,
    address_id TEXT NOT NULL,
    description TEXT NOT NULL,
    answers_json TEXT NOT NULL,
    media_url TEXT NOT NULL,
    contact_sealed TEXT,
    api_key_id BIGINT REFERENCES open311_keys(id),
    channel TEXT NOT NULL,
    requested_at_us BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL,
    status_notes TEXT NOT NULL
);
CREATE INDEX citizen_reports_requested ON citizen_reports(requested_at_us);
CREATE INDEX citizen_reports_unit ON citizen_reports(unit_id);

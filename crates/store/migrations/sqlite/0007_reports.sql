-- Periodic reports (sqlite). Kept in step with ../postgres/0007_reports.sql.
-- A template belongs to the unit that issues it; the list of units that must report,
-- each obligation (beside its work item) and each target belong to the reporting unit.

CREATE TABLE report_templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    frequency TEXT NOT NULL,
    period_system TEXT NOT NULL,
    due_working_days BIGINT NOT NULL,
    fields_json TEXT NOT NULL,
    active SMALLINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at_us BIGINT NOT NULL
);
CREATE INDEX report_templates_unit ON report_templates(unit_id);

CREATE TABLE report_template_units (
    template_id BIGINT NOT NULL REFERENCES report_templates(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (template_id, unit_id)
);
CREATE INDEX report_template_units_unit ON report_template_units(unit_id);

CREATE TABLE report_obligations (
    item_id BIGINT PRIMARY KEY NOT NULL REFERENCES work_items(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    template_id BIGINT NOT NULL REFERENCES report_templates(id),
    period_key TEXT NOT NULL,
    values_json TEXT NOT NULL,
    UNIQUE (template_id, period_key, unit_id)
);
CREATE INDEX report_obligations_unit ON report_obligations(unit_id);

CREATE TABLE report_targets (
    template_id BIGINT NOT NULL REFERENCES report_templates(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    field_key TEXT NOT NULL,
    target REAL NOT NULL,
    PRIMARY KEY (template_id, unit_id, field_key)
);

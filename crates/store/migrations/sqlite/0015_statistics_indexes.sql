-- Indexes for the statistics at city scale (sqlite). Kept in step with ../postgres/0015_statistics_indexes.sql.
-- The open dossiers overdue at an instant, counted per unit from the index alone.
DROP INDEX dossiers_open_overdue;
CREATE INDEX dossiers_open_overdue ON dossiers (open_overdue_from_us, received_at_us, unit_id) WHERE open_overdue_from_us IS NOT NULL;

-- Work items carry the instant their work began in their indexes (postgres). Kept in step
-- with ../sqlite/0018_work_item_instants.sql.
-- A citizen report's work item is created at the instant the report was made, so its
-- time to resolution and its month are read from the indexes of work alone, without
-- joining the reports.
UPDATE work_items SET created_at_us = (SELECT c.requested_at_us FROM citizen_reports c WHERE c.item_id = work_items.id)
 WHERE kind = 'citizen_report';
DROP INDEX work_items_open;
CREATE INDEX work_items_open ON work_items (kind, unit_id, assignee_id, due_date, created_at_us) WHERE closed_on IS NULL;
DROP INDEX work_items_closed;
CREATE INDEX work_items_closed ON work_items (kind, closed_on, unit_id, due_date, state, created_at_us) WHERE closed_on IS NOT NULL;

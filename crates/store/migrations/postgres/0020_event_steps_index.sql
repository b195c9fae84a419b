-- The steps of a work item, read from an index alone (postgres). Kept in step with
-- ../sqlite/0020_event_steps_index.sql.
-- The public lookup shows a dossier's steps (action and instant); an index-only scan of
-- this index answers it without visiting the events' heap pages.
CREATE INDEX work_item_events_steps ON work_item_events (item_id, seq) INCLUDE (action, at_us);

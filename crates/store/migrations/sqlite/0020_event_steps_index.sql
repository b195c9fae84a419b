-- The steps of a work item, read from an index alone (sqlite). Kept in step with
-- ../postgres/0020_event_steps_index.sql.
-- The public lookup shows a dossier's steps (action and instant). Through the primary key
-- each step was a second read, of the event's row in the table; at two years of a city
-- (46 million events) those rows lie on pages apart from each other and from the cache.
-- This index holds the steps of one item side by side on one leaf page.
CREATE INDEX work_item_events_steps ON work_item_events (item_id, seq, action, at_us);

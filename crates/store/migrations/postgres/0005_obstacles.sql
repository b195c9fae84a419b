-- Obstacles and requests (PostgreSQL). Kept in step with ../sqlite/0005_obstacles.sql.
-- The routing table sends a domain to the competent department; the details of an
-- obstacle live beside its work item and share its unit (the department).

CREATE TABLE obstacle_routes (
    domain TEXT PRIMARY KEY NOT NULL,
    domain_folded TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id)
);

CREATE TABLE obstacle_details (
    item_id BIGINT PRIMARY KEY NOT NULL REFERENCES work_items(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    domain TEXT NOT NULL,
    description TEXT NOT NULL,
    answer TEXT NOT NULL,
    routed SMALLINT NOT NULL,
    task_id BIGINT REFERENCES work_items(id),
    search_folded TEXT NOT NULL
);
CREATE INDEX obstacle_details_unit ON obstacle_details(unit_id);

-- The audit chain's head follows each entry (postgres). Kept in step with
-- ../sqlite/0019_audit_head_trigger.sql.
-- `audit::append` takes the next number and the previous hash from the head, then
-- inserts the entry; the head's hash moves with the insert itself, in the same statement,
-- instead of by a third statement (a round trip) in every write transaction. Only an
-- entry that continues the head (the number just taken) moves it, so `audit verify`
-- still sees any break. Both tables are keyed by unit, so the trigger stays on one shard.
CREATE FUNCTION audit_log_moves_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_head SET hash = NEW.hash WHERE unit_id = NEW.unit_id AND seq = NEW.seq;
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_log_moves_head AFTER INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_moves_head();

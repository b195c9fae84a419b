-- The audit chain's head follows each entry (sqlite). Kept in step with
-- ../postgres/0019_audit_head_trigger.sql.
-- `audit::append` takes the next number and the previous hash from the head, then
-- inserts the entry; the head's hash moves with the insert itself, in the same statement,
-- instead of by a third statement in every write transaction (each statement holds
-- SQLite's single writer a little longer). Only an entry that continues the head (the
-- number just taken) moves it, so `audit verify` still sees any break.
CREATE TRIGGER audit_log_moves_head AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_head SET hash = NEW.hash WHERE unit_id = NEW.unit_id AND seq = NEW.seq;
END;

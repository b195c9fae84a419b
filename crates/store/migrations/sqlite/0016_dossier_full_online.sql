-- Dossiers (sqlite). Kept in step with ../postgres/0016_dossier_full_online.sql.
-- Whether the dossier's procedure was offered fully online when it was filed (766: 3a).
-- Kept on the dossier so a later change to the catalogue does not rewrite the past, and
-- the tallies subtract exactly what they added.
ALTER TABLE dossiers ADD COLUMN full_online SMALLINT NOT NULL DEFAULT 0;
UPDATE dossiers SET full_online = 1 WHERE procedure_code IN (SELECT code FROM procedures WHERE online_level = 'full');

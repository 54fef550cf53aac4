-- Read model "families": accounts, children, structures, quotient history, file (dossier) state.
-- Built from FamilyRegistered, FamilyStructuresChanged, ChildRegistered, FamilyQuotientSet,
-- FamilyDossierUpdated. Names, logins and contact data are in the registry, not here.

CREATE TABLE IF NOT EXISTS families (
    family_id        TEXT PRIMARY KEY,
    dossier_complete INTEGER NOT NULL DEFAULT 1,
    missing_items    TEXT NOT NULL DEFAULT '[]'   -- JSON array of strings shown to the parent
) STRICT;

CREATE TABLE IF NOT EXISTS family_structures (
    family_id    TEXT NOT NULL,
    structure_id TEXT NOT NULL,
    PRIMARY KEY (family_id, structure_id)
) STRICT;

CREATE TABLE IF NOT EXISTS children (
    child_id  TEXT PRIMARY KEY,
    family_id TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS children_by_family ON children (family_id);

-- Quotient familial in force from a day on (NULL: unknown, highest bracket).
CREATE TABLE IF NOT EXISTS family_quotients (
    family_id      TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    quotient       INTEGER,
    PRIMARY KEY (family_id, effective_from)
) STRICT;

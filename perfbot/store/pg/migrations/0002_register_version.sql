-- A counter each change to the register moves, so a process may keep the register (measures and
-- their terms over time) in memory and re-read it only when another has changed it.
CREATE TABLE store_versions (
    name text PRIMARY KEY,
    version bigint NOT NULL
);
INSERT INTO store_versions (name, version) VALUES ('register', 0);

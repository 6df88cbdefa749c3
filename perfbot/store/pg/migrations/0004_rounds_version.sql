-- Rounds change a few times a quarter and every submission reads its quarter's: a process keeps
-- them in memory and re-reads them only when this counter has moved. A trigger moves it, so every
-- writer is counted (an older perfbot during a rolling upgrade, `store copy`, a fix made in psql).
INSERT INTO store_versions (name, version) VALUES ('rounds', 0);

CREATE FUNCTION perfbot_rounds_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE store_versions SET version = version + 1 WHERE name = 'rounds';
    RETURN NULL;
END
$$;

CREATE TRIGGER rounds_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rounds
    FOR EACH STATEMENT EXECUTE FUNCTION perfbot_rounds_changed();

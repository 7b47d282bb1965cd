-- Concurrency run of the heritage register: scratch database set-up (see docs/heritage.md).
CREATE EXTENSION IF NOT EXISTS community_planning CASCADE;
INSERT INTO cp.heritage_config (srid) VALUES (32633);
CREATE TABLE bench_log (id bigserial PRIMARY KEY, op text NOT NULL, ok boolean NOT NULL, sqlstate text);
-- one attempted change; refused ones are caught (so pgbench clients keep going) and logged
CREATE FUNCTION bench_try(op text, q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  -- a row deleted by another client meanwhile: nothing changed
  INSERT INTO bench_log (op, ok, sqlstate) VALUES (op, n = 1, CASE WHEN n = 0 THEN 'no row' END);
  RETURN true;
EXCEPTION WHEN integrity_constraint_violation OR check_violation OR exclusion_violation
               OR restrict_violation OR unique_violation THEN
  INSERT INTO bench_log (op, ok, sqlstate) VALUES (op, false, SQLSTATE);
  RETURN false;
END $$;
CREATE FUNCTION bench_box(x float8, y float8, w float8) RETURNS geometry LANGUAGE sql IMMUTABLE
AS $$ SELECT ST_Multi(ST_MakeEnvelope(540000 + x, 5360000 + y, 540000 + x + w, 5360000 + y + w, 32633)) $$;

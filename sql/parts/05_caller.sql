
-- Caller queries (issue 16) ----------------------------------------------------------
-- Every cp function pins its search_path; a caller's query text is planned under the
-- caller's own search_path instead (src/query_reader.c), so that a district's table
-- "communities" is its own, not cp.communities. PL/pgSQL that EXECUTEs a caller's query
-- switches to this path around the EXECUTE only.
CREATE FUNCTION cp._caller_search_path() RETURNS text
AS 'MODULE_PATHNAME', 'cp_caller_search_path_sql'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION cp._caller_search_path() IS
  'Internal: the search_path of the session that called into the extension (the value before cp''s own functions pinned theirs), under which caller queries are planned';

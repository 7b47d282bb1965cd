#!/usr/bin/env python3
"""Bad-input sweep of community_planning (issue #13).

Every function of schema cp (read from pg_proc, so a new function is swept automatically) is called
with generated bad arguments -- one bad argument at a time with the others valid, plus an all-NULL
call -- each call in its own transaction (rolled back) under SET LOCAL statement_timeout. Tables with
trigger rules (heritage register, communities, indicator values, ...) get INSERT/UPDATE with bad values.

Outcomes: success; error with a specific SQLSTATE (counted); XX000 (failure); statement timeout or a
call that had to be killed (failure: hang); connection lost (failure: crash -- reconnect and go on).
Output: TAP on stdout (one test per function or table swept, failures as diagnostics with the
reproducer SQL), files in SWEEP_OUT: summary.txt, sqlstates.txt, failures.sql, calls.tsv.

Environment: PGHOST/PGPORT/PGUSER as for psql; SWEEP_TIMEOUT_MS (5000), SWEEP_MAX_CALLS_PER_FUNCTION
(0 = no cap), SWEEP_ONLY (regular expression on function names), SWEEP_OUT, SWEEP_KILL_GRACE_S (10),
SWEEP_MAX_CRASHES_PER_FUNCTION (10), SWEEP_MAX_HANGS_PER_FUNCTION (3), SWEEP_SERVER_LOG, SWEEP_ERRORS_MD.
"""
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections import Counter, OrderedDict, defaultdict

import psycopg2
import psycopg2.extensions

DB = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SWEEP_DB", "")
if not DB:
    sys.exit("usage: sweep.py DBNAME")
TIMEOUT_MS = int(os.environ.get("SWEEP_TIMEOUT_MS", "5000"))
MAX_CALLS = int(os.environ.get("SWEEP_MAX_CALLS_PER_FUNCTION", "0"))
ONLY = re.compile(os.environ.get("SWEEP_ONLY", ".*"))
OUT = os.environ.get("SWEEP_OUT", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "out", "sweep"))
KILL_GRACE = float(os.environ.get("SWEEP_KILL_GRACE_S", "10"))
MAX_HANGS_PER_FUNCTION = int(os.environ.get("SWEEP_MAX_HANGS_PER_FUNCTION", "3"))
MAX_CRASHES_PER_FUNCTION = int(os.environ.get("SWEEP_MAX_CRASHES_PER_FUNCTION", "10"))
NET = "sweep_net"
SRID = 32650
os.makedirs(OUT, exist_ok=True)


def lit(s):
    """SQL string literal (standard_conforming_strings on)."""
    if s is None:
        return "NULL"
    return "'" + s.replace("'", "''") + "'"


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# Bad values. Every value is an SQL expression; "prio" values (known crashers) survive the cap.
# ---------------------------------------------------------------------------------------------
P = f"SRID={SRID};"
X0, Y0 = 400500, 3300500  # a point inside the fixture grid

CRASH_GEOMS = [
    f"{P}GEOMETRYCOLLECTION(POINT EMPTY, POINT({X0} {Y0}))",
    f"{P}MULTIPOINT(EMPTY, {X0} {Y0})",
    f"{P}GEOMETRYCOLLECTION(LINESTRING EMPTY, POINT({X0} {Y0}))",
    f"{P}GEOMETRYCOLLECTION(POLYGON EMPTY, POINT({X0} {Y0}))",
    f"{P}MULTIPOLYGON(EMPTY, (({X0} {Y0},{X0 + 10} {Y0},{X0 + 10} {Y0 + 10},{X0} {Y0})))",
    f"{P}MULTILINESTRING(EMPTY, ({X0} {Y0},{X0 + 10} {Y0}))",
]
HOSTILE_EWKB = ("decode(repeat('010700000001000000', 200000) || '0101000000' || repeat('00', 16), 'hex')")
GEOM_BAD = [  # (expression, prio)
    ("NULL", False),
    ("'POINT EMPTY'", False),
    (f"'{P}POINT EMPTY'", False),
    (f"'{P}GEOMETRYCOLLECTION EMPTY'", False),
    (f"'{P}POLYGON EMPTY'", False),
    (f"'{P}MULTIPOINT EMPTY'", False),
    (f"'{P}LINESTRING EMPTY'", False),
] + [(lit(g), True) for g in CRASH_GEOMS] + [
    (f"'{P}GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT({X0} {Y0}))))'", False),
    (f"'{P}GEOMETRYCOLLECTION(GEOMETRYCOLLECTION EMPTY, MULTIPOINT(EMPTY), POINT({X0} {Y0}))'", True),
    (f"'{P}POLYGON(({X0} {Y0},{X0 + 100} {Y0 + 100},{X0 + 100} {Y0},{X0} {Y0 + 100},{X0} {Y0}))'", False),  # bow tie
    (f"'{P}LINESTRING({X0} {Y0},{X0} {Y0})'", False),
    (f"'{P}CIRCULARSTRING({X0} {Y0},{X0 + 50} {Y0 + 50},{X0 + 100} {Y0})'", False),
    (f"'{P}COMPOUNDCURVE(CIRCULARSTRING({X0} {Y0},{X0 + 50} {Y0 + 50},{X0 + 100} {Y0}),({X0 + 100} {Y0},{X0 + 200} {Y0}))'", False),
    (f"'{P}CURVEPOLYGON(CIRCULARSTRING({X0} {Y0},{X0 + 50} {Y0 + 50},{X0 + 100} {Y0},{X0 + 50} {Y0 - 50},{X0} {Y0}))'", False),
    (f"'{P}MULTISURFACE(CURVEPOLYGON(CIRCULARSTRING({X0} {Y0},{X0 + 50} {Y0 + 50},{X0 + 100} {Y0},{X0 + 50} {Y0 - 50},{X0} {Y0})))'", False),
    (f"'{P}TRIANGLE(({X0} {Y0},{X0 + 10} {Y0},{X0} {Y0 + 10},{X0} {Y0}))'", False),
    (f"'{P}TIN((({X0} {Y0} 0,{X0 + 10} {Y0} 0,{X0} {Y0 + 10} 0,{X0} {Y0} 0)))'", False),
    (f"'{P}POLYHEDRALSURFACE((({X0} {Y0} 0,{X0 + 10} {Y0} 0,{X0} {Y0 + 10} 0,{X0} {Y0} 0)))'", False),
    (f"'{P}POINT Z ({X0} {Y0} 5)'", False),
    (f"'{P}POINT ZM ({X0} {Y0} 5 7)'", False),
    (f"'{P}POINT M ({X0} {Y0} 7)'", False),
    (f"'{P}LINESTRING ZM ({X0} {Y0} 1 2,{X0 + 100} {Y0} 1 2)'", False),
    (f"'POINT({X0} {Y0})'", False),  # SRID 0
    ("'SRID=4326;POINT(119.3 26.08)'", False),
    ("'SRID=3857;POINT(13280000 3010000)'", False),
    (f"'SRID=999999;POINT({X0} {Y0})'", False),
    (f"ST_SetSRID(ST_MakePoint('NaN', 'NaN'), {SRID})", True),
    (f"ST_SetSRID(ST_MakePoint('NaN', {Y0}), {SRID})", True),
    (f"ST_SetSRID(ST_MakePoint('Infinity', '-Infinity'), {SRID})", True),
    (f"ST_SetSRID(ST_MakePoint(1e308, -1e308), {SRID})", False),
    (f"ST_SetSRID(ST_MakePoint(5e-324, 5e-324), {SRID})", False),
    (f"ST_SetSRID(ST_MakeLine(ST_MakePoint({X0}, {Y0}), ST_MakePoint('NaN', {Y0})), {SRID})", True),
    (f"ST_SetSRID(ST_MakePoint('NaN', 'NaN'), 4326)", True),
    (f"'{P}POINT(-5000000 -9000000)'", False),  # far outside the network
    (f"'{P}POLYGON(({X0} {Y0},{X0 + 100} {Y0},{X0 + 100} {Y0 + 100},{X0} {Y0 + 100},{X0} {Y0}),({X0 + 10} {Y0 + 10},{X0 + 20} {Y0 + 10},{X0 + 20} {Y0 + 20},{X0 + 10} {Y0 + 10}))'", False),
    (f"'{P}LINESTRING({X0 - 300} {Y0 - 300},{X0 + 300} {Y0 + 300})'", False),
    (f"ST_Collect(ARRAY(SELECT ST_SetSRID(ST_MakePoint({X0 - 500} + i % 100 * 10, {Y0 - 500} + i / 100 * 10), {SRID}) FROM generate_series(0, 9999) i))", False),
    (f"{HOSTILE_EWKB}::geometry", True),
]
GEOM_OK = f"'{P}POINT({X0 + 20} {Y0 + 30})'"

F8_BAD = [("NULL", False), ("'NaN'", True), ("'Infinity'", True), ("'-Infinity'", False), ("0", False),
          ("-1", False), ("'-0'", False), ("5e-324", True), ("1e-300", False), ("1e7", True), ("1e15", False),
          ("1e308", False), ("-1e308", False)]
INT_BAD = [("NULL", False), ("0", False), ("-1", False), ("2147483647", True), ("-2147483648", False), ("100000", False)]
NUM_BAD = [("NULL", False), ("'NaN'", True), ("'Infinity'", False), ("'-Infinity'", False), ("0", False), ("-1", False),
           ("1e100", False), ("1e-100", False)]
F8ARR_BAD = [("NULL", False), ("'{}'", False), ("'{NULL}'", False), ("'{NaN}'", True), ("'{Infinity}'", True),
             ("'{-1}'", False), ("'{0}'", False), ("'{5e-324}'", True), ("'{1e7}'", True), ("'{1e308}'", False),
             ("'{300,300}'", False), ("'{1000,300,NULL}'", False), ("'{{300,500},{600,700}}'", False),
             ("'[5:6]={300,500}'", False), ("ARRAY(SELECT g::float8 FROM generate_series(10, 2000, 10) g)", False)]
TEXTARR_BAD = [("NULL", False), ("'{}'", False), ("'{NULL}'", False), ("'{\"\"}'", False), ("'{nope}'", False),
               ("'{kindergarten,kindergarten}'", False), ("'{{kindergarten},{clinic}}'", False)]
BOOL_BAD = [("NULL", False), ("true", False), ("false", False)]
DATE_BAD = [("NULL", False), ("'infinity'", False), ("'-infinity'", False), ("'4713-01-01 BC'", False),
            ("'5874897-12-31'", False)]
JSONB_BAD = [("NULL", False), ("'{}'", False), ("'[]'", False), ("'null'", False), ("'\"x\"'", False), ("'1'", False),
             ("'{\"a\": null}'", False), ("'{\"\": \"\"}'", False),
             ("repeat('[', 5000) || repeat(']', 5000)", False),
             ("(SELECT jsonb_object_agg('k' || g, g) FROM generate_series(1, 5000) g)::text", False),
             ("'{\"amenity\": \"kindergarten\", \"building\": [1, {\"x\": null}]}'", False),
             ("'{\"network\": \"nope\"}'", False),
             ("'{\"network\": 1, \"scale\": \"NaN\", \"compute\": \"x\"}'", False),
             ("'{\"compute\": [null, 1, \"nope\"]}'", False)]
REGCLASS_BAD = [("NULL", False), ("'pg_class'", False), ("'cp.heritage_site'", False), ("'cp.network_catalog'", False),
                ("'sweep_fx.residents'", False), ("'0'", False)]
EWKB_GARBAGE = [("NULL", False), ("''::bytea", False), ("'\\x00'::bytea", False), ("'\\x01'::bytea", False),
                ("'\\x0101000000'::bytea", False),  # truncated point
                ("'\\x01010000208a7f0000'::bytea", False),  # truncated SRID point
                ("'\\x0102000000ffffffff'::bytea", True),  # line claiming 2^32-1 points
                ("'\\x0107000000ffffff7f'::bytea", True),  # collection claiming 2^31-1 members
                ("'\\x0103000000ffffff7f'::bytea", True),  # polygon claiming 2^31-1 rings
                ("'\\x0199000000'::bytea", False),  # unknown type
                ("'\\x0201000000'::bytea", False),  # unknown byte order
                ("decode(repeat('ff', 64), 'hex')", False),
                ("decode(md5('sweep') || md5('again'), 'hex')", False),
                (HOSTILE_EWKB, True),
                ("decode(repeat('010700000001000000', 60) || '0101000000' || repeat('00', 16), 'hex')", False)]
TEXT_BAD = [("NULL", False), ("''", False), ("' '", False), ("'nope'", False),
            ("'стандарт-标准-😀'", False), ("repeat('x', 100000)", False),
            ("'x''; DROP TABLE sweep_fx.residents; --'", False), ("'%s%n%x'", False), ("E'a\\tb\\nc'", False),
            ("'a\"b'", False), ("'sweep_net '", False), ("'SWEEP_NET'", False)]


# Valid column sets of the data sets, and the fixture table behind each.
DATASETS = {
    "edges": ("sweep_fx.edges", OrderedDict(id="100001::bigint", geom=f"'{P}LINESTRING({X0} {Y0},{X0 + 100} {Y0})'::geometry")),
    "residents": ("sweep_fx.residents", OrderedDict(id="100001::bigint", geom=f"'{P}POINT({X0 + 10} {Y0 + 10})'::geometry", population="10::float8")),
    "facilities": ("sweep_fx.facilities", OrderedDict(id="100001::bigint", category="'kindergarten'::text", geom=f"'{P}POINT({X0 + 60} {Y0 + 40})'::geometry", capacity="10::float8", floor_area="100::float8")),
    "communities": ("sweep_fx.communities", OrderedDict(id="100001::bigint", geom=f"ST_MakeEnvelope({X0 - 500}, {Y0 - 500}, {X0 + 500}, {Y0 + 500}, {SRID})")),
    "buildings": ("sweep_fx.buildings", OrderedDict(id="100001::bigint", geom=f"'{P}POINT({X0 + 10} {Y0 + 40})'::geometry", use="'residential'::text", households="10::float8", floor_area="NULL::float8")),
    "buildings_demand": ("sweep_fx.buildings", OrderedDict(id="100001::bigint", geom=f"'{P}POINT({X0 + 10} {Y0 + 40})'::geometry", demand="10::float8")),
    "parking": ("sweep_fx.car_parks", OrderedDict(id="100001::bigint", geom=f"'{P}POINT({X0 + 40} {Y0 + 10})'::geometry", capacity="10::float8")),
    "points": ("sweep_fx.residents", OrderedDict(id="100001::bigint", geom=f"'{P}POINT({X0 + 10} {Y0 + 10})'::geometry")),
    "targets": ("sweep_fx.facilities", OrderedDict(id="100001::bigint", geom=f"'{P}POINT({X0 + 60} {Y0 + 40})'::geometry")),
}


def dataset_kind(fname, arg):
    a = arg.lower()
    if a == "edges_sql":
        return "edges"
    if a == "residents_sql":
        return "residents"
    if a in ("facilities_sql",):
        return "targets" if fname in ("catchments", "_catchments") else "facilities"
    if a == "communities_sql":
        return "communities"
    if a == "buildings_sql":
        return "buildings_demand" if fname == "_parking_allocate" else "buildings"
    if a == "parking_sql":
        return "parking"
    if a == "origins_sql":
        return "points"
    if a == "targets_sql":
        return "targets"
    if a.endswith("_sql") or a == "query":
        return "residents"
    return None


def valid_sql(kind):
    tbl, cols = DATASETS[kind]
    return "SELECT " + ", ".join(cols) + " FROM " + tbl


def bad_sql(kind):
    """Bad data-set queries (text values, already quoted as literals): (expr, prio)."""
    tbl, cols = DATASETS[kind]
    names = list(cols)
    base = "SELECT " + ", ".join(names) + " FROM " + tbl
    out = []

    def q(s, prio=False):
        out.append((lit(s), prio))

    def row(**over):
        return "SELECT " + ", ".join(f"{over.get(c, v)} AS {c}" for c, v in cols.items())

    for s in ["", "   ", "SELECT", "SELECT 1", "SELEC id FROM nowhere", "SELECT * FROM sweep_fx.no_such_table",
              base + " WHERE false", base + ";", base + "; DROP TABLE " + tbl, base + "; SELECT 1",
              "WITH d AS (DELETE FROM " + tbl + " RETURNING " + ", ".join(names) + ") SELECT * FROM d",
              "WITH d AS (UPDATE " + tbl + " SET id = id RETURNING " + ", ".join(names) + ") SELECT * FROM d",
              "DELETE FROM " + tbl + " RETURNING " + ", ".join(names),
              "INSERT INTO " + tbl + " (id) VALUES (999) RETURNING *",
              "DROP TABLE " + tbl, "TRUNCATE " + tbl, "VACUUM", "BEGIN", "COMMIT", "SET search_path = pg_catalog",
              "CREATE TEMP TABLE sweep_x AS " + base, "EXPLAIN " + base, "SHOW ALL", "VALUES (1, 2, 3)",
              "SELECT * FROM (" + base + ") s, (" + base + ") t",  # every column twice: ambiguous
              "SELECT " + ", ".join(names) + ", id FROM " + tbl,  # duplicate column
              "SELECT " + ", ".join(n.upper() for n in names) + " FROM " + tbl,
              "SELECT " + ", ".join(f'{n} AS "{n.upper()}"' for n in names) + " FROM " + tbl,
              base + " UNION ALL " + base,  # duplicate ids
              "SELECT " + ", ".join(names) + " FROM " + tbl + " FOR UPDATE",
              "SELECT " + ", ".join(names) + " FROM " + tbl + " CROSS JOIN generate_series(1, 200) g",  # dup ids, many rows
              ]:
        q(s)
    for n in names:  # each column missing, NULL, of a wrong type
        q("SELECT " + ", ".join(m for m in names if m != n) + " FROM " + tbl)
        q(row(**{n: "NULL"}) + " UNION ALL " + base)
        q(row(**{n: "'x'::text"}))
        q(row(**{n: "ARRAY[1]"}))
        if n != "geom":
            q(row(**{n: "'1'::jsonb"}))
    # ids
    for v in ["9223372036854775807::bigint", "(-9223372036854775807 - 1)::bigint", "1.5::float8", "1.5::numeric",
              "'1'::text", "true", "32767::smallint", "1::oid"]:
        q(row(id=v))
    # numeric columns
    for n in names:
        if n in ("population", "capacity", "floor_area", "households", "demand"):
            for v in ["'NaN'::float8", "'Infinity'::float8", "'-Infinity'::float8", "-1::float8", "5e-324::float8",
                      "1e308::float8", "'NaN'::numeric", "1e300::numeric", "(-1)::int", "2147483647::int"]:
                q(row(**{n: v}) + " UNION ALL " + base, v.startswith("'NaN'") or v.startswith("'Inf"))
        if n in ("category", "use"):
            for v in ["''::text", "'NOPE'::text", "'стандарт😀'::text", "repeat('x', 100000)"]:
                q(row(**{n: v}) + " UNION ALL " + base)
    # geometries of every bad kind as a row (with the valid rows), and alone
    for g, prio in GEOM_BAD:
        if g == "NULL":
            continue
        q(row(geom=f"({g})::geometry") + " UNION ALL " + base, prio)
        if prio:
            q(row(geom=f"({g})::geometry"), prio)
    for v in ["'SRID=32650;POINT(400500 3300500)'::geography", f"ST_AsEWKB({GEOM_OK}::geometry)", HOSTILE_EWKB,
              f"ST_AsText({GEOM_OK}::geometry)", "point(400500, 3300500)",
              f"ST_Transform({GEOM_OK}::geometry, 4326)"]:
        q(row(geom=v) + " UNION ALL " + base)
    # mixed SRIDs across rows
    q(base + " UNION ALL " + row(geom=f"ST_Transform({GEOM_OK}::geometry, 4326)", id="100000::bigint"))
    q(base + " UNION ALL " + row(geom=f"ST_SetSRID({GEOM_OK}::geometry, 0)", id="100000::bigint"))
    return out


# Baseline (valid) values per argument name; per-function overrides first.
def baseline(fname, arg, typ, default_expr):
    a = (arg or "").lower()
    park = "parking" in fname
    over = {
        ("network_build", "name"): "'sweep_tmp'",
        ("network_rebuild", "name"): f"'{NET}'",
        ("network_drop", "name"): "'sweep_tmp'",
        ("copy_standard", "source"): "'GB50180-2018'",
        ("copy_standard", "target"): "'SWEEP-copy'",
        ("copy_standard", "title_zh"): "'扫描'",
        ("_coverage_run", "per"): "'community'",
        ("_coverage_run", "codes"): "'{kindergarten,clinic}'",
        ("_coverage_run", "radii"): "'{300,1000}'",
        ("_coverage_run", "known"): "cp._known_categories()",
        ("_coverage_run", "quiet"): "'{}'",
        ("normalised_score", "value"): "50", ("normalised_score", "baseline"): "10",
        ("normalised_score", "target"): "80", ("normalised_score", "direction"): "'higher'",
        ("normalised_score", "valid_min"): "0", ("normalised_score", "valid_max"): "100",
        ("chinacoord_ewkb", "ewkb"): "ST_AsEWKB('SRID=4326;POINT(119.3 26.08)'::geometry)",
        ("chinacoord_ewkb", "from_system"): "'wgs84'", ("chinacoord_ewkb", "to_system"): "'gcj02'",
        ("_parking_check_ids", "tbl"): "'sweep_fx.buildings'",
        ("_parking_check_ids", "query_name"): "'buildings_sql'",
        ("_parking_check_ids", "row_name"): "'building'", ("_parking_check_ids", "hint"): "'give ids'",
        ("_compute_settings", "indicator"): "'parking_gap_rate'",
        ("_compute_settings", "keys"): "'{\"network\": \"string\"}'",
        ("_compute_settings", "defaults"): "'{\"walk_m\": 300}'",
        ("_compute_settings", "asked"): "true",
        ("_rollup_stage", "level"): "'city'", ("scorecard_rollup", "level"): "'city'",
        ("heritage_audit_write", "operation"): "'UPDATE'",
        ("heritage_audit_write", "changed_by"): "'sweep'",
        ("check_development", "height_m"): "20",
        ("heritage_protection_rate", "area"): f"ST_MakeEnvelope(400000, 3300000, 401000, 3301000, {SRID})",
        ("building_floor_area", "footprint"): f"ST_MakeEnvelope({X0}, {Y0}, {X0 + 20}, {Y0 + 20}, {SRID})",
        ("building_floor_area", "levels"): "3",
        ("check_development", "geom"): f"ST_MakeEnvelope(400205, 3300205, 400235, 3300235, {SRID})",
        ("_network_edges", "network"): f"'{NET}'",
        # province (issue 18): never a real connection attempt that could outlast the timeout
        # (postgres_fdw connects with connect_timeout 5 s): a closed port on loopback is refused at once
        ("attach_district", "district"): "'sweep_d'", ("attach_district", "host"): "'127.0.0.1'",
        ("attach_district", "port"): "1", ("attach_district", "dbname"): "'sweep'",
        ("attach_district", "user_name"): "'sweep'", ("attach_district", "password"): "NULL",
        ("attach_district", "fetch_size"): "1000",
        ("detach_district", "district"): "'sweep_d'", ("publish", "district"): "'sweep_d'",
        ("_province_probe", "district"): "'sweep_d'", ("_check_district_name", "district"): "'sweep_d'",
        ("_province_partition", "tbl"): "'province_communities'", ("_province_partition", "district"): "'sweep_d'",
        ("_rollup_query", "level"): "'province'", ("_rollup_query", "missing"): "'{}'",
        ("_rollup_leave_out", "alias"): "'c'", ("_rollup_leave_out", "missing"): "'{sweep_d}'",
        ("province_rollup", "allow_missing"): "true", ("_province_missing", "allow_missing"): "true",
    }
    if (fname, a) in over:
        return over[(fname, a)]
    if fname in ("wgs84_to_gcj02", "wgs84_to_bd09", "gcj02_to_wgs84", "gcj02_to_bd09", "bd09_to_gcj02", "bd09_to_wgs84"):
        return "'SRID=4326;POINT(119.3 26.08)'"
    kind = dataset_kind(fname, a) if typ == "text" else None
    if kind:
        return lit(valid_sql(kind))
    by_name = {
        "network": f"'{NET}'", "name": f"'{NET}'",
        "standard": "'CP-parking-default'" if park else "'GB50180-2018'",
        "category": "'kindergarten'", "life_circle": "'15min'", "profile": "'walk'", "unit": "'m'",
        "method": "'edges'", "cutoffs": "'{300,500}'", "buffer_m": "25", "max_snap_m": "250", "k": "2",
        "max_cost": "1000", "tolerance_m": "0.5", "walk_m": "300", "community_type": "'old'",
        "m2_per_space": "30", "use": "'residential'", "households": "10", "floor_area_m2": "1000",
        "speed_m_per_min": "80", "by_time": "false", "stage": "2025", "year": "2025",
        "community_id": "'SW1'", "level": "'city'", "indicator": "'parking_gap_rate'",
        "dimension": "'living'", "tags": "'{\"amenity\": \"kindergarten\"}'",
        "settings": lit('{"network": "%s", "residents_sql": %s, "facilities_sql": %s, "buildings_sql": %s, '
                        '"parking_sql": %s, "childcare_per_1000": 30}' % (
                            NET, '"' + valid_sql("residents") + '"', '"' + valid_sql("facilities") + '"',
                            '"' + valid_sql("buildings") + '"', '"' + valid_sql("parking") + '"')),
        "period": "'2026-06-30'", "include_optional": "true", "a": GEOM_OK,
        "b": f"'{P}POINT({X0 - 220} {Y0 + 130})'", "origin": GEOM_OK, "geom": GEOM_OK, "area": GEOM_OK,
        "footprint": GEOM_OK, "geom_ewkb": None, "compiled": f"cp._network_compile({lit(valid_sql('edges'))}, 0.5)",
        "radius": "500", "srid": str(SRID), "per_1000": "30", "target_m2_per_resident": "0.5",
        "area_m2": "300", "floor_area_m2 ": "1000", "m2_per_person": "36.52", "persons_per_household": "2.62",
        "value": "50", "baseline": "10", "target": "80", "direction": "'higher'", "valid_min": "0",
        "valid_max": "100", "levels": "2", "height_m": "20", "action": "'build'", "source": "'GB50180-2018'",
        "title_en": "'sweep'", "issuer": "'sweep'", "query": lit(valid_sql("residents")),
        "codes": "'{kindergarten}'", "radii": "'{300}'", "per": "'resident'",
    }
    if a in by_name and by_name[a] is not None:
        v = by_name[a]
        if typ == "bytea" and a in ("a", "b", "origin", "geom"):
            return f"ST_AsEWKB(({v})::geometry)"
        return v
    if typ == "bytea":
        return f"ST_AsEWKB(({GEOM_OK})::geometry)"
    if typ == "cp.heritage_site":
        return "(SELECT s FROM cp.heritage_site s WHERE code = 'SWEEP-1')"
    if default_expr is not None:
        return default_expr
    return {"geometry": GEOM_OK, "double precision": "1", "integer": "1", "bigint": "1", "numeric": "1",
            "boolean": "false", "text": "'x'", "jsonb": "'{}'", "date": "'2026-06-30'",
            "double precision[]": "'{1}'", "text[]": "'{x}'", "regclass": "'sweep_fx.residents'"}.get(typ, "NULL")


def bad_values(fname, arg, typ):
    a = (arg or "").lower()
    if typ == "geometry":
        return GEOM_BAD
    if typ == "bytea":
        if a in ("compiled",):
            return EWKB_GARBAGE + [("cp._network_compile('SELECT 1::bigint AS id, NULL::geometry AS geom', 0.5)", False),
                                   ("overlay(cp._network_compile(%s, 0.5) placing '\\xffffffff'::bytea from 9)" % lit(valid_sql('edges')), True),
                                   ("substr(cp._network_compile(%s, 0.5), 1, 40)" % lit(valid_sql('edges')), True)]
        return EWKB_GARBAGE + [(f"ST_AsEWKB(({g})::geometry)", p) for g, p in GEOM_BAD if g != "NULL"]
    if typ == "double precision":
        return F8_BAD
    if typ in ("integer", "bigint", "smallint"):
        return INT_BAD
    if typ == "numeric":
        return NUM_BAD
    if typ == "double precision[]":
        return F8ARR_BAD
    if typ == "text[]":
        return TEXTARR_BAD
    if typ == "boolean":
        return BOOL_BAD
    if typ == "date":
        return DATE_BAD
    if typ == "jsonb":
        out = list(JSONB_BAD)
        if a == "settings":
            for k in ("residents_sql", "facilities_sql", "buildings_sql", "parking_sql"):
                for v in ["DELETE FROM sweep_fx.residents RETURNING *", "", "SELECT 1", valid_sql("residents") + "; DROP TABLE sweep_fx.residents"]:
                    out.append((lit('{"network": "%s", "%s": "%s"}' % (NET, k, v.replace('"', '\\"'))), False))
            for v in ["-1", "\"NaN\"", "1e308", "5e-324", "null", "[]"]:
                out.append((lit('{"network": "%s", "walk_m": %s, "max_snap_m": %s, "m2_per_space": %s, "childcare_per_1000": %s}' % (NET, v, v, v, v)), v == "5e-324"))
        return out
    if typ == "regclass":
        return REGCLASS_BAD
    if typ == "cp.heritage_site":
        return [("NULL", False), ("ROW(NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL)::cp.heritage_site", False),
                ("(SELECT s FROM (SELECT (r).* FROM (SELECT s AS r FROM cp.heritage_site s WHERE code = 'SWEEP-1') x) s0, LATERAL (SELECT 1) y, LATERAL (SELECT s0) s LIMIT 1)", False)]
    if typ == "text":
        kind = dataset_kind(fname, a)
        if kind:
            return [("NULL", False)] + bad_sql(kind)
        out = list(TEXT_BAD)
        if a in ("network", "name"):
            out += [("'sweep_tmp'", False), ("'cp'", False), ("'pg_catalog.pg_class'", False)]
        if a == "standard":
            out += [("'GB50180-2018'", False), ("'CP-parking-default'", False), ("'XM-parking-2020'", False),
                    ("'gb50180-2018'", False)]
        return out
    return [("NULL", False)]


# ---------------------------------------------------------------------------------------------
# Connection, one call, watchdog
# ---------------------------------------------------------------------------------------------
class Runner:
    def __init__(self):
        self.conn = None
        self.pid = None
        self.start_time = None
        self.connect()

    def _dial(self):
        c = psycopg2.connect(dbname=DB, application_name="cp_sweep")
        c.autocommit = False
        return c

    def connect(self, wait_s=90):
        deadline = time.time() + wait_s
        last = None
        while time.time() < deadline:
            try:
                self.conn = self._dial()
                cur = self.conn.cursor()
                cur.execute("SET client_min_messages = error; SELECT pg_backend_pid(), pg_postmaster_start_time(), "
                            "inet_server_addr() IS NULL")
                self.pid, st, self.local = cur.fetchone()
                self.conn.commit()
                restarted = self.start_time is not None and st != self.start_time
                self.start_time = st
                return restarted
            except psycopg2.OperationalError as e:
                last = e
                time.sleep(0.5)
        raise SystemExit(f"cannot reconnect to {DB}: {last}")

    def alive(self):
        try:
            c = self._dial()
            c.close()
            return True
        except psycopg2.OperationalError:
            return False

    def call(self, sql):
        """Returns (outcome, sqlstate, message, seconds). outcome: ok | error | crash | hang."""
        conn = self.conn
        pid = self.pid
        fired = {"stage": 0}
        done = threading.Event()

        def watchdog():
            if done.wait(TIMEOUT_MS / 1000.0 + KILL_GRACE):
                return
            fired["stage"] = 1  # statement_timeout did not end it: the backend ignores interrupts
            try:
                mc = self._dial()
                mc.autocommit = True
                mc.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
                mc.close()
            except Exception:
                pass
            if done.wait(5):
                return
            fired["stage"] = 2
            if self.local:
                try:
                    os.kill(pid, signal.SIGKILL)  # postmaster restarts the cluster
                except Exception:
                    pass
            if done.wait(5):
                return
            fired["stage"] = 3
            try:
                socket.socket(fileno=os.dup(conn.fileno())).shutdown(socket.SHUT_RDWR)
            except Exception:
                pass

        t = threading.Thread(target=watchdog, daemon=True)
        t.start()
        t0 = time.time()
        cur = conn.cursor()
        try:
            cur.execute(f"SET LOCAL statement_timeout = {TIMEOUT_MS}; {sql}")
            if cur.description:
                cur.fetchall()
            res = ("ok", None, None)
        except psycopg2.Error as e:
            if e.pgcode:
                res = ("error", e.pgcode, (e.pgerror or "").strip())
            elif conn.closed or isinstance(e, (psycopg2.OperationalError, psycopg2.InterfaceError)):
                res = ("lost", None, str(e).strip())
            else:  # a client-side error of the driver itself: never a reason to blame the server
                raise
        finally:
            done.set()
        dt = time.time() - t0
        if res[0] == "ok" or res[0] == "error":
            try:
                conn.rollback()
            except psycopg2.Error as e:
                res = ("lost", None, str(e).strip())
        if res[0] == "error" and res[1] == "57014" and "statement timeout" in (res[2] or ""):
            return ("hang", "57014", res[2], dt)
        if res[0] == "error" and res[1] == "57P01" and fired["stage"]:
            self._recover()
            return ("hang", "57P01", "backend ignored statement_timeout; ended by pg_terminate_backend", dt)
        if res[0] == "lost":
            try:
                conn.close()
            except Exception:
                pass
            restarted = self._recover()
            if fired["stage"]:
                return ("hang", None, f"backend ignored statement_timeout and pg_terminate_backend "
                                      f"(watchdog stage {fired['stage']})", dt)
            return ("crash", None, res[2] + (" (postmaster restarted)" if restarted else ""), dt)
        return res + (dt,)

    def _recover(self):
        try:
            self.conn.close()
        except Exception:
            pass
        time.sleep(0.3)
        return self.connect()

    def q(self, sql):
        cur = self.conn.cursor()
        cur.execute(sql)
        rows = cur.fetchall() if cur.description else None
        self.conn.commit()
        return rows


# ---------------------------------------------------------------------------------------------
# Function catalogue and call generation
# ---------------------------------------------------------------------------------------------
CATALOG_SQL = """
SELECT p.oid, p.proname, p.prorettype = 'trigger'::regtype AS is_trigger, p.proretset,
       coalesce(p.proallargtypes, p.proargtypes::oid[]) AS types,
       coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs])) AS modes,
       p.proargnames, p.pronargs, p.pronargdefaults,
       CASE WHEN p.pronargdefaults > 0 THEN pg_get_expr(p.proargdefaults, 0) END AS defaults,
       p.oid::regprocedure::text AS signature
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'cp' AND p.prokind = 'f'
 ORDER BY p.proname, p.oid
"""


def split_defaults(s, n):
    """pg_get_expr of proargdefaults: n expressions separated by ', ' at the top level."""
    if not s:
        return []
    out, depth, cur, inq = [], 0, "", False
    i = 0
    while i < len(s):
        ch = s[i]
        if inq:
            cur += ch
            if ch == "'":
                if i + 1 < len(s) and s[i + 1] == "'":
                    cur += "'"
                    i += 1
                else:
                    inq = False
        elif ch == "'":
            inq = True
            cur += ch
        elif ch in "([":
            depth += 1
            cur += ch
        elif ch in ")]":
            depth -= 1
            cur += ch
        elif ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
        i += 1
    if cur.strip():
        out.append(cur.strip())
    return out if len(out) == n else [None] * n


def load_functions(r):
    cur = r.conn.cursor()
    cur.execute(CATALOG_SQL)
    rows = cur.fetchall()
    typname = {}
    cur.execute("SELECT oid, format_type(oid, NULL) FROM pg_type WHERE oid = ANY(%s)",
                (list({t for row in rows for t in row[4]}),))
    typname.update(dict(cur.fetchall()))
    r.conn.commit()
    funcs = []
    for oid, name, is_trig, retset, types, modes, names, nargs, ndef, defaults, sig in rows:
        args = []
        for i, (t, m) in enumerate(zip(types, modes)):
            if m in ("i", "b", "v"):
                args.append({"name": names[i] if names and i < len(names) and names[i] else None,
                             "type": typname[t]})
        defs = split_defaults(defaults, ndef) if ndef else []
        for j, d in enumerate(defs):
            args[len(args) - len(defs) + j]["default"] = d
        funcs.append({"oid": oid, "name": name, "trigger": is_trig, "args": args, "signature": sig})
    return funcs


def call_sql(f, values):
    named = all(a["name"] for a in f["args"])
    parts = []
    for a, v in zip(f["args"], values):
        e = f"({v})::{a['type']}" if v != "NULL" else f"NULL::{a['type']}"
        parts.append(f"{a['name']} => {e}" if named else e)
    call = f"cp.{f['name']}({', '.join(parts)})"
    if f["trigger"]:
        return f"SELECT {call}"
    # every output column goes through its output function
    return f"SELECT count(*), md5(string_agg(r::text, '|')) FROM {call} AS r"


def generate(f, valid_cache):
    args = f["args"]
    base = [baseline(f["name"], a["name"], a["type"], a.get("default")) for a in args]
    calls = [(base, False, "baseline")]
    if args:
        calls.append((["NULL"] * len(args), False, "all NULL"))
    for i, a in enumerate(args):
        for v, prio in bad_values(f["name"], a["name"], a["type"]):
            if not valid_cache(v, a["type"]):
                continue
            vals = list(base)
            vals[i] = v
            if vals == base:
                continue
            calls.append((vals, prio, a["name"] or f"${i + 1}"))
    if MAX_CALLS and len(calls) > MAX_CALLS:
        keep = [c for c in calls if c[1] or c[2] in ("baseline", "all NULL")]
        rest = [c for c in calls if not (c[1] or c[2] in ("baseline", "all NULL"))]
        room = max(MAX_CALLS - len(keep), 0)
        if room and rest:
            step = len(rest) / room
            keep += [rest[int(k * step)] for k in range(min(room, len(rest)))]
        calls = keep
    return [(call_sql(f, v), which) for v, prio, which in calls]


# Tables with trigger rules: INSERT/UPDATE with bad values (each a statement of its own).
def table_sweeps():
    out = defaultdict(list)
    hs = "cp.heritage_site"
    mp_ok = f"ST_Multi(ST_MakeEnvelope(400810, 3300410, 400830, 3300430, {SRID}))"
    for g, prio in GEOM_BAD:
        for col in ("footprint", "protection_zone", "control_zone"):
            for form in (f"({g})::geometry", f"ST_Multi(({g})::geometry)"):
                fp = form if col == "footprint" else mp_ok
                extra = f", {col}" if col != "footprint" else ""
                extra_v = f", {form}" if col != "footprint" else ""
                out[hs + " INSERT"].append(
                    f"INSERT INTO {hs} (code, name, grade, footprint{extra}, decision_ref) VALUES "
                    f"('SWEEP-BAD', 'bad', 'traditional_style', {fp}{extra_v}, 'SW-BAD')")
                out[hs + " UPDATE"].append(
                    f"UPDATE {hs} SET {col} = {form}, decision_ref = 'SW-UPD' WHERE code = 'SWEEP-1'")
        out["cp.communities INSERT/UPDATE"].append(
            f"INSERT INTO cp.communities (id, name, geom) VALUES ('SWBAD', 'bad', ST_Multi(({g})::geometry))")
        out["cp.communities INSERT/UPDATE"].append(
            f"UPDATE cp.communities SET geom = ({g})::geometry WHERE id = 'SW2'")
        out["cp.check_development (register trigger context)"].append(
            f"SELECT count(*) FROM cp.check_development(({g})::geometry, 20)")
    for v, prio in F8_BAD:
        out[hs + " UPDATE"].append(f"UPDATE {hs} SET height_limit_m = {v}, decision_ref = 'SW-UPD' WHERE code = 'SWEEP-1'")
        out["cp.heritage_config UPDATE"].append(
            f"INSERT INTO cp.heritage_config (review_distance_m) VALUES ({v}) ON CONFLICT (only_row) DO UPDATE SET review_distance_m = EXCLUDED.review_distance_m")
    for v, prio in INT_BAD:
        out["cp.heritage_config UPDATE"].append(
            f"INSERT INTO cp.heritage_config (srid) VALUES ({v}) ON CONFLICT (only_row) DO UPDATE SET srid = EXCLUDED.srid")
    for v, prio in JSONB_BAD:
        out[hs + " UPDATE"].append(f"UPDATE {hs} SET style_rules = {v}, decision_ref = 'SW-UPD' WHERE code = 'SWEEP-1'")
    for stmt in [f"DELETE FROM {hs} WHERE code = 'SWEEP-2'", f"TRUNCATE {hs} CASCADE",
                 f"UPDATE {hs} SET status = 'deregistered' WHERE code = 'SWEEP-2'",
                 f"UPDATE {hs} SET code = NULL WHERE code = 'SWEEP-2'",
                 "UPDATE cp.heritage_history SET changed_by = 'x'", "DELETE FROM cp.heritage_history",
                 "TRUNCATE cp.heritage_history CASCADE",
                 "UPDATE cp.facility_standards SET title_en = 'x'", "DELETE FROM cp.life_circles",
                 "TRUNCATE cp.indicators CASCADE"]:
        out[hs + " DELETE/TRUNCATE and shipped rows"].append(stmt)
    for v, prio in NUM_BAD:
        out["cp.indicator_values INSERT"].append(
            f"INSERT INTO cp.indicator_values (community_id, indicator, period, value) VALUES ('SW1', 'parking_gap_rate', '2026-06-30', {v})")
        out["cp.indicator_values INSERT"].append(
            f"INSERT INTO cp.indicator_local (indicator, baseline, target) VALUES ('parking_gap_rate', {v}, {v})")
    return out


def main():
    t_start = time.time()
    r = Runner()
    log(f"# sweep of database {DB}: statement_timeout {TIMEOUT_MS} ms, cap {MAX_CALLS or 'none'} calls per function")
    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture.sql")

    def ensure_fixture(first=False):
        rows = r.q(f"SELECT to_regclass('sweep_fx.residents') IS NOT NULL AND to_regclass('sweep_fx.edges') IS NOT NULL, "
                   f"EXISTS (SELECT FROM cp.network_catalog WHERE name = '{NET}')")
        tables, net = rows[0]
        if first or not tables:
            with open(fixture) as fh:
                r.q(fh.read())
        if first or not net or not tables:
            if net:
                r.q(f"SELECT cp.network_drop('{NET}')")
            r.q(f"SELECT * FROM cp.network_build('{NET}', {lit(valid_sql('edges'))})")
            if not first:
                log("# fixture re-created")

    ensure_fixture(first=True)

    # the server log, when this process can read it: backends killed by a signal are counted too
    server_log = os.environ.get("SWEEP_SERVER_LOG")
    if not server_log:
        try:
            d, f = r.q("SELECT current_setting('data_directory'), pg_current_logfile()")[0]
            server_log = f if f and f.startswith("/") else (os.path.join(d, f) if f else None)
        except psycopg2.Error:
            r.conn.rollback()
    log_start = None
    if server_log and os.access(server_log, os.R_OK):
        log_start = os.path.getsize(server_log)
        log(f"# server log: {server_log}")
    funcs = [f for f in load_functions(r) if ONLY.search(f["name"])]

    cache = {}

    def valid_cache(v, typ):
        key = (v, typ)
        if key not in cache:
            if v == "NULL":
                cache[key] = True
            else:
                o, st, msg, _ = r.call(f"SELECT ({v})::{typ} IS NULL")
                cache[key] = o == "ok"
                if o != "ok":
                    log(f"# skipped value (cannot be built: {st}): {v[:120]}")
        return cache[key]

    # only geometries PostGIS itself can build: a value failing in its own cast says nothing about cp
    GEOM_BAD[:] = [(g, p) for g, p in GEOM_BAD if valid_cache(g, "geometry")]

    states = Counter()
    calls_total = 0
    ok_total = 0
    failures = []  # (kind, test, sqlstate, message, sql)
    tap = []
    fh_calls = open(os.path.join(OUT, "calls.tsv"), "w")

    def tap_line(ok, test, fails, n=None):
        """One TAP test, printed at once (the plan comes at the end)."""
        tap.append(ok)
        print(f"{'ok' if ok else 'not ok'} {len(tap)} - {test}" + (f" ({n} calls)" if n is not None else ""))
        for kind, st, msg, sql in fails:
            print(f"#   {kind}{' ' + st if st else ''}: {msg}")
            if sql:
                print(f"#     {sql}" if len(sql) < 1500 else f"#     {sql[:1500]}...")
        sys.stdout.flush()

    def run_group(test, sqls, capped=True):
        nonlocal calls_total, ok_total
        fails = []
        hangs = crashes = 0
        for n, (sql, which) in enumerate(sqls):
            if capped and (hangs >= MAX_HANGS_PER_FUNCTION or crashes >= MAX_CRASHES_PER_FUNCTION):
                fails.append(("skipped", None, f"{len(sqls) - n} of {len(sqls)} calls not run: stopped after "
                                               f"{hangs} hangs and {crashes} crashes", ""))
                break
            o, st, msg, dt = r.call(sql)
            calls_total += 1
            first = (msg or "").splitlines()[0][:200].replace("\t", " ") if msg else ""
            fh_calls.write(f"{test}\t{which}\t{o}\t{st or ''}\t{dt:.3f}\t{first}\t{sql[:2000]}\n")
            if o == "ok":
                ok_total += 1
                states["ok"] += 1
            else:
                states[st or o] += 1
            bad = None
            if o == "error" and st == "XX000":
                bad = "XX000"
            elif o in ("hang", "crash"):
                bad = o
                if o == "hang":
                    hangs += 1
                else:
                    crashes += 1
            if bad:
                fails.append((bad, st, (msg or "").splitlines()[0][:300] if msg else "", sql))
                failures.append((bad, test, st, msg, sql))
                log(f"# {bad.upper()} in {test}: {(msg or '').splitlines()[0][:200] if msg else ''}\n#   {sql[:400]}")
            if o == "crash" or (o == "hang" and st != "57014") or which in ("name",) or "network_" in test:
                ensure_fixture()
        real = [x for x in fails if x[0] != "skipped"]
        tap_line(not real, test, fails, len(sqls))
        return fails

    # known reproducers of issue #13 first, so that they run whatever the cap
    known = [
        f"SELECT * FROM cp.snap('{NET}', 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POINT(400500 3300500))')",
        f"SELECT * FROM cp.snap('{NET}', 'SRID=32650;MULTIPOINT(EMPTY, 400500 3300500)')",
        f"SELECT * FROM cp.snap('{NET}', 'SRID=32650;GEOMETRYCOLLECTION(LINESTRING EMPTY, POINT(400500 3300500))')",
        f"SELECT cp.walk_distance('{NET}', 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POINT(400500 3300500))', 'SRID=32650;POINT(400100 3300100)')",
        f"SELECT cp.walk_minutes('{NET}', 'SRID=32650;POINT(400100 3300100)', 'SRID=32650;MULTIPOINT(EMPTY, 400500 3300500)')",
        f"SELECT count(*) FROM cp.catchment('{NET}', 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POINT(400500 3300500))')",
        f"SELECT cp.walk_distance('{NET}', ST_SetSRID(ST_MakePoint('NaN', 'NaN'), 32650), {GEOM_OK})",
        f"SELECT count(*) FROM cp.parking_allocation('{NET}', {lit(valid_sql('buildings'))}, {lit(valid_sql('parking'))}, walk_m => 5e-324)",
        f"SELECT count(*) FROM cp.catchment('{NET}', {GEOM_OK}, '{{1e7}}')",
        f"SELECT count(*) FROM cp.catchments('{NET}', {lit(valid_sql('targets'))}, '{{1e7}}')",
    ]
    for kind in ("points", "targets", "residents", "facilities", "buildings", "parking", "communities"):
        tbl, cols = DATASETS[kind]
        crash_row = "SELECT " + ", ".join(
            (f"'{CRASH_GEOMS[0]}'::geometry AS geom" if c == "geom" else f"{v} AS {c}") for c, v in cols.items())
        known.append((kind, crash_row + " UNION ALL " + valid_sql(kind)))
    ks = []
    # the deeply nested EWKB wherever a function takes a point as bytea (PostGIS refuses it as geometry)
    for f in load_functions(r):
        for i, a in enumerate(f["args"]):
            if a["type"] == "bytea" and (a["name"] or "") in ("geom", "a", "b", "origin", "ewkb"):
                vals = [baseline(f["name"], x["name"], x["type"], x.get("default")) for x in f["args"]]
                vals[i] = HOSTILE_EWKB
                ks.append((call_sql(f, vals), "known: nested EWKB"))
    for k in known:
        if isinstance(k, tuple):
            kind, q = k
            fn = {"points": f"cp.nearest('{NET}', {lit(q)}, {lit(valid_sql('targets'))}, 1000)",
                  "targets": f"cp.catchments('{NET}', {lit(q)})",
                  "residents": f"cp.coverage('{NET}', {lit(q)}, {lit(valid_sql('facilities'))})",
                  "facilities": f"cp.access('{NET}', {lit(valid_sql('residents'))}, {lit(q)})",
                  "buildings": f"cp.parking_allocation('{NET}', {lit(q)}, {lit(valid_sql('parking'))})",
                  "parking": f"cp.parking_allocation('{NET}', {lit(valid_sql('buildings'))}, {lit(q)})",
                  "communities": f"cp.coverage('{NET}', {lit(valid_sql('residents'))}, {lit(valid_sql('facilities'))}, {lit(q)})"}[kind]
            ks.append((f"SELECT count(*) FROM {fn}", "known: " + kind))
        else:
            ks.append((k, "known"))
    run_group("known reproducers of issue #13", ks, capped=False)

    for f in funcs:
        sqls = generate(f, valid_cache)
        t0 = time.time()
        run_group(f["signature"], sqls)
        log(f"# {f['signature']}: {len(sqls)} calls, {time.time() - t0:.1f} s")
    if ONLY.pattern == ".*" or ONLY.search("heritage"):
        for test, stmts in table_sweeps().items():
            run_group("table " + test, [(s, "dml") for s in stmts])
    fh_calls.close()

    if log_start is not None:
        with open(server_log, errors="replace") as fh:
            fh.seek(log_start)
            text = fh.read()
        signals = len(re.findall(r"terminated by signal (?!9:)", text))
        seen_crashes = sum(1 for x in failures if x[0] == "crash")
        tap_line(signals <= seen_crashes, "server log: no backend died of a signal the sweep did not report",
                 [] if signals <= seen_crashes else
                 [("server log", None, f"{signals} backends terminated by a signal, {seen_crashes} crashes seen", "")])

    # every SQLSTATE seen must be documented (docs/errors.md)
    errors_md = os.environ.get("SWEEP_ERRORS_MD", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                 "..", "..", "docs", "errors.md"))
    if os.path.exists(errors_md):
        with open(errors_md) as fh:
            listed = {code for line in fh if line.startswith("|") and line.count("|") > 2
                      for code in re.findall(r"\b[0-9A-Z]{5}\b", line.split("|")[1])}
        seen = sorted(k for k in states if re.fullmatch(r"[0-9A-Z]{5}", k))
        missing = [k for k in seen if k not in listed]
        tap_line(not missing, "docs/errors.md lists every SQLSTATE the sweep saw",
                 [("undocumented", k, f"{states[k]} calls", "") for k in missing])

    # ---- report
    elapsed = time.time() - t_start
    print(f"1..{len(tap)}")
    hist = sorted(((k, v) for k, v in states.items() if k != "ok"), key=lambda kv: (-kv[1], kv[0]))
    summary = [f"bad-input sweep of {DB}: {len(funcs)} functions, {calls_total} calls, {ok_total} successes, "
               f"{calls_total - ok_total} errors or failures, {elapsed:.0f} s",
               "errors by SQLSTATE: " + ", ".join(f"{k} {v}" for k, v in hist),
               f"failures: {sum(1 for x in failures if x[0] == 'crash')} crashes, "
               f"{sum(1 for x in failures if x[0] == 'hang')} hangs, {sum(1 for x in failures if x[0] == 'XX000')} XX000"]
    for line in summary:
        print("# " + line)
    with open(os.path.join(OUT, "summary.txt"), "w") as fh:
        fh.write("\n".join(summary) + "\n")
    with open(os.path.join(OUT, "sqlstates.txt"), "w") as fh:
        for k, v in sorted(states.items()):
            if k != "ok":
                fh.write(f"{k}\t{v}\n")
    with open(os.path.join(OUT, "failures.sql"), "w") as fh:
        for kind, test, st, msg, sql in failures:
            fh.write(f"-- {kind} {st or ''} in {test}: {(msg or '').splitlines()[0] if msg else ''}\n{sql};\n\n")
    # one reproducer per (kind, function, first line of the message): the shortest
    distinct = OrderedDict()
    for kind, test, st, msg, sql in failures:
        key = (kind, test, (msg or "").splitlines()[0] if msg else "")
        if key not in distinct or len(sql) < len(distinct[key]):
            distinct[key] = sql
    with open(os.path.join(OUT, "distinct_failures.sql"), "w") as fh:
        for (kind, test, msg), sql in distinct.items():
            fh.write(f"-- {kind} in {test}: {msg}\n{sql};\n\n")
    return 0 if not failures else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception:
        traceback.print_exc()
        print("not ok - the sweep itself failed (see stderr); no plan, so the run fails")
        sys.exit(2)

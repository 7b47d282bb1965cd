#!/usr/bin/python3
"""Render the parking gap per community as a PNG (docs/img/parking_krems.png).

usage: render_parking.py OUTPUT.png [SCHEMA [NETWORK]]
Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE). SCHEMA
(default osm) holds an extract imported with import/community_planning.lua
(buildings, parking, walk_edges); NETWORK (default parking_map) is built from its
walk_edges when missing. The rules are those of demo/steps/40_parking.sql: a 500 m
grid of communities, buildings tagged yes/house/apartments/... as housing, 4 storeys
where untagged, public car parks, a 300 m walk. `bash bench/parking.sh --map` imports
Krems and writes docs/img/parking_krems.png. CP_MAP_PLACE names the place in the title.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection, PatchCollection  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
import psycopg2  # noqa: E402

from maplib import polygon_path, save_map  # noqa: E402

BUILDINGS = """
SELECT b.area_id AS id, b.geom,
       CASE WHEN b.building IN ('yes', 'residential', 'apartments', 'house', 'detached', 'terrace', 'dormitory')
            THEN 'residential'
            WHEN b.building IN ('office', 'commercial') THEN 'office'
            WHEN b.building IN ('retail', 'supermarket') THEN 'retail'
            WHEN b.building IN ('school', 'university', 'kindergarten') THEN 'school'
            WHEN b.building IN ('hospital', 'clinic') THEN 'clinic' END AS use,
       cp.estimate_population(cp.building_floor_area(b.geom, coalesce(b.levels, 4))) / 2.62 AS households,
       cp.building_floor_area(b.geom, coalesce(b.levels, 4)) AS floor_area
  FROM {schema}.buildings b"""
PARKING = """
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, geom, capacity
  FROM {schema}.parking WHERE access IS NULL OR access NOT IN ('private', 'no')"""


def main():
    out = sys.argv[1]
    schema = sys.argv[2] if len(sys.argv) > 2 else "osm"
    network = sys.argv[3] if len(sys.argv) > 3 else "parking_map"
    conn = psycopg2.connect("")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("SELECT count(*) FROM cp.networks WHERE name = %s", (network,))
    if cur.fetchone()[0] == 0:
        cur.execute(f"""SELECT cp.network_build(%s, $$
            SELECT way_id AS id, CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
                   NULL::float8 AS cost, CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
              FROM {schema}.walk_edges $$)""", (network,))
    cur.execute("SELECT srid FROM cp.networks WHERE name = %s", (network,))
    srid = cur.fetchone()[0]
    b_sql = BUILDINGS.format(schema=schema)
    p_sql = PARKING.format(schema=schema)
    cur.execute(f"""
        CREATE TEMP TABLE pm_communities AS
        SELECT row_number() OVER (ORDER BY g.i, g.j) AS id, g.geom
          FROM ST_SquareGrid(500, ST_Transform(ST_SetSRID((SELECT ST_Extent(geom) FROM {schema}.buildings)::geometry,
                                                          4326), {srid})) g
         WHERE EXISTS (SELECT 1 FROM {schema}.buildings b
                        WHERE ST_Intersects(g.geom, ST_Transform(ST_PointOnSurface(b.geom), {srid})))""")
    c_sql = "SELECT id, geom FROM pg_temp.pm_communities"

    # one transaction per function: each run fills (and drops at commit) its temp tables
    cur.execute("""SELECT ST_AsGeoJSON(geom), gap_ratio, demand, supply_allocated
                     FROM cp.parking_gap(%s, %s, %s, %s)""", (network, b_sql, p_sql, c_sql))
    communities = cur.fetchall()
    cur.execute(f"""SELECT ST_X(p), ST_Y(p), unmet FROM (
                      SELECT ST_Transform(ST_PointOnSurface(geom), {srid}) AS p, unmet
                        FROM cp.parking_gap_buildings(%s, %s, %s) WHERE demand > 0) s""",
                (network, b_sql, p_sql))
    buildings = cur.fetchall()
    cur.execute(f"""SELECT ST_X(p), ST_Y(p), capacity, allocated FROM (
                      SELECT ST_Transform(ST_PointOnSurface(geom), {srid}) AS p, capacity, allocated
                        FROM cp.parking_lots(%s, %s, %s)) s""", (network, b_sql, p_sql))
    lots = cur.fetchall()
    cur.execute("SELECT ST_AsGeoJSON(geom) FROM cp.network_edges(%s)", (network,))
    streets = [json.loads(g)["coordinates"] for (g,) in cur.fetchall()]

    fig, ax = plt.subplots(figsize=(11, 5.6), dpi=100)
    cmap = plt.get_cmap("YlOrRd")
    norm = matplotlib.colors.Normalize(vmin=0, vmax=1)
    patches, colours = [], []
    xs, ys = [], []
    for geom, ratio, _demand, _alloc in communities:
        path = polygon_path(geom)
        xs.extend(v[0] for v in path.vertices)
        ys.extend(v[1] for v in path.vertices)
        patches.append(PathPatch(path))
        colours.append(cmap(norm(ratio)) if ratio is not None else (0.85, 0.85, 0.85, 1))
    ax.add_collection(PatchCollection(patches, facecolors=colours, edgecolors="white", linewidths=0.8, zorder=1))
    ax.add_collection(LineCollection(streets, colors="#555555", linewidths=0.3, alpha=0.5, zorder=2))
    unmet = [(x, y, u) for x, y, u in buildings if u > 0]
    ax.scatter([u[0] for u in unmet], [u[1] for u in unmet], s=[min(u[2], 40) * 0.6 for u in unmet],
               c="#3f007d", alpha=0.55, linewidths=0, zorder=3)
    full = [(x, y, c) for x, y, c, _a in lots if c > 0]
    zero = [(x, y) for x, y, c, _a in lots if c <= 0]
    ax.scatter([f[0] for f in full], [f[1] for f in full], s=[10 + min(f[2], 400) * 0.4 for f in full],
               marker="s", c="#08519c", edgecolors="white", linewidths=0.6, zorder=4)
    ax.scatter([z[0] for z in zero], [z[1] for z in zero], s=14, marker="s", facecolors="none",
               edgecolors="#08519c", linewidths=0.8, zorder=4)
    if xs:
        ax.set_xlim(min(xs) - 50, max(xs) + 50)
        ax.set_ylim(min(ys) - 50, max(ys) + 50)
    total_demand = sum(c[2] for c in communities)
    total_alloc = sum(c[3] for c in communities)
    handles = [plt.Line2D([], [], marker="o", linestyle="", color="#3f007d", alpha=0.6, markersize=5),
               plt.Line2D([], [], marker="s", linestyle="", color="#08519c", markersize=7),
               plt.Line2D([], [], marker="s", linestyle="", markerfacecolor="none", color="#08519c", markersize=5)]
    ax.legend(handles, ["building with unmet demand (size: spaces missing)",
                        "car park (size: capacity)", "car park without capacity or area (0)"],
              loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, fontsize=8, frameon=False)
    fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.8, pad=0.01,
                 label="gap ratio = unmet demand / demand (grey: no demand)")
    gap = 100 * (total_demand - total_alloc) / total_demand if total_demand else 0
    ax.set_title("Parking gap per 500 m community, 300 m walk (%s): overall %.1f %%\n%s"
                 % (os.environ.get("CP_MAP_PLACE", "Krems extract"), gap,
                    os.environ.get("CP_ATTRIBUTION", "Data (c) OpenStreetMap contributors, ODbL")),
                 fontsize=10)
    save_map(fig, ax, out)


if __name__ == "__main__":
    main()

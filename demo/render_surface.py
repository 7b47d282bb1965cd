#!/usr/bin/python3
"""Render the accessibility surface of one facility category (cp.access_surface) as a PNG.

usage: render_surface.py OUTPUT.png NETWORK SCHEMA CATEGORY [CELL_M] [CAPACITY] [PER_1000]
Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE). Residents are the
resident buildings of SCHEMA.buildings (population from floor area, 6 storeys where untagged, as
the demo), facilities the POIs of SCHEMA.pois mapped by cp.osm_category, the category's with
CAPACITY places each (an illustration: OSM has no capacities). Hexagons of edge CELL_M (100 m):
filled by the population-weighted mean walk to the nearest facility, labelled with the share of
the target group within the standard's radius; a red outline marks unmet demand (2SFCA) against
PER_1000 places per 1000 of the target group (default: the standard's figure).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
import psycopg2  # noqa: E402

from maplib import attribution, polygon_path, save_map  # noqa: E402

RESIDENTS = """SELECT area_id AS id, geom,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 6))) AS population
  FROM {schema}.buildings WHERE residential"""
FACILITIES = """SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, cp.osm_category(tags) AS category, geom,
       CASE WHEN cp.osm_category(tags) = '{category}' THEN {capacity} END::float8 AS capacity
  FROM {schema}.pois WHERE cp.osm_category(tags) IS NOT NULL"""


def main():
    out, network, schema, category = sys.argv[1:5]
    cell_m = float(sys.argv[5]) if len(sys.argv) > 5 else 100.0
    capacity = float(sys.argv[6]) if len(sys.argv) > 6 else 600.0
    per_1000 = float(sys.argv[7]) if len(sys.argv) > 7 else None
    conn = psycopg2.connect("")
    cur = conn.cursor()
    cur.execute("SELECT srid FROM cp.networks WHERE name = %s", (network,))
    srid = cur.fetchone()[0]
    cur.execute("SELECT cp.category_name(%s, 'zh'), cp.category_name(%s, 'en'), r.cutoff"
                "  FROM cp._category_reach('GB50180-2018', 'm', NULL, 'CN-2020') r WHERE r.code = %s"
                " ORDER BY r.cutoff LIMIT 1", (category, category, category))
    name_zh, name_en, radius = cur.fetchone()
    cur.execute("SELECT walk_mean_m, covered_ratio, target_population, unmet_demand, supply_per_1000,"
                "       ST_AsGeoJSON(geom) FROM cp.access_surface(%s, %s, %s, %s, %s, per_1000 => %s)",
                (network, RESIDENTS.format(schema=schema),
                 FACILITIES.format(schema=schema, category=category, capacity=capacity), category, cell_m, per_1000))
    cells = cur.fetchall()
    if not cells:
        sys.exit("render_surface: no cell with residents")
    xs, ys = [], []
    for c in cells:
        for ring in json.loads(c[5])["coordinates"]:
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    fig, ax = plt.subplots(figsize=(12, 12 * (y1 - y0) / (x1 - x0) + 1.4), dpi=100)
    bounds = [0, radius / 2, radius, 1.5 * radius, 2 * radius, 3 * radius]
    cmap = plt.get_cmap("RdYlGn_r")
    norm = BoundaryNorm(bounds, cmap.N)
    for walk, ratio, target, unmet, _per_1000, g in cells:
        colour = "#bdbdbd" if walk is None else cmap(norm(min(walk, 3 * radius - 1e-6)))
        red = unmet is not None and unmet > 0.5
        ax.add_patch(PathPatch(polygon_path(g), facecolor=colour, alpha=0.8,
                               edgecolor="#d7301f" if red else "#606060", linewidth=1.6 if red else 0.4,
                               zorder=3 if red else 1))
        if ratio is not None and target >= 5:
            ring = json.loads(g)["coordinates"][0][:-1]
            ax.text(sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring),
                    "%d%%" % round(100 * ratio), ha="center", va="center", fontsize=6, zorder=5)
    cur.execute("SELECT ST_AsGeoJSON(geom) FROM cp.network_edges(%s)", (network,))
    for (g,) in cur.fetchall():
        lx, ly = zip(*json.loads(g)["coordinates"])
        ax.plot(lx, ly, color="#8a8a8a", linewidth=0.3, zorder=2)
    cur.execute("SELECT ST_X(p), ST_Y(p) FROM {schema}.pois, LATERAL ST_Transform(geom, %s) p"
                " WHERE cp.osm_category(tags) = %s".format(schema=schema), (srid, category))
    pts = cur.fetchall()
    if pts:
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker="*", s=160, color="#08519c",
                   edgecolor="white", linewidth=0.6, zorder=6, label="%s %s (%d places)" % (name_zh, name_en, capacity))
    ax.plot([], [], color="#d7301f", linewidth=1.6, label="供给不足 unmet demand (2SFCA) > 0.5 places")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, fraction=0.035, pad=0.01, ticks=bounds)
    bar.set_label("平均步行距离 mean walk to the nearest (m, weighted by the target group)\n"
                  "label: 服务半径内比例 share within %g m; grey: none within %g m" % (radius, 3 * radius))
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title("%s 步行可达面（%g 米六边形）· %s accessibility surface (%g m hexagons)\n%s"
                 % (name_zh, cell_m, name_en.capitalize(), cell_m, attribution()), fontsize=10)
    save_map(fig, ax, out)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Render the complete 15-minute life circle per community as a PNG.

usage: render_life_circle.py OUTPUT.png TITLE
Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE); reads
demo.community_life_circle (cp.life_circle per 500 m cell: population, ratio, missing_categories,
geom), the network demo (cp.network_edges), demo.category_facilities (category, geom) and
demo.coverage (the categories of the standard: those without a facility are named under the map).
Cells are graduated by the share of residents with every required category within reach on foot,
labelled with that share and how many required categories are missing; grey cells have no residents.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
import psycopg2  # noqa: E402

from maplib import attribution, polygon_path, save_map  # noqa: E402

BOUNDS = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001]


def main():
    out, title = sys.argv[1], sys.argv[2]
    cur = psycopg2.connect("").cursor()
    cur.execute("SELECT srid FROM cp.networks WHERE name = 'demo'")
    srid = cur.fetchone()[0]
    cur.execute("SELECT ST_AsGeoJSON(ST_Transform(geom, %s)), population, ratio, cardinality(missing_categories),"
                " ST_X(ST_Centroid(ST_Transform(geom, %s))), ST_Y(ST_Centroid(ST_Transform(geom, %s)))"
                " FROM demo.community_life_circle ORDER BY community_id", (srid, srid, srid))
    cells = cur.fetchall()
    if not cells:
        print(f"render_life_circle.py: no community: {out} not drawn")
        return
    fig, ax = plt.subplots(figsize=(10, 10), dpi=110)
    cmap = plt.get_cmap("RdYlGn")
    norm = BoundaryNorm(BOUNDS, cmap.N)
    xs, ys = [], []
    for g, population, ratio, missing, cx, cy in cells:
        path = polygon_path(g)
        xs.extend(v[0] for v in path.vertices)
        ys.extend(v[1] for v in path.vertices)
        inhabited = ratio is not None and population and population > 0
        ax.add_patch(PathPatch(path, facecolor=cmap(norm(ratio)) if inhabited else "#e0e0e0",
                               edgecolor="#606060", linewidth=0.6, alpha=0.75, zorder=1))
        if inhabited:
            ax.text(cx, cy, "%d%%\n缺 %d 类" % (round(100 * ratio), missing or 0), ha="center", va="center",
                    fontsize=8, zorder=5)
    cur.execute("SELECT ST_AsGeoJSON(geom) FROM cp.network_edges('demo')")
    streets = [json.loads(g)["coordinates"] for (g,) in cur.fetchall()]
    ax.add_collection(LineCollection(streets, colors="#707070", linewidths=0.35, zorder=2))
    cur.execute("SELECT ST_X(p), ST_Y(p) FROM demo.category_facilities,"
                " LATERAL ST_Transform(ST_PointOnSurface(geom), %s) p", (srid,))
    pts = cur.fetchall()
    if pts:
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker="o", s=14, color="#08519c",
                   edgecolor="white", linewidth=0.4, zorder=4,
                   label="设施 facility (cp.osm_category)")
        ax.legend(loc="lower left", fontsize=8)
    ax.set_xlim(min(xs) - 60, max(xs) + 60)
    ax.set_ylim(min(ys) - 60, max(ys) + 60)
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, fraction=0.035, pad=0.01,
                       ticks=BOUNDS[:-1] + [1.0])
    bar.set_label("居民中生活圈完整的比例 share of residents with every required facility within reach on foot\n"
                  "(格内: 比例, 缺少的必配设施类别数 / cell: share, required categories missing; 灰 grey: 无居民 no residents)",
                  fontsize=8)
    # said on the map, not hidden: required categories OSM has no facility for here
    cur.execute("""SELECT c.category FROM demo.coverage c
                    WHERE NOT EXISTS (SELECT 1 FROM demo.category_facilities f WHERE f.category = c.category)
                    ORDER BY 1""")
    zero = [r[0] for r in cur.fetchall()]
    if zero:
        ax.text(0.5, -0.01, "OSM 中无设施的类别 categories with no facility in OSM (%d): %s"
                % (len(zero), ", ".join(zero)), transform=ax.transAxes, ha="center", va="top", fontsize=8,
                wrap=True)
    ax.set_title(title + "\n" + attribution(), fontsize=11)
    save_map(fig, ax, out)


if __name__ == "__main__":
    main()

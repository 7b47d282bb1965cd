#!/usr/bin/python3
"""Render walking coverage of one facility category per community as a PNG.

usage: render_coverage.py OUTPUT.png NETWORK CATEGORY TITLE
Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE) and reads
the tables left by docs/img/coverage_krems.sql: cov_map.cells (cp.coverage per
500 m cell: ratio, crowfly_ratio, geom), cov_map.residents (id, geom, walking,
crowfly) and cov_map.facilities (geom) of that category.
Cells: graduated by the walking ratio; residents covered as the crow flies but
not on foot are marked: the gap a circle on a map hides.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
import psycopg2  # noqa: E402

from maplib import polygon_path, save_map  # noqa: E402

BOUNDS = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001]


def main():
    out, network, category, title = sys.argv[1:5]
    conn = psycopg2.connect("")
    cur = conn.cursor()
    cur.execute("SELECT srid FROM cp.networks WHERE name = %s", (network,))
    srid = cur.fetchone()[0]
    cur.execute("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM"
                " (SELECT ST_Extent(ST_Transform(geom, %s)) AS e FROM cov_map.cells WHERE category = %s"
                "  AND population > 0) x", (srid, category))
    x0, y0, x1, y1 = cur.fetchone()
    fig, ax = plt.subplots(figsize=(12, 12 * (y1 - y0) / (x1 - x0) + 1.2), dpi=100)
    cmap = plt.get_cmap("RdYlGn")
    norm = BoundaryNorm(BOUNDS, cmap.N)
    cur.execute("SELECT ratio, crowfly_ratio, population, ST_AsGeoJSON(ST_Transform(geom, %s)) FROM cov_map.cells"
                " WHERE category = %s", (srid, category))
    for ratio, crow, population, g in cur.fetchall():
        colour = "#f0f0f0" if ratio is None else cmap(norm(ratio))
        ax.add_patch(PathPatch(polygon_path(g), facecolor=colour,
                               edgecolor="#606060", linewidth=0.5, alpha=0.7, zorder=1))
        if ratio is not None and population >= 200:
            c = json.loads(g)["coordinates"][0]
            x = sum(p[0] for p in c[:-1]) / (len(c) - 1)
            y = sum(p[1] for p in c[:-1]) / (len(c) - 1)
            ax.text(x, y, "%d%%\n(%d%%)" % (round(100 * ratio), round(100 * crow)), ha="center", va="center",
                    fontsize=6.5, zorder=5)
    cur.execute("SELECT ST_AsGeoJSON(geom) FROM cp.network_edges(%s)", (network,))
    for (g,) in cur.fetchall():
        xs, ys = zip(*json.loads(g)["coordinates"])
        ax.plot(xs, ys, color="#7a7a7a", linewidth=0.3, zorder=2)
    cur.execute("SELECT walking, crowfly, ST_X(p), ST_Y(p) FROM cov_map.residents,"
                " LATERAL ST_Transform(ST_PointOnSurface(geom), %s) p", (srid,))
    groups = {"walk": ([], []), "circle_only": ([], []), "none": ([], [])}
    for walking, crowfly, x, y in cur.fetchall():
        key = "walk" if walking else ("circle_only" if crowfly else "none")
        groups[key][0].append(x)
        groups[key][1].append(y)
    ax.scatter(*groups["none"], s=2, color="#404040", zorder=3, label="home: no %s in reach" % category)
    ax.scatter(*groups["walk"], s=2, color="#1a9850", zorder=3, label="home: in reach on foot")
    ax.scatter(*groups["circle_only"], s=5, color="#d73027", zorder=4,
               label="home: inside the circle, not in reach on foot")
    cur.execute("SELECT ST_X(p), ST_Y(p) FROM cov_map.facilities, LATERAL ST_Transform(ST_PointOnSurface(geom), %s) p",
                (srid,))
    pts = cur.fetchall()
    if pts:
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker="*", s=90, color="#08519c",
                   edgecolor="white", linewidth=0.5, zorder=6, label=category)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, fraction=0.035, pad=0.01, ticks=BOUNDS[:-1] + [1.0])
    bar.set_label("share of residents in reach on foot\n(cell label: on foot, crow-fly)")
    ax.legend(loc="lower left", fontsize=8, markerscale=3)
    ax.set_title(title + "\nData (c) OpenStreetMap contributors, ODbL", fontsize=10)
    save_map(fig, ax, out)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Render walking catchments against crow-fly circles as a PNG.

usage: render_map.py OUTPUT.png TITLE
Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE);
reads demo.catchments (facility_id, cutoff, geom), demo.facilities (id, name, geom)
and the network from cp.network_edges(NETWORK) where NETWORK is env CP_NETWORK.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
import psycopg2  # noqa: E402

from maplib import attribution, polygon_path, save_map  # noqa: E402

COLOURS = {300: "#1a9850", 500: "#fee08b", 1000: "#d73027"}


def main():
    out, title = sys.argv[1], sys.argv[2]
    network = os.environ.get("CP_NETWORK", "demo")
    conn = psycopg2.connect("")
    cur = conn.cursor()
    fig, ax = plt.subplots(figsize=(10, 10), dpi=110)
    cur.execute("SELECT ST_AsGeoJSON(geom) FROM cp.network_edges(%s)", (network,))
    for (g,) in cur.fetchall():
        xs, ys = zip(*json.loads(g)["coordinates"])
        ax.plot(xs, ys, color="#9e9e9e", linewidth=0.4, zorder=1)
    ids = [int(i) for i in os.environ.get("CP_MAP_IDS", "").split(",") if i.strip()]
    cur.execute("SELECT cutoff, ST_AsGeoJSON(geom) FROM demo.catchments"
                " WHERE cardinality(%s::bigint[]) = 0 OR facility_id = ANY(%s::bigint[])"
                " ORDER BY cutoff DESC, facility_id", (ids, ids))
    for cutoff, g in cur.fetchall():
        patch = PathPatch(polygon_path(g), facecolor=COLOURS.get(int(cutoff), "#4575b4"),
                          edgecolor="none", alpha=0.45, zorder=2)
        ax.add_patch(patch)
    cur.execute("""SELECT f.id, ST_X(p), ST_Y(p) FROM demo.facilities f,
                   LATERAL (SELECT ST_Transform(f.geom, (SELECT srid FROM cp.networks WHERE name = %s)) AS p) t
                   WHERE f.id IN (SELECT facility_id FROM demo.catchments)
                     AND (cardinality(%s::bigint[]) = 0 OR f.id = ANY(%s::bigint[]))""",
                (network, ids, ids))
    points = cur.fetchall()
    for fid, x, y in points:
        for r in (300, 500, 1000):
            ax.add_patch(plt.Circle((x, y), r, fill=False, linestyle="--", linewidth=0.8,
                                    edgecolor=COLOURS[r], zorder=3))
        ax.plot([x], [y], marker="o", color="black", markersize=4, zorder=4)
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLOURS[c], alpha=0.45) for c in (300, 500, 1000)]
    handles.append(plt.Line2D([0], [0], linestyle="--", color="black"))
    ax.legend(handles, ["步行 300 m walk", "步行 500 m walk", "步行 1000 m walk", "直线距离圆 crow-fly circles"],
              loc="lower left")
    ax.set_title(title + "\n" + attribution())
    if points:
        xs = [p[1] for p in points]
        ys = [p[2] for p in points]
        ax.set_xlim(min(xs) - 1150, max(xs) + 1150)
        ax.set_ylim(min(ys) - 1150, max(ys) + 1150)
    save_map(fig, ax, out)


if __name__ == "__main__":
    main()

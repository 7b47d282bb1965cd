#!/usr/bin/python3
"""Render the province map: every attached district's communities by overall score (a PNG).

usage: render_province.py OUTPUT.png
Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE) to a province database
(docs/province.md) and reads cp.province_community_scores, the province's QGIS layer: the
communities of every attached district with today's stage scores, outlines in WGS 84. Districts
lie far apart (a province's counties, or here three real extracts in three countries), so each
district gets a panel of its own, in one colour scale; the title says how many districts answered.
test/province/run.sh draws docs/img/province_scores.png this way.
"""
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
import psycopg2  # noqa: E402

from maplib import polygon_path  # noqa: E402

QUERY = """
SELECT s.district, s.id, s.overall, ST_AsGeoJSON(s.geom) AS geom,
       ST_X(ST_Centroid(s.geom)) AS cx, ST_Y(ST_Centroid(s.geom)) AS cy
  FROM cp.province_community_scores s
 WHERE s.geom IS NOT NULL
 ORDER BY s.district, s.id"""


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    with psycopg2.connect("") as conn, conn.cursor() as cur:
        cur.execute(QUERY)
        rows = cur.fetchall()
        cur.execute("SELECT count(*) FROM cp.province_districts")
        attached = cur.fetchone()[0]
    districts = sorted({r[0] for r in rows})
    if not districts:
        sys.exit("render_province.py: cp.province_community_scores has no community with an outline")
    cmap = plt.get_cmap("RdYlGn")
    fig, axes = plt.subplots(1, len(districts), figsize=(4.2 * len(districts), 4.6), squeeze=False)
    for ax, district in zip(axes[0], districts):
        mine = [r for r in rows if r[0] == district]
        # longitude shrinks with latitude: scale x so the panel is not stretched
        lat = sum(r[5] for r in mine) / len(mine)
        ax.set_aspect(1 / math.cos(math.radians(lat)))
        patches, colours = [], []
        for _, _, overall, geom, _, _ in mine:
            patches.append(PathPatch(polygon_path(geom)))
            colours.append(cmap(float(overall) / 100) if overall is not None else (0.8, 0.8, 0.8, 1))
        ax.add_collection(PatchCollection(patches, facecolors=colours, edgecolors="white", linewidths=0.6))
        ax.autoscale_view()
        scored = [float(r[2]) for r in mine if r[2] is not None]
        mean = f"{sum(scored) / len(scored):.0f}" if scored else "none"
        ax.set_title(f"{district}: {len(mine)} communities, mean score {mean}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 100))
    fig.colorbar(sm, ax=axes[0].tolist(), shrink=0.7, label="overall score 0-100 (today's stage; grey: nothing scored)")
    fig.suptitle(f"Province roll-up: {len(districts)} of {attached} attached districts "
                 "(cp.province_community_scores over postgres_fdw)", fontsize=11)
    fig.text(0.01, 0.01, "Map data © OpenStreetMap contributors (ODbL)", fontsize=7)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    print(f"{out}: {len(rows)} communities in {len(districts)} districts")


if __name__ == "__main__":
    main()

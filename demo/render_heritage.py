#!/usr/bin/python3
"""Render the heritage register and a development check as a PNG.

usage: render_heritage.py OUTPUT.png TITLE
libpq environment for the connection; reads cp.heritage_site, demo.buildings and
demo.heritage_review (building_id, site_id, rule, severity, message).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
import psycopg2  # noqa: E402

from maplib import attribution, polygon_path, save_map  # noqa: E402


def main():
    out, title = sys.argv[1], sys.argv[2]
    cur = psycopg2.connect("").cursor()
    fig, ax = plt.subplots(figsize=(10, 10), dpi=110)
    cur.execute("SELECT ST_AsGeoJSON(control_zone), ST_AsGeoJSON(protection_zone), ST_AsGeoJSON(footprint), "
                "ST_XMin(control_zone), ST_YMin(control_zone), ST_XMax(control_zone), ST_YMax(control_zone) "
                "FROM cp.heritage_site WHERE status = 'listed'")
    sites = cur.fetchall()
    if not sites:
        print(f"render_heritage.py: no heritage site is listed (the register needs polygons): {out} not drawn")
        return
    for control, protection, footprint, *_ in sites:
        ax.add_patch(PathPatch(polygon_path(control), facecolor="#fff7bc", edgecolor="#d95f0e", linestyle="--", zorder=1))
        ax.add_patch(PathPatch(polygon_path(protection), facecolor="#fec44f", edgecolor="#d95f0e", zorder=2))
        ax.add_patch(PathPatch(polygon_path(footprint), facecolor="#993404", edgecolor="black", zorder=5))
    cur.execute("""
        SELECT ST_AsGeoJSON(ST_Transform(b.geom, (SELECT srid FROM cp.heritage_config))),
               (SELECT CASE WHEN count(*) = 0 THEN NULL WHEN bool_or(severity = 'forbidden') THEN 'forbidden' ELSE 'needs_review' END
                  FROM demo.heritage_review r WHERE r.building_id = b.id)
          FROM demo.buildings b""")
    colours = {"forbidden": "#e31a1c", "needs_review": "#fd8d3c", None: "#bdbdbd"}
    for geom, verdict in cur.fetchall():
        ax.add_patch(PathPatch(polygon_path(geom), facecolor=colours[verdict], edgecolor="none", alpha=0.8, zorder=3))
    if sites:
        ax.set_xlim(min(s[3] for s in sites) - 150, max(s[5] for s in sites) + 150)
        ax.set_ylim(min(s[4] for s in sites) - 150, max(s[6] for s in sites) + 150)
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c, edgecolor=e, linestyle=ls) for c, e, ls in [
        ("#993404", "black", "-"), ("#fec44f", "#d95f0e", "-"), ("#fff7bc", "#d95f0e", "--"),
        ("#e31a1c", "none", "-"), ("#fd8d3c", "none", "-"), ("#bdbdbd", "none", "-")]]
    ax.legend(handles, ["登录文物本体 listed footprint", "保护范围 protection zone",
                        "建设控制地带 (限高 12 m) control zone (12 m limit)",
                        "20 m 建筑: 禁止 forbidden", "20 m 建筑: 需审查 needs review",
                        "无文物规则 no heritage rule"],
              loc="lower left")
    ax.set_title(title + "\n" + attribution())
    save_map(fig, ax, out)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Render the planning loop's before and after (demo/steps/70_planning.sql) as a two-panel PNG.

usage: render_planning.py OUTPUT.png TITLE
Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE); reads demo.plan_life_circle
(per 500 m cell: residents, the complete 15-minute life circle before/after, the mean coverage of its
required categories before/after, how many of them some residents miss), demo.plan_sites (the
suggested sites, cp.suggest_sites), demo.plan_choice (the categories), demo.category_facilities and
the network demo. Cells are graduated by the mean walking coverage of the 15-minute life circle's
required categories and labelled with it and the number of required categories still missing; the
suggested sites are marked on both panels (hollow before, filled after). Grey cells have no residents.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
import psycopg2  # noqa: E402

from maplib import attribution, polygon_path  # noqa: E402

BOUNDS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0001]
MARKERS = ["^", "s", "D", "P", "X"]
COLOURS = ["#6a3d9a", "#e31a1c", "#1f78b4", "#33a02c", "#ff7f00"]


def pct(x):
    return "—" if x is None else f"{100 * x:.1f} %"


def main():
    out, title = sys.argv[1], sys.argv[2]
    cur = psycopg2.connect("").cursor()
    cur.execute("SELECT srid FROM cp.networks WHERE name = 'demo'")
    srid = cur.fetchone()[0]
    cur.execute("SELECT ST_AsGeoJSON(ST_Transform(geom, %s)), population, reach_before, reach_after, missing_before,"
                " missing_after, ST_X(ST_Centroid(ST_Transform(geom, %s))), ST_Y(ST_Centroid(ST_Transform(geom, %s)))"
                " FROM demo.plan_life_circle ORDER BY community_id", (srid, srid, srid))
    cells = cur.fetchall()
    if not cells:
        print(f"render_planning.py: no planning loop (demo.plan_life_circle is empty): {out} not drawn")
        return
    cur.execute("SELECT c.category, c.name_zh, ST_X(ST_Transform(s.geom, %s)), ST_Y(ST_Transform(s.geom, %s)), s.rank,"
                " s.gain FROM demo.plan_choice c JOIN demo.plan_sites s USING (category)"
                " WHERE s.gain > 0 ORDER BY c.choice, s.rank", (srid, srid))
    sites = cur.fetchall()
    # the district: residents in a complete life circle, mean coverage of its required categories
    cur.execute("SELECT sum(complete_before * population) / nullif(sum(population), 0),"
                " sum(complete_after * population) / nullif(sum(population), 0),"
                " sum(reach_before * population) / nullif(sum(population), 0),"
                " sum(reach_after * population) / nullif(sum(population), 0) FROM demo.plan_life_circle")
    cb, ca, rb, ra = cur.fetchone()
    cur.execute("SELECT ST_AsGeoJSON(geom) FROM cp.network_edges('demo')")
    streets = [json.loads(g)["coordinates"] for (g,) in cur.fetchall()]
    cur.execute("SELECT ST_X(p), ST_Y(p) FROM demo.category_facilities,"
                " LATERAL ST_Transform(ST_PointOnSurface(geom), %s) p", (srid,))
    facilities = cur.fetchall()

    cmap = plt.get_cmap("RdYlGn")
    norm = BoundaryNorm(BOUNDS, cmap.N)
    fig, axes = plt.subplots(1, 2, figsize=(16, 9.2), dpi=110)
    cats = []
    for c, name_zh, *_ in sites:
        if (c, name_zh) not in cats:
            cats.append((c, name_zh))
    for panel, ax in enumerate(axes):
        after = panel == 1
        xs, ys = [], []
        for g, population, before_v, after_v, miss_b, miss_a, cx, cy in cells:
            path = polygon_path(g)
            xs.extend(v[0] for v in path.vertices)
            ys.extend(v[1] for v in path.vertices)
            value = after_v if after else before_v
            missing = miss_a if after else miss_b
            inhabited = value is not None and population and population > 0
            ax.add_patch(PathPatch(path, facecolor=cmap(norm(value)) if inhabited else "#e0e0e0",
                                   edgecolor="#606060", linewidth=0.6, alpha=0.75, zorder=1))
            if inhabited:
                ax.text(cx, cy, "%d%%\n缺 %d 类" % (round(100 * value), missing or 0), ha="center", va="center",
                        fontsize=8, zorder=6)
        ax.add_collection(LineCollection(streets, colors="#707070", linewidths=0.35, zorder=2))
        if facilities:
            ax.scatter([p[0] for p in facilities], [p[1] for p in facilities], marker="o", s=10, color="#08519c",
                       edgecolor="white", linewidth=0.3, zorder=3)
        for i, (c, name_zh) in enumerate(cats):
            pts = [(x, y) for cat, _, x, y, _, _ in sites if cat == c]
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=MARKERS[i % len(MARKERS)], s=120,
                       facecolor=COLOURS[i % len(COLOURS)] if after else "none",
                       edgecolor=COLOURS[i % len(COLOURS)] if not after else "black",
                       linewidth=1.4 if not after else 0.8, zorder=5)
        ax.set_xlim(min(xs) - 60, max(xs) + 60)
        ax.set_ylim(min(ys) - 60, max(ys) + 60)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        if after:
            ax.set_title("规划后（情景 demo_plan）/ After (scenario demo_plan)\n"
                         f"必配设施平均覆盖率 mean coverage {pct(ra)}；生活圈完整 complete {pct(ca)}", fontsize=10)
        else:
            ax.set_title("规划前（OSM 现状）/ Before (as mapped in OSM)\n"
                         f"必配设施平均覆盖率 mean coverage {pct(rb)}；生活圈完整 complete {pct(cb)}", fontsize=10)
    handles = [Line2D([], [], marker=MARKERS[i % len(MARKERS)], linestyle="none", markersize=10,
                      markerfacecolor=COLOURS[i % len(COLOURS)], markeredgecolor="black",
                      label=f"建议选址 suggested: {name_zh} {c}") for i, (c, name_zh) in enumerate(cats)]
    handles.append(Line2D([], [], marker="o", linestyle="none", markersize=5, markerfacecolor="#08519c",
                          markeredgecolor="white", label="现有设施 existing facility (OSM)"))
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=9, frameon=False, bbox_to_anchor=(0.45, 0.0))
    fig.subplots_adjust(left=0.01, right=0.86, top=0.86, bottom=0.09, wspace=0.03)
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), cax=fig.add_axes([0.875, 0.14, 0.012, 0.68]),
                       ticks=BOUNDS[:-1] + [1.0])
    bar.set_label("15分钟生活圈必配设施的平均步行覆盖率（按各类服务人群）\n"
                  "mean walking coverage of the 15-minute life circle's required categories (each by its users)\n"
                  "格内: 覆盖率, 仍有居民缺少的必配类别数 / cell: coverage, required categories some residents miss;"
                  " 灰 grey: 无居民 no residents", fontsize=8)
    fig.suptitle(title + "\n" + attribution(), fontsize=12)
    fig.savefig(out)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The QGIS side of community_planning: build the QGIS project, render its maps headless.

usage:
  qgis_render.py --write-project docs/qgis/community_planning.qgs [--schema demo]
      build the project (layers, styles, print layouts) against the database in the libpq
      environment and write it with every layer reading the PostgreSQL service
      'community_planning' (no host, user or password in the file); each layout records the
      layer that frames it (custom properties cp_frame_layer, cp_frame_margin_m)
  qgis_render.py [--project docs/qgis/community_planning.qgs] [--schema demo] [--out demo/out] [--area NAME]
      write the project for the database in the libpq environment (PGHOST, PGPORT, PGUSER,
      PGPASSWORD, PGDATABASE: a temporary pg_service.conf defines the service from them) with
      tools/qgis_project.py (each layer's CRS from geometry_columns, layouts framed on the data),
      open it, check every layer is valid and non-empty, export each print layout to
      OUT/qgis_<layout>_<area>.png and write OUT/summary.md and OUT/summary.csv with the demo's
      headline numbers

Needs python3-qgis and qgis-providers (tools/install-deps.sh demo); runs with
QT_QPA_PLATFORM=offscreen, no display. The layers are the views of demo/qgis_layers.sql.
"""
import argparse
import csv
import os
import re
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    Qgis, QgsApplication, QgsCategorizedSymbolRenderer, QgsDataSourceUri, QgsFeatureRequest,
    QgsFillSymbol, QgsGraduatedSymbolRenderer, QgsLayerTree, QgsLayoutExporter, QgsLayoutItemLabel,
    QgsLayoutItemLegend, QgsLayoutItemMap, QgsLayoutItemScaleBar, QgsLayoutPoint, QgsLayoutSize,
    QgsLineSymbol, QgsMarkerSymbol, QgsPrintLayout, QgsProject, QgsRendererCategory, QgsRendererRange,
    QgsUnitTypes, QgsVectorLayer, QgsLegendStyle, QgsRectangle,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QFont  # noqa: E402

SERVICE = "community_planning"
MM = QgsUnitTypes.LayoutMillimeters
CREDIT = "Data \u00a9 OpenStreetMap contributors, ODbL \u00b7 analysis: community_planning (PostgreSQL) \u00b7 map: QGIS {}"

# (layer name, view, geometry type[, filter]): the layers top to bottom
LAYERS = [
    ("Schools", "schools", "Point"),
    ("Heritage footprints", "heritage_footprints", "MultiPolygon"),
    ("Heritage protection zones", "heritage_protection_zones", "MultiPolygon"),
    ("Heritage control zones", "heritage_control_zones", "MultiPolygon"),
    ("Heritage review (20 m rebuild)", "building_heritage", "MultiPolygon"),
    ("School catchments (walk)", "catchment_zones", "MultiPolygon"),
    ("Walk to nearest school", "building_school_walk", "MultiPolygon"),
    ("Walking network islands", "network_islands", "LineString"),
    ("Unmet parking demand per building", "building_parking_gap", "MultiPolygon"),
    ("Parking gap per community", "community_parking_gap", "MultiPolygon"),
    ("15-minute life circle per community", "community_life_circle_map", "MultiPolygon"),
    ("Coverage: primary school (500 m walk)", "community_coverage_map", "MultiPolygon",
     "\"category\" = 'primary_school'"),
    ("Coverage: kindergarten (300 m walk)", "community_coverage_map", "MultiPolygon",
     "\"category\" = 'kindergarten'"),
    ("Coverage: food market (500 m walk)", "community_coverage_map", "MultiPolygon",
     "\"category\" = 'market'"),
    ("Community scorecard (overall score)", "community_scorecard", "MultiPolygon"),
]
# shown in the main canvas when the project opens (the layouts show their own layers)
CANVAS = {"Schools", "Heritage footprints", "Heritage protection zones", "Heritage control zones",
          "School catchments (walk)", "Walking network islands"}

# layout name -> (title, layers top to bottom, layer whose extent frames the map, margin in m)
LAYOUTS = {
    "catchments": ("学校步行服务范围：沿街道 300 / 500 / 1000 m / Walking catchments of schools: 300 / 500 / 1000 m along the streets",
                   ["Schools", "School catchments (walk)", "Walking network islands"],
                   "School catchments (walk)", 150),
    "nearest_school": ("每栋建筑到最近学校的步行距离 / Walking distance from every building to its nearest school",
                       ["Schools", "Walk to nearest school", "Walking network islands"],
                       "Walk to nearest school", 100),
    "heritage": ("历史建筑保护：假设每栋建筑重建为 20 m 高时的审查结果 / Heritage register: every building checked as if rebuilt 20 m tall",
                 ["Heritage footprints", "Heritage protection zones", "Heritage control zones",
                  "Heritage review (20 m rebuild)"],
                 "Heritage control zones", 150),
    "network": ("步行网络及其孤立路段 / The compiled walking network and its disconnected islands",
                ["Schools", "Walking network islands"], "Walk to nearest school", 300),
    "life_circle": ("15分钟生活圈完整覆盖的居民比例（500 m 社区网格） / Residents inside a complete 15-minute life circle, per 500 m community",
                    ["Walking network islands", "15-minute life circle per community"],
                    "15-minute life circle per community", 100),
    "coverage_primary_school": ("步行 500 m 内有小学的居民比例（500 m 社区网格） / Residents with a primary school within a 500 m walk, per 500 m community",
                                ["Schools", "Walking network islands", "Coverage: primary school (500 m walk)"],
                                "Coverage: primary school (500 m walk)", 100),
    "parking_gap": ("停车缺口：步行 300 m 内未满足的需求（规划目标 ≤ 20 %） / Parking gap: demand not met within a 300 m walk (plan target: at most 20 %)",
                    ["Unmet parking demand per building", "Parking gap per community"],
                    "Parking gap per community", 100),
    "scorecard": ("社区评分：当前规划阶段总分（0–100） / Community scorecard: overall score of today's plan stage (0 to 100)",
                  ["Walking network islands", "Community scorecard (overall score)"],
                  "Community scorecard (overall score)", 100),
}


def fill(colour, outline="none", width=0.0, opacity=1.0, style="solid", outline_style="solid"):
    sym = QgsFillSymbol.createSimple({
        "color": colour, "style": style, "outline_color": outline if outline != "none" else "0,0,0,0",
        "outline_width": str(width), "outline_width_unit": "MM",
        "outline_style": outline_style if outline != "none" else "no"})
    sym.setOpacity(opacity)
    return sym


def line(colour, width):
    return QgsLineSymbol.createSimple({"color": colour, "width": str(width), "width_unit": "MM",
                                       "capstyle": "round", "joinstyle": "round"})


def graduated(expression, classes, outline="#ffffff", width=0.2, opacity=1.0):
    """Fixed classes (lo, hi, colour, label) on an expression: maps of different districts compare."""
    r = QgsGraduatedSymbolRenderer(expression, [
        QgsRendererRange(lo, hi, fill(c, outline, width, opacity), label) for lo, hi, c, label in classes])
    r.setClassAttribute(expression)
    return r


# shares of residents 0..1: red (few covered) to green (all); NULL = a community without residents
RATIO_CLASSES = [(-2, -0.5, "#d9d9d9", "no residents"), (-0.5, 0.2, "#d7191c", "\u2264 20 %"),
                 (0.2, 0.4, "#fdae61", "20 \u2013 40 %"), (0.4, 0.6, "#ffffbf", "40 \u2013 60 %"),
                 (0.6, 0.8, "#a6d96a", "60 \u2013 80 %"), (0.8, 1.01, "#1a9641", "80 \u2013 100 %")]


def style(layer, view):
    if view in ("community_coverage_map", "community_life_circle_map"):
        layer.setRenderer(graduated('coalesce("ratio", -1)', RATIO_CLASSES, opacity=0.8))
    elif view == "community_parking_gap":
        layer.setRenderer(graduated('coalesce("gap_ratio", -1)', [
            (-2, -0.5, "#f0f0f0", "no parking demand"),
            (-0.5, 0.2, "#a6d96a", "gap \u2264 20 % (meets the plan target)"),
            (0.2, 0.38, "#fee08b", "20 \u2013 38 % (below the 2023 baseline)"),
            (0.38, 0.6, "#fc8d59", "38 \u2013 60 %"), (0.6, 1e9, "#d73027", "over 60 %")],
            outline="#4d4d4d", width=0.3, opacity=0.55))
    elif view == "building_parking_gap":
        layer.setRenderer(graduated('coalesce("unmet_ratio", -1)', [
            (-2, -0.5, "#bdbdbd", "no parking demand"), (-0.5, 0.0005, "#1a9850", "demand met"),
            (0.0005, 0.5, "#fdae61", "up to half unmet"), (0.5, 1.01, "#b2182b", "more than half unmet")],
            outline="#4d4d4d", width=0.05))
    elif view == "community_scorecard":
        layer.setRenderer(graduated('coalesce("overall", -1)', [
            (-2, -0.5, "#d9d9d9", "nothing scored"), (-0.5, 20, "#d7191c", "0 \u2013 20"),
            (20, 40, "#fdae61", "20 \u2013 40"), (40, 60, "#ffffbf", "40 \u2013 60"),
            (60, 80, "#a6d96a", "60 \u2013 80"), (80, 100.01, "#1a9641", "80 \u2013 100")],
            opacity=0.8))
    elif view == "network_islands":
        r = QgsCategorizedSymbolRenderer("island", [
            QgsRendererCategory(False, line("#7f7f7f", 0.25), "connected network (largest component)"),
            QgsRendererCategory(True, line("#e7298a", 0.7), "island: not connected to the main network"),
        ])
        r.setOrderBy(QgsFeatureRequest.OrderBy([QgsFeatureRequest.OrderByClause("island", True)]))
        r.setOrderByEnabled(True)
        layer.setRenderer(r)
    elif view == "catchment_zones":
        cats = [QgsRendererCategory(1000, fill("#d73027", opacity=0.35), "1000 m walk"),
                QgsRendererCategory(500, fill("#fdae61", opacity=0.45), "500 m walk"),
                QgsRendererCategory(300, fill("#1a9850", opacity=0.55), "300 m walk")]
        r = QgsCategorizedSymbolRenderer("cutoff", cats)
        r.setOrderBy(QgsFeatureRequest.OrderBy([QgsFeatureRequest.OrderByClause("cutoff", False)]))
        r.setOrderByEnabled(True)
        layer.setRenderer(r)
    elif view == "schools":
        layer.setRenderer(QgsCategorizedSymbolRenderer("kind", [QgsRendererCategory(
            "school", QgsMarkerSymbol.createSimple({"name": "circle", "color": "#000000", "size": "2.6",
                                                    "outline_color": "#ffffff", "outline_width": "0.4"}),
            "school")]))
    elif view == "building_school_walk":
        ranges = [(0, 300, "#1a9850", "\u2264 300 m"), (300, 500, "#91cf60", "300 \u2013 500 m"),
                  (500, 1000, "#fee08b", "500 \u2013 1000 m"), (1000, 2000, "#fc8d59", "1000 \u2013 2000 m"),
                  (2000, 1e9, "#b2182b", "no school within 2 km walk")]
        r = QgsGraduatedSymbolRenderer("coalesce(\"walk_m\", 1e8)", [
            QgsRendererRange(lo, hi, fill(c, "#4d4d4d", 0.05), label) for lo, hi, c, label in ranges])
        r.setClassAttribute("coalesce(\"walk_m\", 1e8)")
        layer.setRenderer(r)
    elif view == "building_heritage":
        layer.setRenderer(QgsCategorizedSymbolRenderer("verdict", [
            QgsRendererCategory("forbidden", fill("#e31a1c"), "20 m building: forbidden"),
            QgsRendererCategory("needs_review", fill("#fd8d3c"), "20 m building: needs review"),
            QgsRendererCategory("no rule", fill("#cccccc"), "no heritage rule applies"),
        ]))
    elif view == "heritage_control_zones":
        layer.setRenderer(QgsCategorizedSymbolRenderer("'control'", [QgsRendererCategory(
            "control", fill("#fff7bc", "#d95f0e", 0.6, style="no", outline_style="dash"),
            "control zone (height limit)")]))
    elif view == "heritage_protection_zones":
        layer.setRenderer(QgsCategorizedSymbolRenderer("'protection'", [QgsRendererCategory(
            "protection", fill("#fec44f", "#b30000", 0.7, style="no"), "protection zone")]))
    elif view == "heritage_footprints":
        layer.setRenderer(QgsCategorizedSymbolRenderer("'footprint'", [QgsRendererCategory(
            "footprint", fill("#7f2704", "#000000", 0.3), "listed footprint")]))


def layer_uri(view, geomtype, where="", service=SERVICE, schema="demo"):
    uri = QgsDataSourceUri()
    uri.setConnection(service, "", "", "", QgsDataSourceUri.SslPrefer)
    uri.setDataSource(schema, view, "geom", where, "id")
    uri.setWkbType(QgsVectorLayer(f"{geomtype}?crs=EPSG:4326", "t", "memory").wkbType())
    uri.setUseEstimatedMetadata(False)
    return uri.uri(False)


_KEEP = []


def frame_map(mp, layers_by_name, frame_name, margin):
    """Zoom the map item to a layer's extent plus a margin, keeping the item's aspect ratio."""
    e = layers_by_name[frame_name].extent()
    if e.isEmpty() or e.isNull():
        e = layers_by_name["Walking network islands"].extent()
    e = e.buffered(margin)
    size = mp.sizeWithUnits()
    ratio = size.width() / size.height()
    cx, cy = e.center().x(), e.center().y()
    w, h = e.width(), e.height()
    if w / h < ratio:
        w = h * ratio
    else:
        h = w / ratio
    mp.setExtent(QgsRectangle(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))


def legend_layers(legend, layers):
    """The legend lists exactly the map's layers, top to bottom."""
    legend.setAutoUpdateModel(False)
    root = QgsLayerTree()
    for lyr in layers:
        root.addLayer(lyr)
    _KEEP.append(root)
    legend.model().setRootGroup(root)
    legend.adjustBoxSize()


def add_layout(project, key, layers_by_name):
    title, names, frame_name, margin = LAYOUTS[key]
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 landscape page
    layout.setName(key)
    # tools/qgis_project.py frames the map on this layer of the database at hand
    layout.setCustomProperty("cp_frame_layer", frame_name)
    layout.setCustomProperty("cp_frame_margin_m", margin)
    page = layout.pageCollection().page(0).pageSize()
    mp = QgsLayoutItemMap(layout)
    layout.addLayoutItem(mp)
    mp.attemptMove(QgsLayoutPoint(6, 18, MM))
    mp.attemptResize(QgsLayoutSize(page.width() - 86 - 6, page.height() - 18 - 12, MM))
    mp.setFrameEnabled(True)
    layers = [layers_by_name[n] for n in names]
    mp.setLayers(layers)
    mp.setKeepLayerSet(True)
    mp.setCrs(project.crs())
    frame_map(mp, layers_by_name, frame_name, margin)

    label = QgsLayoutItemLabel(layout)
    label.setText(title)
    label.setFont(QFont("DejaVu Sans", 16, QFont.Bold))
    label.attemptMove(QgsLayoutPoint(6, 5, MM))
    label.attemptResize(QgsLayoutSize(page.width() - 12, 10, MM))
    layout.addLayoutItem(label)

    credit = QgsLayoutItemLabel(layout)
    credit.setText(CREDIT.format(Qgis.version().split("-")[0]))
    credit.setFont(QFont("DejaVu Sans", 7))
    credit.attemptMove(QgsLayoutPoint(6, page.height() - 10, MM))
    credit.attemptResize(QgsLayoutSize(page.width() - 92, 6, MM))
    layout.addLayoutItem(credit)

    legend = QgsLayoutItemLegend(layout)
    legend.setTitle("Legend")
    legend.setLinkedMap(mp)
    legend.setAutoUpdateModel(False)
    legend_layers(legend, layers)
    legend.setStyleFont(QgsLegendStyle.Title, QFont("DejaVu Sans", 12, QFont.Bold))
    legend.setStyleFont(QgsLegendStyle.Subgroup, QFont("DejaVu Sans", 10, QFont.Bold))
    legend.setStyleFont(QgsLegendStyle.SymbolLabel, QFont("DejaVu Sans", 9))
    legend.setWrapString("|")
    legend.attemptMove(QgsLayoutPoint(page.width() - 84, 18, MM))
    layout.addLayoutItem(legend)
    legend.adjustBoxSize()

    bar = QgsLayoutItemScaleBar(layout)
    bar.setStyle("Single Box")
    bar.setLinkedMap(mp)
    bar.applyDefaultSize(QgsUnitTypes.DistanceMeters)
    fmt = bar.textFormat()
    fmt.setFont(QFont("DejaVu Sans"))
    fmt.setSize(8)
    bar.setTextFormat(fmt)
    bar.attemptMove(QgsLayoutPoint(page.width() - 84, page.height() - 30, MM))
    layout.addLayoutItem(bar)
    project.layoutManager().addLayout(layout)
    return layout


def build_project(project, schema="demo"):
    """Layers with their styles, and one print layout per map."""
    root = project.layerTreeRoot()
    by_name = {}
    for name, view, geomtype, *where in LAYERS:
        lyr = QgsVectorLayer(layer_uri(view, geomtype, *where, schema=schema), name, "postgres")
        if not lyr.isValid():
            sys.exit(f"layer {name} ({schema}.{view}) is not valid: {lyr.dataProvider().error().message()}")
        style(lyr, view)
        project.addMapLayer(lyr, False)
        root.addLayer(lyr)
        by_name[name] = lyr
    project.setCrs(by_name["Walking network islands"].crs())
    project.setTitle("community_planning: 15-minute life circle results")
    for key in LAYOUTS:
        add_layout(project, key, by_name)
    # the print maps each show their own layers; in the main canvas start with catchments
    for name in by_name:
        root.findLayer(by_name[name].id()).setItemVisibilityChecked(name in CANVAS)
    return by_name


def service_file_from_env(directory):
    """A pg_service.conf defining the service from the libpq environment."""
    path = os.path.join(directory, "pg_service.conf")
    with open(path, "w") as f:
        f.write(f"[{SERVICE}]\n")
        for env, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGDATABASE", "dbname"),
                         ("PGUSER", "user"), ("PGSSLMODE", "sslmode")):
            if os.environ.get(env):
                f.write(f"{key}={os.environ[env]}\n")
    os.environ["PGSERVICEFILE"] = path
    os.environ.pop("PGSERVICE", None)


def write_project(project, path):
    project.setFileName(os.path.abspath(path))
    if not project.write():
        sys.exit(f"could not write {path}: {project.error()}")
    with open(path) as f:
        text = f.read()
    # the SRID is the district's: tools/qgis_project.py writes it, and each layer's CRS, per database
    text = re.sub(r" srid=\d+", "", text)
    text = re.sub(r' saveUser(Full)?="[^"]*"', "", text)
    with open(path, "w") as f:
        f.write(text)
    if os.path.exists(path + "~"):   # QGIS keeps the overwritten project as a backup: not for the repository
        os.remove(path + "~")
    print(f"wrote {path}")


def summary(out, area, schema="demo"):
    import psycopg2
    cur = psycopg2.connect("").cursor()
    layers = '"' + schema.replace('"', '""') + '"'

    def run(sql):
        cur.execute(sql.replace("{L}", layers))

    def one(sql):
        run(sql)
        row = cur.fetchone()
        return row[0] if row else None

    rows = []
    run("SELECT nodes, edges, components, round(total_length_m::numeric / 1000, 1), "
                "round(100 * largest_component_share::numeric, 1) FROM cp.networks WHERE name = 'demo'")
    nodes, edges, comps, km, share = cur.fetchone()
    rows += [("network", "walking network", f"{nodes} nodes, {edges} edges, {km} km"),
             ("network", "connected components", f"{comps} (largest holds {share} % of the length)"),
             ("network", "island pieces (not in the largest component)",
              str(one("SELECT count(*) FROM {L}.network_islands WHERE island")))]
    b = one("SELECT count(*) FROM demo.buildings")
    schools = one("SELECT count(*) FROM {L}.schools")
    walk500 = one("SELECT count(*) FROM demo.nearest_school WHERE distance_m <= 500")
    crow500 = one("""SELECT count(*) FROM demo.buildings b WHERE EXISTS (SELECT 1 FROM demo.facilities f
                     WHERE f.kind = 'school' AND ST_DWithin(b.geom::geography, f.geom::geography, 500))""")
    median = one("SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY distance_m)::numeric) "
                 "FROM demo.nearest_school")
    none = one("SELECT count(*) FROM {L}.building_school_walk WHERE walk_m IS NULL")
    pct = (lambda n: f"{n} ({100.0 * n / b:.1f} %)") if b else str
    rows += [("schools", "buildings / schools", f"{b} / {schools}"),
             ("schools", "buildings with a school within a 500 m walk", pct(walk500)),
             ("schools", "buildings with a school within 500 m crow-fly", pct(crow500)),
             ("schools", "median walk to the nearest school", f"{median} m"),
             ("schools", "buildings with no school within a 2 km walk", pct(none))]
    run("SELECT cutoff, count(*), round(avg(area_m2)), "
                "round((avg(area_m2) / (pi() * cutoff * cutoff))::numeric * 100) "
                "FROM demo.catchments GROUP BY cutoff ORDER BY cutoff")
    for cutoff, n, area_m2, ratio in cur.fetchall():
        rows.append(("catchments", f"{int(cutoff)} m walking catchment, mean area ({n} schools)",
                     f"{int(area_m2):,} m\u00b2 = {ratio} % of the {int(cutoff)} m circle"))
    run("SELECT outcome ~ '^listed' AS ok, count(*) FROM demo.heritage_attempts GROUP BY 1 ORDER BY 1 DESC")
    for ok, n in cur.fetchall():
        rows.append(("heritage", "OSM candidates listed" if ok else "OSM candidates refused by the rules", str(n)))
    run("SELECT listed, protected, round(100 * rate::numeric, 1), meets_target "
                "FROM cp.heritage_protection_rate()")
    listed, protected, rate, meets = cur.fetchone()
    rows.append(("heritage", "protection rate", f"{protected}/{listed} = {rate} % (target met: {meets})"))
    run("SELECT verdict, count(*) FROM {L}.building_heritage WHERE verdict <> 'no rule' GROUP BY 1 ORDER BY 1")
    for verdict, n in cur.fetchall():
        rows.append(("heritage", f"buildings rebuilt 20 m tall: {verdict.replace('_', ' ')}", str(n)))
    run("SELECT count(*), count(*) FILTER (WHERE population > 0), "
                "round(100 * percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio)::numeric, 1) "
                "FROM {L}.community_life_circle_map")
    ncom, inhabited, median_lc = cur.fetchone()
    rows += [("communities", "500 m grid cells with buildings / with residents", f"{ncom} / {inhabited}"),
             ("communities", "median share of residents in a complete 15-minute life circle", f"{median_lc} %")]
    run("SELECT category, round(100 * percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio)::numeric, 1) "
                "FROM {L}.community_coverage_map WHERE category IN ('kindergarten', 'primary_school', 'market') "
                "GROUP BY 1 ORDER BY 1")
    for category, med in cur.fetchall():
        rows.append(("communities", f"median coverage of {category.replace('_', ' ')} per community", f"{med} %"))
    run("SELECT count(*) FILTER (WHERE gap_ratio <= 0.20), count(*) FILTER (WHERE gap_ratio > 0.20) "
                "FROM {L}.community_parking_gap")
    meets, over = cur.fetchone()
    rows.append(("parking", "communities meeting the 20 % gap target / over it", f"{meets} / {over}"))
    run("SELECT count(*) FILTER (WHERE unmet > 0), count(*) FILTER (WHERE demand > 0) "
                "FROM {L}.building_parking_gap")
    unmet, demand = cur.fetchone()
    rows.append(("parking", "buildings with unmet parking demand / with demand", f"{unmet} / {demand}"))
    run("SELECT min(stage), count(overall), round(avg(overall)::numeric, 1), "
                "round(min(overall)::numeric, 1), round(max(overall)::numeric, 1) FROM {L}.community_scorecard")
    stage, scored, mean, lo, hi = cur.fetchone()
    rows.append(("scorecard", f"overall score, stage {stage} ({scored} communities scored)",
                 f"mean {mean}, from {lo} to {hi}"))

    md = os.path.join(out, "summary.md")
    with open(md, "w") as f:
        f.write(f"# community_planning demo: {area}\n\n")
        f.write("Data \u00a9 OpenStreetMap contributors, ODbL. Maps: `qgis_*.png` beside this file.\n\n")
        f.write("| topic | figure | value |\n|---|---|---|\n")
        for r in rows:
            f.write("| " + " | ".join(r) + " |\n")
    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["topic", "figure", "value"])
        w.writerows(rows)
    print(open(md).read())


def project_for_database(template, schema, directory):
    """The template written for the database at hand by tools/qgis_project.py: CRS and frames from the data."""
    import importlib.util
    tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "qgis_project.py")
    spec = importlib.util.spec_from_file_location("qgis_project", tool)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = os.path.join(directory, "community_planning.qgs")
    srid, _, _ = mod.build(mod.Db(""), template, schema, SERVICE, path)
    print(f"project for this database: layers of schema {schema} in EPSG:{srid} ({path})")
    return path


def render(project_path, out, area, schema="demo"):
    project = QgsProject.instance()
    if not project.read(project_path):
        sys.exit(f"could not read {project_path}: {project.error()}")
    bad = 0
    print(f"{'layer':34} {'valid':5} {'features':>8}  source")
    for lyr in sorted(project.mapLayers().values(), key=lambda x: x.name()):
        n = lyr.featureCount() if lyr.isValid() else -1
        src = QgsDataSourceUri(lyr.source())
        print(f"{lyr.name():34} {str(lyr.isValid()):5} {n:>8}  service={src.service()} "
              f"{src.schema()}.{src.table()} srid={lyr.crs().postgisSrid()}")
        if not lyr.isValid():
            bad += 1
        elif n == 0:
            print(f"  warning: {lyr.name()} is empty in this area")
    if bad:
        sys.exit(f"{bad} layer(s) of {project_path} are not valid")
    by_name = {lyr.name(): lyr for lyr in project.mapLayers().values()}
    for layout in project.layoutManager().printLayouts():
        key = layout.name()
        # frame the district at hand, whatever extent the project was saved with
        _, _, frame_name, margin = LAYOUTS.get(key, (None, None, "Walking network islands", 100))
        mp = [i for i in layout.items() if isinstance(i, QgsLayoutItemMap)][0]
        frame_map(mp, by_name, frame_name, margin)
        for legend in [i for i in layout.items() if isinstance(i, QgsLayoutItemLegend)]:
            legend_layers(legend, mp.layers())
        for bar in [i for i in layout.items() if isinstance(i, QgsLayoutItemScaleBar)]:
            bar.applyDefaultSize(QgsUnitTypes.DistanceMeters)
        for item in layout.items():
            if isinstance(item, QgsLayoutItemLabel) and item.text().startswith("Data "):
                item.setText(CREDIT.format(Qgis.version().split("-")[0]) + f" \u00b7 area: {area}")
        png = os.path.join(out, f"qgis_{key}_{area}.png")
        # render the page ourselves: exportToImage would also try to georeference the PNG
        image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(), 130)
        if image.isNull() or not image.save(png, "PNG"):
            sys.exit(f"rendering layout {key} to {png} failed")
        print(f"wrote {png}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write-project", metavar="QGS")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--project", default=os.path.join(here, "..", "docs", "qgis", "community_planning.qgs"))
    ap.add_argument("--out", default=os.path.join(here, "out"))
    ap.add_argument("--area", default=os.environ.get("CP_DEMO_AREA", "demo"))
    ap.add_argument("--schema", default="demo", help="schema of the layer tables (demo/qgis_layers.sql)")
    ap.add_argument("--no-summary", action="store_true")
    args = ap.parse_args()

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    with tempfile.TemporaryDirectory() as tmp:
        service_file_from_env(tmp)
        if args.write_project:
            project = QgsProject.instance()
            build_project(project, args.schema)
            write_project(project, args.write_project)
        else:
            os.makedirs(args.out, exist_ok=True)
            render(project_for_database(os.path.abspath(args.project), args.schema, tmp), args.out, args.area)
            if not args.no_summary:
                summary(args.out, args.area, args.schema)
        QgsProject.instance().clear()
    app.exitQgis()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Open the QGIS project written for a district database with real QGIS: a TAP test.

usage (inside the test cluster, after test/qgis/build_layers.sh DB EPSG WORK for each database):
  QT_QPA_PLATFORM=offscreen prove -v -e /usr/bin/python3 test/qgis/open_project.py \\
      :: DB:EPSG:PROJECT [DB:EPSG:PROJECT ...]

For each database: writes a temporary pg_service.conf whose service 'community_planning' points at
it (PGHOST, PGPORT, PGUSER of the libpq environment; the password stays in PGPASSWORD), opens PROJECT
(tools/qgis_project.py wrote it from docs/qgis/community_planning.qgs) with QgsProject, no display,
and asserts: the project CRS is EPSG; for every layer: it reads the service and no host or database
of its own, it is valid, it has features, its CRS is EPSG, its extent transformed to WGS 84 lies in
the Beijing extract (BOUNDS, Haidian: Zhongguancun, Wudaokou); for every print layout: its map is in
EPSG and framed there too, around its frame layer; and every layer table of the schema is a layer.
"""
import math
import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SERVICE = "community_planning"
# where the data is: lon 116.28-116.37 E, lat 39.97-40.03 N (the extract's ways reach 116.298-116.363 E,
# 39.985-40.022 N); the template's own area (Krems, 15.6 E 48.4 N) or a layer drawn in a wrong CRS
# (EPSG:32633 puts Haidian near 14.3 E 40.0 N) falls outside
BOUNDS = (116.28, 39.97, 116.37, 40.03)

n = 0
failed = 0


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {name}", flush=True)
    if not cond and diag:
        for line in str(diag).splitlines():
            print(f"#   {line}", flush=True)
    return cond


def service_file(db):
    path = os.path.join(tempfile.mkdtemp(prefix="cp_qgis_"), "pg_service.conf")
    with open(path, "w") as f:
        f.write(f"[{SERVICE}]\ndbname={db}\n")
        for env, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "user")):
            if os.environ.get(env):
                f.write(f"{key}={os.environ[env]}\n")
    os.environ["PGSERVICEFILE"] = path
    os.environ.pop("PGSERVICE", None)
    os.environ.pop("PGDATABASE", None)


def lonlat(rect, crs, project):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform
    tr = QgsCoordinateTransform(crs, QgsCoordinateReferenceSystem("EPSG:4326"), project)
    return tr.transformBoundingBox(rect)


def fmt(r):
    return f"{r.xMinimum():.4f} {r.yMinimum():.4f} {r.xMaximum():.4f} {r.yMaximum():.4f}"


def inside(r):
    return (r is not None and not r.isNull()
            and all(math.isfinite(v) for v in (r.xMinimum(), r.yMinimum(), r.xMaximum(), r.yMaximum()))
            and r.xMinimum() >= BOUNDS[0] and r.yMinimum() >= BOUNDS[1]
            and r.xMaximum() <= BOUNDS[2] and r.yMaximum() <= BOUNDS[3])


def check(db, epsg, project_path):
    from qgis.core import (Qgis, QgsDataSourceUri, QgsLayoutItemMap, QgsProject, QgsVectorLayer)
    service_file(db)
    want = f"EPSG:{epsg}"
    tag = f"[{db}, {want}]"
    project = QgsProject.instance()
    project.clear()
    if not ok(project.read(project_path), f"{tag} QGIS {Qgis.version()} reads {project_path}", project.error()):
        return
    ok(project.crs().authid() == want, f"{tag} project CRS is {want} ({project.crs().authid()})")
    layers = sorted(project.mapLayers().values(), key=lambda x: x.name())
    ok(len(layers) > 0, f"{tag} the project has layers ({len(layers)})")
    tables = set()
    schema = None
    for lyr in layers:
        name = lyr.name()
        uri = QgsDataSourceUri(lyr.source())
        tables.add((uri.schema(), uri.table()))
        schema = schema or uri.schema()
        ok(lyr.providerType() == "postgres" and uri.service() == SERVICE and not uri.host() and not uri.database(),
           f"{tag} {name}: reads service={SERVICE} ({uri.schema()}.{uri.table()}), no host or database of its own",
           f"provider {lyr.providerType()}, service '{uri.service()}', host '{uri.host()}', dbname '{uri.database()}'")
        valid = lyr.isValid()
        ok(valid, f"{tag} {name}: layer is valid",
           (lyr.dataProvider().error().message() if lyr.dataProvider() else "")
           or "QGIS gives no reason: does the table exist?")
        count = lyr.featureCount() if valid and isinstance(lyr, QgsVectorLayer) else -1
        ok(count > 0, f"{tag} {name}: has features ({count})")
        ok(lyr.crs().authid() == want, f"{tag} {name}: CRS is {want} ({lyr.crs().authid()})",
           f"layer CRS {lyr.crs().authid()} {lyr.crs().description()}")
        if valid:
            lyr.updateExtents()
        e = lonlat(lyr.extent(), lyr.crs(), project) if valid else None
        ok(inside(e), f"{tag} {name}: extent lies in Haidian ({fmt(e) if e else 'none'})",
           f"extent in WGS 84 {fmt(e) if e else 'none'}, expected within {BOUNDS}")
    by_name = {lyr.name(): lyr for lyr in layers}
    layouts = project.layoutManager().printLayouts()
    ok(len(layouts) > 0, f"{tag} the project has print layouts ({len(layouts)})")
    for layout in layouts:
        maps = [i for i in layout.items() if isinstance(i, QgsLayoutItemMap)]
        if not ok(len(maps) == 1, f"{tag} layout {layout.name()}: one map"):
            continue
        mp = maps[0]
        ok(mp.crs().authid() == want, f"{tag} layout {layout.name()}: map CRS is {want} ({mp.crs().authid()})")
        e = lonlat(mp.extent(), mp.crs(), project)
        frame = by_name.get(layout.customProperty("cp_frame_layer"))
        framed = frame is not None and mp.extent().contains(frame.extent())
        ok(inside(e) and framed,
           f"{tag} layout {layout.name()}: map extent lies in Haidian ({fmt(e)}) around "
           f"'{layout.customProperty('cp_frame_layer')}'",
           f"map extent in WGS 84 {fmt(e)}, expected within {BOUNDS}; frame layer "
           f"{'missing' if frame is None else frame.extent().toString()} in map {mp.extent().toString()}")
    # every layer table of the schema (demo/qgis_layers.sql marks them) is in the project
    import psycopg2
    cur = psycopg2.connect(service=SERVICE).cursor()
    cur.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
                "WHERE s.nspname = %s AND obj_description(c.oid, 'pg_class') LIKE 'community_planning QGIS layer%%' "
                "ORDER BY 1", (schema,))
    names = [r[0] for r in cur.fetchall()]
    missing = [t for t in names if (schema, t) not in tables]
    ok(names and not missing, f"{tag} every layer table of schema {schema} is a layer of the project ({len(names)})",
       "not in the project: " + ", ".join(missing))
    cur.connection.close()
    project.clear()


def main():
    cases = [a.split(":", 2) for a in sys.argv[1:]]
    if not cases or any(len(c) != 3 for c in cases):
        sys.exit("usage: open_project.py DB:EPSG:PROJECT [...]")
    from qgis.core import QgsApplication
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    for db, epsg, path in cases:
        check(db, epsg, os.path.abspath(path))
    app.exitQgis()
    print(f"1..{n}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

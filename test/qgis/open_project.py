#!/usr/bin/python3
"""Open the committed QGIS project with real QGIS and check every layer: a TAP test.

usage (inside the test cluster, after test/qgis/build_layers.sh DB):
  PGDATABASE=DB QT_QPA_PLATFORM=offscreen prove -v -e /usr/bin/python3 test/qgis/open_project.py [:: PROJECT]

Writes a temporary pg_service.conf whose service 'community_planning' points at the cluster of the
libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE; the password stays in PGPASSWORD), opens
docs/qgis/community_planning.qgs with QgsProject (PyQGIS, no display) and asserts, for every layer:
it reads the service and no host of its own, it is valid, it has features, its extent is finite.
Then: every view in schema demo (demo/qgis_layers.sql) is a layer of the project.
"""
import math
import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = (sys.argv[1] if len(sys.argv) > 1
           else os.path.normpath(os.path.join(HERE, "..", "..", "docs", "qgis", "community_planning.qgs")))
SERVICE = "community_planning"

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


def main():
    tmp = tempfile.mkdtemp(prefix="cp_qgis_")
    path = os.path.join(tmp, "pg_service.conf")
    with open(path, "w") as f:
        f.write(f"[{SERVICE}]\n")
        for env, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGDATABASE", "dbname"), ("PGUSER", "user")):
            if os.environ.get(env):
                f.write(f"{key}={os.environ[env]}\n")
    os.environ["PGSERVICEFILE"] = path
    os.environ.pop("PGSERVICE", None)

    from qgis.core import Qgis, QgsApplication, QgsDataSourceUri, QgsProject, QgsVectorLayer

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    read = project.read(PROJECT)
    if ok(read, f"QGIS {Qgis.version()} reads {os.path.basename(PROJECT)}", project.error()):
        layers = sorted(project.mapLayers().values(), key=lambda x: x.name())
        ok(len(layers) > 0, f"the project has layers ({len(layers)})")
        tables = set()
        for lyr in layers:
            name = lyr.name()
            uri = QgsDataSourceUri(lyr.source())
            tables.add((uri.schema(), uri.table()))
            ok(lyr.providerType() == "postgres" and uri.service() == SERVICE and not uri.host()
               and not uri.database(),
               f"{name}: reads service={SERVICE} ({uri.schema()}.{uri.table()}), no host or database of its own",
               f"provider {lyr.providerType()}, service '{uri.service()}', host '{uri.host()}', "
               f"dbname '{uri.database()}'")
            valid = lyr.isValid()
            ok(valid, f"{name}: layer is valid",
               (lyr.dataProvider().error().message() if lyr.dataProvider() else "")
               or "QGIS gives no reason: does the table or view exist?")
            count = lyr.featureCount() if valid and isinstance(lyr, QgsVectorLayer) else -1
            ok(count > 0, f"{name}: has features ({count})")
            e = lyr.extent() if valid else None
            finite = (e is not None and not e.isNull()
                      and all(math.isfinite(v) for v in (e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()))
                      and e.width() >= 0 and e.height() >= 0)
            ok(finite, f"{name}: extent is finite (srid {lyr.crs().postgisSrid()})",
               e.toString() if e is not None else "no extent")
        # every view demo/qgis_layers.sql made is in the project
        import psycopg2
        cur = psycopg2.connect(service=SERVICE).cursor()
        cur.execute("SELECT viewname FROM pg_views WHERE schemaname = 'demo' ORDER BY 1")
        views = [r[0] for r in cur.fetchall()]
        missing = [v for v in views if ("demo", v) not in tables]
        ok(views and not missing, f"every view of schema demo is a layer of the project ({len(views)} views)",
           "not in the project: " + ", ".join(missing))
    project.clear()
    app.exitQgis()
    print(f"1..{n}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

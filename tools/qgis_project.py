#!/usr/bin/env python3
"""Write the QGIS project for one database: each layer's CRS and extent, the project CRS and every
print layout's map frame taken from the data, not from the database the template was saved with.

usage:
  python3 tools/qgis_project.py [--db CONNINFO] [--schema SCHEMA] [--service NAME]
                                [--template docs/qgis/community_planning.qgs] --out my_district.qgs

  --db        libpq connection string used to read the data (default: service=community_planning;
              an empty string means the PG* environment)
  --schema    schema of the layer tables built by demo/qgis_layers.sql (default: demo)
  --service   the PostgreSQL service the layers of the written project read (default:
              community_planning); the project holds no host, user or password
  --template  the committed project (layers, styles, layouts)

QGIS 3.22 keeps the CRS saved in a project for every layer (it does not read it again from
geometry_columns), and the print layouts keep their saved map extents: opened as it is, the
committed project draws another district in the template's CRS and frames the template's area.
This tool reads geometry_columns and the data's extent (psycopg2, or psql when psycopg2 is missing)
and rewrites, in a copy of the template: each layer's schema, srid and <srs>, its extent and
WGS 84 extent; the project CRS (the CRS most layers share) and its default view; each layout's map
CRS and extent: the extent of the layer named by the layout's custom property cp_frame_layer plus
cp_frame_margin_m metres (demo/qgis_render.py sets them), else of all the map's layers, widened to the
map item's aspect ratio. Pure XML: it needs no QGIS. Errors name the missing table.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.normpath(os.path.join(HERE, "..", "docs", "qgis", "community_planning.qgs"))
MAP_ITEM = "65639"   # QgsLayoutItemRegistry::LayoutMap
TABLE_RE = re.compile(r'table="(?P<schema>(?:[^"]|"")*)"\."(?P<table>(?:[^"]|"")*)"\s*\((?P<geom>[^)]*)\)'
                      r'(?:\s+sql=(?P<sql>.*))?$', re.S)
SRS_DB = ["/usr/share/qgis/resources/srs.db", "/usr/local/share/qgis/resources/srs.db",
          "/Applications/QGIS.app/Contents/Resources/resources/srs.db"]


class Db:
    """A tiny query runner: psycopg2 if it is installed, else psql."""

    def __init__(self, conninfo):
        self.conninfo = conninfo
        try:
            import psycopg2
        except ImportError:
            self.conn = None
            return
        try:
            self.conn = psycopg2.connect(conninfo)
        except psycopg2.Error as e:
            sys.exit(f"qgis_project: cannot connect with '{conninfo}': {str(e).strip()}\n"
                     "hint: define the service (docs/qgis/pg_service.conf.example) or pass --db CONNINFO")
        self.conn.set_session(readonly=True, autocommit=True)

    def rows(self, sql, params=()):
        if self.conn is not None:
            cur = self.conn.cursor()
            cur.execute(sql, params)
            return cur.fetchall()
        # psql: parameters inlined as literals, one JSON object per row (distinct column names)
        lit = ["NULL" if p is None else str(p) if isinstance(p, (int, float)) else "'" + str(p).replace("'", "''") + "'"
               for p in params]
        text = sql.replace("%%", "\0") % tuple(lit) if params else sql.replace("%%", "\0")
        text = text.replace("\0", "%")
        run = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo, "-c",
                              f"SELECT row_to_json(q) FROM ({text}) q"], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"qgis_project: psql failed: {run.stderr.strip()}")
        out = run.stdout
        return [tuple(json.loads(line).values()) for line in out.splitlines() if line.strip()]


def qident(name):
    return '"' + name.replace('"', '""') + '"'


def srs_element(db, srid):
    """<spatialrefsys> for an SRID of spatial_ref_sys, with the QGIS srsid when srs.db is at hand."""
    rows = db.rows("SELECT auth_name, auth_srid, srtext, proj4text FROM spatial_ref_sys WHERE srid = %s", (srid,))
    if not rows:
        sys.exit(f"qgis_project: SRID {srid} is not in spatial_ref_sys")
    auth, code, wkt, proj4 = rows[0]
    authid = f"{auth}:{code}"
    desc = (re.match(r'\s*[A-Z_]+\["([^"]*)"', wkt or "") or [None, ""])[1]
    srsid, acronym, ellipsoid, geographic = "", "", "", wkt.lstrip().startswith("GEOGCS") if wkt else False
    for path in [os.path.join(os.environ.get("QGIS_PREFIX_PATH", "/nonexistent"), "share/qgis/resources/srs.db")] + SRS_DB:
        if os.path.exists(path):
            try:
                r = sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute(
                    "SELECT srs_id, description, projection_acronym, ellipsoid_acronym, is_geo FROM tbl_srs "
                    "WHERE auth_name = ? AND auth_id = ?", (auth, str(code))).fetchone()
            except sqlite3.Error:
                r = None
            if r:
                srsid, desc, acronym, ellipsoid, geographic = str(r[0]), r[1], r[2] or "", r[3] or "", bool(r[4])
                break
    # QGIS reads a CRS by its authid when srsid is a positive number, else from the WKT
    # (QgsCoordinateReferenceSystem::readXml): either way the layer's CRS is EPSG:<srid>
    el = ET.Element("spatialrefsys")
    for tag, value in (("wkt", wkt or ""), ("proj4", (proj4 or "").strip()), ("srsid", srsid or "0"),
                       ("srid", str(code)), ("authid", authid), ("description", desc),
                       ("projectionacronym", acronym), ("ellipsoidacronym", ellipsoid),
                       ("geographicflag", "true" if geographic else "false")):
        ET.SubElement(el, tag).text = value
    return el, geographic


def set_srs(parent, srs):
    """Replace the <spatialrefsys> child of parent (an <srs>, <crs> or <projectCrs> element)."""
    for old in parent.findall("spatialrefsys"):
        parent.remove(old)
    parent.append(_copy(srs))


def _copy(el):
    return ET.fromstring(ET.tostring(el))


def set_box(el, box, children=True):
    if el is None:
        return
    for key, value in zip(("xmin", "ymin", "xmax", "ymax"), box):
        if children:
            node = el.find(key)
            if node is None:
                node = ET.SubElement(el, key)
            node.text = repr(float(value))
        else:
            el.set(key, repr(float(value)))


def extent(db, schema, table, geom, where, srid):
    sql = (f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(ST_Transform({qident(geom)}, %s)) AS e "
           f"FROM {qident(schema)}.{qident(table)}" + (f" WHERE {where}" if where else "") + ") x")
    row = db.rows(sql, (srid,))[0]
    return None if row[0] is None else tuple(float(v) for v in row)


def union(boxes):
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def frame(box, margin, width_mm, height_mm):
    """A box plus a margin, widened to the map item's aspect ratio."""
    xmin, ymin, xmax, ymax = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
    cx, cy, w, h = (xmin + xmax) / 2, (ymin + ymax) / 2, max(xmax - xmin, 1e-9), max(ymax - ymin, 1e-9)
    ratio = width_mm / height_mm
    if w / h < ratio:
        w = h * ratio
    else:
        h = w / ratio
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def custom_property(el, name):
    for opt in el.iter("Option"):
        if opt.get("name") == name:
            return opt.get("value")
    return None


def patch_source(text, schema, srid):
    """The layer source with the given schema and srid=..."""
    m = TABLE_RE.search(text)
    if not m:
        return text
    text = text[:m.start("schema")] + schema.replace('"', '""') + text[m.end("schema"):]
    text = re.sub(r"\s*srid=\d+", "", text)
    return re.sub(r"(^|\s)(type=)", lambda g: f"{g.group(1)}srid={srid} {g.group(2)}", text, count=1)


def build(db, template, schema, service, out):
    with open(template, encoding="utf-8") as f:
        head = f.read(300)
    doctype = re.search(r"<!DOCTYPE[^>]*>", head)
    tree = ET.parse(template)
    root = tree.getroot()

    layers = {}   # layer id -> dict(name, table, geom, where, srid, box)
    missing = []
    for ml in root.iter("maplayer"):
        if ml.get("type") != "vector" or (ml.findtext("provider") or "") != "postgres":
            continue
        ds = ml.find("datasource")
        m = TABLE_RE.search(ds.text or "")
        if not m:
            continue
        table, geom = m.group("table").replace('""', '"'), m.group("geom").strip()
        where = (m.group("sql") or "").strip() or None
        rows = db.rows("SELECT srid, type FROM geometry_columns WHERE f_table_schema = %s AND f_table_name = %s "
                       "AND f_geometry_column = %s", (schema, table, geom))
        name = ml.findtext("layername")
        if not rows:
            missing.append(f"{schema}.{table} ({name})")
            continue
        srid = int(rows[0][0])
        if srid == 0:
            sys.exit(f"qgis_project: {schema}.{table}.{geom} has no SRID in geometry_columns: type the column "
                     "geometry(<type>, <srid>) (demo/qgis_layers.sql does)")
        layers[ml.findtext("id")] = dict(el=ml, name=name, table=table, geom=geom, where=where, srid=srid)
    if missing:
        sys.exit("qgis_project: no layer table " + ", ".join(missing) +
                 f"\nhint: build the layers with psql -v schema={schema} ... -f demo/qgis_layers.sql (docs/maps.md)")
    if not layers:
        sys.exit(f"qgis_project: {template} has no PostgreSQL layer")

    srids = [v["srid"] for v in layers.values()]
    project_srid = max(set(srids), key=srids.count)
    srs_cache = {}

    def srs(srid):
        if srid not in srs_cache:
            srs_cache[srid] = srs_element(db, srid)
        return srs_cache[srid]

    # every layer: its schema, srid, CRS, extent in its CRS and in WGS 84
    for lid, v in layers.items():
        ml = v["el"]
        ds = ml.find("datasource")
        ds.text = patch_source(ds.text, schema, v["srid"])
        set_srs(ml.find("srs"), srs(v["srid"])[0])
        v["box"] = extent(db, schema, v["table"], v["geom"], v["where"], v["srid"])
        v["project_box"] = (v["box"] if v["srid"] == project_srid
                            else extent(db, schema, v["table"], v["geom"], v["where"], project_srid))
        if v["box"]:
            set_box(ml.find("extent"), v["box"])
            set_box(ml.find("wgs84extent"), extent(db, schema, v["table"], v["geom"], v["where"], 4326))
    # the same sources where the layer tree and the layouts name them
    for el in root.iter():
        if "source" in el.attrib and el.get("providerKey", el.get("provider")) == "postgres":
            lid = el.get("id") or (el.text or "").strip()
            if lid in layers:
                el.set("source", patch_source(el.get("source"), schema, layers[lid]["srid"]))

    psrs, geographic = srs(project_srid)
    old_authid = root.findtext("projectCrs/spatialrefsys/authid")
    for v in layers.values():
        meta = v["el"].find("resourceMetadata/crs")
        if meta is not None and meta.findtext("spatialrefsys/authid"):
            set_srs(meta, srs(v["srid"])[0])
    # whatever else kept the template's CRS (the annotation layer, ...) takes the project's
    for parent in root.iter():
        for child in parent.findall("spatialrefsys"):
            if old_authid and child.findtext("authid") == old_authid:
                set_srs(parent, psrs)
    set_srs(root.find("projectCrs"), psrs)
    everything = union(v["project_box"] for v in layers.values())
    if everything is None:
        sys.exit(f"qgis_project: every layer of schema {schema} is empty")
    # the view QGIS opens on: all the data
    pvs = root.find("ProjectViewSettings")
    if pvs is not None:
        for old in pvs.findall("DefaultViewExtent"):
            pvs.remove(old)
        dve = ET.SubElement(pvs, "DefaultViewExtent")
        set_box(dve, everything, children=False)
        dve.append(_copy(psrs))
    canvas = root.find("mapcanvas")
    if canvas is not None:
        set_box(canvas.find("extent"), everything)
        dest = canvas.find("destinationsrs")
        if dest is not None:
            set_srs(dest, psrs)

    by_name = {v["name"]: v for v in layers.values()}
    framed = []
    for layout in root.iter("Layout"):
        fname = custom_property(layout, "cp_frame_layer")
        margin = float(custom_property(layout, "cp_frame_margin_m") or 0)
        if geographic:
            margin /= 111320.0
        for item in layout.iter("LayoutItem"):
            if item.get("type") != MAP_ITEM:
                continue
            ids = [(lyr.text or "").strip() for lyr in item.iter("Layer")]
            box = by_name[fname]["project_box"] if fname in by_name else None
            if box is None:
                box = union(layers[i]["project_box"] for i in ids if i in layers) or everything
            w, h = (float(x) for x in item.get("size").split(",")[:2])
            ext = frame(box, margin, w, h)
            node = item.find("Extent")
            if node is None:
                node = ET.SubElement(item, "Extent")
            set_box(node, ext, children=False)
            crs = item.find("crs")
            if crs is None:
                crs = ET.SubElement(item, "crs")
            set_srs(crs, psrs)
            framed.append((layout.get("name"), ext))

    # the layers read the service, whatever --db was
    for el in root.iter():
        for key, value in list(el.attrib.items()):
            if "service='" in value:
                el.set(key, re.sub(r"service='(?:[^'\\]|\\.)*'", f"service='{service}'", value))
        if el.text and "service='" in el.text:
            el.text = re.sub(r"service='(?:[^'\\]|\\.)*'", f"service='{service}'", el.text)

    tmp = out + ".tmp"
    tree.write(tmp, encoding="utf-8", xml_declaration=False)
    with open(tmp, encoding="utf-8") as f:
        body = f.read()
    with open(out, "w", encoding="utf-8") as f:
        if doctype:
            f.write(doctype.group(0) + "\n")
        f.write(body)
        if not body.endswith("\n"):
            f.write("\n")
    os.remove(tmp)
    return project_srid, layers, framed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=None, help="libpq connection string (default: service=SERVICE)")
    ap.add_argument("--schema", default="demo")
    ap.add_argument("--service", default="community_planning")
    ap.add_argument("--template", default=TEMPLATE)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    conninfo = args.db if args.db is not None else f"service={args.service}"
    if os.path.abspath(args.out) == os.path.abspath(args.template):
        # regenerate in place: read a copy
        shutil.copy(args.template, args.out + ".template")
        args.template = args.out + ".template"
    try:
        srid, layers, framed = build(Db(conninfo), args.template, args.schema, args.service, args.out)
    finally:
        if args.template.endswith(".qgs.template"):
            os.remove(args.template)
    print(f"wrote {args.out}: {len(layers)} layers of schema {args.schema}, project CRS EPSG:{srid}")
    for v in sorted(layers.values(), key=lambda x: x["name"]):
        b = v["box"]
        print(f"  {v['name']:40} EPSG:{v['srid']}  " + ("empty" if not b else
              f"{b[0]:.1f} {b[1]:.1f} {b[2]:.1f} {b[3]:.1f}"))
    for name, e in framed:
        print(f"  layout {name:30} {e[0]:.1f} {e[1]:.1f} {e[2]:.1f} {e[3]:.1f}")


if __name__ == "__main__":
    main()

"""Shared by the demo's matplotlib renderers (render_*.py): polygons, the map frame, a CJK font.

Map titles and legends are bilingual (Chinese / English): importing this module puts a CJK font
(fonts-wqy-zenhei, installed by tools/install-deps.sh, or Noto Sans CJK) behind DejaVu Sans, so
Latin text keeps DejaVu and Chinese characters fall back to the CJK font (matplotlib >= 3.6).
"""
import json
import os
import sys

import matplotlib
from matplotlib import font_manager
from matplotlib.path import Path

CJK_FAMILIES = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Droid Sans Fallback")
CJK_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


def use_cjk_font():
    """Put the first CJK font found behind DejaVu Sans; returns its family name, or None."""
    def known():
        names = {f.name for f in font_manager.fontManager.ttflist}
        return [f for f in CJK_FAMILIES if f in names]
    found = known()
    if not found:
        # matplotlib's font cache may predate the font package: add the files directly
        for path in CJK_FILES:
            if os.path.exists(path):
                font_manager.fontManager.addfont(path)
        found = known()
    if not found:
        print("maplib: no CJK font (apt-get install fonts-wqy-zenhei): Chinese text will show as boxes",
              file=sys.stderr)
        return None
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", found[0]]
    return found[0]


CJK_FONT = use_cjk_font()


def polygon_path(geojson):
    """A matplotlib Path of a GeoJSON Polygon or MultiPolygon (text), holes included."""
    geo = json.loads(geojson)
    polys = geo["coordinates"] if geo["type"] == "MultiPolygon" else [geo["coordinates"]]
    verts, codes = [], []
    for polygon in polys:
        for ring in polygon:
            verts.extend(ring)
            codes.extend([Path.MOVETO] + [Path.LINETO] * (len(ring) - 2) + [Path.CLOSEPOLY])
    return Path(verts, codes)


def save_map(fig, ax, out):
    """A map frame (equal axes, no ticks), laid out tight and written to out."""
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(out)


ATTRIBUTION = "数据 Data © OpenStreetMap contributors, ODbL"


def attribution():
    """The data credit under a map title (CP_ATTRIBUTION overrides it, e.g. for the synthetic area)."""
    return os.environ.get("CP_ATTRIBUTION", ATTRIBUTION)

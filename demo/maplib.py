"""Shared by the demo's matplotlib renderers (render_*.py)."""
import json

from matplotlib.path import Path


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

#!/usr/bin/python3
"""Write a small, plausible neighbourhood as an OSM XML file, for a demo without real data.

usage: sample_area.py OUTPUT.osm

A 1.1 km square of streets 100 m apart near Fuzhou (119.30 E, 26.08 N), cut by a river from west
to east with one footbridge; residential blocks with levels, schools, kindergartens, a clinic,
pharmacies, elderly care, a community centre, a market, a park, car parks (some with capacity) and a
lane of four historic houses. Deterministic: the same file every time. Synthetic data, no licence.
"""
import math
import sys

LON0, LAT0 = 119.30, 26.08
M_PER_DEG_LAT = 111320.0
M_PER_DEG_LON = 111320.0 * math.cos(math.radians(LAT0))
N = 12            # nodes per row and column
STEP = 100.0      # metres between streets
RIVER_Y = 550.0   # the river runs between street rows 5 and 6
BRIDGE_X = 900.0  # the only crossing: a footbridge


class Osm:
    def __init__(self):
        self.nodes, self.ways, self.next_id = [], [], 1

    def node(self, x, y, tags=None):
        nid = self.next_id
        self.next_id += 1
        self.nodes.append((nid, LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG_LAT, tags or {}))
        return nid

    def way(self, refs, tags):
        wid = self.next_id
        self.next_id += 1
        self.ways.append((wid, refs, tags))
        return wid

    def box(self, x, y, w, h, tags):
        refs = [self.node(x, y), self.node(x + w, y), self.node(x + w, y + h), self.node(x, y + h)]
        return self.way(refs + refs[:1], tags)

    def write(self, path):
        esc = lambda v: str(v).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        with open(path, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="community_planning sample_area.py">\n')
            for nid, lon, lat, tags in self.nodes:
                body = "".join(f'<tag k="{esc(k)}" v="{esc(v)}"/>' for k, v in tags.items())
                f.write(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{body}</node>\n')
            for wid, refs, tags in self.ways:
                nds = "".join(f'<nd ref="{r}"/>' for r in refs)
                body = "".join(f'<tag k="{esc(k)}" v="{esc(v)}"/>' for k, v in tags.items())
                f.write(f'<way id="{wid}" version="1">{nds}{body}</way>\n')
            f.write("</osm>\n")


def main():
    osm = Osm()
    grid = {(i, j): osm.node(i * STEP, j * STEP) for i in range(N) for j in range(N)}
    for j in range(N):          # east-west streets
        osm.way([grid[(i, j)] for i in range(N)], {"highway": "residential", "name": f"Heng {j + 1} Road"})
    for i in range(N):          # north-south streets, cut by the river
        south = [grid[(i, j)] for j in range(N) if j * STEP < RIVER_Y]
        north = [grid[(i, j)] for j in range(N) if j * STEP > RIVER_Y]
        osm.way(south, {"highway": "residential", "name": f"Zong {i + 1} Lane"})
        osm.way(north, {"highway": "residential", "name": f"Zong {i + 1} Lane"})
    bridge = [grid[(int(BRIDGE_X / STEP), 5)], grid[(int(BRIDGE_X / STEP), 6)]]
    osm.way(bridge, {"highway": "footway", "bridge": "yes", "name": "Footbridge"})
    osm.way([osm.node(-50, RIVER_Y), osm.node(N * STEP, RIVER_Y)], {"waterway": "river", "name": "Min River branch"})

    for i in range(N - 1):      # two housing blocks per street block, 3-8 storeys
        for j in range(N - 1):
            if (i, j) in ((2, 2), (3, 2), (8, 8), (6, 4)):
                continue        # a park, a market square, the heritage lane
            for k in range(2):
                levels = 3 + (i * 7 + j * 3 + k) % 6
                osm.box(i * STEP + 12 + k * 45, j * STEP + 20, 32, 60,
                        {"building": "residential", "building:levels": str(levels)})
    osm.box(2 * STEP + 10, 2 * STEP + 10, 180, 80, {"leisure": "park", "name": "Rongshu Park"})
    osm.box(8 * STEP + 10, 8 * STEP + 10, 80, 80, {"amenity": "marketplace", "name": "Morning market"})

    facilities = [
        (150, 150, {"amenity": "school", "name": "Gulou primary school", "isced:level": "1"}),
        (750, 850, {"amenity": "school", "name": "Riverside primary school", "isced:level": "1"}),
        (350, 450, {"amenity": "kindergarten", "name": "Sunflower kindergarten"}),
        (950, 250, {"amenity": "kindergarten", "name": "Banyan kindergarten"}),
        (450, 950, {"amenity": "kindergarten", "name": "North bank kindergarten"}),
        (550, 250, {"amenity": "clinic", "name": "Community health centre"}),
        (250, 650, {"amenity": "pharmacy", "name": "Pharmacy"}),
        (850, 350, {"amenity": "pharmacy", "name": "Pharmacy"}),
        (650, 750, {"amenity": "social_facility", "social_facility": "nursing_home", "name": "Elderly care home"}),
        (450, 350, {"amenity": "community_centre", "name": "Community service station"}),
        (1050, 950, {"shop": "supermarket", "name": "Supermarket"}),
    ]
    for x, y, tags in facilities:
        osm.node(x, y, tags)

    for n, (x, y, cap) in enumerate([(105, 605, 60), (505, 105, None), (905, 705, 120), (305, 905, None)]):
        tags = {"amenity": "parking", "parking": "surface"}
        if cap:
            tags["capacity"] = str(cap)
        osm.box(x, y, 80, 40, tags)

    for k in range(4):          # a heritage lane just south of the river
        osm.box(612 + k * 22, 470, 18, 16, {"building": "house", "historic": "building",
                                            "name": f"Old lane house {k + 1}", "building:levels": "2"})
    osm.write(sys.argv[1])


if __name__ == "__main__":
    main()

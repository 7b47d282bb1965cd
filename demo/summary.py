#!/usr/bin/python3
"""Write the demo's headline numbers, in Chinese with English beside them: OUT/summary.md, OUT/summary.csv.

usage: summary.py --out demo/out --area beijing --place "北京海淀·中关村 / Beijing, Haidian: Zhongguancun"
Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE) after demo/steps/*.sql and
reads only their tables (demo.*, osm.*) and the extension's catalogues (cp.*): the inputs and the
demo's assumptions (demo.settings), network, schools, coverage per category in metres and in minutes
at each category's users' pace, the categories OSM has no facility for, life circles, parking,
heritage and the scorecard. Prints the Markdown it writes.
"""
import argparse
import csv
import glob
import os

import psycopg2

STANDARD = "GB50180-2018"


def num(x):
    return "?" if x is None else f"{round(float(x), 1):g}"


def pct(x, digits=1):
    return "—" if x is None else f"{100 * float(x):.{digits}f} %"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="demo/out")
    ap.add_argument("--area", default=os.environ.get("CP_DEMO_AREA", "demo"))
    ap.add_argument("--place", default=None)
    args = ap.parse_args()
    place = args.place or args.area
    cur = psycopg2.connect("").cursor()

    def one(sql, params=None):
        cur.execute(sql, params)
        return cur.fetchone()

    def rows(sql, params=None):
        cur.execute(sql, params)
        return cur.fetchall()

    md = []          # the Markdown, line by line
    table = []       # summary.csv: topic, figure_zh, figure_en, value

    def section(zh, en):
        md.append(f"\n## {zh} / {en}\n")

    def facts(topic, items):
        md.append("| 指标 | figure | 数值 value |\n|---|---|---|")
        for zh, en, value in items:
            md.append(f"| {zh} | {en} | {value} |")
            table.append((topic, zh, en, value))

    # one Chinese and English name per category: the level the standard places it at first
    names = {code: (zh, en, radius, minutes, group, profile) for code, zh, en, radius, minutes, group, profile in rows(
        """SELECT DISTINCT ON (code) code, name_zh, name_en, effective_radius_m, effective_minutes, target_group, profile
             FROM cp.life_circle_categories
            WHERE standard = %s AND life_circle = from_level
            ORDER BY code, cp.life_circle_rank(from_level), effective_radius_m NULLS LAST""", (STANDARD,))}
    groups = {code: (zh, en) for code, zh, en in rows("SELECT code, name_zh, name_en FROM cp.population_groups")}
    speeds = dict(rows("SELECT name, speed_kmh FROM cp.walk_profiles"))

    def zh(code):
        return names.get(code, (code,))[0]

    def both(code):
        n = names.get(code)
        return f"{n[0]} {code}" if n else code

    md.append(f"# 15分钟社区生活圈演示：{place.split(' / ')[0]} / community_planning demo: "
              f"{place.split(' / ')[-1]}\n")
    credit = os.environ.get("CP_ATTRIBUTION") or ("数据 Data © OpenStreetMap contributors, ODbL"
                                                  "（OSM 快照，非官方数据 an OSM snapshot, not official data）")
    md.append(f"{credit}。地图 Maps: `*.png` beside this file; 表格 tables: `*.csv`.\n")

    # --- inputs and assumptions
    s_levels_res, s_levels_park, housing, m2pp, pph = one(
        "SELECT residents_levels, parking_levels, housing, m2_per_person, persons_per_household FROM demo.settings")
    nodes, edges, comps, km, share, srid = one(
        "SELECT nodes, edges, components, round(total_length_m::numeric / 1000, 1), "
        "round(100 * largest_component_share::numeric, 1), srid FROM cp.networks WHERE name = 'demo'")
    crs = one("SELECT split_part(srtext, '\"', 2) FROM spatial_ref_sys WHERE srid = %s", (srid,))
    nb, nlev = one("SELECT count(*), count(levels) FROM osm.buildings")
    nres, pop = one("SELECT count(*), coalesce(sum(population), 0) FROM demo.residents")
    kinds = dict(rows("SELECT building, count(*) FROM osm.buildings GROUP BY 1"))
    section("输入与假设", "Inputs and assumptions")
    md.append(f"- 坐标系 CRS: EPSG:{srid} ({crs[0] if crs else '?'}), chosen by `cp.network_build` from the data.")
    md.append(f"- 建筑 Buildings: {nb}；标注层数 (`building:levels`) 的 {nlev} 栋 ({pct(nlev / nb if nb else None)}) "
              f"/ {nlev} of {nb} carry a storey count.")
    if housing == "tagged":
        md.append(f"- 居住建筑 Housing: 仅 OSM 标为住宅的建筑（residential、apartments、dormitory 等，{nres} 栋）；"
                  f"`building=yes` 的 {kinds.get('yes', 0)} 栋多为校园和办公楼，不计居民和停车需求 / only buildings "
                  f"tagged as housing ({nres}); the {kinds.get('yes', 0)} `building=yes` blocks, mostly campus and "
                  "office buildings here, count no residents and no parking demand.")
    else:
        md.append(f"- 居住建筑 Housing: 标为住宅的建筑及未标明其他用途的建筑（{nres} 栋）/ buildings tagged "
                  f"residential, or any building not plainly something else ({nres}).")
    park = "" if s_levels_res == s_levels_park else f"（停车需求按 {s_levels_park} 层）"
    park_en = "" if s_levels_res == s_levels_park else f" ({s_levels_park} for parking demand)"
    if s_levels_res == 6:
        md.append(f"- 层数 Storeys: OSM 很少标注层数，未标注的建筑按 **6 层** 计{park}：中国城市住宅常见的多层住宅高度，"
                  f"高层住宅处人口会被低估 / OSM seldom tags `building:levels` here: untagged buildings count as "
                  f"**6 storeys**{park_en}, the common walk-up height of Chinese urban housing (an underestimate "
                  "where towers stand).")
    else:
        md.append(f"- 层数 Storeys: 未标注层数的建筑按 **{s_levels_res} 层** 计{park} / untagged buildings count as "
                  f"**{s_levels_res} storey{'s' if s_levels_res != 1 else ''}**{park_en}.")
    md.append(f"- 人口 Residents: 建筑面积 ÷ {m2pp:g} m²/人（2020 年人口普查城市人均住房建筑面积）= **{pop:,.0f} 人**；"
              f"户均 {pph:g} 人 → {pop / pph:,.0f} 户 / floor area ÷ {m2pp:g} m² per person (2020 census) = "
              f"**{pop:,.0f} residents**, {pph:g} persons per household → {pop / pph:,.0f} households.")
    md.append("- 年龄人群 Age cohorts: 住宅数据无年龄列，按全国 2020 年普查比例估算（`population_shares => 'CN-2020'`："
              "幼儿园按 3-6 岁、养老设施按 60 岁及以上）/ estimated from the national 2020 census shares "
              "(kindergarten: ages 3-6, elderly care: 60+); the rows say `estimated`.")
    md.append("- 社区 Communities: 500 m 网格（OSM 无社区边界）/ a 500 m grid (OSM has no community boundaries).")
    md.append("- 设施 Facilities: OSM POI 经 `cp.osm_category(tags)` 归类，名称取 `name:zh`，否则 `name` / "
              "POIs mapped by `cp.osm_category(tags)`, named by `name:zh`, else `name`.")

    # --- network and schools
    section("步行网络与学校", "Walking network and schools")
    b = one("SELECT count(*) FROM demo.buildings")[0]
    schools = one("SELECT count(*) FROM demo.facilities WHERE kind = 'school'")[0]
    walk500, median = one("SELECT count(*) FILTER (WHERE distance_m <= 500), "
                          "round(percentile_cont(0.5) WITHIN GROUP (ORDER BY distance_m)::numeric) FROM demo.nearest_school")
    crow500 = one("""SELECT count(*) FROM demo.buildings b WHERE EXISTS (SELECT 1 FROM demo.facilities f
                     WHERE f.kind = 'school' AND ST_DWithin(b.geom::geography, f.geom::geography, 500))""")[0]
    share_of = (lambda n: f"{n} ({100.0 * n / b:.1f} %)") if b else str
    cuts = rows("SELECT cutoff, count(*), round(avg(area_m2)), "
                "round((avg(area_m2) / (pi() * cutoff * cutoff))::numeric * 100) "
                "FROM demo.catchments GROUP BY cutoff ORDER BY cutoff")
    facts("network", [
        ("步行网络", "walking network", f"{nodes} nodes, {edges} edges, {km} km"),
        ("连通分量", "connected components", f"{comps}（最大占 {share} % / largest holds {share} % of the length）"),
        ("建筑 / 学校", "buildings / schools", f"{b} / {schools}"),
        ("步行 500 m 内有学校的建筑", "buildings with a school within a 500 m walk", share_of(walk500)),
        ("直线 500 m 内有学校的建筑", "buildings with a school within 500 m crow-fly", share_of(crow500)),
        ("到最近学校的步行距离中位数", "median walk to the nearest school", f"{median} m"),
    ] + [(f"{int(c)} m 步行范围平均面积（{n} 所学校）", f"{int(c)} m walking catchment, mean area ({n} schools)",
          f"{int(a):,} m² = 同半径圆的 {r} % / {r} % of the circle") for c, n, a, r in cuts])

    # --- coverage per category, metres and minutes
    section("设施步行覆盖率（GB 50180-2018）", "Walking coverage per facility category (GB 50180-2018)")
    cov = rows("""SELECT c.category, (SELECT count(*) FROM demo.category_facilities f WHERE f.category = c.category),
                         c.target_group, c.population, c.ratio, c.crowfly_ratio, m.ratio, c.estimated
                    FROM demo.coverage c LEFT JOIN demo.coverage_minutes m USING (category) ORDER BY c.category""")
    md.append("| 设施 category | 设施数 facilities | 服务人群 target group | 人数 people | 步行·距离 walk (m) | "
              "直线 crow-fly | 步行·时间 walk (min, users' pace) |\n|---|---:|---|---:|---:|---:|---:|")
    for code, n, grp, people, ratio, crow, rmin, est in cov:
        _, _, radius, minutes, _, profile = names.get(code, (None,) * 6)
        g = groups.get(grp, (grp, grp))
        md.append(f"| {both(code)} | {n} | {g[0]} {g[1]}{'（估 est.）' if est else ''} | {people or 0:,.0f} | "
                  f"{pct(ratio)} ({num(radius)} m) | {pct(crow)} | {pct(rmin)} ({num(minutes)} min, "
                  f"{profile} {num(speeds.get(profile))} km/h) |")
        table.append(("coverage", zh(code), code, f"walk {pct(ratio)}; crow-fly {pct(crow)}; minutes {pct(rmin)}; "
                      f"facilities {n}"))
    zero = [code for code, n, *_ in cov if n == 0]
    md.append("")
    if zero:
        md.append(f"**OSM 中没有设施的类别 Categories with no facility in OSM here ({len(zero)} of {len(cov)})**: "
                  + "、".join(both(c) for c in zero) + ".")
        md.append("这些类别的覆盖率为 0 并非规划结论：OSM 在中国很少标注商店、诊所、养老和社区服务设施。"
                  "用本地 POI（高德/百度）或规划局台账补齐后再判断 / Their 0 % is a gap in OSM, not a planning "
                  "finding: OSM in China maps few shops, clinics, care homes and community services; load the "
                  "district's own POIs (Amap/Baidu export, the bureau's register) before drawing conclusions.")
        table.append(("coverage", "OSM 中没有设施的类别", "categories with no facility in OSM", " ".join(zero)))
    other = rows("""SELECT cp.osm_category(tags), count(*) FROM osm.pois WHERE cp.osm_category(tags) IS NOT NULL
                     AND cp.osm_category(tags) NOT IN (SELECT category FROM demo.coverage) GROUP BY 1 ORDER BY 1""")
    if other:
        md.append("\n标准不计的设施（未参与覆盖率）/ mapped but not counted by the standard: "
                  + ", ".join(f"{c} {n}" for c, n in other) + ".")

    # --- the elderly, in minutes at their pace
    eld = [(code, ratio, rmin, n) for code, n, grp, _p, ratio, _c, rmin, _e in cov if grp == "60+"]
    if eld:
        section("老年人（60岁及以上）", "Residents 60 and over")
        facts("elderly", [(f"{zh(code)}：步行 {num(names[code][2])} m / 以老年人步速 "
                           f"{num(speeds.get(names[code][5]))} km/h 步行 {num(names[code][3])} 分钟",
                           f"{code}: within {num(names[code][2])} m / within {num(names[code][3])} min at the "
                           f"{names[code][5]} pace", f"{pct(ratio)} / {pct(rmin)}"
                           + ("（OSM 中无此类设施 none in OSM）" if n == 0 else ""))
                          for code, ratio, rmin, n in eld])

    # --- life circles
    section("生活圈", "Life circles")
    md.append("| 生活圈 level | 居民 residents | 步行完整 complete on foot | 直线 crow-fly | 最常缺少 most missing |"
              "\n|---|---:|---:|---:|---|")
    for lvl, people, ratio, crow, missing in rows(
            "SELECT life_circle, population, ratio, crowfly_ratio, missing_categories FROM demo.life_circles "
            "ORDER BY cp.life_circle_rank(life_circle)"):
        label = {"5min": "5分钟", "10min": "10分钟", "15min": "15分钟"}.get(lvl, lvl)
        miss = "、".join(zh(c) for c in (missing or [])[:4])
        md.append(f"| {label} {lvl} | {people or 0:,.0f} | {pct(ratio)} | {pct(crow)} | {miss} |")
        table.append(("life_circle", f"{label}生活圈", f"{lvl} life circle", f"walk {pct(ratio)}; crow-fly {pct(crow)}"))
    ncom, inhabited, median_lc = one(
        "SELECT count(*), count(*) FILTER (WHERE population > 0), "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio) FROM demo.community_life_circle")
    md.append("")
    facts("communities", [
        ("网格社区 / 有居民的", "500 m grid cells / with residents", f"{ncom} / {inhabited}"),
        ("15分钟生活圈完整的居民比例（社区中位数）", "median share of residents in a complete 15-minute life circle",
         pct(median_lc))])

    # --- parking
    section("停车", "Parking")
    buildings_sql = "SELECT id, geom, use, households, floor_area FROM demo.parking_buildings"
    lots_sql = "SELECT id, geom, capacity FROM demo.car_parks"
    src = {k: (n, sp) for k, n, sp in rows("SELECT capacity_source, count(*), coalesce(sum(capacity), 0) "
                                            "FROM cp.parking_lots('demo', %s, %s) GROUP BY 1", (buildings_sql, lots_sql))}
    lots = sum(n for n, _ in src.values())
    given, area, unknown = (src.get(k, (0, 0)) for k in ("given", "area", "unknown"))
    nouse = one("SELECT count(*) FROM demo.parking_buildings WHERE use IS NULL")[0]
    demand, alloc, gap, meets, over = one(
        "SELECT sum(demand), sum(supply_allocated), 100 * sum(gap) / nullif(sum(demand), 0), "
        "count(*) FILTER (WHERE gap_ratio <= 0.20), count(*) FILTER (WHERE gap_ratio > 0.20) FROM demo.parking_gap")
    facts("parking", [
        ("公共停车场", "public car parks", str(lots)),
        ("标注车位数 / 按面积估算（30 m²/位）/ 无车位数的点（计 0）",
         "capacity tagged / estimated from area (30 m² a space) / points without capacity (0 spaces)",
         f"{given[0]} ({given[1]:,.0f}) / {area[0]} ({area[1]:,.0f}) / {unknown[0]}"),
        ("用途不明、不计停车需求的建筑", "buildings of unknown use, no parking demand counted", str(nouse)),
        ("车位需求 / 步行 300 m 内可分配", "demand / allocated within a 300 m walk",
         f"{demand or 0:,.0f} / {alloc or 0:,.0f}"),
        ("总缺口率", "overall gap", "—" if gap is None else f"{gap:.1f} %"),
        ("达到 20 % 目标的社区 / 超出的", "communities meeting the 20 % target / over it", f"{meets} / {over}")])

    # --- heritage
    section("历史文化保护", "Heritage")
    polys, points = one("SELECT count(*) FILTER (WHERE ST_Dimension(geom) = 2), "
                        "count(*) FILTER (WHERE ST_Dimension(geom) < 2) FROM osm.heritage")
    listed = one("SELECT count(*) FILTER (WHERE outcome = 'listed'), count(*) FILTER (WHERE outcome <> 'listed') "
                 "FROM demo.heritage_attempts")
    rate = one("SELECT listed, protected, rate FROM cp.heritage_protection_rate()")
    point_names = [r[0] for r in rows("SELECT coalesce(tags ->> 'name:zh', name, historic) FROM osm.heritage "
                                      "WHERE ST_Dimension(geom) < 2 ORDER BY osm_id LIMIT 5")]
    items = [("OSM 历史遗存：面 / 点或线", "OSM heritage: polygons / points or lines",
              f"{polys} / {points}" + (f"（{'、'.join(n for n in point_names if n)}）" if point_names else "")),
             ("登录保护名录 / 被规则拒绝", "listed in the register / refused by its rules", f"{listed[0]} / {listed[1]}"),
             ("保护率", "protection rate",
              f"{rate[1]}/{rate[0]} = {pct(rate[2])}" if rate and rate[0] else "—（无登录 nothing listed）")]
    for rule, sev, n in rows("SELECT rule, severity, count(DISTINCT building_id) FROM demo.heritage_review "
                             "GROUP BY 1, 2 ORDER BY 1, 2"):
        items.append((f"按 20 m 重建：{rule}（{sev}）", f"rebuilt 20 m tall: {rule} ({sev})", f"{n} 栋 buildings"))
    facts("heritage", items)
    if polys == 0:
        md.append("\n名录需要遗存的轮廓（面）；OSM 此处只有点，未登录 / The register needs footprints "
                  "(polygons); OSM has only points here, so nothing is listed.")

    # --- scorecard
    section("社区评分", "Community scorecard")
    stage, scored, mean, lo, hi = one(
        "SELECT min(stage), count(overall), round(avg(overall)::numeric, 1), round(min(overall)::numeric, 1), "
        "round(max(overall)::numeric, 1) FROM cp.community_scores")
    facts("scorecard", [(f"综合得分（{stage} 阶段，{scored} 个社区有分）",
                         f"overall score, stage {stage} ({scored} communities scored)",
                         f"平均 mean {mean}，{lo} – {hi}")])

    # --- the planning loop (demo/steps/70_planning.sql)
    if one("SELECT to_regclass('demo.plan_gap') IS NOT NULL")[0]:
        planning_loop(one, rows, md, table, section, facts, both, groups)

    section("地图与表格", "Maps and tables")
    for png in sorted(glob.glob(os.path.join(args.out, f"*_{args.area}.png"))):
        md.append(f"- `{os.path.basename(png)}`")
    md.append("- `coverage.csv`, `coverage_minutes.csv`, `life_circles.csv`, `community_coverage.csv`, "
              "`parking_gap.csv`, `heritage_review.csv`, `community_scores.csv`, `nearest_school.csv`, `catchments.csv`, "
              "`plan_sites.csv`, `plan_compare.csv`")

    text = "\n".join(md) + "\n"
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["topic", "figure_zh", "figure_en", "value"])
        w.writerows(table)
    print(text)


def planning_loop(one, rows, md, table, section, facts, both, groups):
    """规划闭环 / The planning loop: the gap, the suggested sites, before and after."""
    section("规划闭环", "The planning loop")
    gap = rows("SELECT gap_rank, category, target_group, missing_people, missing_share, communities_missing, "
               "facilities_in_osm, placeable FROM demo.plan_gap ORDER BY gap_rank")
    chosen = [c for (c,) in rows("SELECT category FROM demo.plan_choice ORDER BY choice")]
    md.append("找出 15 分钟生活圈的缺口，为缺得最多的类别建议选址（`cp.suggest_sites`），作为情景 `demo_plan` 加入"
              "（`cp.scenario_create`、`cp.scenario_facilities`），再比较规划前后（`cp.compare_scenarios`）/ "
              "Find the 15-minute life circle's gap, suggest sites for the categories missing for most people "
              "(`cp.suggest_sites`), add them as scenario `demo_plan` (`cp.scenario_create`, "
              "`cp.scenario_facilities`) and compare before and after (`cp.compare_scenarios`).\n")
    if not gap:
        md.append("无缺口：每类必配设施都在步行范围内 / No gap: every required category is within reach on foot.")
        return
    md.append("**缺口 The gap**（按服务人群中缺少该类设施的人数排序，`cp.life_circle` 的 `missing_categories` / "
              "ordered by the people of the category's target group who miss it, as `cp.life_circle` lists "
              "`missing_categories`）:\n")
    md.append("| # | 类别 category | 服务人群 users | 缺少的人 people missing it | 缺少的社区 communities | "
              "OSM 设施 facilities in OSM | 选址 chosen |\n|---:|---|---|---:|---:|---:|---|")
    for rank, cat, group, people, share, ncom, nfac, placeable in gap:
        g = groups.get(group, (group, group))
        mark = "✔" if cat in chosen else ("—" if placeable else "无半径 no radius")
        md.append(f"| {rank} | {both(cat)} | {g[0]} {group} | {people or 0:,.0f} ({pct(share)}) | {ncom} | {nfac} | {mark} |")
        table.append(("planning_gap", f"缺少{both(cat)}的人", f"people missing {cat}", f"{people or 0:.0f}"))
    ncand = one("SELECT count(*) FROM demo.plan_candidates")[0]
    md.append(f"\n**候选地点 Candidate sites**: {ncand} 栋非住宅建筑（占地 ≥ 150 m²）的代表点，即区里可租用或改造的"
              f"底层空间；真实规划应使用区里的空地和底商清单 / the representative points of the {ncand} "
              "non-residential buildings of 150 m² or more, the ground floors a district could rent or convert "
              "(a real plan lists its vacant parcels and ground floors).\n")
    sites = rows("SELECT p.category, p.rank, p.candidate_id, k.building, k.name, p.gain, p.covered_population, "
                 "p.covered_share, p.target_group FROM demo.plan_sites p JOIN demo.plan_choice c USING (category) "
                 "LEFT JOIN demo.plan_candidates k ON k.id = p.candidate_id ORDER BY c.choice, p.rank")
    if not sites:
        md.append("无候选地点，未运行 / No candidate site: the loop did not run.")
        return
    md.append("**建议选址 Suggested sites**（`cp.suggest_sites`，目标 objective `coverage`，每类 3 处 n = 3；"
              "增益 = 新进入步行半径的服务人群，边际递减 / gain = people of the target group newly within the "
              "walking radius: the returns diminish）:\n")
    md.append("| 类别 category | 顺序 pick | 候选 candidate (OSM area) | 建筑 building | 增益 gain | 累计覆盖 covered |"
              "\n|---|---:|---|---|---:|---:|")
    for cat, rank, cid, building, name, gain, covered, share, group in sites:
        label = building + (f"（{name}）" if name else "") if building else "?"
        md.append(f"| {both(cat)} | {rank} | {cid} | {label} | +{gain:,.0f} | {covered:,.0f} ({pct(share)}) |")
        table.append(("planning_sites", f"{both(cat)} 第 {rank} 处", f"{cat} pick {rank} (candidate {cid})",
                      f"gain {gain:.0f}, covered {pct(share)}"))
    zero = sum(1 for site in sites if not site[5] > 0)
    if zero:
        md.append(f"\n增益为 0 的 {zero} 处（该类的人群已全部覆盖或无人可达）不加入情景 / the {zero} pick(s) with no gain "
                  "(everyone of the group already within reach, or nobody near) are not added to the scenario.")
    md.append("\n**规划前后（全区，按人口加权）/ Before and after (the district, population-weighted)**:\n")
    md.append("| 指标 indicator | 规划前 before | 规划后 after | 变化 change |\n|---|---:|---:|---:|")
    for indicator, cat, before, after in rows(
            "SELECT p.indicator, p.category, sum(p.before * l.population) / nullif(sum(l.population), 0), "
            "sum(p.after * l.population) / nullif(sum(l.population), 0) FROM demo.plan_compare p "
            "JOIN demo.plan_life_circle l USING (community_id) GROUP BY 1, 2 "
            "ORDER BY p.indicator <> 'life_circle', 2"):
        label = ("15分钟生活圈完整的居民 residents in a complete 15-minute life circle" if indicator == "life_circle"
                 else f"覆盖率 coverage: {both(cat)}")
        delta = None if before is None or after is None else after - before
        md.append(f"| {label} | {pct(before)} | {pct(after)} | {'—' if delta is None else f'{100 * delta:+.1f} pt'} |")
        table.append(("planning_district", label, f"{indicator} {cat}", f"{pct(before)} -> {pct(after)}"))
    rb, ra = one("SELECT sum(reach_before * population) / nullif(sum(population), 0), "
                 "sum(reach_after * population) / nullif(sum(population), 0) FROM demo.plan_life_circle")
    md.append(f"| 15分钟生活圈必配设施的平均覆盖率 mean coverage of the 15-minute life circle's required categories | "
              f"{pct(rb)} | {pct(ra)} | {'—' if rb is None or ra is None else f'{100 * (ra - rb):+.1f} pt'} |")
    md.append("\n**每个社区 Per community**（有居民的 500 m 网格 / the 500 m cells with residents; "
              "`demo.plan_compare`, `plan_compare.csv`）:\n")
    head = " | ".join(f"{c} 前 before | {c} 后 after" for c in chosen)
    md.append(f"| 社区 cell | 居民 residents | {head} | 必配平均 mean 前→后 | 缺类 missing 前→后 | 完整 complete 前→后 |")
    md.append("|" + "---:|" * (2 * len(chosen) + 5))
    cov = {}
    for cid, cat, before, after in rows("SELECT community_id, category, before, after FROM demo.plan_compare "
                                        "WHERE indicator = 'coverage'"):
        cov[(cid, cat)] = (before, after)
    for cid, popn, cb, ca, rb, ra, mb, ma in rows(
            "SELECT community_id, population, complete_before, complete_after, reach_before, reach_after, "
            "missing_before, missing_after FROM demo.plan_life_circle WHERE population > 0 ORDER BY community_id"):
        cells = " | ".join(f"{pct(cov.get((cid, c), (None, None))[0])} | {pct(cov.get((cid, c), (None, None))[1])}"
                           for c in chosen)
        md.append(f"| {cid} | {popn:,.0f} | {cells} | {pct(rb)} → {pct(ra)} | {mb} → {ma} | {pct(cb)} → {pct(ca)} |")
    none_in_osm = [c for _, c, _, _, _, _, nfac, _ in gap if c in chosen and nfac == 0]
    if none_in_osm:
        md.append(f"\nOSM 在此没有 {'、'.join(both(c) for c in none_in_osm)} 这类设施（或未标注），所以这些选址是在真实街道上"
                  "按步行距离给出的建议，不是现有设施的清单；生活圈仍缺其他类别时，完整率可能不变 / OSM has no "
                  f"such facilities here ({', '.join(none_in_osm)}), or does not tag them, so the sites are "
                  "suggestions on real streets, walked along them, not a register of what exists; while other "
                  "required categories are still missing the complete life circle may not move.")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Runs inside pg_virtualenv: load the area, run every analysis that has landed.
set -euo pipefail
cd "$CP_TOP"
area=$CP_DEMO_AREA
# the extracts of ../shared/data by short name
case $area in
  beijing) file=beijing-zhongguancun ;;
  *) file=$area ;;
esac
# the input: --osm FILE, else the real extract of ../shared/data, else the generated sample area
if [ -n "${CP_DEMO_OSM:-}" ]; then
  pbf=$CP_DEMO_OSM
elif [ -f "$CP_SHARED/data/$file.osm.pbf" ]; then
  pbf="$CP_SHARED/data/$file.osm.pbf"
else
  area=sample
  pbf=demo/out/sample.osm
  /usr/bin/python3 demo/sample_area.py "$pbf"
  export CP_ATTRIBUTION="合成示例 Synthetic sample neighbourhood (demo/sample_area.py)"
  echo "== no ../shared/data: generated the sample neighbourhood $pbf (synthetic)"
fi
# The place in titles (Chinese / English), and the demo's assumptions about the area (demo.settings,
# demo/steps/10_network.sql): in Beijing OSM seldom tags building:levels, so untagged buildings count as
# 6 storeys (the common walk-up height of Chinese urban housing), and building=yes there is mostly
# campus and office blocks, so only buildings tagged as housing have residents.
# CP_DEMO_LEVELS and CP_DEMO_HOUSING (tagged | untagged_too) override them, e.g. for --osm FILE.
levels='' housing=untagged_too
case $area in
  beijing*) place="北京海淀·中关村 / Beijing, Haidian: Zhongguancun"; levels=6 housing=tagged ;;
  krems) place="克雷姆斯（奥地利） / Krems an der Donau (Austria)" ;;
  monaco) place="摩纳哥 / Monaco" ;;
  andorra) place="安道尔 / Andorra" ;;
  sample) place="合成示例街区 / synthetic sample neighbourhood" ;;
  *) place="$area / $area" ;;
esac
levels=${CP_DEMO_LEVELS:-$levels}
housing=${CP_DEMO_HOUSING:-$housing}
zh=${place% / *} en=${place#* / }
createdb cp_demo
psql -qX -v ON_ERROR_STOP=1 -d cp_demo -c 'CREATE EXTENSION community_planning CASCADE;' 2>/dev/null
psql -qX -v ON_ERROR_STOP=1 -d cp_demo -c 'CREATE SCHEMA osm;'
echo "== importing $pbf (OSM extracts: data (c) OpenStreetMap contributors, ODbL)"
osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d cp_demo "$pbf"
echo "== roles: every analysis below runs as cp_demo_analyst (cp_planner + cp_heritage_editor), not the owner"
psql -qX -d cp_demo -v analyst=cp_demo_analyst -f tools/analyst-role.sql
export PGOPTIONS='-c role=cp_demo_analyst'
echo "== area: $place (untagged storeys: ${levels:-1 for residents, 4 for parking}; housing: $housing)"
for step in demo/steps/*.sql; do
  echo "== $(basename "$step" .sql)"
  psql -X -v ON_ERROR_STOP=1 -v levels="$levels" -v housing="$housing" -d cp_demo -f "$step"
done
echo "== map: demo/out/catchments_$area.png"
CP_NETWORK=demo PGDATABASE=cp_demo /usr/bin/python3 demo/render_map.py "demo/out/catchments_$area.png" \
  "学校步行范围与直线距离圆：$zh"$'\n'"Walking catchments of schools vs crow-fly circles: $en"
echo "== map: demo/out/life_circle_$area.png"
PGDATABASE=cp_demo /usr/bin/python3 demo/render_life_circle.py "demo/out/life_circle_$area.png" \
  "15分钟生活圈覆盖率：$zh"$'\n'"15-minute life-circle coverage per 500 m community: $en"
echo "== map: demo/out/planning_$area.png"
PGDATABASE=cp_demo /usr/bin/python3 demo/render_planning.py "demo/out/planning_$area.png" \
  "规划前后：15分钟生活圈覆盖率（$zh，每类建议 3 处选址）"$'\n'"Before and after: 15-minute life-circle coverage with 3 suggested sites per missing category: $en"
echo "== map: demo/out/heritage_$area.png"
PGDATABASE=cp_demo /usr/bin/python3 demo/render_heritage.py "demo/out/heritage_$area.png" \
  "历史文化保护名录：$zh（每栋建筑按 20 m 重建检查）"$'\n'"Heritage register of $en: every building checked as if rebuilt 20 m tall"
echo "== QGIS layers: demo/qgis_layers.sql"
psql -X -v ON_ERROR_STOP=1 -d cp_demo -f demo/qgis_layers.sql
unset PGOPTIONS
echo "== QGIS maps (headless): demo/out/qgis_*.png"
PGDATABASE=cp_demo QT_QPA_PLATFORM=offscreen /usr/bin/python3 demo/qgis_render.py --area "$area" --out demo/out --no-summary
echo "== summary (中文 / English): demo/out/summary.md, demo/out/summary.csv"
PGDATABASE=cp_demo /usr/bin/python3 demo/summary.py --out demo/out --area "$area" --place "$place"
echo "== results written to demo/out/"

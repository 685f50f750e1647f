"""Zhejiang's administrative divisions, shipped as data in ``data/regions.csv``."""

import csv
from pathlib import Path

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"


def load_regions_into(region_model) -> int:
    """Create or update every region of the file; idempotent. Returns how many there are."""
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Parents come before children in the file, so each parent exists when it is referenced.
    for row in rows:
        region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name_zh"],
                "name_zh_hans": row["name_zh"],
                "name_en": row["name_en"],
                "level": row["level"],
                "parent_id": row["parent"] or None,
                "mountain_26": row["mountain_26"] == "1",
                "longitude": row["longitude"],
                "latitude": row["latitude"],
            },
        )
    return len(rows)

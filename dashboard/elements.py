"""The ten elements a complex should link (产学研用金，才政介美云), and how far it covers each.

An element's count adds up the complex's records that stand for it; the element counts as fully
covered from ``full_at`` on, a level a well-linked provincial complex reaches (the seeds' totals
for 65 complexes: about 10 institutions of each common kind and 35 talent teams per complex).
The counts are read by ``dashboard.selectors.complex_element_counts``:

- ``members.<type>``: member institutions of that type (``complexes.InstitutionType``);
- ``instruments_open``: instruments open for sharing; ``talent_teams``: talent teams;
- ``enterprises_served``: enterprises that completed a request through the portal;
- ``voucher_services``: completed requests paid (in part) with innovation vouchers;
- ``policies``: policies implemented, from the latest approved annual report;
- ``offerings``: active services in the online catalogue (最多跑一次: done online).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Element:
    key: str
    label: Promise
    sources: tuple[str, ...]
    full_at: int


ELEMENTS = [
    Element("industry", pgettext_lazy("ten elements", "Industry"), ("members.enterprise_rd",), 3),
    Element("academia", pgettext_lazy("ten elements", "Academia"), ("members.university",), 3),
    Element(
        "research",
        pgettext_lazy("ten elements", "Research"),
        ("members.testing", "instruments_open"),
        10,
    ),
    Element("users", pgettext_lazy("ten elements", "Users"), ("enterprises_served",), 50),
    Element(
        "finance",
        pgettext_lazy("ten elements", "Finance"),
        ("members.finance", "voucher_services"),
        10,
    ),
    Element("talent", pgettext_lazy("ten elements", "Talent"), ("talent_teams",), 5),
    Element(
        "government",
        pgettext_lazy("ten elements", "Government"),
        ("members.sme_platform", "policies"),
        5,
    ),
    Element(
        "intermediaries",
        pgettext_lazy("ten elements", "Intermediaries"),
        (
            "members.tech_transfer",
            "members.ip_service",
            "members.incubator",
            "members.other_service",
        ),
        10,
    ),
    Element("design", pgettext_lazy("ten elements", "Design"), ("members.design",), 2),
    Element("cloud", pgettext_lazy("ten elements", "Cloud and data"), ("offerings",), 10),
]


def element_coverage(counts: dict[str, int]) -> list[dict]:
    """Each element's count and its coverage in whole per cent (0–100); a missing count is 0."""
    rows = []
    for element in ELEMENTS:
        count = sum(counts.get(source, 0) for source in element.sources)
        rows.append(
            {
                "key": element.key,
                "name": str(element.label),
                "count": count,
                "coverage": min(100, count * 100 // element.full_at),
            }
        )
    return rows

"""The figures the dashboard shows: how each is computed from the precomputed measures."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TEN_THOUSAND = Decimal(10_000)

Figures = dict[str, Decimal]


@dataclass(frozen=True)
class Headline:
    key: str
    label: Promise
    compute: Callable[[Figures], Decimal | None]
    decimals: int = 0


def total(measure: str) -> Callable[[Figures], Decimal | None]:
    return lambda figures: figures.get(measure)


def in_wan(measure: str) -> Callable[[Figures], Decimal | None]:
    """Money in 万元 (ten thousand yuan), as officials read it."""

    def compute(figures: Figures) -> Decimal | None:
        value = figures.get(measure)
        return None if value is None else value / TEN_THOUSAND

    return compute


def ratio(
    numerator: str, denominator: str, *, scale: int = 1
) -> Callable[[Figures], Decimal | None]:
    def compute(figures: Figures) -> Decimal | None:
        weight = figures.get(denominator)
        if not weight:
            return None
        return figures.get(numerator, Decimal(0)) * scale / weight

    return compute


HEADLINES = [
    Headline("members", _("Member institutions"), total("members")),
    Headline(
        "services",
        _("Services delivered through the portal"),
        total("indicator.services_delivered"),
    ),
    Headline("enterprises", _("Enterprises served"), total("indicator.enterprises_served")),
    Headline("problems", _("Technical problems solved"), total("indicator.problems_solved")),
    Headline("transactions", _("Technology transactions"), total("indicator.tech_transactions")),
    Headline(
        "satisfaction",
        _("Average satisfaction (1–5)"),
        ratio("satisfaction.weighted", "satisfaction.weight"),
        2,
    ),
    Headline(
        "vouchers",
        _("Innovation vouchers redeemed (10,000 CNY)"),
        in_wan("indicator.voucher_amount"),
        1,
    ),
    Headline("rd", _("Cluster R&D spend (10,000 CNY)"), in_wan("indicator.cluster_rd_spend")),
    Headline(
        "high_tech", _("National high-tech enterprises"), total("indicator.high_tech_enterprises")
    ),
    Headline("smes", _("S&T SMEs"), total("indicator.tech_smes")),
    Headline("funds", _("Provincial funds allocated (10,000 CNY)"), in_wan("funding.allocated")),
    Headline(
        "compliance",
        _("Matching compliance (%)"),
        ratio("funding.compliant", "funding.allocations", scale=100),
        1,
    ),
    Headline("instruments", _("Shared instruments"), total("instruments")),
    Headline("talent_teams", _("Talent teams"), total("talent_teams")),
]

MAP_MEASURES = [
    ("complexes", _("Complexes")),
    ("complexes.level.provincial", _("Provincial complexes")),
    ("members", _("Member institutions")),
    ("indicator.services_delivered", _("Services delivered through the portal")),
    ("indicator.problems_solved", _("Technical problems solved")),
    ("funding.allocated", _("Provincial funds allocated (CNY)")),
    ("talent_teams", _("Talent teams")),
]

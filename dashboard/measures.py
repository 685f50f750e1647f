"""The figures the dashboard shows: how each is computed from the precomputed measures."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.money import WAN, YI

Figures = dict[str, Decimal]


@dataclass(frozen=True)
class Headline:
    key: str
    label: Promise
    compute: Callable[[Figures], Decimal | None]
    decimals: int = 0
    # A draft figure is shown apart, marked as a draft, and only while there is one.
    draft: bool = False
    # The unit a chart names its axis with (the trends).
    unit: Promise | str = ""


# The units charts and maps name their axes and legends with.
TIMES = pgettext_lazy("unit", "times")
ENTERPRISES = pgettext_lazy("unit", "enterprises")
COMPLEXES = pgettext_lazy("unit", "complexes")
INSTITUTIONS = pgettext_lazy("unit", "institutions")
PROBLEMS = pgettext_lazy("unit", "problems")
TEAMS = pgettext_lazy("unit", "teams")
POINTS = pgettext_lazy("unit", "points")
TEN_THOUSAND_YUAN = pgettext_lazy("unit", "10,000 CNY")


def total(measure: str) -> Callable[[Figures], Decimal | None]:
    return lambda figures: figures.get(measure)


def scaled(measure: str, unit: Decimal) -> Callable[[Figures], Decimal | None]:
    def compute(figures: Figures) -> Decimal | None:
        value = figures.get(measure)
        return None if value is None else value / unit

    return compute


def in_wan(measure: str) -> Callable[[Figures], Decimal | None]:
    """Money in 万元 (ten thousand yuan), as officials read it."""
    return scaled(measure, WAN)


def in_yi(measure: str) -> Callable[[Figures], Decimal | None]:
    """Money in 亿元 (a hundred million yuan), the unit of the Action Plan's targets."""
    return scaled(measure, YI)


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
        unit=TIMES,
    ),
    Headline(
        "enterprises",
        _("Enterprises served"),
        total("indicator.enterprises_served"),
        unit=ENTERPRISES,
    ),
    Headline(
        "mountain_26_services",
        _("Services to the 26 mountain counties"),
        total("services.mountain_26"),
    ),
    Headline("problems", _("Technical problems solved"), total("indicator.problems_solved")),
    Headline("transactions", _("Technology transactions"), total("indicator.tech_transactions")),
    Headline(
        "satisfaction",
        _("Average satisfaction (1–5)"),
        ratio("satisfaction.weighted", "satisfaction.weight"),
        2,
        unit=POINTS,
    ),
    Headline(
        "vouchers",
        _("Innovation vouchers redeemed (10,000 CNY)"),
        in_wan("indicator.voucher_amount"),
        1,
        unit=TEN_THOUSAND_YUAN,
    ),
    Headline("rd", _("Cluster R&D spend (10,000 CNY)"), in_wan("indicator.cluster_rd_spend")),
    Headline(
        "high_tech", _("National high-tech enterprises"), total("indicator.high_tech_enterprises")
    ),
    Headline("smes", _("S&T SMEs"), total("indicator.tech_smes")),
    Headline(
        "funds",
        _("Provincial funds allocated (10,000 CNY)"),
        in_wan("funding.allocated"),
        unit=TEN_THOUSAND_YUAN,
    ),
    Headline(
        "funds_draft",
        _("Provincial funds in draft, not published (10,000 CNY)"),
        in_wan("funding.draft"),
        draft=True,
    ),
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
    ("complexes.mountain_26", _("Complexes in the 26 mountain counties")),
    ("services.mountain_26", _("Services to the 26 mountain counties")),
]

# The map's measures counted in yuan (as the export gives them), with the label the page's
# table shows them under in the officials' unit (万元, as the map draws them too).
MONEY_MEASURES = {"funding.allocated": _("Provincial funds allocated")}

# The unit of each map measure, for the map's legend.
MAP_UNITS = {
    "complexes": COMPLEXES,
    "complexes.level.provincial": COMPLEXES,
    "members": INSTITUTIONS,
    "indicator.services_delivered": TIMES,
    "indicator.problems_solved": PROBLEMS,
    "funding.allocated": TEN_THOUSAND_YUAN,
    "talent_teams": TEAMS,
    "complexes.mountain_26": COMPLEXES,
    "services.mountain_26": TIMES,
}

# The measures drawn over the years (keys of HEADLINES), then the average score per category.
TREND_KEYS = ["services", "enterprises", "vouchers", "funds", "satisfaction"]
SCORE_TRENDS = [
    Headline(
        "score_traditional",
        _("Average score, traditional industry"),
        ratio("scores.sum.traditional", "scores.count.traditional"),
        2,
        unit=POINTS,
    ),
    Headline(
        "score_emerging",
        _("Average score, strategic emerging industry"),
        ratio("scores.sum.emerging", "scores.count.emerging"),
        2,
        unit=POINTS,
    ),
]
TRENDS = [item for item in HEADLINES if item.key in TREND_KEYS] + SCORE_TRENDS


@dataclass(frozen=True)
class Target:
    """A target of the 2017–2020 Action Plan (浙政办发〔2017〕107号; seeds/003) for the province."""

    key: str
    label: Promise
    compute: Callable[[Figures], Decimal | None]
    target: Decimal


# The Action Plan's quantified targets the portal has figures for. Not here, for want of
# records: innovation vouchers issued (≥ 2 bn CNY: vouchers belong to enterprises, not to
# complexes), 100 new key intermediary agencies and 5,000 trained technology brokers.
ACTION_PLAN_TARGETS = [
    Target(
        "complexes", _("Provincial complexes"), total("complexes.level.provincial"), Decimal(50)
    ),
    Target(
        "enterprises",
        _("Enterprises served through the portal"),
        total("indicator.enterprises_served"),
        Decimal(30_000),
    ),
    Target(
        "services",
        _("Services delivered through the portal"),
        total("indicator.services_delivered"),
        Decimal(100_000),
    ),
    Target(
        "transactions",
        _("Technology transaction amount (100 M CNY)"),
        in_yi("indicator.tech_transaction_amount"),
        Decimal(800),
    ),
    Target(
        "instruments",
        _("Shared instruments (≥ 500,000 CNY)"),
        total("indicator.shared_instruments"),
        Decimal(9_000),
    ),
    Target(
        "instrument_value",
        _("Original value of shared instruments (100 M CNY)"),
        in_yi("indicator.shared_instrument_value"),
        Decimal(45),
    ),
]

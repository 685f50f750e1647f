"""Two to five complexes side by side: profile, scores by dimension, indicators over the years
and funding, for the officials in scope; as a page and as an Excel workbook.

The comparison is one list of sections, each a list of rows with one cell per complex: the page
draws a table per section, the workbook writes every row with its section, label and year, so
the two always show the same figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from complexes.models import Complex, RegionLevel
from evaluation.models import (
    DerivedValue,
    Dimension,
    Evaluation,
    Grade,
    Indicator,
    ReportStatus,
    ReportValue,
)
from funding.models import Allocation, AllocationStatus
from portal import policy
from portal.exports import Column, TableExport, yes_no
from portal.filtering import Filters
from portal.forms import BootstrapFormMixin

FEWEST, MOST = 2, 5
# The years compared: the latest ones with a result, a reported or derived value or funding.
YEARS_COMPARED = 3


class ComplexesByCity(ModelChoiceIterator):
    """The complexes grouped by their prefecture city, as the region pickers group regions."""

    def __iter__(self):
        groups = defaultdict(list)
        for complex_ in self.queryset:
            region = complex_.region
            city = region.parent if region.level == RegionLevel.COUNTY else region
            groups[city.name].append(self.choice(complex_))
        yield from groups.items()


class ComplexPicker(forms.ModelMultipleChoiceField):
    """Complexes by their code, each shown with its code, grouped by city."""

    iterator = ComplexesByCity

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class CompareForm(BootstrapFormMixin, forms.Form):
    complex = ComplexPicker(
        label=_("Complexes to compare"),
        queryset=Complex.objects.none(),
        to_field_name="code",
        help_text=_("Two to five complexes."),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["complex"].queryset = (
            Complex.objects.in_scope(user, "dashboard.view")
            .select_related("region__parent")
            .order_by("region__code", "code")
        )

    def clean_complex(self):
        chosen = self.cleaned_data["complex"]
        if not FEWEST <= len(chosen) <= MOST:
            raise ValidationError(
                ngettext_lazy(
                    "Choose from %(fewest)d to %(most)d complexes; you chose %(count)d.",
                    "Choose from %(fewest)d to %(most)d complexes; you chose %(count)d.",
                    "count",
                )
                % {"fewest": FEWEST, "most": MOST, "count": len(chosen)},
                code="count",
            )
        return chosen


def compare_form(user, data) -> CompareForm:
    return CompareForm(data, user=user)


@dataclass(frozen=True)
class Row:
    label: str | Promise
    cells: list[Any]
    year: int | None = None
    # How the page shows the cells: "text", "number", "money", "score", "yes_no".
    kind: str = "text"


@dataclass
class Section:
    key: str
    title: str | Promise
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Comparison:
    complexes: list[Complex]
    years: list[int]
    sections: list[Section]


def complex_comparison(*, user, filters: Filters) -> Comparison:
    """The complexes chosen (``CompareForm``, validated: in the official's scope) compared, in
    the order of the form's menu; a fixed number of queries whatever their data."""
    policy.page_requires(user, "dashboard.view")
    codes = [complex_.code for complex_ in filters["complex"]]
    complexes = list(
        Complex.objects.filter(code__in=codes)
        .select_related("region__parent")
        .with_member_counts()
        .order_by("region__code", "code")
    )
    ids = [complex_.pk for complex_ in complexes]
    evaluations = {
        (row["complex_id"], row["year"]): row
        for row in Evaluation.objects.shown()
        .filter(complex_id__in=ids)
        .values("complex_id", "year", "score", "rank", "grade", "breakdown")
    }
    values = _indicator_values(ids)
    allocations = {
        (row.complex_id, row.year): row
        for row in Allocation.objects.filter(
            complex_id__in=ids, status=AllocationStatus.PUBLISHED
        ).only(
            "complex_id",
            "year",
            "provincial_amount",
            "required_local_match",
            "reported_local_match",
            "compliant",
        )
    }
    known_years = (
        {year for _id, year in evaluations}
        | {year for _id, year, _code in values}
        | {year for _id, year in allocations}
    )
    years = sorted(known_years)[-YEARS_COMPARED:]
    indicators = list(Indicator.objects.all())
    sections = [
        _profile(complexes),
        _scores(ids, years, evaluations),
        _dimensions(ids, years, evaluations, indicators),
        _indicators(ids, years, values, indicators),
        _funding(ids, years, allocations),
    ]
    return Comparison(complexes=complexes, years=years, sections=sections)


def _indicator_values(ids: list[int]) -> dict[tuple[int, int, str], Decimal]:
    """(complex, year, indicator code) → value: approved reports' values and derived values."""
    values = {}
    reported = ReportValue.objects.filter(
        report__complex_id__in=ids, report__status=ReportStatus.APPROVED
    ).values_list("report__complex_id", "report__year", "indicator__code", "value")
    derived = DerivedValue.objects.filter(complex_id__in=ids).values_list(
        "complex_id", "year", "indicator__code", "value"
    )
    for rows in (reported, derived):
        for complex_id, year, code, value in rows:
            values[complex_id, year, code] = value
    return values


def _profile(complexes: list[Complex]) -> Section:
    def region_of(complex_):
        region = complex_.region
        if region.parent is not None and region.level == RegionLevel.COUNTY:
            return f"{region.parent.name} · {region.name}"
        return region.name

    rows = [
        (_("Code"), lambda c: c.code),
        (_("Region"), region_of),
        (_("26 mountain counties"), lambda c: yes_no(c.region.mountain_26)),
        (_("Level"), lambda c: c.get_level_display()),
        (_("Category"), lambda c: c.get_category_display()),
        (_("Status"), lambda c: c.get_status_display()),
        (_("Industry"), lambda c: c.industry),
        (_("Cluster size tier"), lambda c: c.get_cluster_size_tier_display()),
        (_("Construction mode"), lambda c: c.get_construction_mode_display()),
        (_("Operating mechanism"), lambda c: c.get_operating_mechanism_display()),
        (_("Host unit"), lambda c: c.host_unit),
        (_("Founding year"), lambda c: c.founded_year),
        (_("Member institutions"), lambda c: c.member_count),
    ]
    return Section(
        "profile",
        _("Profile"),
        [Row(label, [read(c) for c in complexes]) for label, read in rows],
    )


def _scores(ids, years, evaluations) -> Section:
    grades = dict(Grade.choices)
    section = Section("scores", _("Results"))
    for year in years:
        results = [evaluations.get((complex_id, year)) for complex_id in ids]
        section.rows += [
            Row(_("Score"), [r and r["score"] for r in results], year, "score"),
            Row(_("Rank in category"), [r and r["rank"] for r in results], year, "number"),
            Row(_("Grade"), [r and grades[r["grade"]] for r in results], year),
        ]
    return section


def _dimensions(ids, years, evaluations, indicators) -> Section:
    """Points earned per dimension of the catalogue, out of the weight the scheme gave it."""
    dimension_of = {indicator.code: indicator.dimension for indicator in indicators}
    section = Section("dimensions", _("Scores by dimension"))
    for year in years:
        points = defaultdict(Decimal)
        for complex_id in ids:
            result = evaluations.get((complex_id, year))
            for line in result["breakdown"] if result else ():
                points[complex_id, dimension_of.get(line["indicator"])] += Decimal(line["points"])
        for value, label in Dimension.choices:
            cells = [
                points.get((complex_id, value)) if evaluations.get((complex_id, year)) else None
                for complex_id in ids
            ]
            if any(cell is not None for cell in cells):
                section.rows.append(Row(label, cells, year, "score"))
    return section


def _indicators(ids, years, values, indicators) -> Section:
    section = Section("indicators", _("Indicators over the years"))
    for indicator in indicators:
        for year in years:
            cells = [values.get((complex_id, year, indicator.code)) for complex_id in ids]
            if any(cell is not None for cell in cells):
                label = f"{indicator.name} ({indicator.unit})"
                kind = "money" if indicator.is_money else "number"
                section.rows.append(Row(label, cells, year, kind))
    return section


def _funding(ids, years, allocations) -> Section:
    section = Section("funding", _("Funding"))
    for year in years:
        rows = [allocations.get((complex_id, year)) for complex_id in ids]
        if not any(rows):
            continue
        section.rows += [
            Row(
                _("Provincial funds (CNY)"),
                [a and a.provincial_amount for a in rows],
                year,
                "money",
            ),
            Row(
                _("City/county match required (CNY)"),
                [a and a.required_local_match for a in rows],
                year,
                "money",
            ),
            Row(
                _("City/county match reported (CNY)"),
                [a and a.reported_local_match for a in rows],
                year,
                "money",
            ),
            Row(_("Matching compliant"), [a and yes_no(a.compliant) for a in rows], year),
        ]
    return section


def comparison_export(comparison: Comparison) -> TableExport:
    """The comparison's workbook: every row with its section and year, a column per complex
    headed by its name."""
    lines = [(section, row) for section in comparison.sections for row in section.rows]

    def cell(position):
        return lambda line: line[1].cells[position]

    return TableExport(
        title=_("Comparison of complexes"),
        columns=[
            Column(_("Section"), lambda line: line[0].title, width=22),
            Column(_("Item"), lambda line: line[1].label, width=40),
            Column(_("Year"), lambda line: line[1].year, width=8),
            *(
                Column(f"{complex_.name} ({complex_.code})", cell(position), width=24)
                for position, complex_ in enumerate(comparison.complexes)
            ),
        ],
        rows=lambda *, user, filters: lines,
        filter_form=compare_form,
    )

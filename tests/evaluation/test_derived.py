"""Derived indicators: the registry's source counts exactly, sources plug in by setting, and a
refresh replaces the year's values in place."""

from decimal import Decimal

import pytest
from django.db import connection

from complexes.indicators import derived_values
from complexes.models import InstitutionType, SharedInstrument, Status, TalentTeam
from evaluation.models import DerivedValue
from evaluation.recompute import derived_values_refresh
from tests import factories

pytestmark = pytest.mark.django_db


def rows_of(rows, complex_id):
    return {code: value for pk, code, value in rows if pk == complex_id}


def test_registry_source_counts_members_teams_and_shared_instruments(yongkang_complex):
    # Counted at the end of 2025: joined by then and not left by then.
    for member_type, joined, left in [
        (InstitutionType.INCUBATOR, 2020, None),
        (InstitutionType.INCUBATOR, 2024, 2026),
        (InstitutionType.INCUBATOR, 2019, 2025),
        (InstitutionType.TESTING, 2025, None),
        (InstitutionType.UNIVERSITY, 2021, None),
        (InstitutionType.IP_SERVICE, 2026, None),
    ]:
        factories.InstitutionFactory(
            complex=yongkang_complex, type=member_type, joined_year=joined, left_year=left
        )
    for name, formed, dissolved in [("甲", 2022, None), ("乙", 2026, None), ("丙", 2020, 2024)]:
        TalentTeam.objects.create(
            complex=yongkang_complex,
            name=name,
            leader="王",
            introduced_year=formed,
            dissolved_year=dissolved,
        )
    for value, acquired, shared_from, retired in [
        ("500000", 2020, 2020, None),
        ("1200000.50", 2018, 2025, None),
        ("499999.99", 2020, 2020, None),  # below the threshold
        ("900000", 2020, None, None),  # never shared
        ("800000", 2025, 2026, None),  # shared only from next year
        ("700000", 2019, 2019, 2025),  # retired in the year
        ("600000", 2026, 2026, None),  # acquired after the year
    ]:
        SharedInstrument.objects.create(
            complex=yongkang_complex,
            name="仪器",
            original_value=Decimal(value),
            acquired_year=acquired,
            shared_from_year=shared_from,
            retired_year=retired,
        )
    empty = factories.ComplexFactory()
    removed = factories.ComplexFactory(status=Status.REMOVED)
    rows = derived_values(year=2025)
    assert rows_of(rows, yongkang_complex.pk) == {
        "member_institutions": 4,
        "incubators": 2,
        "ip_agencies": 0,
        "testing_platforms": 1,
        "university_partners": 1,
        "talent_teams": 1,
        "shared_instruments": 2,
        "shared_instrument_value": Decimal("1700000.50"),
    }
    assert set(rows_of(rows, empty.pk).values()) == {0}
    assert rows_of(rows, removed.pk) == {}


def services_like_source(*, year):
    """A second source, as the services app will add one."""
    return [(complex_id, "services_delivered", Decimal(year - 2000)) for complex_id in SOURCE_IDS]


SOURCE_IDS: list[int] = []


def test_sources_plug_in_by_setting_and_refresh_replaces_in_place(yongkang_complex, settings):
    settings.EVALUATION_DERIVED_SOURCES = [
        "complexes.indicators.derived_values",
        "tests.evaluation.test_derived.services_like_source",
    ]
    SOURCE_IDS[:] = [yongkang_complex.pk]
    assert derived_values_refresh(year=2025) == 9
    first = list(DerivedValue.objects.order_by("pk").values())
    assert DerivedValue.objects.get(indicator__code="services_delivered").value == 25
    assert derived_values_refresh(year=2025) == 9
    assert list(DerivedValue.objects.order_by("pk").values()) == first
    SOURCE_IDS[:] = []
    assert derived_values_refresh(year=2025) == 8
    assert not DerivedValue.objects.filter(indicator__code="services_delivered").exists()


def row_versions() -> dict[str, str]:
    """Where each derived value's row version lies: an UPDATE writes a new version elsewhere."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indicator.code, derived.ctid::text FROM evaluation_derivedvalue AS derived "
            "JOIN evaluation_indicator AS indicator ON indicator.id = derived.indicator_id"
        )
        return dict(cursor.fetchall())


def test_a_refresh_rewrites_only_the_values_that_changed(yongkang_complex):
    derived_values_refresh(year=2025)
    before = row_versions()
    factories.InstitutionFactory(
        complex=yongkang_complex, type=InstitutionType.INCUBATOR, joined_year=2025
    )
    derived_values_refresh(year=2025)
    after = row_versions()
    changed = {code for code in before if after[code] != before[code]}
    assert changed == {"member_institutions", "incubators"}
    assert DerivedValue.objects.get(indicator__code="incubators").value == 1

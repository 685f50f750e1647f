from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from portal.templatetags.numbers import officials_amount


@pytest.mark.parametrize(
    ("language", "amount", "shown"),
    [
        ("zh-hans", Decimal("44899590.04"), "4,489.96万元"),
        ("zh-hans", Decimal("2600000000.00"), "260,000.00万元"),
        ("zh-hans", Decimal("49.99"), "0.00万元"),
        ("zh-hans", Decimal("50.00"), "0.01万元"),
        ("zh-hans", "-5243657.54", "-524.37万元"),
        ("en", Decimal("44899590.04"), "CNY 44.90 million"),
        ("en", Decimal("2600000000.00"), "CNY 2,600.00 million"),
        ("zh-hans", None, "—"),
    ],
)
def test_officials_read_amounts_in_wan_yuan_or_millions(language, amount, shown):
    with translation.override(language):
        assert officials_amount(amount) == shown


def test_the_filter_in_a_template():
    with translation.override("zh-hans"):
        html = Template("{% load money %}{{ amount|officials_amount }}").render(
            Context({"amount": Decimal("120000000.00")})
        )
    assert html == "12,000.00万元"


@given(st.decimals(min_value=0, max_value=10**12, places=2))
def test_wan_yuan_is_the_amount_divided_by_ten_thousand(amount):
    with translation.override("zh-hans"):
        shown = officials_amount(amount)
    wan = Decimal(shown.removesuffix("万元").replace(",", ""))
    assert abs(wan * 10_000 - amount) <= 50


@pytest.mark.parametrize(
    ("language", "cells"),
    [
        ("zh-hans", '万元|<span title="¥44,899,590.04">4,489.96</span>|—'),
        ("en", 'CNY million|<span title="¥44,899,590.04">44.90</span>|—'),
    ],
)
def test_table_cells_leave_the_unit_to_the_header_and_keep_the_fen_on_hover(language, cells):
    template = Template("{% load numbers %}{% money_unit %}|{{ amount|money }}|{{ none|money }}")
    with translation.override(language):
        html = template.render(Context({"amount": Decimal("44899590.04"), "none": None}))
    assert html == cells


@pytest.mark.django_db
def test_officials_read_sums_in_their_unit_and_everyone_else_in_exact_yuan():
    from tests import factories

    official = factories.provincial_official()
    enterprise_user = factories.enterprise_user_of(factories.EnterpriseFactory())
    template = Template("{% load money %}{{ amount|amount_for:user }}")
    with translation.override("zh-hans"):
        as_official = template.render(Context({"amount": Decimal("125000.50"), "user": official}))
        as_enterprise = template.render(
            Context({"amount": Decimal("125000.50"), "user": enterprise_user})
        )
        nothing_yet = template.render(Context({"amount": None, "user": official}))
    assert (as_official, as_enterprise, nothing_yet) == ("12.50万元", "¥125,000.50", "0.00万元")


@pytest.mark.parametrize(
    ("language", "cells"),
    [
        ("zh-hans", '亿元|<span title="¥7,013,805,000.00">70.14</span>|70.14亿元'),
        ("en", 'CNY billion|<span title="¥7,013,805,000.00">7.01</span>|CNY 7.01 billion'),
    ],
)
def test_province_totals_read_in_yi_yuan_or_billions(language, cells):
    template = Template(
        '{% load numbers %}{% money_unit "亿" %}|{{ amount|money:"亿" }}'
        '|{{ amount|officials_amount:"亿" }}'
    )
    with translation.override(language):
        html = template.render(Context({"amount": Decimal("7013805000.00")}))
    assert html == cells


@pytest.mark.parametrize(
    ("template", "value", "shown"),
    [
        ("{{ value|count }}", Decimal("227.00"), "227"),
        ("{{ value|count }}", 1234567, "1,234,567"),
        ("{{ value|count }}", None, "—"),
        ("{{ value|percent }}", Decimal("87.456"), "87.5%"),
        ("{{ value|percent }}", 100, "100.0%"),
        ("{{ value|number }}", Decimal("4.5"), "4.50"),
        ("{{ value|number:1 }}", Decimal("12345.67"), "12,345.7"),
        ("{{ value|number }}", "n/a", "n/a"),
    ],
)
def test_counts_whole_percentages_with_one_decimal(template, value, shown):
    html = Template("{% load numbers %}" + template).render(Context({"value": value}))
    assert html == shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "value", "language", "shown"),
    [
        (
            "tech_transaction_amount",
            Decimal("7013805000.00"),
            "zh-hans",
            '<span title="¥7,013,805,000.00">701,380.50</span> 万元',
        ),
        (
            "tech_transaction_amount",
            Decimal("7013805000.00"),
            "en",
            '<span title="¥7,013,805,000.00">7,013.81</span> CNY million',
        ),
        ("services_delivered", Decimal("227.00"), "zh-hans", "227 次"),
        ("services_delivered", Decimal("1227.00"), "en", "1,227 times"),
    ],
)
def test_indicator_values_read_in_the_officials_unit(code, value, language, shown):
    from evaluation.models import Indicator

    indicator = Indicator.objects.get(code=code)
    with translation.override(language):
        html = Template("{% load numbers %}{{ value|measure:indicator }}").render(
            Context({"value": value, "indicator": indicator})
        )
    assert html == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(Decimal("5000"), "¥5,000.00"), (Decimal("0.5"), "¥0.50"), (None, "—")]
)
def test_what_someone_pays_reads_exact_to_the_fen(value, shown):
    html = Template("{% load numbers %}{{ value|yuan }}").render(Context({"value": value}))
    assert html == shown

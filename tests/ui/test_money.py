from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from portal.templatetags.money import officials_amount


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

"""portal.money: the fen, half-up rounding and the API's decimal strings."""

from decimal import Decimal

import pytest

from portal.money import in_fen, money_string, round_money, round_money_up


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        # Half a fen goes up, also where banker's rounding (Decimal's default) would go down.
        ("0.125", "0.13"),
        ("0.135", "0.14"),
        ("2.5049", "2.50"),
        ("-0.125", "-0.13"),
        (7, "7.00"),
    ],
)
def test_round_money_rounds_half_a_fen_up(amount, rounded):
    assert round_money(Decimal(amount) if isinstance(amount, str) else amount) == Decimal(rounded)
    assert money_string(Decimal(str(amount))) == rounded


def test_round_money_up_rounds_any_fraction_of_a_fen_up():
    assert round_money_up(Decimal("10.001")) == Decimal("10.01")
    assert round_money_up(Decimal("10.00")) == Decimal("10.00")


def test_in_fen_refuses_a_third_decimal_place():
    assert in_fen(Decimal("12.30")) and in_fen(Decimal("12"))
    assert not in_fen(Decimal("12.305"))

"""Money, the one way every app counts it: CNY yuan as Decimal, to the fen, half-up.

Amounts are stored as ``DecimalField(max_digits=14, decimal_places=2)`` and travel in the API as
decimal strings (``"20000000.00"``); floats never touch them.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
MONEY_DIGITS = (14, 2)  # a money column's (max_digits, decimal_places)
FEN_PER_YUAN = 100
WAN = Decimal(10_000)  # 万元, the unit officials read amounts in
MILLION = Decimal(1_000_000)  # the English counterpart of 万元 on the pages
YI = Decimal(100_000_000)  # 亿元, the unit of the Action Plan's targets
BILLION = Decimal(1_000_000_000)  # the English counterpart of 亿元 on the pages


def round_money(amount) -> Decimal:
    """``amount`` (a Decimal, int or numeric string) to the fen, half a fen rounded up."""
    return Decimal(amount).quantize(FEN, ROUND_HALF_UP)


def round_money_up(amount) -> Decimal:
    """``amount`` to the fen, any fraction of a fen rounded up: for minimums someone must pay."""
    return Decimal(amount).quantize(FEN, ROUND_CEILING)


def in_fen(amount: Decimal) -> bool:
    """Whether ``amount`` has at most two decimal places (a whole number of fen)."""
    return amount == amount.quantize(FEN)


def money_string(amount: Decimal) -> str:
    """The API's form of an amount: a decimal string with exactly two places."""
    return str(round_money(amount))

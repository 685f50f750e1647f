"""Sharing out the provincial pool among complexes (竞争性分配). Pure: no ORM, no I/O.

The rules (docs/FUNDING.md explains them for officials):

1. Complexes in construction get the fixed ex-ante support (事前支持) first.
2. Every complex funded by results (事后补助: evaluated, grade multiplier above zero) gets the
   floor; the rest of the pool is shared in proportion to score × grade multiplier.
3. A share above the cap is cut to the cap and the excess is shared again among the others,
   until no share exceeds the cap. When every remaining weight is zero, the rest is shared
   equally.
4. Amounts are rounded to the fen by largest remainder (ties go to the smaller key), so they add
   up to the pool exactly; when the pool exceeds what the caps allow, everyone gets the cap and
   the rest is reported as unallocated.
5. A pool smaller than ex-ante support plus floors is refused, never scaled down.

Shares are computed with exact fractions, so the result does not depend on the order of the
candidates.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.money import FEN_PER_YUAN, in_fen


class ShareKind(StrEnum):
    EX_ANTE = "ex_ante"
    EX_POST = "ex_post"
    NONE = "none"  # not funded: grade multiplier zero, or no evaluation result


@dataclass(frozen=True)
class Candidate:
    """One eligible complex. ``key`` identifies it (and breaks rounding ties)."""

    key: int
    score: Decimal | None = None
    grade: str | None = None
    constructing: bool = False


@dataclass(frozen=True)
class Rules:
    pool: Decimal
    floor: Decimal
    cap: Decimal
    multipliers: Mapping[str, Decimal]
    ex_ante_amount: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Share:
    key: int
    kind: ShareKind
    amount: Decimal
    weight: Decimal  # score × grade multiplier; zero when not funded by results
    capped: bool = False


@dataclass(frozen=True)
class Outcome:
    shares: tuple[Share, ...]  # ordered by key
    total: Decimal
    unallocated: Decimal

    def amounts(self) -> dict[int, Decimal]:
        return {share.key: share.amount for share in self.shares}


class InfeasiblePool(DomainError):
    """The pool cannot pay the ex-ante support and every funded complex's floor."""

    def __init__(self, *, pool: Decimal, needed: Decimal, funded: int, ex_ante: int):
        self.pool, self.needed = pool, needed
        super().__init__(
            _(
                "The pool of %(pool)s CNY is %(short)s CNY short of the %(needed)s CNY "
                "needed: the floor for %(funded)d complexes funded by results and the ex-ante "
                "support for %(ex_ante)d complexes in construction. Raise the pool or lower "
                "the floor."
            )
            % {
                "pool": f"{pool:,.2f}",
                "short": f"{needed - pool:,.2f}",
                "needed": f"{needed:,.2f}",
                "funded": funded,
                "ex_ante": ex_ante,
            },
            field="pool",
        )


class InvalidRules(DomainError):
    """The parameters contradict each other (negative amounts, a floor above the cap)."""


def allocate(candidates: Sequence[Candidate], rules: Rules) -> Outcome:
    _check(rules)
    keys = [candidate.key for candidate in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError("candidate keys must be unique")

    ex_ante = sorted(c.key for c in candidates if c.constructing)
    # A grade whose multiplier is zero earns nothing, not even the floor; a positive multiplier
    # earns at least the floor, even with a score of zero.
    weights = {
        c.key: c.score * rules.multipliers.get(c.grade, Decimal(0))
        for c in candidates
        if not c.constructing
        and c.score is not None
        and rules.multipliers.get(c.grade, Decimal(0)) > 0
    }
    funded = sorted(weights)
    ex_ante_total = rules.ex_ante_amount * len(ex_ante)
    needed = ex_ante_total + rules.floor * len(funded)
    if rules.pool < needed:
        raise InfeasiblePool(
            pool=rules.pool, needed=needed, funded=len(funded), ex_ante=len(ex_ante)
        )

    exact = {key: Fraction(rules.ex_ante_amount) for key in ex_ante}
    ceiling = ex_ante_total + rules.cap * len(funded)
    if rules.pool >= ceiling:
        exact |= {key: Fraction(rules.cap) for key in funded}
        capped = set(funded)
    else:
        results_shares, capped = _share_with_caps(
            amount=Fraction(rules.pool - ex_ante_total),
            weights={key: Fraction(weights[key]) for key in funded},
            floor=Fraction(rules.floor),
            cap=Fraction(rules.cap),
        )
        exact |= results_shares
    rounded = _largest_remainder(exact)
    total = sum(rounded.values(), Decimal("0.00"))

    shares = []
    for candidate in sorted(candidates, key=lambda c: c.key):
        key = candidate.key
        if key in ex_ante:
            kind = ShareKind.EX_ANTE
        elif key in rounded:
            kind = ShareKind.EX_POST
        else:
            kind = ShareKind.NONE
        shares.append(
            Share(
                key=key,
                kind=kind,
                amount=rounded.get(key, Decimal("0.00")),
                weight=weights.get(key, Decimal(0)),
                capped=key in capped,
            )
        )
    return Outcome(shares=tuple(shares), total=total, unallocated=rules.pool - total)


def _check(rules: Rules) -> None:
    amounts = (rules.pool, rules.floor, rules.cap, rules.ex_ante_amount)
    if any(amount < 0 for amount in amounts) or any(m < 0 for m in rules.multipliers.values()):
        raise InvalidRules(_("Amounts and multipliers cannot be negative."))
    if rules.floor > rules.cap:
        raise InvalidRules(_("The floor cannot be above the cap."), field="floor")
    if not all(in_fen(amount) for amount in amounts):
        raise InvalidRules(_("Amounts are counted in fen: at most two decimal places."))


def _share_with_caps(
    *, amount: Fraction, weights: dict[int, Fraction], floor: Fraction, cap: Fraction
) -> tuple[dict[int, Fraction], set[int]]:
    """Floor for all, the rest by weight; cut to the cap and re-share until stable."""
    capped: set[int] = set()
    while True:
        active = [key for key in weights if key not in capped]
        rest = amount - floor * len(weights) - (cap - floor) * len(capped)
        active_weights = {key: weights[key] for key in active}
        if sum(active_weights.values()) == 0:
            active_weights = dict.fromkeys(active, Fraction(1))
        total_weight = sum(active_weights.values())
        shares = {key: floor + rest * active_weights[key] / total_weight for key in active}
        over = {key for key, share in shares.items() if share > cap}
        if not over:
            return shares | dict.fromkeys(capped, cap), capped
        capped |= over


def _largest_remainder(exact: dict[int, Fraction]) -> dict[int, Decimal]:
    """Round each amount down to the fen, then give the missing fen to the largest remainders."""
    fen = {key: value * FEN_PER_YUAN for key, value in exact.items()}
    whole = {key: value.numerator // value.denominator for key, value in fen.items()}
    target = sum(fen.values())
    assert target.denominator == 1, "the amounts shared out are whole fen in total"
    missing = target.numerator - sum(whole.values())
    by_remainder = sorted(fen, key=lambda key: (-(fen[key] - whole[key]), key))
    for key in by_remainder[:missing]:
        whole[key] += 1
    return {key: Decimal(value).scaleb(-2) for key, value in whole.items()}

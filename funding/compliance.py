"""What a provincial allocation calls for from the city/county and the host unit. Pure.

The seeds' rule: the city/county matches at least 1:1 and the host unit invests at least
province + city/county. Both factors are configurable on the rule set.
"""

from dataclasses import dataclass
from decimal import Decimal

from portal.money import round_money_up

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Matching:
    required_local_match: Decimal
    required_host_investment: Decimal
    reported_local_match: Decimal | None
    reported_host_investment: Decimal | None

    @property
    def local_shortfall(self) -> Decimal:
        return max(self.required_local_match - (self.reported_local_match or ZERO), ZERO)

    @property
    def host_shortfall(self) -> Decimal:
        return max(self.required_host_investment - (self.reported_host_investment or ZERO), ZERO)

    @property
    def compliant(self) -> bool:
        """Both shares reported in full; nothing required counts as compliant."""
        return self.local_shortfall == 0 and self.host_shortfall == 0


def matching(
    provincial_amount: Decimal,
    *,
    local_match_ratio: Decimal,
    host_investment_ratio: Decimal,
    reported_local_match: Decimal | None = None,
    reported_host_investment: Decimal | None = None,
) -> Matching:
    # Requirements are minimums, so a fraction of a fen is rounded up.
    local = round_money_up(provincial_amount * local_match_ratio)
    host = round_money_up((provincial_amount + local) * host_investment_ratio)
    return Matching(
        required_local_match=local,
        required_host_investment=host,
        reported_local_match=reported_local_match,
        reported_host_investment=reported_host_investment,
    )

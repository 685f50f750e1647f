"""A system check of the funding settings: a decision number pattern that cannot be filled in
would otherwise only fail when the province publishes."""

from django.conf import settings
from django.core import checks


def decision_number_pattern(app_configs, **kwargs) -> list[checks.CheckMessage]:
    pattern = settings.FUNDING_DECISION_NUMBER_PATTERN
    try:
        filled = pattern.format(year=2026, seq=1, allocation_year=2025)
        distinct = filled != pattern.format(year=2026, seq=2, allocation_year=2025)
    except (KeyError, IndexError, ValueError) as error:
        return [
            checks.Error(
                f"FUNDING_DECISION_NUMBER_PATTERN {pattern!r} cannot be filled in: {error!r}.",
                hint="Use only {year}, {seq} and {allocation_year}.",
                id="funding.E001",
            )
        ]
    if not distinct:
        return [
            checks.Error(
                f"FUNDING_DECISION_NUMBER_PATTERN {pattern!r} has no {{seq}}: every decision "
                "of a year would get the same number.",
                id="funding.E002",
            )
        ]
    return []

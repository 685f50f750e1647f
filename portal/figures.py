"""What an app hands the dashboard's regional figures: per-complex (measure, value) rows.

The dashboard rolls every registered source up to the county, the city and the province
(``dashboard.figures``); the apps that own the records build their rows with ``figure_rows`` and
register their source in ``AppConfig.ready()``, so no app below the dashboard imports it.
"""

from collections.abc import Callable

from django.db.models import CharField, Expression, F, QuerySet, Value
from django.db.models.functions import Concat

from .registry import Registry

# Names of the columns of the n-th figure of a source's row.
FIGURE_MEASURE, FIGURE_VALUE = "figure_measure_", "figure_value_"


def measure_name(*parts: str | Expression) -> Expression:
    """A measure's name as an SQL expression: literal parts and expressions (a field's value)
    joined, e.g. ``measure_name("members.type.", F("type"))``."""
    expressions = [Value(part) if isinstance(part, str) else part for part in parts]
    if len(expressions) == 1:
        return expressions[0]
    return Concat(*expressions, output_field=CharField())


def figure_rows(
    queryset: QuerySet, *, complex_id: str, figures: list[tuple[str | Expression, Expression]]
) -> QuerySet:
    """A source's rows: per row of ``queryset``, the complex ``complex_id`` names and each
    (measure, value) of ``figures``, read in one pass. Aggregate values count per complex and
    per whatever the measures' names read (``measure_name("members.type.", F("type"))``)."""
    annotations = {}
    for number, (measure, value) in enumerate(figures):
        annotations[f"{FIGURE_MEASURE}{number}"] = measure_name(measure)
        annotations[f"{FIGURE_VALUE}{number}"] = value
    return queryset.order_by().values(figure_complex=F(complex_id)).annotate(**annotations)


# Each source is ``(*, year) -> list of querysets built with figure_rows``.
figure_sources: Registry[Callable[..., list[QuerySet]]] = Registry("dashboard figure source")

"""What each derived indicator counts, so a derived value can list exactly its records.

The apps that compute derived values (``EVALUATION_DERIVED_SOURCES``) register here, in
``AppConfig.ready()``, a ``CountingSource``: a one-sentence definition per indicator code and
the records a complex's value for a year counts. The evaluation's records page reads it without
importing the apps above it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .registry import Registry


@dataclass(frozen=True)
class CountedRecords:
    """The records behind one derived value: column headings and one row of cells each."""

    columns: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass(frozen=True)
class CountingSource:
    definitions: Mapping[str, str]
    # records(code=, complex_id=, year=) -> CountedRecords
    records: Callable[..., CountedRecords]


counting_sources: Registry[CountingSource] = Registry("derived indicators' counted records")


def counting_source_of(code: str) -> CountingSource | None:
    return next((source for source in counting_sources if code in source.definitions), None)

"""Pages of long lists without counting every row.

A province's list of service requests holds 1.5 million rows at scale 10: counting them for
"page 1 of 75,000" costs more than the page itself and tells nobody anything. ``CappedPaginator``
counts up to ``cap`` rows (a LIMIT the database stops at) and, beyond it, says "more than": the
pages up to the cap stay reachable, and a filter narrows the rest."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Twenty pages of a hundred. The count stops at the cap, but the database reads rows until it
# has found that many of the reader's: a city's requests are a tenth of the province's, so at
# scale 10 a cap of 10,000 read 100,000 requests (146 ms under load, docs/PERFORMANCE.md).
COUNT_CAP = 2_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP

    @cached_property
    def counted(self) -> int:
        """The rows, counted up to one beyond the cap."""
        rows = self.object_list
        if hasattr(rows, "order_by"):  # a queryset: counted unordered, stopping at the limit
            return rows.order_by()[: self.cap + 1].count()
        return len(rows[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than the count says."""
        return self.counted > self.cap

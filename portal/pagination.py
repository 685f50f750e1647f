"""Pages of long lists without counting every row.

A province's list of service requests holds 1.5 million rows at scale 10: counting them for
"page 1 of 75,000" costs more than the page itself and tells nobody anything. ``CappedPaginator``
counts up to ``cap`` rows (a LIMIT the database stops at) and, beyond it, says "more than": the
pages up to the cap stay reachable, and a filter narrows the rest."""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

# Twenty pages of a hundred. The count stops at the cap, but the database reads rows until it
# has found that many of the reader's: a city's requests are a tenth of the province's, so at
# scale 10 a cap of 10,000 read 100,000 requests (146 ms under load, docs/PERFORMANCE.md).
COUNT_CAP = 2_000


def query_without(request, param: str = "page") -> str:
    """The request's query string without ``param``: what a link to another page of the list
    keeps (its filters, and the page numbers of the page's other lists)."""
    params = request.GET.copy()
    params.pop(param, None)
    return params.urlencode()


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


class SteadyPaginator(Paginator):
    """Reads its page even when the list is empty (Django skips the query then): a page made of
    several lists makes the same number of queries whether or not each has rows, which the
    tests pin."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


class LateRowsPaginator(Paginator):
    """Reads a page's ids through the list's filters and order alone, then the rows of those
    ids with their joined tables: sorting every row of the list with its joined columns (each
    report with its complex and regions, 1,623 wide rows for 25) cost more than both
    statements (13.5 against 8 ms for the province's reports at scale 10)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return self._get_page(list(self.object_list.filter(pk__in=ids)), number, self)


def list_page(request, rows, *, per_page: int, param: str) -> Page:
    """The page of one of a page's several lists that the query parameter ``param`` asks for
    (the first when absent or out of range), read the same way whether or not it has rows."""
    return SteadyPaginator(rows, per_page).get_page(request.GET.get(param))

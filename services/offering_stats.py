"""How many requests an offering has served and how they were rated: kept beside it, so
that the catalogue sorts and shows them without reading the requests (1.5 million at scale 10)
on every page. Refreshed for one offering when a request of it is confirmed, and for all of
them every night (requests confirmed in bulk, by the nightly automatic confirmation)."""

from collections.abc import Iterable

from django.db import connection, transaction

from portal.api.public_cache import public_lists_changed

from .models import Offering, OfferingStats, RequestStatus, ServiceRequest


@transaction.atomic
def offering_stats_refresh(*, offering_ids: Iterable[int] | None = None) -> int:
    """Recount the offerings (all of them when no ids are given); answers how many changed."""
    stats, requests = OfferingStats._meta.db_table, ServiceRequest._meta.db_table
    offerings = Offering._meta.db_table
    only = "" if offering_ids is None else "WHERE offering.id = ANY(%s)"
    parameters: list = [RequestStatus.COMPLETED]
    if offering_ids is not None:
        parameters.append(list(offering_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {stats} AS stats
                (offering_id, served_count, rating_count, rating_average)
            SELECT offering.id, count(request.id), count(request.rating),
                   round(avg(request.rating), 2)
            FROM {offerings} AS offering
            LEFT JOIN {requests} AS request
                ON request.offering_id = offering.id AND request.status = %s
            {only}
            GROUP BY offering.id
            ON CONFLICT (offering_id) DO UPDATE SET
                served_count = EXCLUDED.served_count, rating_count = EXCLUDED.rating_count,
                rating_average = EXCLUDED.rating_average
            WHERE (stats.served_count, stats.rating_count, stats.rating_average)
                IS DISTINCT FROM (EXCLUDED.served_count, EXCLUDED.rating_count,
                                  EXCLUDED.rating_average)
            """,
            parameters,
        )
        changed = cursor.rowcount
    if changed:
        public_lists_changed()
    return changed


def refresh_when_confirmed(sender, instance: ServiceRequest, **kwargs) -> None:
    """post_save of a request: once a confirmation commits, its offering's figures follow."""
    if instance.status == RequestStatus.COMPLETED:
        offering_id = instance.offering_id
        transaction.on_commit(lambda: offering_stats_refresh(offering_ids=[offering_id]))

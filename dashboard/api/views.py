from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard import selectors
from portal import policy

COUNTS = serializers.DictField(child=serializers.IntegerField())


def figure_field(**kwargs):
    return serializers.DecimalField(max_digits=18, decimal_places=2, **kwargs)


AMOUNTS = serializers.DictField(child=serializers.DecimalField(max_digits=18, decimal_places=2))


class YearRegionSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    region = serializers.CharField(max_length=6, required=False)


class SummaryView(APIView):
    """Headline figures of a region's subtree for a year (officials; their own subtree only)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="Default: the current year."),
            OpenApiParameter(
                "region",
                OpenApiTypes.STR,
                description="GB/T 2260 code; default: the caller's region.",
            ),
        ],
        responses=inline_serializer(
            "DashboardSummary",
            {
                "year": serializers.IntegerField(),
                "region": serializers.CharField(),
                "complexes": inline_serializer(
                    "DashboardComplexes",
                    {
                        "total": serializers.IntegerField(),
                        "by_level": COUNTS,
                        "by_category": COUNTS,
                        "by_status": COUNTS,
                        "mountain_26": serializers.IntegerField(
                            help_text="Complexes in one of the 26 mountain counties (山区26县)."
                        ),
                    },
                ),
                "mountain_26": inline_serializer(
                    "DashboardMountain26",
                    {
                        "services_delivered": serializers.IntegerField(
                            help_text="Services the region's complexes completed in the year "
                            "for enterprises in the 26 mountain counties (山区26县)."
                        )
                    },
                ),
                "members": inline_serializer(
                    "DashboardMembers",
                    {
                        "total": serializers.DecimalField(max_digits=18, decimal_places=2),
                        "by_type": AMOUNTS,
                    },
                ),
                "indicators": AMOUNTS,
                "scores": inline_serializer(
                    "DashboardScores",
                    {
                        "by_grade": AMOUNTS,
                        "average": serializers.DictField(
                            child=serializers.DecimalField(
                                max_digits=18, decimal_places=2, allow_null=True
                            )
                        ),
                    },
                ),
                "funding": inline_serializer(
                    "DashboardFunding",
                    {
                        "allocated": figure_field(help_text="Published provincial money (CNY)."),
                        "allocations": figure_field(help_text="Complexes with a published row."),
                        "compliant": figure_field(
                            help_text="Published rows whose matching complies."
                        ),
                        "published": figure_field(help_text="Published provincial money (CNY)."),
                        "draft": figure_field(
                            help_text="Draft provincial money (CNY), not yet published."
                        ),
                        "draft_allocations": figure_field(help_text="Complexes with a draft row."),
                    },
                ),
            },
        ),
    )
    def get(self, request):
        policy.page_requires(request.user, "dashboard.view")
        query = YearRegionSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = selectors.dashboard_region(user=request.user, filters=query.validated_data)
        year = selectors.dashboard_year(query.validated_data)
        summary = selectors.dashboard_summary(year=year, region=region)
        return Response(_decimals_as_strings(summary))


def _decimals_as_strings(value):
    """Money and sums as decimal strings, as everywhere in the API."""
    from decimal import Decimal

    if isinstance(value, dict):
        return {key: _decimals_as_strings(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value

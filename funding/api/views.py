from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import policy
from portal.api.filters import SelectorListMixin
from portal.api.permissions import PolicyPermission

from .. import selectors, services
from ..filters import AllocationFilter
from ..models import Allocation, RuleSet
from .serializers import (
    AllocationSerializer,
    DecisionSerializer,
    PublishSerializer,
    RecomputeResultSerializer,
    RollupSerializer,
    RuleSetSerializer,
    SimulationRequestSerializer,
    SimulationSerializer,
    YearSerializer,
)


class AllocationViewSet(SelectorListMixin, viewsets.ReadOnlyModelViewSet):
    """Provincial funding per complex and year with the matching it calls for.

    Officials see their region's complexes (published rows, and drafts of a year not yet
    decided); operators see their own complex's published rows.
    """

    serializer_class = AllocationSerializer
    permission_classes = [PolicyPermission]
    policy_actions = dict.fromkeys(("simulate", "recompute", "publish"), "funding.decide")
    filterset_class = AllocationFilter

    queryset = Allocation.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not user.is_authenticated:
            return Allocation.objects.none()
        return selectors.allocations(user=user, filters=self.query_filters())

    @extend_schema(
        request=SimulationRequestSerializer,
        responses=SimulationSerializer,
        description="What the year's allocation would be with other parameters. Saves nothing.",
    )
    @action(detail=False, methods=["post"])
    def simulate(self, request):
        params = SimulationRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        simulation = selectors.allocation_simulation(
            year=data["year"],
            pool=data.get("pool"),
            floor=data.get("floor"),
            cap=data.get("cap"),
            multipliers=data.get("grade_multipliers"),
        )
        return Response(SimulationSerializer(simulation).data)

    @extend_schema(request=YearSerializer, responses=RecomputeResultSerializer)
    @action(detail=False, methods=["post"])
    def recompute(self, request):
        params = YearSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        year = params.validated_data["year"]
        outcome = services.allocations_recompute(year=year, actor=request.user)
        result = {
            "year": year,
            "complexes": len(outcome.shares),
            "drafts": selectors.draft_count(year=year),
            "total": outcome.total,
            "unallocated": outcome.unallocated,
        }
        return Response(RecomputeResultSerializer(result).data)

    @extend_schema(request=PublishSerializer, responses={201: DecisionSerializer})
    @action(detail=False, methods=["post"])
    def publish(self, request):
        params = PublishSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        decision = services.allocations_publish(
            year=params.validated_data["year"],
            actor=request.user,
            reason=params.validated_data.get("reason", ""),
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("by", enum=["city", "county"], description="Group by city or county")
        ],
        responses=RollupSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def rollup(self, request):
        """Matching totals and shortfalls by city or county, over the filtered rows."""
        by = request.query_params.get("by", "city")
        if by not in ("city", "county"):
            by = "city"
        rows = self.filter_queryset(self.get_queryset())
        return Response(RollupSerializer(selectors.matching_rollup(rows, by=by), many=True).data)


class RuleSetViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Funding rules per year, versioned: creating one makes the year's next version."""

    serializer_class = RuleSetSerializer
    permission_classes = [PolicyPermission]
    policy_actions = {"create": "funding.decide"}
    filterset_fields = ["year"]

    queryset = RuleSet.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        user = self.request.user
        if not policy.can(user, "funding.rules_view"):
            return RuleSet.objects.none()
        return RuleSet.objects.select_related("created_by")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.rule_set_create(
            year=data.pop("year"), actor=self.request.user, note=data.pop("note", ""), **data
        )

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from complexes import selectors, services
from complexes.filters import ComplexFilter, InstitutionFilter
from complexes.models import Complex, Institution, Region
from portal.api.audience import AudienceViewMixin
from portal.api.filters import SelectorListMixin
from portal.api.permissions import PolicyPermission
from portal.api.public_cache import AnonymousListCacheMixin

from .serializers import (
    ComplexDetailSerializer,
    ComplexSerializer,
    InstitutionSerializer,
    ReapplySerializer,
    RegionSerializer,
    RemovalHearingSerializer,
)

WRITE_ACTIONS = {"create", "update", "partial_update", "destroy"}
# The province's decisions on one complex, fetched in the user's scope like a write.
DECISION_ACTIONS = {"hearing", "reapply"}


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Zhejiang's administrative divisions (GB/T 2260)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    permission_classes = [PolicyPermission]
    public_read = True
    policy_actions: dict = {}
    filterset_fields = ["level", "parent", "mountain_26"]


class ComplexViewSet(
    AudienceViewMixin,
    AnonymousListCacheMixin,
    SelectorListMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The public directory of complexes; the province registers them, operators and officials
    in scope keep them up to date."""

    permission_classes = [PolicyPermission]
    public_read = True
    # Which fields a change may touch is the service's to decide (complex_update).
    policy_actions = {
        "create": "complex.create",
        "update": "complex.change_profile",
        "partial_update": "complex.change_profile",
        "hearing": "complex.record_hearing",
        "reapply": "complex.reapply",
    }
    filterset_class = ComplexFilter

    def get_queryset(self):
        if self.action in WRITE_ACTIONS | DECISION_ACTIONS:
            return Complex.objects.in_scope(self.request.user)
        if self.action == "retrieve":
            return (
                self.readable(selectors.complex_directory())
                .select_related("successor")
                .prefetch_related("status_changes__changed_by")
            )
        return self.readable(selectors.complex_directory(filters=self.query_filters()))

    def get_serializer_class(self):
        return ComplexDetailSerializer if self.action == "retrieve" else ComplexSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("status_reason", "")
        serializer.instance = services.complex_create(
            created_by=self.request.user, reason=reason, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("status_reason", "")
        # Fields sent unchanged are not edits; only real changes are checked against the role.
        changes = {
            name: value
            for name, value in data.items()
            if getattr(serializer.instance, name) != value
        }
        serializer.instance = services.complex_update(
            complex_=serializer.instance, fields=changes, actor=self.request.user, reason=reason
        )

    @extend_schema(request=RemovalHearingSerializer, responses=RemovalHearingSerializer)
    @action(detail=True, methods=["post"])
    def hearing(self, request, pk=None):
        """The province records the hearing it held; a removal is refused without one."""
        complex_ = self.get_object()
        data = RemovalHearingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hearing = services.removal_hearing_record(
            complex_=complex_, actor=request.user, **data.validated_data
        )
        return Response(RemovalHearingSerializer(hearing).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReapplySerializer, responses=ComplexDetailSerializer)
    @action(detail=True, methods=["post"])
    def reapply(self, request, pk=None):
        """A removed complex applies again: a new complex in construction linked to it."""
        predecessor = self.get_object()
        data = ReapplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        successor = services.complex_reapply(
            predecessor=predecessor, actor=request.user, **data.validated_data
        )
        successor = selectors.complex_detail(code=successor.code)
        return Response(
            ComplexDetailSerializer(successor, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(description="Member institutions of complexes.")
class InstitutionViewSet(AudienceViewMixin, viewsets.ModelViewSet):
    serializer_class = InstitutionSerializer
    permission_classes = [PolicyPermission]
    public_read = True
    policy_actions = dict.fromkeys(WRITE_ACTIONS, "complex.manage_parts")
    filterset_class = InstitutionFilter

    def get_queryset(self):
        if self.action in WRITE_ACTIONS:
            return Institution.objects.in_scope(self.request.user)
        return self.readable(Institution.objects.all())

    def perform_create(self, serializer):
        serializer.instance = services.complex_part_save(
            part=Institution(), fields=serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.complex_part_save(
            part=serializer.instance, fields=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.complex_part_delete(part=instance, actor=self.request.user)

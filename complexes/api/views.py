from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets

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
    RegionSerializer,
)

WRITE_ACTIONS = {"create", "update", "partial_update", "destroy"}


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
    }
    filterset_class = ComplexFilter

    def get_queryset(self):
        if self.action in WRITE_ACTIONS:
            return Complex.objects.in_scope(self.request.user)
        if self.action == "retrieve":
            return self.readable(selectors.complex_directory()).prefetch_related(
                "status_changes__changed_by"
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

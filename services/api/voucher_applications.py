"""``/api/v1/voucher-applications/``: an enterprise applies and follows its applications;
officials in scope review, issue and reject them (actions ``approve`` and ``reject``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.filters import SelectorListMixin
from portal.api.permissions import PolicyPermission
from portal.limits import DESCRIPTION_MAX_LENGTH
from services import selectors
from services.filters import VoucherApplicationFilter
from services.models import Offering, VoucherApplication
from services.voucher_applications import (
    voucher_application_approve,
    voucher_application_create,
    voucher_application_reject,
)

from .serializers import ReasonSerializer


class VoucherApplicationSerializer(serializers.ModelSerializer):
    planned_services = serializers.PrimaryKeyRelatedField(
        queryset=Offering.objects.active(), many=True, required=False
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    purpose = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)

    class Meta:
        model = VoucherApplication
        fields = [
            "id", "enterprise", "enterprise_name", "year", "amount", "purpose",
            "planned_services", "status", "rejection_reason", "voucher", "created_at",
            "reviewed_at", "decided_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "enterprise", "year", "status", "rejection_reason", "voucher", "created_at",
            "reviewed_at", "decided_at",
        ]  # fmt: skip
        extra_kwargs = {"amount": {"min_value": 0}}


class VoucherApplicationViewSet(
    SelectorListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Voucher applications. The enterprise's user creates them and sees its own; city and
    county officials see their region's and recommend or reject the submitted ones; the
    province (or the city, when the year's rules delegate it) issues or rejects the
    recommended ones."""

    serializer_class = VoucherApplicationSerializer
    permission_classes = [PolicyPermission]
    policy_actions = {
        "create": "voucher_application.create",
        "approve": "voucher_application.decide",
        "reject": "voucher_application.decide",
    }
    filterset_class = VoucherApplicationFilter

    def get_queryset(self):
        return selectors.voucher_applications(user=self.request.user, filters=self.query_filters())

    def perform_create(self, serializer):
        created = voucher_application_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=created.pk)

    @extend_schema(request=None, responses=VoucherApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Recommend a submitted application, or issue the voucher of a recommended one."""
        application = self.get_object()
        voucher_application_approve(application=application, actor=request.user)
        return self._answer(application)

    @extend_schema(request=ReasonSerializer, responses=VoucherApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Close an open application with a reason the enterprise reads."""
        application = self.get_object()  # out of scope answers 404 before the body is read
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        voucher_application_reject(
            application=application, actor=request.user, **body.validated_data
        )
        return self._answer(application)

    def _answer(self, application):
        refreshed = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(refreshed).data, status=status.HTTP_200_OK)

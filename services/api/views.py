from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from portal.api.filters import SelectorListMixin
from portal.api.parsers import BoundedJSONParser
from portal.api.permissions import PolicyPermission
from portal.api.public_cache import AnonymousListCacheMixin
from services import selectors, services
from services.attachments import private_download
from services.filters import EnterpriseFilter, OfferingFilter, ServiceRequestFilter
from services.models import Offering, Voucher
from services.request_actions import ACTION_SERVICES

from .serializers import (
    AcceptQuoteSerializer,
    ClaimReceivedSerializer,
    ConfirmSerializer,
    DeliverSerializer,
    EnterpriseProfileSerializer,
    EnterpriseRegistrationSerializer,
    EnterpriseSerializer,
    LicenceUploadSerializer,
    NoteSerializer,
    OfferingSerializer,
    OptionalReasonSerializer,
    QuoteSerializer,
    ReasonSerializer,
    ServiceRequestDetailSerializer,
    ServiceRequestSerializer,
    SettlementSerializer,
    VoucherEntrySerializer,
    VoucherImportSerializer,
    VoucherSerializer,
)

# What a business licence is sent as: the types its upload is checked for.
LICENCE_MEDIA_TYPES = ("application/pdf", "image/jpeg", "image/png")
WRITE_ACTIONS = {"create", "update", "partial_update", "destroy"}


class OfferingViewSet(AnonymousListCacheMixin, SelectorListMixin, viewsets.ModelViewSet):
    """The service catalogue: anyone browses the active offerings; operators keep their own."""

    serializer_class = OfferingSerializer
    permission_classes = [PolicyPermission]
    public_read = True
    policy_actions = dict.fromkeys(WRITE_ACTIONS, "offering.manage")
    filterset_class = OfferingFilter

    def get_queryset(self):
        if self.action in WRITE_ACTIONS:
            return Offering.objects.in_scope(self.request.user).select_related(
                "complex__region", "institution"
            )
        return selectors.offering_catalogue(filters=self.query_filters())

    def perform_create(self, serializer):
        serializer.instance = services.offering_save(
            offering=Offering(), fields=serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.offering_save(
            offering=serializer.instance,
            fields=serializer.validated_data,
            actor=self.request.user,
        )

    def perform_destroy(self, instance):
        services.offering_delete(offering=instance, actor=self.request.user)


class EnterpriseViewSet(SelectorListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enterprises: self-registration is open (and rate-limited per address); an enterprise
    sees itself, officials their region, where they verify registrations."""

    permission_classes = [PolicyPermission]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    policy_actions = {
        "partial_update": "enterprise.edit_profile",
        "upload_licence": "enterprise.upload_licence",
        "verify": "enterprise.verify",
        "reject_verification": "enterprise.verify",
    }
    filterset_class = EnterpriseFilter

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return super().get_permissions()

    def get_queryset(self):
        return selectors.enterprises(user=self.request.user, filters=self.query_filters())

    def get_serializer_class(self):
        return EnterpriseRegistrationSerializer if self.action == "create" else EnterpriseSerializer

    @extend_schema(
        request=EnterpriseRegistrationSerializer,
        responses={201: EnterpriseSerializer, 202: ClaimReceivedSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Register an enterprise (it starts unverified); a credit code that is registered
        already becomes a claim (202) that an official decides."""
        # One limit per address, shared with the registration page; signed-in callers count
        # too, since the API registers whoever calls it.
        if is_ratelimited(
            request._request,
            group="registration",
            key="ip",
            rate=settings.REGISTRATION_RATE_LIMIT,
            method="POST",
            increment=True,
        ):
            raise Throttled
        serializer = EnterpriseRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        registration = services.enterprise_register(
            credit_code_value=data.pop("credit_code"),
            email=data.pop("contact_email", ""),
            **data,
        )
        if registration.claim is not None:
            body = {
                "detail": _(
                    "This credit code is registered already: your claim is under review. "
                    "You will hear from us by email."
                ),
                "claim": registration.claim.pk,
            }
            return Response(body, status=status.HTTP_202_ACCEPTED)
        body = EnterpriseSerializer(registration.enterprise).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnterpriseProfileSerializer, responses=EnterpriseSerializer)
    def partial_update(self, request, *args, **kwargs):
        """The enterprise's own user edits its profile; the credit code cannot be changed."""
        enterprise = self.get_object()  # another enterprise answers 404
        body = EnterpriseProfileSerializer(enterprise, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        updated = services.enterprise_profile_update(
            actor=request.user, enterprise=enterprise, **body.validated_data
        )
        return Response(EnterpriseSerializer(updated).data)

    @extend_schema(responses={(200, media): OpenApiTypes.BINARY for media in LICENCE_MEDIA_TYPES})
    @action(detail=True, methods=["get"])
    def licence(self, request, pk=None):
        """The business licence, for the enterprise itself and the officials in its scope."""
        enterprise = self.get_object()
        return private_download(
            enterprise.business_licence,
            enterprise.business_licence_name,
            inline=request.query_params.get("inline") == "1",
        )

    @extend_schema(
        request={"multipart/form-data": LicenceUploadSerializer}, responses=EnterpriseSerializer
    )
    @licence.mapping.post
    def upload_licence(self, request, pk=None):
        """The enterprise's user sends (again) its business licence for verification."""
        self.get_object()
        body = LicenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enterprise = services.enterprise_licence_upload(
            actor=request.user, licence=body.validated_data["business_licence"]
        )
        return Response(EnterpriseSerializer(enterprise).data)

    @extend_schema(request=None, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """An official of the enterprise's region has checked its business licence."""
        verified = services.enterprise_verify(actor=request.user, enterprise=self.get_object())
        return Response(EnterpriseSerializer(verified).data)

    @extend_schema(request=ReasonSerializer, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"], url_path="reject-verification")
    def reject_verification(self, request, pk=None):
        """The licence does not prove the registration; the enterprise may upload another."""
        enterprise = self.get_object()  # out of scope answers 404 before the body is read
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rejected = services.enterprise_reject_verification(
            actor=request.user, enterprise=enterprise, **body.validated_data
        )
        return Response(EnterpriseSerializer(rejected).data)


TRANSITION_BODIES = {
    "reject": ReasonSerializer,
    "dispute": ReasonSerializer,
    "deliver": DeliverSerializer,
    "confirm": ConfirmSerializer,
    "quote": QuoteSerializer,
    "accept_quote": AcceptQuoteSerializer,
    "decline_quote": OptionalReasonSerializer,
}


class ServiceRequestViewSet(
    SelectorListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Service requests and their lifecycle. Enterprises create and see their own, operators
    their complex's, officials those of complexes in their region."""

    permission_classes = [PolicyPermission]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    policy_actions = {
        "create": "service_request.create",
        **dict.fromkeys(
            ("accept", "quote", "reject", "start", "deliver"), "service_request.handle"
        ),
        **dict.fromkeys(
            ("accept_quote", "decline_quote", "confirm", "dispute", "cancel"),
            "service_request.respond",
        ),
    }
    filterset_class = ServiceRequestFilter

    def get_queryset(self):
        queryset = selectors.service_requests(user=self.request.user, filters=self.query_filters())
        if self.action != "list":
            queryset = queryset.select_related("voucher").prefetch_related(
                "events__actor", "deliverables"
            )
        return queryset

    def get_serializer_class(self):
        return ServiceRequestSerializer if self.action == "list" else ServiceRequestDetailSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        created = services.service_request_create(
            offering=data["offering"],
            actor=self.request.user,
            description=data["description"],
            attachment=data.get("attachment"),
            voucher=data.get("voucher"),
            voucher_amount=data.get("voucher_amount"),
        )
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def _transition(self, request, action_name, **service_kwargs):
        service_request = self.get_object()
        body_class = TRANSITION_BODIES.get(action_name)
        if body_class is not None:
            body = body_class(data=request.data, context={"request": request})
            body.is_valid(raise_exception=True)
            service_kwargs.update(body.validated_data)
        service = ACTION_SERVICES[action_name]
        service(service_request=service_request, actor=request.user, **service_kwargs)
        refreshed = self.get_queryset().get(pk=service_request.pk)
        return Response(ServiceRequestDetailSerializer(refreshed).data)

    @extend_schema(request=None, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._transition(request, "accept")

    @extend_schema(request=ReasonSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, "reject")

    @extend_schema(request=None, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(request, "start")

    @extend_schema(
        request={"multipart/form-data": DeliverSerializer, "application/json": NoteSerializer},
        responses=ServiceRequestDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        """Deliver, with the files handed over (multipart) if any."""
        return self._transition(request, "deliver")

    @extend_schema(request=QuoteSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def quote(self, request, pk=None):
        """The operator quotes a price and delivery date (offerings priced on quotation)."""
        return self._transition(request, "quote")

    @extend_schema(request=AcceptQuoteSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"], url_path="accept-quote")
    def accept_quote(self, request, pk=None):
        """The enterprise accepts the quote; the voucher money it names is held now."""
        return self._transition(request, "accept_quote")

    @extend_schema(request=OptionalReasonSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"], url_path="decline-quote")
    def decline_quote(self, request, pk=None):
        """The enterprise declines the quote; the operator may quote again or reject."""
        return self._transition(request, "decline_quote")

    @extend_schema(request=ConfirmSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._transition(request, "confirm")

    @extend_schema(request=ReasonSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        return self._transition(request, "dispute")

    @extend_schema(request=None, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, "cancel")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def attachment(self, request, pk=None):
        """The request's attachment, for those who may see the request (never a public URL)."""
        service_request = self.get_object()
        return private_download(service_request.attachment, service_request.attachment_name)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"deliverables/(?P<deliverable_id>[0-9]{1,10})",
        url_name="deliverable",
    )
    def deliverable(self, request, pk=None, deliverable_id=None):
        """A file handed over with the delivery, for those who may see the request."""
        service_request = self.get_object()
        deliverable = get_object_or_404(service_request.deliverables, pk=deliverable_id)
        return private_download(deliverable.file, deliverable.name)


class VoucherViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Innovation vouchers: the province issues them (one by one or from an Excel sheet);
    an enterprise sees its own, officials those of enterprises in their region."""

    serializer_class = VoucherSerializer
    permission_classes = [PolicyPermission]
    policy_actions = dict.fromkeys(("create", "import_sheet"), "voucher.issue")

    def get_queryset(self):
        return selectors.vouchers(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.voucher_issue(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(responses=VoucherEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def ledger(self, request, pk=None):
        """Every issue, hold, release, consume and settlement of the voucher, oldest first."""
        entries = selectors.voucher_ledger(voucher=self.get_object())
        return Response(VoucherEntrySerializer(entries, many=True).data)

    @extend_schema(request=VoucherImportSerializer, responses={201: VoucherSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_sheet(self, request):
        upload = VoucherImportSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        issued = services.voucher_import(upload=upload.validated_data["file"], actor=request.user)
        vouchers = Voucher.objects.filter(pk__in=[v.pk for v in issued]).select_related(
            "enterprise"
        )
        return Response(VoucherSerializer(vouchers, many=True).data, status=status.HTTP_201_CREATED)


class SettlementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly payouts to complexes of consumed voucher money: the province settles a complex's
    finished month once; officials see their region's, operators their own."""

    serializer_class = SettlementSerializer
    permission_classes = [PolicyPermission]
    policy_actions = {"create": "settlement.settle"}

    def get_queryset(self):
        return selectors.settlements(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.voucher_settle(
            complex_=data["complex"], month=data["month"], actor=self.request.user
        )

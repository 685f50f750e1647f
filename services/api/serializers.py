from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complexes.models import Institution, Region
from portal import policy
from portal.api.fields import CreditCodeField
from portal.limits import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH
from services.attachments import validate_attachment, validate_licence
from services.models import (
    Deliverable,
    Enterprise,
    EnterpriseSize,
    Offering,
    ServiceRequest,
    ServiceRequestEvent,
    VerificationState,
    Voucher,
    VoucherEntry,
    VoucherSettlement,
    VoucherStatus,
)


class OfferingSerializer(serializers.ModelSerializer):
    complex_detail = serializers.SerializerMethodField()
    institution_name = serializers.CharField(source="institution.name", read_only=True)

    class Meta:
        model = Offering
        fields = [
            "id", "complex", "complex_detail", "institution", "institution_name", "title",
            "service_type", "description", "price", "turnaround_days", "voucher_eligible",
            "active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "complex", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if policy.can(user, "offering.manage"):
            self.fields["institution"].queryset = Institution.objects.in_scope(
                user, "offering.manage"
            )

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "region": {"type": "string"},
                "region_name": {"type": "string"},
            },
        }
    )
    def get_complex_detail(self, offering):
        complex_ = offering.complex
        return {
            "code": complex_.code,
            "name": complex_.name,
            "region": complex_.region_id,
            "region_name": complex_.region.name,
        }


class EnterpriseSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    # Read-only model fields lose ``allow_blank``, and with it the schema's "" alternative.
    contact_email = serializers.EmailField(read_only=True, allow_blank=True)
    verification_state = serializers.ChoiceField(choices=VerificationState.choices, read_only=True)
    business_licence_url = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id", "credit_code", "name", "region", "size", "address", "high_tech",
            "high_tech_certificate", "tech_sme", "contact_name", "contact_phone", "contact_email",
            "created_at", "verified",
            "verified_at", "verification_state", "verification_rejected_reason",
            "business_licence_url",
        ]  # fmt: skip
        read_only_fields = fields

    # A path on this server, or null before a licence is uploaded.
    @extend_schema_field({"type": "string", "format": "uri-reference", "nullable": True})
    def get_business_licence_url(self, enterprise):
        if not enterprise.business_licence:
            return None
        return reverse("enterprise-licence", args=[enterprise.pk])


class EnterpriseProfileSerializer(serializers.ModelSerializer):
    """What an enterprise's own user edits (PATCH); the credit code is not among it."""

    class Meta:
        model = Enterprise
        fields = [
            "name", "size", "address", "contact_name", "contact_phone", "contact_email",
            "high_tech", "high_tech_certificate",
        ]  # fmt: skip


class EnterpriseRegistrationSerializer(serializers.Serializer):
    """Self-registration of an enterprise with its first user account."""

    username = serializers.CharField(max_length=150, write_only=True)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    credit_code = CreditCodeField()
    name = serializers.CharField(max_length=150)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    size = serializers.ChoiceField(choices=EnterpriseSize.choices)
    high_tech = serializers.BooleanField(default=False)
    tech_sme = serializers.BooleanField(default=False)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    business_licence = serializers.FileField(
        required=False,
        validators=[validate_licence],
        help_text="PDF, JPEG or PNG. Needed to claim a credit code that is already registered.",
    )


class LicenceUploadSerializer(serializers.Serializer):
    business_licence = serializers.FileField(
        validators=[validate_licence], help_text="PDF, JPEG or PNG."
    )


class ClaimReceivedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    claim = serializers.IntegerField()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = ServiceRequestEvent
        fields = ["from_status", "to_status", "actor", "note", "at"]


class ServiceRequestSerializer(serializers.ModelSerializer):
    offering = serializers.PrimaryKeyRelatedField(queryset=Offering.objects.active())
    voucher = serializers.PrimaryKeyRelatedField(
        queryset=Voucher.objects.none(), required=False, allow_null=True
    )
    attachment = serializers.FileField(
        write_only=True, required=False, validators=[validate_attachment]
    )
    attachment_url = serializers.SerializerMethodField()
    offering_title = serializers.CharField(source="offering.title", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    overdue_clock = serializers.ChoiceField(
        choices=["", "answer", "delivery"],
        read_only=True,
        help_text="Which clock ran out: the answer to a submitted request, or the delivery.",
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "id", "offering", "offering_title", "complex", "enterprise", "description",
            "attachment", "attachment_name", "attachment_url", "status", "voucher",
            "voucher_amount", "rating", "comment", "delivery_note", "rejection_reason",
            "submitted_at", "answer_due_at", "accepted_at", "due_at", "delivered_at",
            "completed_at", "auto_confirmed", "overdue", "overdue_clock", "quoted_price",
            "quoted_delivery_date", "quote_note", "quoted_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "complex", "enterprise", "attachment_name", "status", "rating", "comment",
            "delivery_note", "rejection_reason", "submitted_at", "answer_due_at", "accepted_at",
            "due_at", "delivered_at", "completed_at", "auto_confirmed", "quoted_price",
            "quoted_delivery_date", "quote_note", "quoted_at",
        ]  # fmt: skip
        extra_kwargs = {"voucher_amount": {"required": False, "min_value": 0}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if policy.can(user, "service_request.create"):
            self.fields["voucher"].queryset = Voucher.objects.in_scope(
                user, "service_request.create"
            )

    # A path on this server, or null without an attachment.
    @extend_schema_field({"type": "string", "format": "uri-reference", "nullable": True})
    def get_attachment_url(self, service_request):
        if not service_request.attachment:
            return None
        return reverse("service-request-attachment", args=[service_request.pk])


class DeliverableSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Deliverable
        fields = ["id", "name", "size", "uploaded_at", "url"]

    # A path on this server: the download checks the request's scope.
    @extend_schema_field({"type": "string", "format": "uri-reference"})
    def get_url(self, deliverable):
        return reverse(
            "service-request-deliverable",
            kwargs={"pk": deliverable.request_id, "deliverable_id": deliverable.pk},
        )


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    timeline = EventSerializer(source="events", many=True, read_only=True)
    deliverables = DeliverableSerializer(many=True, read_only=True)

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "timeline", "deliverables"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=REASON_MAX_LENGTH)


class DeliverSerializer(NoteSerializer):
    """The delivery note and the files handed over (multipart, ``files`` repeated)."""

    files = serializers.ListField(
        child=serializers.FileField(validators=[validate_attachment]),
        required=False,
        default=list,
        help_text="PDF, Office documents or images, as for attachments.",
    )


class QuoteSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    delivery_date = serializers.DateField()
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH
    )


class AcceptQuoteSerializer(serializers.Serializer):
    voucher = serializers.PrimaryKeyRelatedField(
        queryset=Voucher.objects.none(), required=False, allow_null=True
    )
    voucher_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if policy.can(user, "service_request.respond"):
            self.fields["voucher"].queryset = Voucher.objects.in_scope(
                user, "service_request.respond"
            )


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH
    )


class ConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_MAX_LENGTH
    )


class VoucherSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status = serializers.ChoiceField(choices=VoucherStatus.choices, read_only=True)
    consumed = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    valid_from = serializers.DateField(
        required=False, help_text="Defaults to the day of issue (Asia/Shanghai)."
    )

    class Meta:
        model = Voucher
        fields = [
            "id", "enterprise", "enterprise_name", "amount", "balance", "held", "consumed",
            "lapsed", "valid_from", "expires_on", "status", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "balance", "held", "lapsed", "created_at"]


class VoucherEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = VoucherEntry
        fields = ["id", "kind", "amount", "service_request", "complex", "settlement", "actor", "at"]


class VoucherImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="An .xlsx sheet: credit code, amount, valid from, expires on."
    )


class SettlementSerializer(serializers.ModelSerializer):
    settled_by = serializers.CharField(
        source="settled_by.username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = VoucherSettlement
        fields = ["id", "complex", "month", "amount", "settled_by", "settled_at"]
        read_only_fields = ["id", "amount", "settled_by", "settled_at"]
        validators: list = []

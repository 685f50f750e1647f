from rest_framework import serializers

from complexes.models import (
    Complex,
    ComplexStatusChange,
    Institution,
    Region,
    RemovalHearing,
)
from portal.api.audience import AudienceSerializer
from portal.api.fields import CreditCodeField
from portal.limits import REASON_MAX_LENGTH


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "name_zh_hans",
            "name_en",
            "level",
            "parent",
            "mountain_26",
            "longitude",
            "latitude",
        ]


class RegionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(
        source="changed_by.username", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = ComplexStatusChange
        fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]


class ComplexSerializer(AudienceSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    region_detail = RegionBriefSerializer(source="region", read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    status_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Why the status changes; required with a new status.",
    )

    class Meta:
        model = Complex
        fields = [
            "id",
            "code",
            "name",
            "level",
            "category",
            "region",
            "region_detail",
            "industry",
            "cluster_size_tier",
            "construction_mode",
            "operating_mechanism",
            "applicant_government",
            "host_unit",
            "founded_year",
            "status",
            "status_reason",
            "contact_name",
            "contact_phone",
            "contact_email",
            "website",
            "address",
            "description",
            "longitude",
            "latitude",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        private_fields = ["contact_name", "contact_phone", "contact_email"]


class ComplexDetailSerializer(ComplexSerializer):
    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)
    successor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(ComplexSerializer.Meta):
        fields = [*ComplexSerializer.Meta.fields, "status_history", "predecessor", "successor"]
        read_only_fields = [*ComplexSerializer.Meta.read_only_fields, "predecessor"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.shows_private(instance):
            # Who changed the status is a person too: named only to those in scope (null to
            # others, as for a change nobody is recorded for).
            for change in data["status_history"]:
                change["changed_by"] = None
        return data


class InstitutionSerializer(AudienceSerializer):
    credit_code = CreditCodeField(required=False, allow_blank=True)

    class Meta:
        model = Institution
        fields = [
            "id",
            "complex",
            "name",
            "type",
            "credit_code",
            "contact_name",
            "contact_phone",
            "joined_year",
            "left_year",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        private_fields = ["contact_name", "contact_phone"]
        # Uniqueness is checked by the model's own constraint with its translated message.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "complex" in self.fields:
            # An operator can only file members under the complex they run.
            self.fields["complex"].queryset = Complex.objects.in_scope(request.user)


class RemovalHearingSerializer(serializers.ModelSerializer):
    """The hearing the province held before removing a complex."""

    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = RemovalHearing
        fields = ["id", "complex", "held_on", "outcome", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "complex", "recorded_by", "recorded_at"]


class ReapplySerializer(serializers.Serializer):
    """A removed complex applying again: the new complex's code and why."""

    code = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)

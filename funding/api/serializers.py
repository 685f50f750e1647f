from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complexes.models import Complex
from evaluation.models import Grade
from portal.api.fields import NullInResponsesIntegerField
from portal.limits import REASON_MAX_LENGTH

from ..models import Allocation, AllocationDecision, AllocationKind, AllocationStatus, RuleSet


def money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def factor(**kwargs):
    return serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, **kwargs)


class FundedComplexSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complex
        fields = ["id", "code", "name", "level", "category", "status"]


class AllocationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="complex.region_id", read_only=True)
    complex_detail = FundedComplexSerializer(source="complex", read_only=True)
    local_shortfall = money(read_only=True)
    host_shortfall = money(read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "complex",
            "complex_detail",
            "region",
            "year",
            "status",
            "kind",
            "score",
            "grade",
            "capped",
            "provincial_amount",
            "required_local_match",
            "required_host_investment",
            "reported_local_match",
            "reported_host_investment",
            "compliant",
            "local_shortfall",
            "host_shortfall",
            "rule_set",
            "decision",
            "computed_at",
        ]
        read_only_fields = fields


class GradeMultipliersSerializer(serializers.Serializer):
    excellent = factor(required=False)
    good = factor(required=False)
    # "pass" is a Python keyword, so the field is declared by name below.
    fail = factor(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["pass"] = factor(required=False)
        return fields


class SimulationRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2017, max_value=2100)
    pool = money(required=False, min_value=0)
    floor = money(required=False, min_value=0)
    cap = money(required=False, min_value=0)
    grade_multipliers = GradeMultipliersSerializer(required=False)


class SimulatedAllocationSerializer(serializers.Serializer):
    complex = serializers.IntegerField(source="complex.id")
    complex_detail = FundedComplexSerializer(source="complex")
    region = serializers.CharField(source="complex.region_id")
    kind = serializers.ChoiceField(choices=AllocationKind.choices)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    provincial_amount = money(source="amount")
    current_amount = money(
        source="current",
        allow_null=True,
        help_text=_("The current draft's amount (the published one when there is no draft)."),
    )
    published_amount = money(source="published", allow_null=True)
    difference = money(help_text=_("Simulated amount minus the current amount."))
    capped = serializers.BooleanField()


class CityTotalSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    complexes = serializers.IntegerField()
    amount = money()
    current = money()
    difference = money()


class SimulationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rule_set = serializers.IntegerField(source="rule_set.pk")
    allocations = SimulatedAllocationSerializer(source="rows", many=True)
    total = money()
    unallocated = money()
    current_total = money()
    current_status = serializers.ChoiceField(
        choices=[AllocationStatus.DRAFT, AllocationStatus.PUBLISHED],
        allow_blank=True,
        help_text=_("What the current amounts are: the year's drafts, else its published rows."),
    )
    published_total = money(allow_null=True)
    by_city = CityTotalSerializer(many=True)


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2017, max_value=2100)


class PublishSerializer(YearSerializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Required when the year's allocations are already published."),
    )


class RecomputeResultSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    complexes = serializers.IntegerField()
    drafts = serializers.IntegerField(
        help_text=_(
            "Draft rows the year now holds: 0 for a published year whose recomputation gives "
            "what is published."
        )
    )
    total = money()
    unallocated = money()


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)
    document = serializers.SerializerMethodField(
        help_text=_("The decision document (PDF, in Chinese).")
    )

    class Meta:
        model = AllocationDecision
        fields = [
            "id",
            "year",
            "rule_set",
            "evaluation_run",
            "evaluated_at",
            "pool",
            "total",
            "unallocated",
            "reason",
            "replaces",
            "decided_by",
            "decided_at",
            "number",
            "approver_name",
            "document",
        ]
        read_only_fields = fields

    def get_document(self, decision) -> str:
        return reverse("funding:decision_pdf", args=[decision.pk])


class RollupSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    complexes = serializers.IntegerField()
    noncompliant = serializers.IntegerField()
    provincial_amount = money()
    required_local_match = money()
    reported_local_match = money()
    required_host_investment = money()
    reported_host_investment = money()
    local_shortfall = money()
    host_shortfall = money()


class RuleSetSerializer(serializers.ModelSerializer):
    year = NullInResponsesIntegerField(min_value=2017, max_value=2100)
    created_by = serializers.CharField(
        source="created_by.username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = RuleSet
        fields = [
            "id",
            "year",
            "version",
            "pool",
            "eligible_levels",
            "eligible_statuses",
            "ex_ante_amount",
            "floor",
            "cap",
            "multiplier_excellent",
            "multiplier_good",
            "multiplier_pass",
            "multiplier_fail",
            "local_match_ratio",
            "host_investment_ratio",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "version", "created_by", "created_at"]
        validators = []

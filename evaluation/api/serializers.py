from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complexes.models import Complex
from portal.limits import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH
from portal.models import Job
from portal.money import money_string

from ..models import (
    AnnualReport,
    Evaluation,
    ExpertReview,
    Indicator,
    JobKind,
    ManagementDecision,
    Recommendation,
    ReportEvent,
    ReportVersion,
)


def report_value(value: Decimal, indicator: Indicator) -> int | float | str:
    """Money as a decimal string like every amount of the API; counts as whole numbers; other
    measures (an average rating) as JSON numbers."""
    if indicator.is_money:
        return money_string(value)
    return int(value) if indicator.whole_number else float(value)


class ComplexBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complex
        fields = ["id", "code", "name", "category", "level", "region"]


class ReportSerializer(serializers.ModelSerializer):
    complex = serializers.PrimaryKeyRelatedField(queryset=Complex.objects.none())
    complex_detail = ComplexBriefSerializer(source="complex", read_only=True)
    values = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(
        source="is_overdue",
        read_only=True,
        default=False,
        help_text="Draft or returned after its deadline (or the date it was reopened until).",
    )

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "complex",
            "complex_detail",
            "year",
            "status",
            "version",
            "values",
            "comments",
            "return_reason",
            "recommendation",
            "review_comment",
            "submitted_at",
            "approved_at",
            "reopened_until",
            "overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "reopened_until",
            "status",
            "version",
            "return_reason",
            "recommendation",
            "review_comment",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        # One report per complex and year is checked by the service and the database.
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["complex"].queryset = Complex.objects.in_scope(request.user)

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"oneOf": [{"type": "number"}, {"type": "string"}]},
            "description": "Counts and ratings as numbers, amounts of money as decimal strings.",
            "example": {"st_projects": 12, "venture_funds": "1500000.00"},
        }
    )
    def get_values(self, report) -> dict:
        return {
            row.indicator.code: report_value(row.value, row.indicator)
            for row in report.values.all()
        }

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_comments(self, report) -> dict:
        return {row.indicator.code: row.comment for row in report.values.all() if row.comment}


class ReportEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["action", "actor", "comment", "at"]


class ReportDetailSerializer(ReportSerializer):
    warnings = serializers.SerializerMethodField()
    events = ReportEventSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "warnings", "events"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_warnings(self, report) -> dict:
        from ..selectors import report_warnings

        return report_warnings(report=report)


class ReportUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    values = serializers.DictField(
        child=serializers.JSONField(allow_null=True), required=False, default=dict
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=COMMENT_MAX_LENGTH),
        required=False,
        default=dict,
    )


class ReportActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, required=False)


class ReportReturnSerializer(ReportActionSerializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class ReportReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
    until = serializers.DateField(help_text="The operators may edit and submit until this day.")


class ReportPreReviewSerializer(ReportActionSerializer):
    recommendation = serializers.ChoiceField(
        choices=[choice for choice in Recommendation.choices if choice[0]]
    )
    comment = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=REASON_MAX_LENGTH
    )


class ReportVersionSerializer(serializers.ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.username", default=None)

    class Meta:
        model = ReportVersion
        fields = ["number", "values", "comments", "submitted_by", "submitted_at"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_zh_hans",
            "name_en",
            "unit",
            "unit_zh_hans",
            "unit_en",
            "dimension",
            "source",
            "higher_is_better",
            "whole_number",
            "definition",
            "definition_zh_hans",
            "definition_en",
        ]


class BreakdownLineSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    value = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    normalized = serializers.DecimalField(max_digits=5, decimal_places=4)
    weight = serializers.DecimalField(max_digits=7, decimal_places=4)
    points = serializers.DecimalField(max_digits=7, decimal_places=4)


class EvaluationSerializer(serializers.ModelSerializer):
    complex_detail = ComplexBriefSerializer(source="complex", read_only=True)
    breakdown = BreakdownLineSerializer(many=True, read_only=True)
    scheme_version = serializers.SerializerMethodField()
    ranked_of = serializers.IntegerField(
        read_only=True, help_text="How many complexes were ranked in the category that year."
    )
    missing_report_by = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="Set on a fail for want of a report: the lock date by which none was approved.",
    )
    missing_report_reason = serializers.CharField(
        read_only=True, help_text="Why a result without a report is a fail; empty otherwise."
    )

    class Meta:
        model = Evaluation
        fields = [
            "complex",
            "complex_detail",
            "year",
            "status",
            "category",
            "score",
            "data_score",
            "expert_score",
            "rank",
            "ranked_of",
            "grade",
            "breakdown",
            "scheme",
            "scheme_version",
            "missing_report_by",
            "missing_report_reason",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_scheme_version(self, evaluation) -> str:
        return str(evaluation.scheme)


class JobSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(
        min_value=2017, max_value=2100, write_only=True, help_text="The year to recompute."
    )
    kind = serializers.ChoiceField(choices=JobKind.choices)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "year",
            "parameters",
            "status",
            "progress",
            "step",
            "timings",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [
            "parameters",
            "status",
            "progress",
            "step",
            "timings",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ReviewScoreSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id", help_text="The rubric item's id.")
    item_name = serializers.CharField(source="item.name", read_only=True)
    maximum = serializers.DecimalField(
        source="item.maximum", max_digits=5, decimal_places=2, read_only=True
    )
    points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal(0))
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=COMMENT_MAX_LENGTH, default=""
    )


class ExpertReviewSerializer(serializers.ModelSerializer):
    complex = serializers.IntegerField(source="assignment.complex_id", read_only=True)
    year = serializers.IntegerField(source="assignment.year", read_only=True)
    expert = serializers.IntegerField(source="assignment.expert_id", read_only=True)
    expert_name = serializers.CharField(source="assignment.expert.name", read_only=True)
    scores = ReviewScoreSerializer(many=True, read_only=True)

    class Meta:
        model = ExpertReview
        fields = [
            "id",
            "assignment",
            "complex",
            "year",
            "expert",
            "expert_name",
            "status",
            "total",
            "version",
            "scores",
            "updated_at",
            "submitted_at",
        ]
        read_only_fields = fields


class ManagementDecisionSerializer(serializers.ModelSerializer):
    """What a year's grade did to a complex (动态管理), with its re-check and, for a proposed
    removal, the hearing recorded for the complex's case."""

    complex_code = serializers.CharField(source="complex.code", read_only=True)

    class Meta:
        model = ManagementDecision
        fields = [
            "id",
            "complex",
            "complex_code",
            "year",
            "kind",
            "reason",
            "deadline",
            "proposal_status",
            "decided_at",
            "recheck_outcome",
            "recheck_on",
            "recheck_note",
        ]
        read_only_fields = fields


class ExpertReviewWriteSerializer(serializers.Serializer):
    """Points and comments per rubric item; ``complex`` and ``year`` name the expert's own
    assignment when creating, ``version`` the review's current version when updating."""

    complex = serializers.IntegerField(required=False)
    year = serializers.IntegerField(required=False, min_value=2017, max_value=2100)
    version = serializers.IntegerField(required=False)
    scores = ReviewScoreSerializer(many=True)

    def scores_by_item(self) -> dict[int, tuple[Decimal, str]]:
        return {
            score["item_id"]: (score["points"], score.get("comment", ""))
            for score in self.validated_data["scores"]
        }


class RecheckSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    checked_on = serializers.DateField()
    note = serializers.CharField(max_length=REASON_MAX_LENGTH)


class RemovalDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=REASON_MAX_LENGTH
    )

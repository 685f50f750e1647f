"""``/api/v1/impact-surveys/``: the impact follow-up. An enterprise lists its own surveys and
answers the open ones (``answer``); officials read the answers of their region's complexes;
``by-complex/`` gives per complex the invitations, answers, response rate and the answers'
means, to officials in scope and to an operator for its own complex (never single answers)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.filters import SelectorListMixin
from portal.api.permissions import PolicyPermission
from services import selectors
from services.filters import ImpactSurveyFilter
from services.forms import ImpactSurveyForm
from services.impact import impact_survey_answer
from services.models import ImpactSurvey


class ImpactSurveySerializer(serializers.ModelSerializer):
    offering_title = serializers.CharField(source="request.offering.title", read_only=True)

    class Meta:
        model = ImpactSurvey
        fields = [
            "id", "request", "complex", "enterprise", "offering_title", "status", "sent_at",
            "expires_on", "answered_at", *ImpactSurvey.ANSWER_FIELDS,
        ]  # fmt: skip
        read_only_fields = fields


class ImpactAnswerSerializer(serializers.Serializer):
    """The five answers, all required, validated by the page's form (the same messages, each
    naming its field)."""

    revenue_change = serializers.DecimalField(max_digits=7, decimal_places=2)
    new_products = serializers.IntegerField()
    jobs_created = serializers.IntegerField()
    rd_spend_change = serializers.DecimalField(max_digits=7, decimal_places=2)
    recommend_score = serializers.IntegerField()

    def to_internal_value(self, data):
        form = ImpactSurveyForm(data={name: data.get(name) for name in self.fields})
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(message) for message in errors] for name, errors in form.errors.items()}
            )
        return form.cleaned_data


class ImpactAggregateSerializer(serializers.Serializer):
    complex = serializers.IntegerField()
    invited = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    revenue_change = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    rd_spend_change = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    new_products = serializers.IntegerField(allow_null=True)
    jobs_created = serializers.IntegerField(allow_null=True)
    recommend_score = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)


class ImpactSurveyViewSet(SelectorListMixin, viewsets.ReadOnlyModelViewSet):
    """Impact surveys: the enterprise's own, officials' in their region."""

    serializer_class = ImpactSurveySerializer
    permission_classes = [PolicyPermission]
    policy_actions = {
        "list": "impact_survey.list",
        "retrieve": "impact_survey.list",
        "answer": "impact_survey.answer",
        "by_complex": "impact_survey.aggregate",
    }
    filterset_class = ImpactSurveyFilter

    def get_queryset(self):
        return selectors.impact_surveys(user=self.request.user, filters=self.query_filters())

    @extend_schema(request=ImpactAnswerSerializer, responses=ImpactSurveySerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer an open survey, all five questions at once (409 once answered or expired)."""
        survey = self.get_object()  # another enterprise's survey answers 404
        body = ImpactAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        impact_survey_answer(survey=survey, actor=request.user, **body.validated_data)
        refreshed = self.get_queryset().get(pk=survey.pk)
        return Response(self.get_serializer(refreshed).data, status=status.HTTP_200_OK)

    @extend_schema(responses=ImpactAggregateSerializer(many=True), filters=False)
    @action(
        detail=False,
        methods=["get"],
        url_path="by-complex",
        filter_backends=[],
        pagination_class=None,
    )
    def by_complex(self, request):
        """Per complex in the caller's scope: invitations, answers, the response rate in
        percent (answered / invited) and the answers' means and totals."""
        rows = selectors.impact_by_complex(user=request.user)
        data = [{"complex": complex_id, **row} for complex_id, row in sorted(rows.items())]
        return Response(ImpactAggregateSerializer(data, many=True).data)

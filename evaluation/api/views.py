from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation import (
    expert_review,
    expert_selectors,
    progress,
    recompute,
    report_lock,
    selectors,
    services,
)
from evaluation.filters import EvaluationFilter, ExpertReviewFilter, ReportFilter
from evaluation.models import (
    ExpertAssignment,
    Indicator,
    JobKind,
    ManagementDecision,
    ReportingPeriod,
    ReportValue,
)
from portal import policy
from portal.api.filters import SelectorListMixin
from portal.api.permissions import PolicyPermission
from portal.models import Job

from .serializers import (
    EvaluationSerializer,
    ExpertReviewSerializer,
    ExpertReviewWriteSerializer,
    IndicatorSerializer,
    JobSerializer,
    ManagementDecisionSerializer,
    RecheckSerializer,
    RemovalDecisionSerializer,
    ReportActionSerializer,
    ReportDetailSerializer,
    ReportPreReviewSerializer,
    ReportReopenSerializer,
    ReportReturnSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
    ReportVersionSerializer,
)


class ReportViewSet(
    SelectorListMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Annual reports: the operator fills and submits its own, officials in scope review them."""

    permission_classes = [PolicyPermission]
    policy_actions = {
        "create": "report.fill",
        "partial_update": "report.fill",
        "submit": "report.submit",
        "pre_review": "report.pre_review",
        "return_": "report.return",
        "approve": "report.approve",
        "reopen": "report.reopen",
    }
    filterset_class = ReportFilter

    def get_queryset(self):
        queryset = selectors.reports(
            user=self.request.user, filters=self.query_filters()
        ).prefetch_related(
            Prefetch("values", queryset=ReportValue.objects.select_related("indicator"))
        )
        if self.action == "retrieve":
            queryset = queryset.select_related("complex__region").prefetch_related(
                "events__actor", "values__indicator__counterpart"
            )
        return queryset

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def perform_create(self, serializer):
        serializer.instance = services.report_create(
            complex_=serializer.validated_data["complex"],
            year=serializer.validated_data["year"],
            actor=self.request.user,
        )

    def _answer(self, report):
        return Response(ReportDetailSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=ReportUpdateSerializer, responses=ReportDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Save values (``{indicator code: number}``, ``null`` clears one) and warning comments;
        ``version`` must be the report's current version (409 otherwise, nothing saved)."""
        report = self.get_object()
        data = ReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_update(report=report, actor=request.user, **data.validated_data)
        return self._answer(report)

    @extend_schema(request=ReportActionSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()  # scope first: an object out of scope answers 404, not 400
        data = ReportActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_submit(report=report, actor=request.user, **data.validated_data)
        return self._answer(report)

    @extend_schema(request=ReportPreReviewSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="pre-review")
    def pre_review(self, request, pk=None):
        """A city or county official's comment and recommendation before the province decides."""
        report = self.get_object()
        data = ReportPreReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_pre_review(
            report=report, actor=request.user, **data.validated_data
        )
        return self._answer(report)

    @extend_schema(request=ReportReturnSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        data = ReportReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_return(report=report, actor=request.user, **data.validated_data)
        return self._answer(report)

    @extend_schema(request=ReportActionSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        report = self.get_object()
        data = ReportActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_approve(report=report, actor=request.user, **data.validated_data)
        return self._answer(report)

    @extend_schema(request=ReportReopenSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """The province reopens a report locked after the deadline, with the reason and the
        day until which its operators may edit and submit it."""
        report = self.get_object()
        data = ReportReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_reopen(report=report, actor=request.user, **data.validated_data)
        return self._answer(report)

    @extend_schema(responses=ReportVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """Every submitted version of the report, oldest first."""
        report = self.get_object()
        versions = report.versions.select_related("submitted_by")
        return Response(ReportVersionSerializer(versions, many=True).data)


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator catalogue."""

    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    permission_classes = [PolicyPermission]
    policy_actions: dict = {}
    lookup_field = "code"
    filterset_fields = ["source", "dimension"]


class EvaluationViewSet(SelectorListMixin, viewsets.ReadOnlyModelViewSet):
    """Results: score, rank within the category, grade and breakdown. A published year answers
    its published revision (``status`` ``published``), any other year its draft;
    ``revision=draft`` gives officials the draft beside a published revision."""

    serializer_class = EvaluationSerializer
    permission_classes = [PolicyPermission]
    policy_actions: dict = {}
    filterset_class = EvaluationFilter

    def get_queryset(self):
        return selectors.evaluations(user=self.request.user, filters=self.query_filters())


class JobViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Background jobs: the province starts a recomputation now and watches its progress."""

    queryset = Job.objects.filter(kind=JobKind.RECOMPUTE)
    serializer_class = JobSerializer
    permission_classes = [PolicyPermission]
    policy_actions = dict.fromkeys(("list", "retrieve", "create"), "recompute.run")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = recompute.job_start(
            kind=serializer.validated_data["kind"],
            actor=request.user,
            parameters={"year": serializer.validated_data["year"]},
        )
        job.refresh_from_db()
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)


class ExpertReviewViewSet(
    SelectorListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Expert reviews: the province sees all; an expert sees their own, creates and updates the
    draft (points and a comment per rubric item) and submits it, after which it is locked
    (409)."""

    serializer_class = ExpertReviewSerializer
    permission_classes = [PolicyPermission]
    policy_actions = {
        "list": "expert_review.list",
        "retrieve": "expert_review.list",
        "create": "expert_review.fill",
        "partial_update": "expert_review.fill",
        "submit": "expert_review.fill",
    }
    filterset_class = ExpertReviewFilter

    def get_queryset(self):
        return expert_selectors.reviews_table(user=self.request.user, filters=self.query_filters())

    def _answer(self, review, status_code=status.HTTP_200_OK):
        review = expert_selectors.reviews_table(user=self.request.user).get(pk=review.pk)
        return Response(ExpertReviewSerializer(review).data, status=status_code)

    @extend_schema(request=ExpertReviewWriteSerializer, responses=ExpertReviewSerializer)
    def create(self, request, *args, **kwargs):
        """Start (or save again) the review of one of the expert's assignments, named by
        ``complex`` and ``year``."""
        data = ExpertReviewWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        missing = {
            name: [_("This field is required.")]
            for name in ("complex", "year")
            if data.validated_data.get(name) is None
        }
        if missing:
            raise ValidationError(missing)
        assignment = get_object_or_404(
            ExpertAssignment.objects.in_scope(request.user, "expert_review.fill"),
            complex_id=data.validated_data["complex"],
            year=data.validated_data["year"],
        )
        review = expert_review.review_save(
            actor=request.user, assignment=assignment, scores=data.scores_by_item()
        )
        return self._answer(review, status.HTTP_201_CREATED)

    @extend_schema(request=ExpertReviewWriteSerializer, responses=ExpertReviewSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Save points and comments; ``version`` must be the review's current one (409)."""
        review = self.get_object()
        data = ExpertReviewWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = expert_review.review_save(
            actor=request.user,
            assignment=review.assignment,
            scores=data.scores_by_item(),
            version=data.validated_data.get("version"),
        )
        return self._answer(review)

    @extend_schema(request=None, responses=ExpertReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        review = self.get_object()
        review = expert_review.review_submit(actor=request.user, assignment=review.assignment)
        return self._answer(review)


class ManagementDecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Dynamic management (动态管理): rectifications, their re-checks and proposed removals, for
    officials in scope. Recording a re-check and confirming or dismissing a removal are the
    province's (403 for a city or county); a removal is confirmed only after its hearing
    (``POST /api/v1/complexes/{id}/hearing/``), else 400."""

    serializer_class = ManagementDecisionSerializer
    permission_classes = [PolicyPermission]
    policy_actions = {
        "list": "results.view",
        "retrieve": "results.view",
        "recheck": "rectification.recheck",
        "confirm": "removal.decide",
        "dismiss": "removal.decide",
    }
    filterset_fields = ["year", "kind", "proposal_status", "recheck_outcome"]

    def get_queryset(self):
        return (
            ManagementDecision.objects.in_scope(self.request.user)
            .select_related("complex")
            .order_by("-year", "complex_id", "kind")
        )

    @extend_schema(request=RecheckSerializer, responses=ManagementDecisionSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        """Passed: the complex operates again; failed: its removal is proposed."""
        decision = self.get_object()
        data = RecheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.rectification_recheck(
            decision=decision, actor=request.user, **data.validated_data
        )
        return Response(ManagementDecisionSerializer(decision).data)

    def _decide(self, request, *, confirm: bool):
        decision = self.get_object()
        data = RemovalDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.removal_decide(
            decision=decision, confirm=confirm, actor=request.user, **data.validated_data
        )
        return Response(ManagementDecisionSerializer(decision).data)

    @extend_schema(request=RemovalDecisionSerializer, responses=ManagementDecisionSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._decide(request, confirm=True)

    @extend_schema(request=RemovalDecisionSerializer, responses=ManagementDecisionSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._decide(request, confirm=False)


class ReportingProgressQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2017, max_value=2100)

    def validate_year(self, year: int) -> ReportingPeriod:
        period = ReportingPeriod.objects.filter(year=year).first()
        if period is None:
            raise serializers.ValidationError(
                _("Reporting for %(year)s has not been opened.") % {"year": year}
            )
        return period


class RegionProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField(help_text="province, city or county")
    parent = serializers.CharField(allow_null=True)
    expected = serializers.IntegerField(
        help_text="Provincially evaluated complexes operating or rectifying: they must report."
    )
    draft = serializers.IntegerField(help_text="Expected complexes with a draft or no report.")
    submitted = serializers.IntegerField(help_text="Submitted, not yet pre-reviewed.")
    pre_reviewed = serializers.IntegerField(help_text="Pre-reviewed, waiting for the province.")
    returned = serializers.IntegerField(help_text="Returned and not submitted again.")
    approved = serializers.IntegerField()
    overdue = serializers.IntegerField(
        help_text="Draft, missing or returned after the deadline (or the reopened date)."
    )

    def to_representation(self, row: progress.RegionProgress):
        return {
            "code": row.code,
            "name": row.name,
            "level": row.level,
            "parent": row.parent,
            **row.counts,
        }


class ReportingProgressView(APIView):
    """Who has reported on a year, per region in the caller's scope (officials only): each
    region's counts sum its subtree's expected complexes (evaluation/progress.py)."""

    @extend_schema(
        parameters=[ReportingProgressQuery],
        responses=inline_serializer(
            "ReportingProgress",
            {
                "year": serializers.IntegerField(),
                "deadline": serializers.DateField(),
                "lock_date": serializers.DateField(
                    help_text="After this day drafts and returned reports are locked."
                ),
                "regions": RegionProgressSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        policy.page_requires(request.user, "report.progress")
        query = ReportingProgressQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data["year"]
        rows = progress.progress_by_region(user=request.user, period=period)
        return Response(
            {
                "year": period.year,
                "deadline": period.deadline.isoformat(),
                "lock_date": report_lock.lock_date(period).isoformat(),
                "regions": RegionProgressSerializer(rows, many=True).data,
            }
        )

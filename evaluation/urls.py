from django.urls import path, re_path

from . import expert_views, exports, progress_views, revision_views, views

app_name = "evaluation"
urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/export.xlsx", exports.REPORTS.as_view(), name="reports_export"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    re_path(
        r"^reports/(?P<pk>\d+)/(?P<action>submit|approve|return|pre-review|reopen)/$",
        views.report_action,
        name="report_action",
    ),
    path("reports/<int:pk>/versions/", views.report_versions, name="report_versions"),
    path("reports/<int:pk>/template.xlsx", views.report_template, name="report_template"),
    path("reports/<int:pk>/upload/", views.report_upload, name="report_upload"),
    path("periods/", views.periods, name="periods"),
    path("progress/", progress_views.board, name="progress"),
    path("progress/remind/", progress_views.remind_late, name="progress_remind"),
    path("progress/approve/", progress_views.approve_many, name="progress_approve"),
    path("schemes/", views.scheme, name="scheme"),
    path("schemes/grading/", views.grading_rules, name="grading_rules"),
    path("indicators/", views.indicator_catalogue, name="indicators"),
    path("results/", views.rankings, name="rankings"),
    path("results/export.xlsx", exports.RESULTS.as_view(), name="results_export"),
    path("results/<str:code>/", views.complex_score, name="score"),
    path("results/<str:code>/report.pdf", views.complex_report_pdf, name="score_pdf"),
    path(
        "results/<str:code>/<int:year>/records/<slug:indicator>/",
        revision_views.counted_records,
        name="records",
    ),
    path("revisions/<int:year>/", revision_views.revision, name="revision"),
    re_path(
        r"^revisions/(?P<year>\d+)/(?P<decision>publish|discard)/$",
        revision_views.revision_decide,
        name="revision_decide",
    ),
    path("results/<str:code>/<int:year>/adjust/", views.adjustment_propose, name="adjust"),
    path("adjustments/", views.adjustments, name="adjustments"),
    re_path(
        r"^adjustments/(?P<pk>\d+)/(?P<action>approve|reject|withdraw)/$",
        views.adjustment_action,
        name="adjustment_action",
    ),
    path("adjustments/<int:pk>/evidence/", views.adjustment_evidence, name="adjustment_evidence"),
    re_path(
        r"^decisions/(?P<pk>\d+)/(?P<verdict>confirm|dismiss)/$", views.decision, name="decision"
    ),
    path("experts/", expert_views.experts, name="experts"),
    path("experts/new/", expert_views.expert_new, name="expert_new"),
    path("experts/<int:pk>/", expert_views.expert_edit, name="expert"),
    re_path(
        r"^experts/(?P<pk>\d+)/(?P<change>activate|deactivate)/$",
        expert_views.expert_active,
        name="expert_active",
    ),
    path("assignments/", expert_views.assignments, name="assignments"),
    path(
        "assignments/<int:pk>/delete/",
        expert_views.assignment_delete,
        name="assignment_delete",
    ),
    path("reviews/", expert_views.reviews, name="reviews"),
    path("reviews/<int:pk>/", expert_views.review, name="review"),
    path("decisions/<int:pk>/recheck/", views.recheck, name="recheck"),
    path("jobs/recompute/", views.recompute_now, name="recompute"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
]

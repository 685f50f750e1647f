from django.urls import path

from . import exports, views
from . import voucher_application_views as applications

app_name = "services"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("offerings/<int:pk>/", views.offering_detail, name="offering_detail"),
    path("register/", views.register, name="register"),
    path("requests/", views.request_list, name="requests"),
    path("requests/export.xlsx", exports.SERVICE_REQUESTS.as_view(), name="requests_export"),
    path("requests/export.csv", exports.SERVICE_REQUESTS.as_csv_view(), name="requests_export_csv"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "requests/<int:pk>/deliverables/<int:deliverable_id>/",
        views.deliverable_download,
        name="deliverable_download",
    ),
    path("requests/<int:pk>/<str:action>/", views.request_transition, name="request_transition"),
    path("catalogue/", views.operator_catalogue, name="manage_catalogue"),
    path("catalogue/add/", views.offering_edit, name="offering_add"),
    path("catalogue/<int:pk>/edit/", views.offering_edit, name="offering_edit"),
    path(
        "mountain-26/<str:code>/",
        views.mountain_county_services,
        name="mountain_county_services",
    ),
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("enterprises/export.xlsx", exports.ENTERPRISES.as_view(), name="enterprises_export"),
    path("my-enterprise/", views.my_enterprise, name="my_enterprise"),
    path("my-enterprise/edit/", views.my_enterprise_edit, name="my_enterprise_edit"),
    path("verification/", views.verification_list, name="verification"),
    path("verification/<int:pk>/", views.verification_detail, name="verification_detail"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/licence/", views.claim_licence, name="claim_licence"),
    path("vouchers/", views.voucher_list, name="vouchers"),
    path("vouchers/export.xlsx", exports.VOUCHERS.as_view(), name="vouchers_export"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="voucher_detail"),
    path("voucher-applications/", applications.application_list, name="voucher_applications"),
    path(
        "voucher-applications/new/",
        applications.application_create,
        name="voucher_application_create",
    ),
    path(
        "voucher-applications/<int:pk>/",
        applications.application_detail,
        name="voucher_application_detail",
    ),
    path("settlements/", views.settlement_list, name="settlements"),
    path("settlements/export.xlsx", exports.SETTLEMENTS.as_view(), name="settlements_export"),
]

# Issue 16, items 7 and 8: the settlement review and the fraud signals.
from . import oversight_views, settlement_sheet  # noqa: E402

urlpatterns += [
    path("settlements/review/", oversight_views.settlement_reviews, name="settlement_reviews"),
    path(
        "settlements/review/sheet.xlsx",
        settlement_sheet.SETTLEMENT_REVIEW_SHEET.as_view(),
        name="settlement_review_sheet",
    ),
    path("settlements/mine/", oversight_views.settlement_account, name="settlement_account"),
    path("signals/", oversight_views.fraud_flags, name="fraud_flags"),
]

# Issue 18, item 9: the impact follow-up.
from . import impact_views  # noqa: E402

urlpatterns += [
    path("impact-surveys/", impact_views.survey_list, name="impact_surveys"),
    path("impact-surveys/<int:pk>/", impact_views.survey_detail, name="impact_survey_detail"),
]

from django.urls import path, re_path

from . import exports, views

app_name = "complexes"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.xlsx", exports.COMPLEXES.as_public_view(), name="export"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit_profile, name="edit"),
    path("<str:code>/status/", views.change_status, name="change_status"),
    re_path(
        r"^(?P<code>[^/]+)/status/proposals/(?P<pk>\d+)/(?P<verdict>confirm|dismiss)/$",
        views.decide_proposal,
        name="decide_proposal",
    ),
    path("<str:code>/status/hearing/", views.record_hearing, name="hearing"),
    path("<str:code>/reapply/", views.reapply, name="reapply"),
    path("<str:code>/history/", views.history, name="history"),
    path("<str:code>/<slug:part_name>/add/", views.part_edit, name="part_add"),
    path("<str:code>/<slug:part_name>/<int:pk>/edit/", views.part_edit, name="part_edit"),
    path("<str:code>/<slug:part_name>/<int:pk>/delete/", views.part_delete, name="part_delete"),
]

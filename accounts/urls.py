from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password-change/", views.password_change, name="password_change"),
    path("password-change/done/", views.password_change_done, name="password_change_done"),
    path("profile/", views.profile, name="profile"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.open_notification, name="open_notification"),
    path("inbox/read-all/", views.mark_all_read, name="mark_all_read"),
    path("team/", views.team, name="team"),
    re_path(
        r"^team/(?P<pk>[0-9]+)/(?P<action>role|remove)/$", views.team_member, name="team_member"
    ),
    path("officials/", views.officials, name="officials"),
    re_path(
        r"^officials/(?P<pk>[0-9]+)/(?P<action>activate|deactivate)/$",
        views.official_active,
        name="official_active",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

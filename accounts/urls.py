from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.open_notification, name="open_notification"),
    path("inbox/read-all/", views.mark_all_read, name="mark_all_read"),
]

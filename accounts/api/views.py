from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.models import Notification
from accounts.notifications import notification_mark_read
from accounts.tokens import token_issue, token_revoke
from portal.api.parsers import BoundedJSONParser
from portal.api.throttling import ScopedClientRateThrottle

from .serializers import AuthTokenSerializer, NotificationSerializer


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (POST), or revoke it (DELETE)."""

    serializer_class = AuthTokenSerializer
    parser_classes = [BoundedJSONParser, FormParser]
    renderer_classes = [JSONRenderer]
    throttle_classes = [ScopedClientRateThrottle]
    throttle_scope = "auth"

    def get_serializer_context(self):
        # django-axes marks lockouts on Django's request, where its middleware looks for them.
        return {**super().get_serializer_context(), "request": self.request._request}

    @extend_schema(
        description=(
            "Exchange a username and password for an API token. The same token is returned "
            "until it expires (`DJANGO_API_TOKEN_TTL_DAYS`, 30 days by default), is revoked or "
            "the password changes; then a new one."
        )
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(
        description="Revoke the token the request is authenticated with.",
        request=None,
        responses={204: OpenApiResponse(description="The token no longer authenticates.")},
    )
    def delete(self, request, *args, **kwargs):
        if not isinstance(request.auth, Token):
            raise NotAuthenticated(_("Send the token to revoke in the Authorization header."))
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own inbox."""

    serializer_class = NotificationSerializer
    filterset_fields = {"read_at": ["isnull"]}

    queryset = Notification.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data, status=status.HTTP_200_OK)

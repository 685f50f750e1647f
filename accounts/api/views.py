from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Notification
from accounts.notifications import notification_mark_read
from portal.api.parsers import BoundedJSONParser

from .serializers import AuthTokenSerializer, NotificationSerializer


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token."""

    serializer_class = AuthTokenSerializer
    parser_classes = [BoundedJSONParser, FormParser]
    renderer_classes = [JSONRenderer]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_serializer_context(self):
        # django-axes marks lockouts on Django's request, where its middleware looks for them.
        return {**super().get_serializer_context(), "request": self.request._request}


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

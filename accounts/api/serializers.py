from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken import serializers as authtoken

from accounts.models import Notification, User

# Far above any password a person types; a longer one is refused before it is hashed.
PASSWORD_MAX_LENGTH = 4096


# DRF's login with the lengths bounded: an over-long username reached django-axes, which
# records it in a column of the username's length (a DataError, a 500). Same name as DRF's,
# so the schema's components keep theirs.
class AuthTokenSerializer(authtoken.AuthTokenSerializer):
    username = serializers.CharField(
        label=_("Username"),
        write_only=True,
        max_length=User._meta.get_field("username").max_length,
    )
    password = serializers.CharField(
        label=_("Password"),
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
        max_length=PASSWORD_MAX_LENGTH,
    )


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "url", "created_at", "read_at"]
        read_only_fields = fields

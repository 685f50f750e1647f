"""One serializer per audience for resources anyone may read.

Public endpoints return public fields only. The people's contacts on a row (a contact person,
their phone and e-mail: ``Meta.private_fields``) go only to those who hold the row in scope:
the complex's operator and the officials of its region. Anonymous visitors and users who can
hold no such row (enterprise users) get the public serializer, derived from the full one (``public_variant``), so the
field lists are written once. A signed-in user who may hold some rows in scope reads the full
serializer, which leaves the private fields out of each row the queryset did not mark
``private_access`` (``ScopedQuerySet.with_private_access``): a city official reads the contacts
of their own city's complexes, not of the others on the same page.
"""

from functools import cache

from rest_framework import serializers

from portal import policy


class AudienceSerializer(serializers.ModelSerializer):
    """A model serializer with ``Meta.private_fields``, sent only on rows in the reader's
    scope. A write answers in full: it only ever reaches an object in the writer's scope."""

    def shows_private(self, instance) -> bool:
        return getattr(instance, "private_access", self.context.get("writing", False))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.shows_private(instance):
            for name in self.Meta.private_fields:
                data.pop(name, None)
        return data


@cache
def public_variant(serializer_class: type[AudienceSerializer]) -> type[AudienceSerializer]:
    """``serializer_class`` without its private fields (named ``Public<serializer>``)."""
    meta = serializer_class.Meta
    fields = [name for name in meta.fields if name not in meta.private_fields]
    public_meta = type("Meta", (meta,), {"fields": fields, "private_fields": ()})
    return type(f"Public{serializer_class.__name__}", (serializer_class,), {"Meta": public_meta})


class AudienceViewMixin:
    """For a viewset whose model has a ``ScopedQuerySet``: reads mark each row's private
    access for the caller, and callers who can hold no row in scope get the public variant."""

    def may_hold_rows_in_scope(self, model) -> bool:
        """Whether the policy reaches any row of ``model`` for the caller."""
        return policy.scope_condition(model.objects.all(), self.request.user) is not None

    def get_serializer_class(self):
        serializer_class = super().get_serializer_class()
        # The schema documents the full serializer, whoever asks for it: the private fields are
        # optional there (blank in the models), so every audience's answer conforms.
        if getattr(self, "swagger_fake_view", False):
            return serializer_class
        model = serializer_class.Meta.model
        if self.action in ("list", "retrieve") and not self.may_hold_rows_in_scope(model):
            return public_variant(serializer_class)
        return serializer_class

    def get_serializer_context(self):
        context = super().get_serializer_context()
        return {**context, "writing": self.action not in ("list", "retrieve")}

    def readable(self, queryset):
        """``queryset`` (a public read) with each row's private access marked."""
        return queryset.with_private_access(self.request.user)

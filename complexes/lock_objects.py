"""The row locks of the registry: a complex is the only row its services lock (its status
history is written while it is held). Several complexes are locked in primary-key order."""

from django.db.models import QuerySet

from .models import Complex


def complexes_select_for_update() -> QuerySet[Complex]:
    return Complex.objects.order_by("pk").select_for_update(of=("self",))

"""The row locks of the registry, in the one order its services take them: a city's proposal
first (its decision changes the complex's status), then the complex (its status history is
written while it is held). Several rows of one kind are locked in primary-key order."""

from django.db.models import QuerySet

from .models import Complex, StatusProposal


def status_proposals_select_for_update() -> QuerySet[StatusProposal]:
    """1. Status proposals, while the province decides one."""
    return StatusProposal.objects.order_by("pk").select_for_update(of=("self",))


def complexes_select_for_update() -> QuerySet[Complex]:
    """2. Complexes."""
    return Complex.objects.order_by("pk").select_for_update(of=("self",))

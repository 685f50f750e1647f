"""What an operator keeps for their complex besides its profile: members, instruments, teams.

One description per kind of part drives the same add / edit / remove pages and services.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .forms import InstitutionForm, SharedInstrumentForm, TalentTeamForm
from .models import Institution, SharedInstrument, TalentTeam


@dataclass(frozen=True)
class ComplexPart:
    model: type[models.Model]
    form_class: type
    add_title: Promise
    edit_title: Promise
    remove_title: Promise
    saved_message: Promise
    removed_message: Promise


PARTS = {
    "members": ComplexPart(
        model=Institution,
        form_class=InstitutionForm,
        add_title=_("Add member"),
        edit_title=_("Edit member"),
        remove_title=_("Remove member"),
        saved_message=_("The member institution has been saved."),
        removed_message=_("The member institution has been removed."),
    ),
    "instruments": ComplexPart(
        model=SharedInstrument,
        form_class=SharedInstrumentForm,
        add_title=_("Add instrument"),
        edit_title=_("Edit instrument"),
        remove_title=_("Remove instrument"),
        saved_message=_("The instrument has been saved."),
        removed_message=_("The instrument has been removed."),
    ),
    "teams": ComplexPart(
        model=TalentTeam,
        form_class=TalentTeamForm,
        add_title=_("Add talent team"),
        edit_title=_("Edit talent team"),
        remove_title=_("Remove talent team"),
        saved_message=_("The talent team has been saved."),
        removed_message=_("The talent team has been removed."),
    ),
}

"""Expert review, the second half of the score: the province's expert pool, the assignments of
experts to complexes (with the conflict rule), and the experts' reviews, whose state machine is
one table: a review is saved as a draft as often as the expert likes, then submitted, and a
submitted review is locked (``InvalidTransition``, 409). docs/EVALUATION.md, "Data and experts".

    (an expert saves) ──▶ draft ──save──▶ draft ──submit──▶ submitted (locked, counts in scores)
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complexes.models import Complex, Region, RegionLevel
from portal import policy
from portal.exceptions import DomainError, InvalidTransition, StaleVersion

from . import selectors
from .lock_objects import expert_reviews_select_for_update
from .models import (
    Expert,
    ExpertAssignment,
    ExpertReview,
    ReviewScore,
    ReviewStatus,
    RubricItem,
)

SAVE, SUBMIT = "save", "submit"


@dataclass(frozen=True)
class ReviewTransition:
    sources: frozenset[str]
    target: str


REVIEW_TRANSITIONS: dict[str, ReviewTransition] = {
    SAVE: ReviewTransition(frozenset({ReviewStatus.DRAFT}), ReviewStatus.DRAFT),
    SUBMIT: ReviewTransition(frozenset({ReviewStatus.DRAFT}), ReviewStatus.SUBMITTED),
}


def _move(review: ExpertReview, action: str) -> None:
    transition = REVIEW_TRANSITIONS[action]
    if review.status not in transition.sources:
        raise InvalidTransition(_("A submitted review is locked: it can no longer be changed."))
    review.status = transition.target


def allowed_actions(*, review: ExpertReview | None, user, assignment: ExpertAssignment) -> set:
    """What the user may do to the review now (the page offers exactly these)."""
    if not policy.can(user, "expert_review.fill", assignment):
        return set()
    status = review.status if review is not None else ReviewStatus.DRAFT
    return {action for action, move in REVIEW_TRANSITIONS.items() if status in move.sources}


# The pool -------------------------------------------------------------------------------------


def _city(city: Region) -> Region:
    if city.level != RegionLevel.CITY:
        raise DomainError(_("Choose a prefecture-level city."), field="city")
    return city


@transaction.atomic
def expert_create(
    *,
    actor,
    username: str,
    password: str,
    name: str,
    expertise: str,
    organisation: str,
    city: Region,
    email: str = "",
) -> Expert:
    """Add an expert to the pool with the account they sign in with."""
    policy.require(actor, "expert.manage")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is taken."), field="username")
    user = user_model.objects.new_expert_user(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return Expert.objects.create(
        user=user,
        name=name,
        expertise=expertise,
        organisation=organisation.strip(),
        city=_city(city),
    )


@transaction.atomic
def expert_update(
    *, actor, expert: Expert, name: str, expertise: str, organisation: str, city: Region
) -> Expert:
    """Change an expert's profile (assignments already made stay: the province reviews them
    on the assignments page, which names every conflict)."""
    policy.require(actor, "expert.manage")
    expert.name, expert.expertise = name, expertise
    expert.organisation, expert.city = organisation.strip(), _city(city)
    expert.save()
    return expert


@transaction.atomic
def expert_set_active(*, actor, expert: Expert, active: bool) -> Expert:
    """Deactivate an expert (no sign-in, no new assignment) or take them back."""
    policy.require(actor, "expert.manage")
    expert.user.is_active = active
    expert.user.save(update_fields=["is_active"])
    return expert


# Assignments and the conflict rule -------------------------------------------------------------


def conflict_of(expert: Expert, complex_: Complex) -> DomainError | None:
    """Why the expert may not review the complex, naming the field at fault: an expert of the
    complex's city (GB/T 2260: a region's city is its first four digits and "00"), or from the
    complex's host unit."""
    if expert.city_id == complex_.region.city_code:
        return DomainError(
            _("Conflict of interest: the expert's city (%(city)s) is the complex's city.")
            % {"city": expert.city.name},
            field="city",
        )
    if _same_unit(expert.organisation, complex_.host_unit):
        return DomainError(
            _(
                "Conflict of interest: the expert's organisation (%(organisation)s) is the "
                "complex's host unit."
            )
            % {"organisation": expert.organisation},
            field="organisation",
        )
    return None


def _same_unit(organisation: str, host_unit: str) -> bool:
    return "".join(organisation.split()).casefold() == "".join(host_unit.split()).casefold()


@transaction.atomic
def assignment_create(*, actor, expert: Expert, complex_: Complex, year: int) -> ExpertAssignment:
    """Assign an expert to review a complex's year; refused for an inactive expert, twice the
    same, and by the conflict rule."""
    policy.require(actor, "expert.manage")
    if not expert.user.is_active:
        raise DomainError(_("This expert is deactivated."), field="expert")
    conflict = conflict_of(expert, complex_)
    if conflict is not None:
        raise conflict
    try:
        with transaction.atomic():
            return ExpertAssignment.objects.create(
                expert=expert,
                complex=complex_,
                year=year,
                expert_city=expert.city_id,
                complex_city=complex_.region.city_code,
                assigned_by=actor,
            )
    except IntegrityError:
        raise DomainError(
            _("This expert is already assigned to this complex for %(year)s.") % {"year": year},
            field="expert",
        ) from None


@transaction.atomic
def assignment_delete(*, actor, assignment: ExpertAssignment) -> None:
    """Withdraw an assignment whose review is not submitted."""
    policy.require(actor, "expert.manage")
    review = ExpertReview.objects.filter(assignment=assignment).first()
    if review is not None and review.is_locked:
        raise InvalidTransition(_("The expert has submitted the review: the assignment stays."))
    assignment.delete()


# Reviews -------------------------------------------------------------------------------------


def rubric_for(assignment: ExpertAssignment) -> list[RubricItem]:
    """The rubric of the scheme in force for the assignment's complex and year."""
    scheme = selectors.scheme_for(year=assignment.year, category=assignment.complex.category)
    return list(scheme.rubric_items.all()) if scheme is not None else []


def _points(raw, item: RubricItem) -> Decimal:
    try:
        points = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter a number."), field=f"points_{item.pk}") from None
    if not 0 <= points <= item.maximum:
        raise DomainError(
            _("%(item)s: give from 0 to %(maximum)s points.")
            % {"item": _(item.name), "maximum": item.maximum},
            field=f"points_{item.pk}",
        )
    return points


@transaction.atomic
def review_save(
    *,
    actor,
    assignment: ExpertAssignment,
    scores: dict[int, tuple[object, str]],
    version: int | None = None,
) -> ExpertReview:
    """Save the expert's points and comments (by rubric item id) as a draft; items left out
    keep what was saved. Refused once submitted, and when ``version`` is not the current one."""
    policy.require(actor, "expert_review.fill", assignment)
    review, _created = expert_reviews_select_for_update().get_or_create(assignment=assignment)
    if version is not None and version != review.version:
        raise StaleVersion(_("Someone saved this review meanwhile: reload it and try again."))
    _move(review, SAVE)
    rubric = {item.pk: item for item in rubric_for(assignment)}
    unknown = set(scores) - set(rubric)
    if unknown:
        raise DomainError(_("This item is not in the rubric."), field="scores")
    for item_id, (raw, comment) in scores.items():
        ReviewScore.objects.update_or_create(
            review=review,
            item_id=item_id,
            defaults={"points": _points(raw, rubric[item_id]), "comment": comment or ""},
        )
    review.total = sum(
        ReviewScore.objects.filter(review=review, item_id__in=rubric).values_list(
            "points", flat=True
        ),
        Decimal(0),
    )
    review.version += 1
    review.save()
    return review


@transaction.atomic
def review_submit(*, actor, assignment: ExpertAssignment) -> ExpertReview:
    """Submit the review: every rubric item must be scored; it is locked from then on."""
    policy.require(actor, "expert_review.fill", assignment)
    review = expert_reviews_select_for_update().filter(assignment=assignment).first()
    if review is None:
        raise DomainError(_("Score every item of the rubric before submitting."), field="scores")
    _move(review, SUBMIT)
    rubric = {item.pk for item in rubric_for(assignment)}
    scored = set(review.scores.values_list("item_id", flat=True))
    if not rubric or rubric - scored:
        raise DomainError(_("Score every item of the rubric before submitting."), field="scores")
    review.submitted_at = timezone.now()
    review.version += 1
    review.save()
    return review

"""The demo's provincial official (the registry's demo adds one official per city and county)
and the accounts ``seed_demo`` prints."""

from portal.seeding import DemoContext

from .models import Role, TeamRole, User


def seed(context: DemoContext) -> None:
    User.objects.create(
        username="province",
        first_name="浙江省科技厅",
        role=Role.PROVINCIAL_OFFICIAL,
        password=context.password_hash,
        email="province@example.org",
    )


def headline_accounts() -> list[tuple[str, str]]:
    """One account of each kind, read back from the seeded database."""
    accounts = [
        ("province", "provincial official: the whole province"),
        ("city-330700", "Jinhua city official (city-<code> for each of the 11 cities)"),
        ("county-330784", "Yongkang county official (county-<code> for each county)"),
    ]
    operator = User.objects.filter(role=Role.OPERATOR).order_by("username").first()
    if operator:
        accounts.append((operator.username, "operator of a complex (op-<complex code>)"))
        accounts.append(
            (f"{operator.username}.staff", "staff member of that complex's team (no submission)")
        )
    enterprise_users = User.objects.filter(role=Role.ENTERPRISE).order_by("username")
    enterprise_user = enterprise_users.filter(enterprise__verified=True).first()
    if enterprise_user:
        accounts.append((enterprise_user.username, "enterprise user (ent-<credit code>)"))
    pending_user = enterprise_users.filter(enterprise__verified=False).first()
    if pending_user:
        accounts.append((pending_user.username, "enterprise user awaiting verification"))
    expert = User.objects.filter(role=Role.EXPERT).order_by("username").first()
    if expert:
        accounts.append((expert.username, "expert of the province's pool (expert1 … expert12)"))
    existing = set(
        User.objects.filter(username__in=[name for name, _ in accounts]).values_list(
            "username", flat=True
        )
    )
    return [(username, text) for username, text in accounts if username in existing]


# The complexes and enterprises whose owner has colleagues in the demo (the first ones by
# username): a manager and a staff member for complexes, a staff member for enterprises.
DEMO_TEAMS = 3


def seed_teams(context: DemoContext) -> None:
    """Colleagues of some owners, once the complexes and enterprises have their owners (the
    project's demo step calls this last)."""
    colleagues = []
    operators = User.objects.filter(role=Role.OPERATOR).order_by("username")[:DEMO_TEAMS]
    for owner in operators:
        for team_role in (TeamRole.MANAGER, TeamRole.STAFF):
            colleagues.append(_colleague_of(owner, team_role, context))
    enterprise_users = User.objects.filter(
        role=Role.ENTERPRISE, enterprise__verified=True, is_active=True
    ).order_by("username")[:DEMO_TEAMS]
    for owner in enterprise_users:
        colleagues.append(_colleague_of(owner, TeamRole.STAFF, context))
    User.objects.bulk_create(colleagues)


def _colleague_of(owner: User, team_role: str, context: DemoContext) -> User:
    name = context.person_name()
    return User(
        username=f"{owner.username}.{team_role}",
        first_name=name,
        role=owner.role,
        team_role=team_role,
        complex_id=owner.complex_id,
        enterprise_id=owner.enterprise_id,
        password=context.password_hash,
        email=f"{owner.username}.{team_role}@example.org",
        phone=context.phone(),
    )

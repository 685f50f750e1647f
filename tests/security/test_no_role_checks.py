"""Who may do what is decided by the policy only: no role check anywhere else in the source.

Allowed: the policy itself (``portal/policy.py``, ``accounts/policy.py``), the role definitions
and the queries of who holds a role (``accounts/models.py``), the migrations, the demo data that
creates users, and the tests.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = (
    "accounts",
    "complexes",
    "services",
    "evaluation",
    "funding",
    "dashboard",
    "portal",
)
ALLOWED = {
    "portal/policy.py",
    "accounts/policy.py",
    "accounts/models.py",
}
ROLE_CHECK = re.compile(
    r"is_provincial_official|is_regional_official|is_official|is_operator|is_enterprise_user"
    r"|is_superuser|\brole\s*[!=]=|\bRole\.|action_roles"
)


def allowed(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return relative in ALLOWED or "/migrations/" in relative or path.name == "demo.py"


def role_checks() -> list[str]:
    found = []
    folders = [ROOT / name for name in SOURCE_FOLDERS] + [ROOT / "templates"]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".py", ".html", ".txt") or allowed(path):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if ROLE_CHECK.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_role_check_outside_the_policy():
    assert role_checks() == []


def test_the_check_finds_a_role_check():
    assert ROLE_CHECK.search("if user.is_provincial_official or user.is_superuser:")
    assert ROLE_CHECK.search("{% if user.is_operator %}")
    assert ROLE_CHECK.search("User.objects.filter(role=Role.OPERATOR)")
    assert not ROLE_CHECK.search('policy.can(user, "report.approve", report)')

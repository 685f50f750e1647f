"""Who may do what in the portal: one table, role × action × scope, read by ``portal.policy``.

Each action lists the roles that may do it and where (``ALL``: anywhere; ``SUBTREE``: in the
official's region and everything under it; ``OWN_COMPLEX``: on the operator's own complex;
``OWN_ENTERPRISE``: on the enterprise user's own enterprise). A role not listed may not.
Portal staff (``Role.STAFF``) appear nowhere: they work in Django's admin only. A superuser
acts as a provincial official everywhere (``portal.policy.SUPERUSER_ACTS_AS``).
docs/PERMISSIONS.md shows this table (``permissions_markdown``); tests/security/test_policy.py
fails when they differ.
"""

from portal.policy import ALL, OWN_COMPLEX, OWN_ENTERPRISE, SUBTREE

from .models import Role

PROVINCE = Role.PROVINCIAL_OFFICIAL.value
REGION = Role.REGIONAL_OFFICIAL.value
OPERATOR = Role.OPERATOR.value
ENTERPRISE = Role.ENTERPRISE.value

OFFICIALS = {PROVINCE: ALL, REGION: SUBTREE}

RULES: dict[str, dict[str, str]] = {
    # What each role reads privately of every scoped table (``in_scope(user)``).
    "view": {**OFFICIALS, OPERATOR: OWN_COMPLEX, ENTERPRISE: OWN_ENTERPRISE},
    "history.view": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    # History of what no region owns (funding rules, the indicator catalogue).
    "history.view_unscoped": OFFICIALS,
    # The registry of complexes.
    "complex.create": {PROVINCE: ALL},
    "complex.change_profile": {PROVINCE: ALL, OPERATOR: OWN_COMPLEX},
    "complex.change_classification": {PROVINCE: ALL},
    "complex.change_status": {PROVINCE: ALL},
    "complex.propose_status": {REGION: SUBTREE},
    "complex.manage_parts": {OPERATOR: OWN_COMPLEX},
    # Services, requests and vouchers.
    "offering.manage": {OPERATOR: OWN_COMPLEX},
    "enterprise.list": OFFICIALS,
    "enterprise.verify": OFFICIALS,
    "enterprise.upload_licence": {ENTERPRISE: OWN_ENTERPRISE},
    "enterprise.edit_profile": {ENTERPRISE: OWN_ENTERPRISE},
    "service_request.create": {ENTERPRISE: OWN_ENTERPRISE},
    "service_request.handle": {OPERATOR: OWN_COMPLEX},
    "service_request.respond": {ENTERPRISE: OWN_ENTERPRISE},
    "voucher.list": {**OFFICIALS, ENTERPRISE: OWN_ENTERPRISE},
    "voucher.issue": {PROVINCE: ALL},
    "settlement.list": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    "settlement.view_due": OFFICIALS,
    "settlement.settle": {PROVINCE: ALL},
    # The month's review before payment (services/settlement_review.py).
    "settlement.follow": {OPERATOR: OWN_COMPLEX},
    "settlement.prepare": {PROVINCE: ALL},
    "settlement.check": {REGION: SUBTREE},
    # Fraud signals on voucher-paid requests (services/fraud.py).
    "fraud_flag.view": OFFICIALS,
    "fraud_flag.clear": OFFICIALS,
    # Annual reports and the evaluation.
    "period.open": {PROVINCE: ALL},
    "report.list": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    "report.fill": {OPERATOR: OWN_COMPLEX},
    "report.pre_review": {REGION: SUBTREE},
    "report.return": OFFICIALS,
    "report.approve": {PROVINCE: ALL},
    "scheme.view": OFFICIALS,
    "scheme.change": {PROVINCE: ALL},
    "results.view": OFFICIALS,
    "score.view": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    "adjustment.apply": {PROVINCE: ALL},
    "adjustment.propose": {REGION: SUBTREE},
    "removal.decide": {PROVINCE: ALL},
    "recompute.run": {PROVINCE: ALL},
    # Funding.
    "funding.view": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    "funding.view_drafts": OFFICIALS,
    "funding.rules_view": OFFICIALS,
    "funding.decide": {PROVINCE: ALL},
    # The officials' dashboard.
    "dashboard.view": OFFICIALS,
}

ROLE_COLUMNS = {
    PROVINCE: "provincial official (and superuser)",
    REGION: "city/county official",
    OPERATOR: "operator",
    ENTERPRISE: "enterprise user",
    Role.STAFF.value: "portal staff",
}
SCOPE_WORDS = {
    ALL: "all",
    SUBTREE: "own region's subtree",
    OWN_COMPLEX: "own complex",
    OWN_ENTERPRISE: "own enterprise",
}


def permissions_markdown() -> str:
    """The table as docs/PERMISSIONS.md shows it: one row per action, one column per role."""
    lines = [
        "| action | " + " | ".join(ROLE_COLUMNS.values()) + " |",
        "|---|" + "---|" * len(ROLE_COLUMNS),
    ]
    for action, scopes in RULES.items():
        cells = [SCOPE_WORDS[scopes[role]] if role in scopes else "—" for role in ROLE_COLUMNS]
        lines.append(f"| `{action}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"

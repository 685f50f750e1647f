"""Who may do what in the portal: one table, role × action × scope, read by ``portal.policy``.

Each action lists the roles that may do it and where (``ALL``: anywhere; ``SUBTREE``: in the
official's region and everything under it; ``OWN_COMPLEX``: on the operator's own complex;
``OWN_ENTERPRISE``: on the enterprise user's own enterprise; ``OWN_ASSIGNMENTS``: on the
complexes and years the province assigned the expert). A role not listed may not.
Portal staff (``Role.STAFF``) appear nowhere: they work in Django's admin only. A superuser
acts as a provincial official everywhere (``portal.policy.SUPERUSER_ACTS_AS``).
docs/PERMISSIONS.md shows this table (``permissions_markdown``); tests/security/test_policy.py
fails when they differ.
"""

from portal.policy import ALL, OWN_ASSIGNMENTS, OWN_COMPLEX, OWN_ENTERPRISE, SUBTREE

from .models import TEAM_ANCHORS, Role, TeamRole

PROVINCE = Role.PROVINCIAL_OFFICIAL.value
REGION = Role.REGIONAL_OFFICIAL.value
OPERATOR = Role.OPERATOR.value
ENTERPRISE = Role.ENTERPRISE.value
EXPERT = Role.EXPERT.value

OFFICIALS = {PROVINCE: ALL, REGION: SUBTREE}
OWNER = TeamRole.OWNER.value
MANAGER = TeamRole.MANAGER.value
TEAM_STAFF = TeamRole.STAFF.value

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
    # Every removal needs the hearing the province held first; a removed complex applies
    # again as a new complex the province registers from its profile.
    "complex.record_hearing": {PROVINCE: ALL},
    "complex.reapply": {PROVINCE: ALL},
    "complex.manage_parts": {OPERATOR: OWN_COMPLEX},
    # Accounts: the team of a complex or an enterprise, the officials.
    "team.view": {OPERATOR: OWN_COMPLEX, ENTERPRISE: OWN_ENTERPRISE},
    "team.manage": {OPERATOR: OWN_COMPLEX, ENTERPRISE: OWN_ENTERPRISE},
    "official.manage": {PROVINCE: ALL},
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
    "voucher_application.create": {ENTERPRISE: OWN_ENTERPRISE},
    "voucher_application.list": {**OFFICIALS, ENTERPRISE: OWN_ENTERPRISE},
    # Approve or reject: which step (review or issue) the service decides by the status.
    "voucher_application.decide": OFFICIALS,
    "voucher_application.review": {REGION: SUBTREE},
    # A city official issues in the city's subtree only when the year's rules delegate it.
    "voucher_application.issue_delegated": {REGION: SUBTREE},
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
    # The impact follow-up (services/impact.py): the enterprise answers its own surveys;
    # officials read the answers in their region; the operator sees its complex's aggregate
    # only, never one enterprise's answer (answers given to the province, not to the provider).
    "impact_survey.list": {**OFFICIALS, ENTERPRISE: OWN_ENTERPRISE},
    "impact_survey.answer": {ENTERPRISE: OWN_ENTERPRISE},
    "impact_survey.aggregate": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    # Annual reports and the evaluation.
    "period.open": {PROVINCE: ALL},
    "report.list": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    "report.fill": {OPERATOR: OWN_COMPLEX},
    "report.submit": {OPERATOR: OWN_COMPLEX},
    "report.pre_review": {REGION: SUBTREE},
    "report.return": OFFICIALS,
    "report.approve": {PROVINCE: ALL},
    # The completeness board (evaluation/progress.py): who has reported, reminding the late
    # ones; the province reopens a report locked after the deadline (evaluation/report_lock.py).
    "report.progress": OFFICIALS,
    "report.remind": OFFICIALS,
    "report.reopen": {PROVINCE: ALL},
    "scheme.view": OFFICIALS,
    "scheme.change": {PROVINCE: ALL},
    "results.view": OFFICIALS,
    "score.view": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    # Bonus and penalty items (evaluation/adjustment_workflow.py): cities and counties
    # propose, the province decides; a proposer withdraws only their own proposal.
    "adjustment.list": OFFICIALS,
    "adjustment.propose": {REGION: SUBTREE},
    "adjustment.decide": {PROVINCE: ALL},
    "adjustment.withdraw": OFFICIALS,
    "removal.decide": {PROVINCE: ALL},
    # Expert review (evaluation/expert_review.py): the province keeps the pool and assigns
    # experts to complexes; an expert reads the assigned complexes' reports and scores them.
    "expert.manage": {PROVINCE: ALL},
    "expert_review.list": {PROVINCE: ALL, EXPERT: OWN_ASSIGNMENTS},
    "expert_review.fill": {EXPERT: OWN_ASSIGNMENTS},
    "rectification.recheck": {PROVINCE: ALL},
    "recompute.run": {PROVINCE: ALL},
    # A year's draft revision beside its published one (?revision=draft); publishing or
    # discarding it, and the page comparing the two, are the province's.
    "results.view_drafts": OFFICIALS,
    "results.publish": {PROVINCE: ALL},
    # Funding.
    "funding.view": {**OFFICIALS, OPERATOR: OWN_COMPLEX},
    "funding.view_drafts": OFFICIALS,
    "funding.rules_view": OFFICIALS,
    "funding.decide": {PROVINCE: ALL},
    # The officials' dashboard.
    "dashboard.view": OFFICIALS,
}

# What a team's managers and staff members may not do of what their role may: for each action
# named here, the team roles that keep it (every other action is the whole team's). Managers do
# everything but manage colleagues; staff members handle requests and the catalogue, but
# neither submit the annual report nor speak for the complex or enterprise in its profile.
TEAM_LIMITS: dict[str, set[str]] = {
    "team.manage": {OWNER},
    "report.submit": {OWNER, MANAGER},
    "complex.change_profile": {OWNER, MANAGER},
    "enterprise.edit_profile": {OWNER, MANAGER},
    "enterprise.upload_licence": {OWNER, MANAGER},
    "voucher_application.create": {OWNER, MANAGER},
}
TEAM_ROLES = {role.value for role in TEAM_ANCHORS}
TEAM_COLUMNS = {OWNER: "owner", MANAGER: "manager", TEAM_STAFF: "staff member"}

ROLE_COLUMNS = {
    PROVINCE: "provincial official (and superuser)",
    REGION: "city/county official",
    OPERATOR: "operator",
    ENTERPRISE: "enterprise user",
    EXPERT: "expert",
    Role.STAFF.value: "portal staff",
}
SCOPE_WORDS = {
    ALL: "all",
    SUBTREE: "own region's subtree",
    OWN_COMPLEX: "own complex",
    OWN_ENTERPRISE: "own enterprise",
    OWN_ASSIGNMENTS: "own assignments",
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
    lines += [
        "",
        "Within the team of a complex or an enterprise (operators, enterprise users), these "
        "actions are narrowed by the person's team role; every other action is the whole team's:",
        "",
        "| action | " + " | ".join(TEAM_COLUMNS.values()) + " |",
        "|---|" + "---|" * len(TEAM_COLUMNS),
    ]
    for action, team in TEAM_LIMITS.items():
        cells = ["yes" if team_role in team else "—" for team_role in TEAM_COLUMNS]
        lines.append(f"| `{action}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"

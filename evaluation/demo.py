"""Demo reports: three past years approved for every complex that is not removed, the current
year a mix of drafts, submitted and returned reports, and the bonus and penalty items cities
and counties proposed; then one recomputation per past year so scores, ranks, grades and their
consequences exist.

The deadline lock (evaluation/report_lock.py): the past years are locked, and in the one before
the latest a few provincial complexes never submitted: they fail that year for want of a report
(evaluation/missing_reports.py), but one of them, which the province reopened, is open until a
new date. The current year's deadline passed a few days ago, short of its lock: its drafts and
returned reports are overdue.

Values are scaled from the seeds' totals for the 65 provincial complexes (414,000 services,
16,000 problems solved, 6,811 technology transactions, 38.8 bn CNY R&D spend, …), smaller for
city and county complexes, growing about 10 % a year, with some matching-fund shortfalls.
"""

import math
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role, User
from complexes.models import Complex, Level, Status
from portal.models import Job
from portal.seeding import DemoContext

from .models import (
    Adjustment,
    AdjustmentStatus,
    AnnualReport,
    EvaluationScheme,
    Expert,
    ExpertAssignment,
    ExpertReview,
    Indicator,
    JobKind,
    ManagementDecision,
    ManagementKind,
    ProposalStatus,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    ReportVersion,
    ReviewScore,
    ReviewStatus,
)
from .recompute import derived_values_refresh, job_run
from .revisions import revision_publish
from .selectors import scheme_for

PROVINCIAL_COMPLEXES = 65
# The seeds' provincial totals (latest year), shared out per provincial complex.
SEED_TOTALS = {
    "st_projects": 1_478,
    "iur_enterprises": 6_329,
    "services_to_enterprises": 414_000,
    "problems_solved": 16_000,
    "tech_transactions": 6_811,
    "tech_transaction_amount": 12_400_000_000,
    "venture_funds": 26_060_000_000,
    "ip_pledge_loans": 5_570_000_000,
    "cluster_revenue": 2_300_000_000_000,
    "cluster_rd_spend": 38_800_000_000,
    "high_tech_enterprises": 3_131,
    "tech_smes": 7_865,
    "key_technologies": 1_950,
    "talent_introduced": 2_296,
    "policies_implemented": 780,
}
LEVEL_SIZE = {Level.PROVINCIAL: 1.0, Level.CITY: 0.35, Level.COUNTY: 0.2}
YEARLY_GROWTH = 1.10
RETURN_REASONS = [
    "研发投入数据与统计年报口径不一致，请核实后重新提交。",
    "技术交易额缺少合同登记佐证，请补充说明。",
    "服务企业次数较上年变化较大，请补充说明原因。",
]


def seed(context: DemoContext) -> None:
    rng = context.rng
    today = context.today
    current = today.year
    past = [current - 3, current - 2, current - 1]
    # Periods are not tied to complexes: a database reseeded after deleting them keeps its own.
    ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(year=year, deadline=today.replace(year=year + 1, month=3, day=31))
            for year in past
        ]
        + [ReportingPeriod(year=current, deadline=today - timedelta(days=CURRENT_OVERDUE_DAYS))],
        ignore_conflicts=True,
    )
    # The province grades with a quota: at most 15 % of a category excellent, 180 days to rectify.
    EvaluationScheme.objects.update(excellent_quota_percent=Decimal(15), rectification_days=180)
    indicators = {i.code: i for i in Indicator.objects.reported()}
    complexes = list(Complex.objects.exclude(status=Status.REMOVED).order_by("code"))
    quality = {c.pk: min(3.0, max(0.15, math.exp(rng.gauss(0, 0.7)))) for c in complexes}
    provincial_money = {c.pk: rng.randint(20, 70) * 1_000_000 for c in complexes}
    # The year before the latest past one: its lock has passed whatever the day of the year.
    missing = _never_submitted(complexes, past[-2])
    reports, values, versions, events = [], [], [], []
    now = timezone.now()
    for year in [*past, current]:
        for complex_ in complexes:
            if complex_.founded_year > year:
                continue
            status, reason = _status(rng, year, current)
            never_submitted = year == past[-2] and complex_.pk in missing
            report = AnnualReport(
                complex=complex_,
                year=year,
                status=status,
                return_reason=reason,
                submitted_at=now if status != ReportStatus.DRAFT else None,
                approved_at=now if status == ReportStatus.APPROVED else None,
            )
            reports.append(report)
            figures = _figures(rng, complex_, year, current, quality, provincial_money)
            if status == ReportStatus.DRAFT:
                kept = rng.sample(sorted(figures), k=rng.randint(0, len(figures)))
                figures = {code: figures[code] for code in kept}
            values += [
                ReportValue(report=report, indicator=indicators[code], value=value)
                for code, value in figures.items()
            ]
            if never_submitted:
                report.status, report.submitted_at, report.approved_at = (
                    ReportStatus.DRAFT,
                    None,
                    None,
                )
                if complex_.pk == missing[0]:
                    _reopen(report, events, today)
                continue
            if status != ReportStatus.DRAFT:
                report.version = 3 if status == ReportStatus.RETURNED else 2
                versions.append(
                    ReportVersion(
                        report=report,
                        number=1,
                        values={code: str(value) for code, value in sorted(figures.items())},
                        submitted_at=now,
                    )
                )
                events.append(ReportEvent(report=report, action=ReportAction.SUBMIT))
            if status == ReportStatus.APPROVED:
                events.append(ReportEvent(report=report, action=ReportAction.APPROVE))
            if status == ReportStatus.RETURNED:
                events.append(
                    ReportEvent(report=report, action=ReportAction.RETURN, comment=reason)
                )
    AnnualReport.objects.bulk_create(reports, batch_size=2000)
    ReportValue.objects.bulk_create(values, batch_size=5000)
    ReportVersion.objects.bulk_create(versions, batch_size=2000)
    ReportEvent.objects.bulk_create(events, batch_size=5000)
    _adjustments(rng, complexes, past)
    _expert_reviews(context, complexes, quality, past, current)
    # The steps other apps plug in (funding, dashboard figures) run in their own demo steps:
    # the year's funding rules, whose pool grows with the province, do not exist yet.
    for year in past:
        job = Job.objects.create(kind=JobKind.RECOMPUTE, parameters={"year": year})
        job_run(job_id=job.pk, plugged_in_steps=False)
    # Every computed year but the latest is published; the latest awaits the province's review.
    province = User.objects.filter(role=Role.PROVINCIAL_OFFICIAL).order_by("pk").first()
    if province is not None:
        for year in past[:-1]:
            revision_publish(year=year, actor=province)
    _management(today, past)
    # The current year's reports show their derived values before the first nightly run.
    derived_values_refresh(year=current)


def _management(today, past: list[int]) -> None:
    """Dynamic management beyond what the computed years decided: the complexes put into
    rectification a year ago await their re-check (the first one overdue), and every removed
    complex's removal was proposed and confirmed after its hearing (complexes.demo)."""
    rectifying = (
        Complex.objects.filter(status=Status.RECTIFYING)
        .exclude(
            pk__in=ManagementDecision.objects.filter(kind=ManagementKind.RECTIFY).values(
                "complex_id"
            )
        )
        .order_by("code")
    )
    removed = Complex.objects.filter(status=Status.REMOVED).order_by("code")
    year = past[-2]
    decisions = [
        ManagementDecision(
            complex=complex_,
            year=year,
            kind=ManagementKind.RECTIFY,
            reason=f"{year}年度绩效评价不合格，限期整改。",
            deadline=today - timedelta(days=20) if position == 0 else today + timedelta(days=60),
        )
        for position, complex_ in enumerate(rectifying)
    ]
    decisions += [
        ManagementDecision(
            complex=complex_,
            year=year,
            kind=ManagementKind.PROPOSE_REMOVAL,
            reason="整改期满复核未通过，提议摘牌。",
            proposal_status=ProposalStatus.CONFIRMED,
            decided_at=timezone.now(),
        )
        for complex_ in removed
    ]
    ManagementDecision.objects.bulk_create(decisions, ignore_conflicts=True)


# (item, reason, outcome): bonus and penalty items cities and counties proposed, as decided.
ADJUSTMENTS = [
    ("national_award", "牵头项目获国家科学技术进步奖二等奖。", AdjustmentStatus.APPROVED),
    (
        "mountain_county_service",
        "结对服务山区26县企业120家次，成效突出。",
        AdjustmentStatus.APPROVED,
    ),
    ("reform_pilot", "承担省级科技成果转化改革试点。", AdjustmentStatus.APPROVED),
    ("false_reporting", "技术交易额虚报，经审计核实。", AdjustmentStatus.APPROVED),
    ("national_award", "行业协会颁发的奖项，非国家级。", AdjustmentStatus.REJECTED),
    ("reform_pilot", "试点尚未获批，先行撤回。", AdjustmentStatus.WITHDRAWN),
]


def _adjustments(rng, complexes, past: list[int]) -> None:
    """A few items per past year, proposed by the complex's county (or city) official and
    decided by the province before the year was computed; the last past year also has some
    still awaiting the province."""
    officials = {
        user.region_id: user
        for user in User.objects.filter(role=Role.REGIONAL_OFFICIAL).order_by("pk")
    }
    province = User.objects.filter(role=Role.PROVINCIAL_OFFICIAL).order_by("pk").first()
    provincial = [c for c in complexes if c.level == Level.PROVINCIAL]
    if province is None or not officials or not provincial:
        return
    rows = []
    for year in past:
        outcomes = ADJUSTMENTS + (
            [(code, reason, AdjustmentStatus.PROPOSED) for code, reason, _ in ADJUSTMENTS[:2]]
            if year == past[-1]
            else []
        )
        chosen = rng.sample(provincial, k=min(len(outcomes), len(provincial)))
        for complex_, (code, reason, status) in zip(chosen, outcomes, strict=False):
            proposer = officials.get(complex_.region_id) or officials.get(
                complex_.region_id[:4] + "00"
            )
            proposed_at = timezone.make_aware(datetime(year + 1, 2, rng.randint(1, 20), 10))
            decided = status in (AdjustmentStatus.APPROVED, AdjustmentStatus.REJECTED)
            rows.append(
                Adjustment(
                    complex=complex_,
                    year=year,
                    item_code=code,
                    reason=reason,
                    status=status,
                    proposed_by=proposer,
                    proposed_at=proposed_at,
                    decided_by=province if decided else None,
                    decided_at=proposed_at + timedelta(days=12) if decided else None,
                    decision_note="经核实，同意。"
                    if status == AdjustmentStatus.APPROVED
                    else ("奖项级别不符合加分条件。" if decided else ""),
                    withdrawn_by=proposer if status == AdjustmentStatus.WITHDRAWN else None,
                    withdrawn_at=proposed_at + timedelta(days=3)
                    if status == AdjustmentStatus.WITHDRAWN
                    else None,
                )
            )
    Adjustment.objects.bulk_create(rows)


# The province's expert pool (demo logins expert1 … expert12): name, field, organisation, city.
EXPERTS = [
    ("陈立新", "先进制造", "浙江大学", "330100"),
    ("王海燕", "新材料", "宁波大学", "330200"),
    ("李建国", "电气自动化", "温州大学", "330300"),
    ("张晓峰", "纺织与服装", "嘉兴学院", "330400"),
    ("刘静", "绿色家居", "湖州师范学院", "330500"),
    ("周明", "技术转移", "绍兴文理学院", "330600"),
    ("吴婷", "五金机械", "浙江师范大学", "330700"),
    ("郑伟", "科技金融", "衢州学院", "330800"),
    ("孙丽", "海洋经济", "浙江海洋大学", "330900"),
    ("钱进", "医药化工", "台州学院", "331000"),
    ("何芳", "知识产权", "丽水学院", "331100"),
    ("黄志强", "产业经济", "浙江工业大学", "330100"),
]
EXPERTS_PER_COMPLEX = 3


def _expert_reviews(context: DemoContext, complexes, quality, past: list[int], current: int):
    """The expert pool; three conflict-free experts per provincial complex and year; submitted
    reviews for the past years (a better complex, better marks), drafts for some complexes of
    the current year."""
    rng = context.rng
    experts = []
    for number, (name, field, organisation, city) in enumerate(EXPERTS, 1):
        user = User.objects.create(
            username=f"expert{number}",
            first_name=name,
            role=Role.EXPERT,
            password=context.password_hash,
            email=f"expert{number}@example.org",
        )
        experts.append(
            Expert.objects.create(
                user=user, name=name, expertise=field, organisation=organisation, city_id=city
            )
        )
    evaluated = [
        c
        for c in complexes
        if c.level == Level.PROVINCIAL and c.status in (Status.OPERATING, Status.RECTIFYING)
    ]
    assignments, reviews, scores = [], [], []
    now = timezone.now()
    for year in [*past, current]:
        rubrics = {}
        for complex_ in evaluated:
            if complex_.founded_year > year:
                continue
            city = complex_.region_id[:4] + "00"
            eligible = [
                expert
                for expert in experts
                if expert.city_id != city and expert.organisation != complex_.host_unit
            ]
            for expert in rng.sample(eligible, k=EXPERTS_PER_COMPLEX):
                assignment = ExpertAssignment(
                    expert=expert,
                    complex=complex_,
                    year=year,
                    expert_city=expert.city_id,
                    complex_city=city,
                )
                assignments.append(assignment)
                if year == current and rng.random() > 0.3:
                    continue  # not started yet
                if complex_.category not in rubrics:
                    scheme = scheme_for(year=year, category=complex_.category)
                    rubrics[complex_.category] = list(scheme.rubric_items.all()) if scheme else []
                rubric = rubrics[complex_.category]
                share = min(0.97, max(0.35, 0.62 + 0.1 * math.log(quality[complex_.pk])))
                marks = [
                    Decimal(
                        round(float(item.maximum) * min(1.0, share + rng.gauss(0, 0.06)) * 2) / 2
                    )
                    for item in rubric
                ]
                submitted = year != current
                review = ExpertReview(
                    assignment=assignment,
                    status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
                    total=sum(marks, Decimal(0)),
                    version=3 if submitted else 2,
                    submitted_at=now if submitted else None,
                )
                reviews.append(review)
                scores += [
                    ReviewScore(
                        review=review, item=item, points=points, comment=_comment(points, item)
                    )
                    for item, points in zip(rubric, marks, strict=True)
                ]
    ExpertAssignment.objects.bulk_create(assignments, batch_size=2000)
    for review in reviews:
        review.assignment_id = review.assignment.pk
    ExpertReview.objects.bulk_create(reviews, batch_size=2000)
    for score in scores:
        score.review_id = score.review.pk
    ReviewScore.objects.bulk_create(scores, batch_size=5000)


def _comment(points: Decimal, item) -> str:
    share = points / item.maximum
    if share >= Decimal("0.85"):
        return "成效突出，材料翔实。"
    if share >= Decimal("0.65"):
        return "整体较好，个别指标佐证不足。"
    return "进展偏慢，建议补充服务企业的实证材料。"


# The current year's deadline passed this many days ago (its lock, 15 days after, is ahead).
CURRENT_OVERDUE_DAYS = 5
REOPEN_DAYS = 14


def _never_submitted(complexes: list[Complex], year: int) -> list[int]:
    """A few provincial complexes expected to report on ``year`` that never submitted (chosen
    without the random generator, so every other figure of the demo stays as it was)."""
    expected = [
        c.pk
        for c in complexes
        if c.level == Level.PROVINCIAL
        and c.status in (Status.OPERATING, Status.RECTIFYING)
        and c.founded_year <= year
    ]
    return expected[5::13][:4]


def _reopen(report: AnnualReport, events: list, today) -> None:
    """The province reopened this locked report until a new date (evaluation/report_lock.py)."""
    report.reopened_until = today + timedelta(days=REOPEN_DAYS)
    province = User.objects.filter(role=Role.PROVINCIAL_OFFICIAL).order_by("pk").first()
    events.append(
        ReportEvent(
            report=report,
            action=ReportAction.REOPEN,
            actor=province,
            comment=f"开放至{report.reopened_until.isoformat()}。系统升级期间未能提交，准予补报。",
        )
    )


def _status(rng, year: int, current: int) -> tuple[str, str]:
    if year < current:
        return ReportStatus.APPROVED, ""
    draw = rng.random()
    if draw < 0.4:
        return ReportStatus.DRAFT, ""
    if draw < 0.8:
        return ReportStatus.SUBMITTED, ""
    return ReportStatus.RETURNED, rng.choice(RETURN_REASONS)


def _figures(rng, complex_, year, current, quality, provincial_money) -> dict[str, Decimal]:
    size = LEVEL_SIZE[complex_.level] * quality[complex_.pk] * YEARLY_GROWTH ** (year - current + 1)
    figures = {}
    for code, total in SEED_TOTALS.items():
        amount = total / PROVINCIAL_COMPLEXES * size * rng.uniform(0.8, 1.2)
        figures[code] = Decimal(round(amount) if total < 10**6 else round(amount, -3))
    province = provincial_money[complex_.pk]
    # Most cities match at least 1:1 and hosts invest at least province + city; some fall short.
    local = province * (rng.uniform(1.0, 1.6) if rng.random() > 0.15 else rng.uniform(0.5, 0.95))
    host = (province + local) * (
        rng.uniform(1.0, 1.5) if rng.random() > 0.12 else rng.uniform(0.6, 0.95)
    )
    figures["local_match_funds"] = Decimal(round(local, -4))
    figures["host_investment"] = Decimal(round(host, -4))
    return figures

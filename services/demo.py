"""Demo services: a catalogue for every complex, ≈3,000 × scale enterprises with their users
(most verified, one in 50 waiting with its licence, one code claimed by a second party),
vouchers for a share of the verified ones (this year's issued from applications, with other
applications waiting for review, for issue or rejected), and ≈150,000 × scale service
requests over the last three years in every status, with their timelines, ratings, voucher
ledgers (money held from submission, lapsed at expiry) and monthly settlements; the requests
completed a year ago and more were followed by an impact survey, about half of them answered.

The big tables are written with PostgreSQL COPY; every random draw comes from ``context.rng``
in a fixed order, so the same seed gives the same data.
"""

import csv
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Role, User
from complexes.demo import _short_place
from complexes.models import Complex, Institution, InstitutionType, Region, RegionLevel
from portal.seeding import GIVEN_NAME_CHARACTERS, SURNAMES, DemoContext, bulk_loading

from . import clocks
from .fraud import flag_clear, flags_compute
from .impact import SURVEY_AFTER_MONTHS, SURVEY_ANSWER_DAYS, survey_due_before
from .models import (
    ApplicationStatus,
    Deliverable,
    Enterprise,
    EnterpriseClaim,
    EnterpriseSize,
    EntryKind,
    FraudFlag,
    ImpactSurvey,
    Offering,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceType,
    SettlementReview,
    SettlementReviewState,
    SurveyStatus,
    Voucher,
    VoucherApplication,
    VoucherEntry,
    VoucherSettlement,
)
from .offering_stats import offering_stats_refresh
from .services import month_bounds
from .vouchers import vouchers_expire

ENTERPRISES_PER_SCALE = 3000
REQUESTS_PER_SCALE = 150_000
YEARS = 3
VOUCHER_SHARE = 0.4
PENDING_EVERY = 50  # one enterprise in 50 waits for verification
S = RequestStatus
IT = InstitutionType

# Per service type: titles, the member types that deliver it, a price range and turnaround.
CATALOGUE = {
    ServiceType.TESTING: (
        ["{industry}产品质量检测", "{industry}材料性能检验", "{industry}产品安全认证检测"],
        [IT.TESTING],
        (2_000, 30_000),
        (3, 20),
    ),
    ServiceType.RD_DESIGN: (
        ["{industry}新产品工业设计", "{industry}关键共性技术联合研发"],
        [IT.DESIGN, IT.UNIVERSITY, IT.ENTERPRISE_RD],
        (20_000, 300_000),
        (30, 120),
    ),
    ServiceType.TECH_TRANSFER: (
        ["{industry}科技成果转化对接", "{industry}技术需求挖掘与匹配"],
        [IT.TECH_TRANSFER, IT.UNIVERSITY],
        (5_000, 80_000),
        (15, 60),
    ),
    ServiceType.INCUBATION: (
        ["{industry}初创企业孵化入驻"],
        [IT.INCUBATOR],
        (3_000, 30_000),
        (7, 30),
    ),
    ServiceType.STANDARDS: (
        ["{industry}标准制修订咨询", "{industry}标准信息查询与解读"],
        [IT.TESTING, IT.SME_PLATFORM],
        (2_000, 40_000),
        (10, 60),
    ),
    ServiceType.CONSULTING_TRAINING: (
        ["{industry}企业数字化转型咨询", "{industry}技术人才培训", "{industry}精益生产诊断"],
        [IT.SME_PLATFORM, IT.OTHER_SERVICE, IT.UNIVERSITY],
        (1_000, 50_000),
        (5, 30),
    ),
    ServiceType.FINANCE: (
        ["{industry}知识产权质押融资", "{industry}科技型企业创业投资对接"],
        [IT.FINANCE],
        (0, 0),
        (15, 45),
    ),
    ServiceType.EXHIBITION_MARKETING: (
        ["{industry}产品展览展示推广", "{industry}品牌营销策划"],
        [IT.SME_PLATFORM, IT.DESIGN, IT.OTHER_SERVICE],
        (5_000, 60_000),
        (10, 45),
    ),
    ServiceType.INTERNATIONAL: (
        ["{industry}国际技术合作对接"],
        [IT.OTHER_SERVICE, IT.UNIVERSITY, IT.SME_PLATFORM],
        (10_000, 100_000),
        (30, 90),
    ),
    ServiceType.IP: (
        ["{industry}专利申请与布局", "{industry}商标注册代理", "{industry}专利导航分析"],
        [IT.IP_SERVICE],
        (1_500, 30_000),
        (10, 60),
    ),
}
NEEDS = [
    "希望尽快安排，产品计划下季度上市。",
    "请先评估可行性并给出报价。",
    "我司为科技型中小企业，希望使用创新券抵扣部分费用。",
    "需要出具正式报告用于客户验厂。",
    "样品已准备好，可送样或上门取样。",
    "希望与贵机构建立长期合作。",
]
BRANDS = [
    "恒达",
    "永盛",
    "金鼎",
    "华力",
    "宏远",
    "新锐",
    "精工",
    "博创",
    "瑞丰",
    "天成",
    "众诚",
    "卓越",
    "鸿运",
    "鑫源",
    "汇通",
    "立信",
]
PRODUCTS = [
    "工具",
    "五金",
    "电器",
    "机械",
    "材料",
    "纺织",
    "电子",
    "科技",
    "智能装备",
    "汽配",
    "家居",
    "包装",
    "新能源",
    "化工",
]
COMMENTS = [
    "服务专业，报告及时。",
    "响应很快，值得推荐。",
    "整体满意，价格合理。",
    "沟通顺畅。",
    "",
]
# Cumulative weights: random.choices then skips summing them on each of its many draws.
RATINGS = ([5, 4, 3, 2, 1], list(accumulate([45, 35, 12, 5, 3])))
# A request's fate: where it would end up if given time (then cut at today).
FATES = (
    ["completed", "rejected", "rejected_late", "cancelled", "cancelled_late"],
    list(accumulate([82, 6, 2, 7, 3])),
)
# Of the delivered requests, those the enterprise never confirms: the nightly job confirms them.
SILENT_SHARE = 0.03
# Of the requests, those the operator answers late (after the answer clock ran out).
SLOW_ANSWER_SHARE = 0.02
QUOTE_NOTES = ["含一次复测。", "按样品数量计价，含现场技术指导。", "价格含出具正式报告。", ""]
# A minimal PDF standing for a test report or a design handed over with a delivery.
DEMO_DELIVERABLE = b"%PDF-1.4\n% demo test report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DELIVERABLE_DAYS = 90  # the requests delivered in the last this many days come with a file


class CopyRows:
    """Rows written as CSV to a temporary file as they come, then COPY'd in one statement: kept
    as Python lists, the service records of scale 10 took gigabytes."""

    def __init__(self):
        # Open across calls: copy_into closes it (and the system deletes it).
        self.file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.file)

    def append(self, row) -> None:
        self.writer.writerow(["\\N" if value is None else value for value in row])

    def extend(self, rows) -> None:
        for row in rows:
            self.append(row)

    def copy_into(self, model, columns) -> None:
        self.file.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN "
                "WITH (FORMAT csv, NULL '\\N')",
                self.file,
            )
        self.file.close()


@dataclass
class Batch:
    """Rows for COPY, with explicit ids so the rows can point at each other. Voucher entries
    stay in memory until the monthly settlements are drawn up."""

    requests: CopyRows = field(default_factory=CopyRows)
    events: CopyRows = field(default_factory=CopyRows)
    entries: list = field(default_factory=list)


def seed(context: DemoContext) -> None:
    complexes = list(Complex.objects.select_related("region").order_by("code"))
    offerings = _offerings(context, complexes)
    enterprises, enterprise_users = _enterprises(context)
    vouchers = _vouchers(context, enterprises)
    operators = dict(
        User.objects.filter(role=Role.OPERATOR).values_list("complex_id", "pk").order_by("pk")
    )
    _requests(context, offerings, enterprises, enterprise_users, vouchers, operators)
    _deliverables(context)
    # Requests still waiting on a voucher that has expired since: as the nightly run leaves them.
    vouchers_expire(today=context.today)
    _applications(context, enterprises, vouchers, offerings)
    _oversight(context)
    _impact_surveys(context)
    offering_stats_refresh()


def _offerings(context: DemoContext, complexes: list[Complex]) -> list[Offering]:
    rng = context.rng
    members = defaultdict(list)
    for institution in Institution.objects.order_by("complex_id", "id").only(
        "id", "complex_id", "type", "name"
    ):
        members[institution.complex_id].append(institution)
    rows = []
    types = list(CATALOGUE)
    for complex_ in complexes:
        if not members[complex_.pk]:
            continue  # a complex applying again has no member institutions yet
        count = rng.randint(8, 12) if complex_.level == "provincial" else rng.randint(4, 7)
        for service_type in rng.sample(types, min(count, len(types))):
            titles, deliverers, (low, high), (fastest, slowest) = CATALOGUE[service_type]
            fitting = [m for m in members[complex_.pk] if m.type in deliverers]
            institution = rng.choice(fitting or members[complex_.pk])
            quoted = high == 0 or rng.random() < 0.15
            rows.append(
                Offering(
                    complex=complex_,
                    institution=institution,
                    title=rng.choice(titles).format(industry=complex_.industry),
                    service_type=service_type,
                    description=f"面向{complex_.industry}产业集群企业，由{institution.name}提供专业服务。",
                    price=None if quoted else Decimal(rng.randrange(low, high, 100)),
                    turnaround_days=rng.randint(fastest, slowest),
                    voucher_eligible=rng.random() < 0.7,
                    active=rng.random() < 0.95,
                )
            )
    return Offering.objects.bulk_create(rows, batch_size=2000)


def _enterprises(context: DemoContext):
    rng = context.rng
    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY)
        .order_by("code")
        .only("code", "name_zh_hans")
    )
    sizes = (EnterpriseSize.values, [30, 45, 20, 5])
    rows, names = [], set()
    for n in range(ENTERPRISES_PER_SCALE * context.scale):
        county = rng.choice(counties)
        while True:
            name = (
                f"{_short_place(county.name_zh_hans)}{rng.choice(BRANDS)}{rng.choice(PRODUCTS)}"
                f"{rng.choice(('有限公司', '股份有限公司', '制造有限公司'))}"
            )
            name = name if name not in names else f"{name[:-4]}{len(names)}有限公司"
            if name not in names:
                names.add(name)
                break
        enterprise = Enterprise(
            credit_code=context.credit_code(division=county.code),
            name=name,
            region_id=county.code,
            # Derived from the row's number, not drawn: the demo's other draws stay as they were.
            address=f"{county.name_zh_hans}工业园区{n % 300 + 1}号",
            size=rng.choices(*sizes)[0],
            high_tech=rng.random() < 0.15,
            tech_sme=rng.random() < 0.35,
            contact_name=context.person_name(),
            contact_phone=context.phone(),
        )
        if enterprise.high_tech:
            enterprise.high_tech_certificate = f"GR{2021 + n % 4}33{n:06d}"
        rows.append(enterprise)
    _verification(context, rows)
    enterprises = Enterprise.objects.bulk_create(rows, batch_size=2000)
    users = User.objects.bulk_create(
        [
            User(
                username=f"ent-{enterprise.credit_code}",
                first_name=enterprise.contact_name,
                email=f"ent-{enterprise.credit_code.lower()}@example.org",
                role=Role.ENTERPRISE,
                enterprise=enterprise,
                password=context.password_hash,
            )
            for enterprise in enterprises
        ],
        batch_size=2000,
    )
    _contested_claim(context, enterprises)
    return enterprises, {user.enterprise_id: user.pk for user in users}


# A minimal PDF standing for a scanned business licence.
DEMO_LICENCE = b"%PDF-1.4\n% demo business licence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _demo_licence(credit_code: str) -> str:
    return default_storage.save(
        f"business-licences/demo/{credit_code}.pdf", ContentFile(DEMO_LICENCE)
    )


def _verification(context: DemoContext, rows: list[Enterprise]) -> None:
    """Most enterprises were verified by their county's official on registering; one in
    ``PENDING_EVERY`` has uploaded its licence and waits."""
    officials = dict(
        User.objects.filter(role=Role.REGIONAL_OFFICIAL).values_list("region_id", "pk")
    )
    verified_at = timezone.make_aware(
        datetime.combine(context.today - timedelta(days=365 * YEARS), time(10))
    )
    for number, enterprise in enumerate(rows):
        if number % PENDING_EVERY == PENDING_EVERY - 1:
            enterprise.business_licence = _demo_licence(enterprise.credit_code)
            enterprise.business_licence_name = "营业执照.pdf"
        else:
            enterprise.verified, enterprise.verified_at = True, verified_at
            enterprise.verified_by_id = officials.get(enterprise.region_id)


def _contested_claim(context: DemoContext, enterprises: list[Enterprise]) -> None:
    """A second party claims the first verified enterprise's credit code."""
    enterprise = next(enterprise for enterprise in enterprises if enterprise.verified)
    claimant = User.objects.create(
        username=f"claim-{enterprise.credit_code}",
        first_name=context.person_name(),
        email=f"claim-{enterprise.credit_code.lower()}@example.org",
        password=context.password_hash,
        is_active=False,
    )
    EnterpriseClaim.objects.create(
        enterprise=enterprise,
        claimant=claimant,
        name=enterprise.name,
        contact_name=claimant.first_name,
        contact_phone=context.phone(),
        business_licence=_demo_licence(f"claim-{enterprise.credit_code}"),
        business_licence_name="营业执照（申诉）.pdf",
    )


def _vouchers(context: DemoContext, enterprises: list[Enterprise]) -> dict[int, list[Voucher]]:
    rng = context.rng
    first_day = context.today - timedelta(days=365 * YEARS)
    issuer = User.objects.filter(username="province").values_list("pk", flat=True).first()
    rows = []
    for enterprise in enterprises:
        if rng.random() >= VOUCHER_SHARE or not enterprise.verified:
            continue
        for _n in range(rng.choice((1, 1, 2))):
            valid_from = first_day + timedelta(days=rng.randrange(365 * YEARS))
            amount = Decimal(rng.randrange(10_000, 100_001, 5_000))
            rows.append(
                Voucher(
                    enterprise=enterprise,
                    amount=amount,
                    balance=amount,
                    valid_from=valid_from,
                    expires_on=valid_from + timedelta(days=365),
                    issued_by_id=issuer,
                )
            )
    by_enterprise = defaultdict(list)
    for voucher in Voucher.objects.bulk_create(rows, batch_size=2000):
        by_enterprise[voucher.enterprise_id].append(voucher)
    return by_enterprise


def _moment(day, rng) -> datetime:
    # The portal's zone has no daylight saving: attaching it directly is exact (and fast).
    zone = timezone.get_default_timezone()
    return datetime.combine(day, time(rng.randint(8, 18), rng.randrange(60)), tzinfo=zone)


def _requests(context, offerings, enterprises, enterprise_users, vouchers, operators) -> None:
    rng = context.rng
    # The demo's present is the start of its day, not the clock: a later step would change the
    # vouchers' running balances, the draws that follow, and so the data of the same seed.
    now = datetime.combine(context.today, time.min, tzinfo=timezone.get_default_timezone())
    first_day = context.today - timedelta(days=365 * YEARS)
    active = [offering for offering in offerings if offering.active]
    by_city = defaultdict(list)
    for offering in active:
        by_city[offering.complex.region_id[:4]].append(offering)
    count = REQUESTS_PER_SCALE * context.scale
    days = sorted(rng.randrange(365 * YEARS) for _ in range(count))
    next_id = (ServiceRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    batch = Batch()
    for number, day_offset in enumerate(days):
        enterprise = rng.choice(enterprises)
        nearby = by_city.get(enterprise.region_id[:4])
        offering = rng.choice(nearby if nearby and rng.random() < 0.75 else active)
        submitted = _moment(first_day + timedelta(days=day_offset), rng)
        _one_request(
            context, batch, next_id + number, offering, enterprise, submitted, now,
            enterprise_users[enterprise.pk], operators.get(offering.complex_id), vouchers,
        )  # fmt: skip
    settlements = _settle(context, batch)
    batch.entries += _lapses(vouchers, context.today)
    with bulk_loading(ServiceRequest, ServiceRequestEvent, VoucherEntry):
        batch.requests.copy_into(ServiceRequest, REQUEST_COLUMNS)
        batch.events.copy_into(ServiceRequestEvent, EVENT_COLUMNS)
        VoucherSettlement.objects.bulk_create(settlements, batch_size=2000)
        entries = CopyRows()
        entries.extend(batch.entries)
        entries.copy_into(VoucherEntry, ENTRY_COLUMNS)
    _issue_entries(vouchers)
    _save_balances(vouchers)
    with connection.cursor() as cursor:
        for model in (ServiceRequest, VoucherSettlement):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 1))"
            )


REQUEST_COLUMNS = [
    "id", "created_at", "updated_at", "offering_id", "complex_id", "enterprise_id",
    "description", "attachment", "attachment_name", "status", "voucher_id", "voucher_amount",
    "submitted_at", "accepted_at", "due_at", "completed_at", "delivery_note",
    "rejection_reason", "rating", "comment", "answer_due_at", "delivered_at", "auto_confirmed",
    "quoted_price", "quoted_delivery_date", "quote_note", "quoted_at",
]  # fmt: skip
EVENT_COLUMNS = ["request_id", "from_status", "to_status", "actor_id", "note", "at"]
ENTRY_COLUMNS = [
    "voucher_id", "kind", "amount", "service_request_id", "complex_id", "settlement_id",
    "actor_id", "at",
]  # fmt: skip


def _one_request(
    context, batch, pk, offering, enterprise, submitted, now, user_id, operator_id, vouchers
):
    """Walk one request along its fate up to today: its row, its timeline, its voucher use."""
    rng = context.rng
    fate = rng.choices(FATES[0], cum_weights=FATES[1])[0]
    slow = rng.random() < SLOW_ANSWER_SHARE
    accepted = submitted + (
        timedelta(days=rng.randint(4, 9)) if slow else timedelta(hours=rng.randint(2, 72))
    )
    started = accepted + timedelta(hours=rng.randint(2, 48))
    delivered = started + timedelta(days=offering.turnaround_days * rng.uniform(0.4, 1.4))
    disputed = fate == "completed" and rng.random() < 0.04
    redelivered = delivered + timedelta(days=rng.randint(3, 10)) if disputed else delivered
    silent = fate == "completed" and rng.random() < SILENT_SHARE
    completed = (
        clocks.auto_confirm_moment(redelivered)
        if silent
        else redelivered + timedelta(days=rng.uniform(0.5, 7))
    )
    # An offering on quotation (面议) is quoted half-way to the enterprise's acceptance.
    quote = None
    if offering.price is None:
        quoted_at = submitted + (accepted - submitted) / 2
        quote = (
            Decimal(rng.randrange(5_000, 50_000, 500)),
            (accepted + timedelta(days=offering.turnaround_days)).date(),
            rng.choice(QUOTE_NOTES),
            quoted_at,
        )
    steps = [("", S.SUBMITTED, user_id, "", submitted)]
    if fate == "rejected":
        steps.append((S.SUBMITTED, S.REJECTED, operator_id, "超出本机构服务范围。", accepted))
    elif fate == "cancelled":
        steps.append((S.SUBMITTED, S.CANCELLED, user_id, "", accepted))
    else:
        if quote:
            steps.append((S.SUBMITTED, S.QUOTED, operator_id, quote[2], quote[3]))
            steps.append((S.QUOTED, S.ACCEPTED, user_id, "", accepted))
        else:
            steps.append((S.SUBMITTED, S.ACCEPTED, operator_id, "", accepted))
        if fate == "rejected_late":
            steps.append((S.ACCEPTED, S.REJECTED, operator_id, "设备检修，无法按期承接。", started))
        elif fate == "cancelled_late":
            steps.append((S.ACCEPTED, S.CANCELLED, user_id, "", started))
        else:
            steps.append((S.ACCEPTED, S.IN_PROGRESS, operator_id, "", started))
            steps.append(
                (S.IN_PROGRESS, S.DELIVERED, operator_id, "服务已完成，报告已交付。", delivered)
            )
            if disputed:
                steps.append((S.DELIVERED, S.IN_PROGRESS, user_id, "报告数据不完整，请补充。", delivered + timedelta(days=1)))  # fmt: skip
                steps.append((S.IN_PROGRESS, S.DELIVERED, operator_id, "已补充完整数据。", redelivered))  # fmt: skip
            steps.append((S.DELIVERED, S.COMPLETED, None if silent else user_id, "", completed))
    steps = [step for step in steps if step[4] <= now]
    status = steps[-1][1]
    reached = {step[1] for step in steps}
    rated = status == S.COMPLETED and not silent
    rating = rng.choices(RATINGS[0], cum_weights=RATINGS[1])[0] if rated else None
    comment = rng.choice(COMMENTS) if rating else ""
    price = quote[0] if quote else offering.price
    voucher, amount = _voucher_use(
        context, offering, price, vouchers.get(enterprise.pk, ()), submitted
    )
    if quote and S.ACCEPTED not in reached:  # the voucher is chosen on accepting the quote
        voucher, amount = None, None
    if voucher is not None:
        _ledger(batch, voucher, amount, pk, offering.complex_id, steps, operator_id, user_id)
    was_accepted = S.ACCEPTED in reached
    batch.requests.append(
        [
            pk, submitted, steps[-1][4], offering.pk, offering.complex_id, enterprise.pk,
            rng.choice(NEEDS), "", "", status, voucher.pk if voucher else None,
            amount if voucher else Decimal("0"), submitted, accepted if was_accepted else None,
            accepted + timedelta(days=offering.turnaround_days) if was_accepted else None,
            completed if status == S.COMPLETED else None,
            "服务已完成，报告已交付。" if S.DELIVERED in reached else "",
            next((note for _f, to, _a, note, _t in steps if to == S.REJECTED), ""),
            rating, comment, clocks.answer_deadline(submitted),
            max((at for _f, to, _a, _n, at in steps if to == S.DELIVERED), default=None),
            status == S.COMPLETED and silent,
            *(quote if quote and S.QUOTED in reached else (None, None, "", None)),
        ]
    )  # fmt: skip
    batch.events.extend([pk, *step] for step in steps)


def _voucher_use(context, offering, price, enterprise_vouchers, submitted):
    """A voucher valid on the day with enough balance pays part of an eligible offering: at
    most half of its ``price`` (the default rules' share), or of its quote."""
    rng = context.rng
    if not offering.voucher_eligible or not enterprise_vouchers or rng.random() >= 0.6:
        return None, None
    day = submitted.date()
    for voucher in enterprise_vouchers:
        if voucher.valid_from <= day <= voucher.expires_on and voucher.balance >= 1000:
            share = Decimal(rng.choice((30, 40, 50))) / 100
            amount = min((price * share).quantize(Decimal("1")), voucher.balance)
            return (voucher, amount) if amount > 0 else (None, None)
    return None, None


def _ledger(batch, voucher, amount, request_id, complex_id, steps, operator_id, user_id):
    """Hold on submission (on accepting the quote, for an offering on quotation); release on
    rejection or cancellation; consume on completion. The Python voucher objects keep the
    running balance for the next requests."""
    quoted = any(to_status == S.QUOTED for _f, to_status, _a, _n, _at in steps)
    held_on = S.ACCEPTED if quoted else S.SUBMITTED
    for _from_status, to_status, step_actor, _note, at in steps:
        if to_status == held_on:
            voucher.balance -= amount
            voucher.held += amount
            batch.entries.append([voucher, EntryKind.HOLD, amount, request_id, complex_id, None, user_id, at])  # fmt: skip
        elif to_status in (S.REJECTED, S.CANCELLED):
            voucher.balance += amount
            voucher.held -= amount
            actor = operator_id if to_status == S.REJECTED else user_id
            batch.entries.append([voucher, EntryKind.RELEASE, amount, request_id, complex_id, None, actor, at])  # fmt: skip
        elif to_status == S.COMPLETED:
            voucher.held -= amount
            # The enterprise's confirmation, or the nightly job's (no actor).
            batch.entries.append([voucher, EntryKind.CONSUME, amount, request_id, complex_id, None, step_actor, at])  # fmt: skip


def _deliverables(context: DemoContext) -> None:
    """The requests delivered lately came with a test report (one stored file for them all)."""
    since = timezone.now() - timedelta(days=DELIVERABLE_DAYS)
    stored = default_storage.save("deliverables/demo/report.pdf", ContentFile(DEMO_DELIVERABLE))
    delivered = ServiceRequest.objects.filter(delivered_at__gte=since).order_by("pk")
    Deliverable.objects.bulk_create(
        (
            Deliverable(
                request_id=pk,
                file=stored,
                name=f"检测报告-{pk}.pdf",
                size=len(DEMO_DELIVERABLE),
                uploaded_by_id=None,
                uploaded_at=delivered_at,
            )
            for pk, delivered_at in delivered.values_list("pk", "delivered_at")
        ),
        batch_size=2000,
    )


def _settle(context, batch) -> list[VoucherSettlement]:
    """The province has paid out every month but the last finished one."""
    rng = context.rng
    this_month = context.today.replace(day=1)
    last_unsettled = (this_month - timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()
    groups = defaultdict(list)
    for entry in batch.entries:
        if entry[1] == EntryKind.CONSUME:
            month = timezone.localtime(entry[7], zone).date().replace(day=1)
            if month < last_unsettled:
                groups[(entry[4], month)].append(entry)
    issuer = User.objects.filter(username="province").values_list("pk", flat=True).first()
    next_id = (
        VoucherSettlement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    settlements = []
    for number, ((complex_id, month), entries) in enumerate(sorted(groups.items())):
        settlement_id = next_id + number
        paid_on = (month + timedelta(days=40)).replace(day=rng.randint(5, 20))
        paid_at = timezone.make_aware(datetime.combine(paid_on, time(16)), zone)
        settlements.append(
            VoucherSettlement(
                id=settlement_id, complex_id=complex_id, month=month,
                amount=sum(entry[2] for entry in entries), settled_by_id=issuer, settled_at=paid_at,
            )
        )  # fmt: skip
        per_voucher = defaultdict(Decimal)
        for entry in entries:
            entry[5] = settlement_id
            per_voucher[entry[0]] += entry[2]
        batch.entries += [
            [voucher, EntryKind.SETTLE, total, None, complex_id, settlement_id, issuer, paid_at]
            for voucher, total in sorted(per_voucher.items(), key=lambda item: item[0].pk)
        ]
    for entry in batch.entries:
        entry[0] = entry[0].pk
    return settlements


def _lapses(vouchers, today) -> list:
    """The balance of each voucher that expired before ``today`` lapsed the night after."""
    zone = timezone.get_current_timezone()
    entries = []
    for enterprise_vouchers in vouchers.values():
        for voucher in enterprise_vouchers:
            if voucher.expires_on < today and voucher.balance:
                night = datetime.combine(voucher.expires_on + timedelta(days=1), time(0, 30))
                entries.append([voucher.pk, EntryKind.LAPSE, voucher.balance, None, None, None, None, timezone.make_aware(night, zone)])  # fmt: skip
                voucher.lapsed, voucher.balance = voucher.balance, Decimal(0)
    return entries


def _issue_entries(vouchers) -> None:
    VoucherEntry.objects.bulk_create(
        [
            VoucherEntry(
                voucher=voucher,
                kind=EntryKind.ISSUE,
                amount=voucher.amount,
                actor_id=voucher.issued_by_id,
                at=timezone.make_aware(datetime.combine(voucher.valid_from, time(9))),
            )
            for enterprise_vouchers in vouchers.values()
            for voucher in enterprise_vouchers
        ],
        batch_size=2000,
    )


def _save_balances(vouchers) -> None:
    Voucher.objects.bulk_update(
        [voucher for enterprise_vouchers in vouchers.values() for voucher in enterprise_vouchers],
        ["balance", "held", "lapsed"],
        batch_size=2000,
    )


PURPOSES = [
    "新产品型式试验与第三方检测",
    "关键零部件工业设计与样机开发",
    "高校科技成果转化对接及中试",
    "产品标准制定与认证咨询",
    "专利布局与知识产权分析",
]
REJECTIONS = [
    "申请用途不属于创新券支持范围。",
    "本年度创新券额度已用完，请明年再申请。",
    "申请材料不完整，请补充后重新申请。",
]
# The applications still open or refused this year, per scale: (status, how many).
OPEN_APPLICATIONS = [
    (ApplicationStatus.SUBMITTED, 40),
    (ApplicationStatus.RECOMMENDED, 25),
    (ApplicationStatus.REJECTED, 20),
]


def _applications(context, enterprises, vouchers, offerings) -> None:
    """This year's vouchers were issued from applications, reviewed by the official of the
    enterprise's county (or city) and issued by the province; other enterprises' applications
    wait for review (Yongkang's first, so that ``county-330784`` has a queue), for issue, or
    were rejected."""
    rng = context.rng
    today = context.today
    zone = timezone.get_current_timezone()
    province = User.objects.filter(username="province").values_list("pk", flat=True).first()
    officials = dict(
        User.objects.filter(role=Role.REGIONAL_OFFICIAL)
        .order_by("pk")
        .values_list("region_id", "pk")
    )
    eligible = defaultdict(list)
    for offering in offerings:
        if offering.active and offering.voucher_eligible:
            eligible[offering.complex.region_id[:4]].append(offering.pk)

    def reviewer(enterprise):
        region = enterprise.region_id
        return officials.get(region) or officials.get(f"{region[:4]}00")

    def at(day, hour):
        return timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(60))), zone)

    rows, planned = [], []

    def add(enterprise, status, amount, applied_on, **fields):
        application = VoucherApplication(
            enterprise=enterprise,
            year=applied_on.year,
            amount=amount,
            purpose=rng.choice(PURPOSES),
            status=status,
            applicant_id=None,
            created_at=at(applied_on, 9),
            **fields,
        )
        rows.append(application)
        nearby = eligible.get(enterprise.region_id[:4], [])
        planned.append(rng.sample(nearby, min(len(nearby), rng.choice((0, 1, 2)))))

    issued_to = set()
    for enterprise_vouchers in vouchers.values():
        for voucher in enterprise_vouchers:
            if voucher.valid_from.year != today.year:
                continue
            enterprise = voucher.enterprise
            issued_to.add(enterprise.pk)
            applied_on = voucher.valid_from - timedelta(days=rng.randint(5, 15))
            add(
                enterprise, ApplicationStatus.ISSUED, voucher.amount, applied_on,
                reviewed_by_id=reviewer(enterprise), reviewed_at=at(applied_on + timedelta(days=2), 15),
                decided_by_id=province, decided_at=at(voucher.valid_from, 9), voucher=voucher,
            )  # fmt: skip
    candidates = [e for e in enterprises if e.verified and e.pk not in issued_to]
    candidates.sort(key=lambda e: (e.region_id != "330784", e.pk))
    position = 0
    for status, per_scale in OPEN_APPLICATIONS:
        for _n in range(per_scale * context.scale):
            enterprise = candidates[position]
            position += 1
            applied_on = today - timedelta(days=rng.randint(1, 30))
            amount = Decimal(rng.randrange(10_000, 100_001, 5_000))
            fields = {}
            if status != ApplicationStatus.SUBMITTED:
                fields = {"reviewed_by_id": reviewer(enterprise),
                          "reviewed_at": at(min(applied_on + timedelta(days=1), today), 11)}  # fmt: skip
            if status == ApplicationStatus.REJECTED:
                fields |= {"decided_by_id": province, "decided_at": fields["reviewed_at"],
                           "rejection_reason": rng.choice(REJECTIONS)}  # fmt: skip
            add(enterprise, status, amount, applied_on, **fields)
    created = VoucherApplication.objects.bulk_create(rows, batch_size=2000)
    # created_at is stamped on insert: put back the day each was applied for.
    for application, row in zip(created, rows, strict=True):
        application.created_at = row.created_at
    VoucherApplication.objects.bulk_update(created, ["created_at"], batch_size=2000)
    through = VoucherApplication.planned_services.through
    through.objects.bulk_create(
        [
            through(voucherapplication_id=application.pk, offering_id=offering_id)
            for application, offering_ids in zip(created, planned, strict=True)
            for offering_id in offering_ids
        ],
        batch_size=2000,
    )


def _oversight(context: DemoContext) -> None:
    """Issue 16's settlement review and fraud signals: the last months' settlements in every
    review state, legal representatives on file, and a few firms that share one with the
    institution serving them (the nightly fraud run then flags their requests).

    Draws from a generator of its own, so the data seeded before stays what it was."""
    rng = random.Random(context.seed * 16 + 7)
    issuer = User.objects.filter(username="province").first()
    city = User.objects.filter(role=Role.REGIONAL_OFFICIAL).order_by("pk").first()
    _demo_paid_reviews(issuer, city)
    last_month = (context.today.replace(day=1) - timedelta(days=1)).replace(day=1)
    start, end = month_bounds(last_month)
    due = (
        VoucherEntry.objects.filter(
            kind=EntryKind.CONSUME, settlement__isnull=True, at__gte=start, at__lt=end
        )
        .order_by("complex__code")
        .values_list("complex_id")
        .annotate(total=Sum("amount"))
    )
    states = (
        SettlementReviewState.PREPARED,
        SettlementReviewState.CHECKED,
        SettlementReviewState.RETURNED,
    )
    for state, (complex_id, total) in zip(states, due, strict=False):
        SettlementReview.objects.create(
            complex_id=complex_id,
            month=last_month,
            amount=total,
            state=state,
            prepared_by=issuer,
            checked_by=city if state == SettlementReviewState.CHECKED else None,
            checked_at=timezone.now() if state == SettlementReviewState.CHECKED else None,
            reason="3 张服务合同与消费记录金额不一致，请核对后重新提交。"
            if state == SettlementReviewState.RETURNED
            else "",
        )
    _demo_legal_representatives(context, rng)
    flags_compute()
    # One signal already looked into, so that the page's cleared tab shows what a note is for.
    looked_into = FraudFlag.objects.order_by("pk").first()
    if looked_into is not None and issuer is not None:
        flag_clear(
            flag_id=looked_into.pk, actor=issuer, note="经核实系同名人员，与服务机构无关联。"
        )


def _demo_paid_reviews(issuer, city) -> None:
    """The two latest paid months of a few complexes went through the review."""
    SettlementReview.objects.bulk_create(
        SettlementReview(
            complex_id=settlement.complex_id,
            month=settlement.month,
            amount=settlement.amount,
            state=SettlementReviewState.PAID,
            prepared_by=issuer,
            prepared_at=settlement.settled_at - timedelta(days=6),
            checked_by=city,
            checked_at=settlement.settled_at - timedelta(days=2),
            settlement=settlement,
        )
        for settlement in VoucherSettlement.objects.order_by("-month", "complex__code")[:6]
    )


def _demo_legal_representatives(context: DemoContext, rng) -> None:
    """Every enterprise and institution names its legal representative; one enterprise in
    a thousand names the same person as an institution that served it by voucher."""
    enterprises = list(Enterprise.objects.order_by("pk"))
    institutions = list(Institution.objects.order_by("pk"))
    for row in enterprises + institutions:
        row.legal_representative = _person(rng)
    shared = (
        ServiceRequest.objects.filter(voucher_amount__gt=0)
        .order_by("enterprise_id", "pk")
        .distinct("enterprise_id")
        .values_list("enterprise_id", "offering__institution_id")
    )
    by_pk = {row.pk: row for row in institutions}
    sharing = [pair for pair in shared if rng.random() < 0.001] or list(shared[:3])
    for row in enterprises:
        for enterprise_id, institution_id in sharing:
            if row.pk == enterprise_id:
                row.legal_representative = by_pk[institution_id].legal_representative
    Enterprise.objects.bulk_update(enterprises, ["legal_representative"], batch_size=2000)
    Institution.objects.bulk_update(institutions, ["legal_representative"], batch_size=2000)


def _person(rng) -> str:
    given = "".join(rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


# The share of surveys answered (MEP reaches about half its clients), and the answers' spread:
# on average below the cluster growth the complexes report (about 10 % a year), as MEP's
# inspector found self-reported impact a third above what clients say.
SURVEY_ANSWER_SHARE = 0.5
SURVEYED_REVENUE_CHANGE = (6.0, 12.0)  # mean and spread, per cent
SURVEYED_RD_SPEND_CHANGE = (7.0, 15.0)


def _impact_surveys(context: DemoContext) -> None:
    """Every request completed twelve months ago or more got its impact survey; about half
    were answered in their sixty days, the rest expired (or, for the last weeks', still wait)."""
    rng = context.rng
    zone = timezone.get_current_timezone()
    now = datetime.combine(context.today, time(9), tzinfo=zone)
    answerers = dict(
        User.objects.filter(role=Role.ENTERPRISE).order_by("-pk").values_list("enterprise_id", "pk")
    )
    due = (
        ServiceRequest.objects.filter(
            status=RequestStatus.COMPLETED, completed_at__lte=survey_due_before(now)
        )
        .order_by("pk")
        .values_list("pk", "complex_id", "enterprise_id", "completed_at")
    )

    def change(mean, spread):
        return Decimal(str(round(min(max(rng.gauss(mean, spread), -100), 1000), 2)))

    rows = []
    for request_id, complex_id, enterprise_id, completed_at in due.iterator(chunk_size=5000):
        sent_at = completed_at + relativedelta(months=SURVEY_AFTER_MONTHS)
        expires_on = sent_at.astimezone(zone).date() + timedelta(days=SURVEY_ANSWER_DAYS)
        survey = ImpactSurvey(
            request_id=request_id,
            complex_id=complex_id,
            enterprise_id=enterprise_id,
            sent_at=sent_at,
            expires_on=expires_on,
            status=SurveyStatus.SENT if expires_on >= context.today else SurveyStatus.EXPIRED,
        )
        if rng.random() < SURVEY_ANSWER_SHARE:
            answered_at = sent_at + timedelta(days=rng.uniform(1, SURVEY_ANSWER_DAYS - 1))
            if answered_at < now:
                survey.status, survey.answered_at = SurveyStatus.ANSWERED, answered_at
                survey.answered_by_id = answerers.get(enterprise_id)
                survey.revenue_change = change(*SURVEYED_REVENUE_CHANGE)
                survey.rd_spend_change = change(*SURVEYED_RD_SPEND_CHANGE)
                survey.new_products = rng.choices((0, 1, 2, 3), cum_weights=(50, 80, 93, 100))[0]
                survey.jobs_created = rng.choices((0, 1, 2, 5), cum_weights=(55, 80, 93, 100))[0]
                survey.recommend_score = rng.choices(range(11), cum_weights=RECOMMEND_WEIGHTS)[0]
        rows.append(survey)
    ImpactSurvey.objects.bulk_create(rows, batch_size=5000)


# 0–10, mostly 7–9 (cumulative weights).
RECOMMEND_WEIGHTS = list(accumulate((1, 1, 1, 2, 2, 5, 8, 18, 25, 22, 15)))

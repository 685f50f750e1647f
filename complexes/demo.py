"""The demo registry: ≈168 × scale complexes on real clusters, with members, instruments,
talent teams, status histories and one operator account each."""

from datetime import datetime, time
from decimal import Decimal

import pgtrigger
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from portal.seeding import DemoContext

from .models import (
    Category,
    ClusterSizeTier,
    Complex,
    ComplexStatusChange,
    ConstructionMode,
    Institution,
    InstitutionType,
    Level,
    OperatingMechanism,
    Region,
    RegionLevel,
    RemovalHearing,
    SharedInstrument,
    Status,
    TalentTeam,
)
from .services import REAPPLY_FIELDS

COMPLEXES_PER_SCALE = 168
PROVINCIAL_TRADITIONAL_PER_SCALE = 38
PROVINCIAL_EMERGING_PER_SCALE = 27

T, E = Category.TRADITIONAL, Category.EMERGING

# Real clusters named in the seeds and in Zhejiang's block economy: (county, place, cluster).
NAMED_CLUSTERS = [
    ("330110", "余杭", "家纺", T),
    ("330784", "永康", "五金", T),
    ("330681", "诸暨", "大唐袜业", T),
    ("330481", "海宁", "皮革", T),
    ("330114", "杭州下沙", "生物医药", E),
    ("330782", "义乌", "小商品创新设计", T),
    ("330282", "慈溪", "智能家电", T),
    ("330381", "瑞安", "汽摩配", T),
    ("330382", "乐清", "智能电气", T),
    ("330483", "桐乡", "毛衫", T),
    ("330521", "德清", "地理信息", E),
    ("330523", "安吉", "绿色家居", T),
    ("330522", "长兴", "新能源电池", E),
    ("330603", "柯桥", "现代纺织", T),
    ("330604", "上虞", "精细化工", T),
    ("330683", "嵊州", "厨具", T),
    ("330783", "东阳", "磁性材料", E),
    ("330726", "浦江", "水晶", T),
    ("330881", "江山", "木门", T),
    ("330825", "龙游", "特种纸", T),
    ("331003", "黄岩", "模具", T),
    ("331081", "温岭", "泵与电机", T),
    ("331083", "玉环", "汽车零部件", T),
    ("331082", "临海", "医药化工", E),
    ("331181", "龙泉", "青瓷宝剑", T),
    ("331122", "缙云", "机床装备", T),
    ("330108", "杭州滨江", "物联网", E),
    ("330106", "杭州西湖", "云计算", E),
    ("330109", "萧山", "汽车零部件", T),
    ("330111", "富阳", "光通信", E),
    ("330112", "临安", "电线电缆", T),
    ("330122", "桐庐", "制笔", T),
    ("330206", "北仑", "集成电路", E),
    ("330212", "鄞州", "时尚服装", T),
    ("330281", "余姚", "模具塑料", T),
    ("330225", "象山", "针织", T),
    ("330226", "宁海", "文具", T),
    ("330211", "镇海", "新材料", E),
    ("330302", "鹿城", "鞋革", T),
    ("330304", "瓯海", "眼镜", T),
    ("330411", "秀洲", "光伏", E),
    ("330421", "嘉善", "电子信息", E),
    ("330482", "平湖", "光机电", E),
    ("330424", "海盐", "紧固件", T),
    ("330502", "吴兴", "童装", T),
    ("330503", "南浔", "木地板", T),
    ("330803", "衢州", "氟硅新材料", E),
    ("330902", "舟山", "船舶修造", T),
    ("331002", "椒江", "缝制设备", T),
    ("331004", "路桥", "智能马桶", T),
    ("330113", "临平", "智能装备", E),
    ("330303", "龙湾", "阀门", T),
    ("330326", "平阳", "印刷包装", T),
    ("330383", "龙港", "印刷", T),
    ("330324", "永嘉", "泵阀", T),
    ("330723", "武义", "电动工具", T),
    ("330781", "兰溪", "纺织", T),
    ("330703", "金东", "新能源汽车", E),
    ("330624", "新昌", "轴承", T),
    ("330102", "杭州上城", "数字金融", E),
    ("330105", "杭州拱墅", "数字贸易", E),
    ("330213", "奉化", "气动元件", T),
    ("330205", "宁波江北", "新材料", E),
    ("331121", "青田", "石雕", T),
    ("330903", "普陀", "海洋生物", E),
    ("330182", "建德", "有机硅", E),
    ("330402", "嘉兴南湖", "微电子", E),
]

GENERIC_INDUSTRIES = [
    ("智能制造", E),
    ("新材料", E),
    ("数字经济", E),
    ("生命健康", E),
    ("高端装备", E),
    ("节能环保", E),
    ("现代纺织", T),
    ("汽车零部件", T),
    ("绿色化工", T),
    ("五金工具", T),
    ("时尚服装", T),
    ("家居建材", T),
    ("食品加工", T),
    ("文创设计", T),
    ("现代农业", T),
    ("电子元器件", E),
    ("机械装备", T),
    ("塑料制品", T),
    ("包装印刷", T),
    ("工艺美术", T),
    ("新能源", E),
    ("人工智能", E),
    ("生物制造", E),
    ("轻工日用品", T),
]

MEMBER_TYPE_WEIGHTS = [
    (InstitutionType.INCUBATOR, 672),
    (InstitutionType.IP_SERVICE, 486),
    (InstitutionType.SME_PLATFORM, 272),
    (InstitutionType.TESTING, 111),
    (InstitutionType.UNIVERSITY, 454),
    (InstitutionType.TECH_TRANSFER, 250),
    (InstitutionType.FINANCE, 200),
    (InstitutionType.DESIGN, 150),
    (InstitutionType.ENTERPRISE_RD, 170),
    (InstitutionType.OTHER_SERVICE, 99),
]
MEMBER_NAME_PATTERNS = {
    InstitutionType.INCUBATOR: "{place}{industry}众创空间{n}号",
    InstitutionType.IP_SERVICE: "{place}{surname}氏知识产权代理有限公司",
    InstitutionType.SME_PLATFORM: "{place}{industry}中小企业公共服务平台{n}",
    InstitutionType.TESTING: "{place}{industry}质量检验检测中心{n}",
    InstitutionType.UNIVERSITY: "{university}{place}{industry}研究院",
    InstitutionType.TECH_TRANSFER: "{place}技术转移中心{n}",
    InstitutionType.FINANCE: "{place}{industry}创业投资基金{n}期",
    InstitutionType.DESIGN: "{place}{industry}工业设计中心{n}",
    InstitutionType.ENTERPRISE_RD: "{place}{surname}氏{industry}企业研究院",
    InstitutionType.OTHER_SERVICE: "{place}{industry}创新服务中心{n}",
}
UNIVERSITIES = [
    "浙江大学",
    "浙江工业大学",
    "浙江理工大学",
    "杭州电子科技大学",
    "中国计量大学",
    "宁波大学",
    "温州大学",
    "浙江师范大学",
    "浙江科技大学",
    "中国科学院宁波材料所",
    "清华长三角研究院",
    "北京航空航天大学",
    "上海交通大学",
    "哈尔滨工业大学",
    "西安交通大学",
    "中国美术学院",
]
INSTRUMENTS = [
    "扫描电子显微镜",
    "X射线衍射仪",
    "电感耦合等离子体质谱仪",
    "三坐标测量机",
    "激光粒度分析仪",
    "气相色谱质谱联用仪",
    "万能材料试验机",
    "高低温交变湿热试验箱",
    "傅里叶红外光谱仪",
    "液相色谱仪",
    "电磁兼容测试系统",
    "工业CT",
    "五轴加工中心",
    "3D打印成型设备",
]
TALENT_FIELDS = ["新材料", "智能制造", "工业设计", "生物医药", "电子信息", "精密加工", "绿色化工"]


def seed(context: DemoContext) -> None:
    _regional_officials(context)
    rng = context.rng
    counties = {region.code: region for region in Region.objects.filter(level=RegionLevel.COUNTY)}
    total = COMPLEXES_PER_SCALE * context.scale
    candidates = _candidates(context, counties)[:total]

    complexes, provincial_quota = (
        [],
        {
            T: PROVINCIAL_TRADITIONAL_PER_SCALE * context.scale,
            E: PROVINCIAL_EMERGING_PER_SCALE * context.scale,
        },
    )
    sequence_in_county: dict[str, int] = {}
    for county_code, place, industry, category in candidates:
        region = counties[county_code]
        if provincial_quota[category] > 0:
            provincial_quota[category] -= 1
            level = Level.PROVINCIAL
        else:
            level = Level.CITY if rng.random() < 0.58 else Level.COUNTY
        sequence_in_county[county_code] = sequence_in_county.get(county_code, 0) + 1
        founded = rng.randint(2017, context.today.year - 1)
        complexes.append(
            Complex(
                code=f"ZJ{county_code}{sequence_in_county[county_code]:02d}",
                name=f"{place}{industry}产业创新服务综合体",
                level=level,
                category=category,
                region=region,
                industry=industry,
                cluster_size_tier=rng.choices(list(ClusterSizeTier.values), weights=(26, 16, 23))[
                    0
                ],
                construction_mode=rng.choice(ConstructionMode.values),
                operating_mechanism=rng.choice(OperatingMechanism.values),
                applicant_government=f"{region.name_zh_hans}人民政府",
                host_unit=f"{place}{industry}创新服务有限公司",
                founded_year=founded,
                status=_status(context, founded),
                contact_name=context.person_name(),
                contact_phone=context.phone(),
                contact_email=f"contact-{county_code}-{sequence_in_county[county_code]}@example.org",
                address=f"浙江省{region.parent.name_zh_hans}{region.name_zh_hans}创新大道{rng.randint(1, 999)}号",
                description=(
                    f"围绕{place}{industry}产业集群，集聚研发设计、检验检测、成果转化、"
                    f"知识产权和金融等创新服务资源，为集群中小企业提供全链条服务。"
                ),
                longitude=(region.longitude + Decimal(rng.uniform(-0.06, 0.06))).quantize(
                    Decimal("0.000001")
                ),
                latitude=(region.latitude + Decimal(rng.uniform(-0.05, 0.05))).quantize(
                    Decimal("0.000001")
                ),
            )
        )
    Complex.objects.bulk_create(complexes, batch_size=1000)
    _status_histories(context, complexes)
    _members(context, complexes)
    _operators(context, complexes)
    _hearings_and_reapplication(context, complexes)


def _candidates(context: DemoContext, counties) -> list[tuple[str, str, str, str]]:
    """Named clusters first, then every county × generic industry in a seeded order."""
    named = [entry for entry in NAMED_CLUSTERS if entry[0] in counties]
    taken = {(county, industry) for county, _, industry, _ in named}
    generic = [
        (code, _short_place(region.name_zh_hans), industry, category)
        for code, region in sorted(counties.items())
        for industry, category in GENERIC_INDUSTRIES
        if (code, industry) not in taken
    ]
    context.rng.shuffle(generic)
    return named + generic


def _short_place(name: str) -> str:
    for suffix in ("畲族自治县", "区", "县", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _status(context: DemoContext, founded: int) -> str:
    if founded >= context.today.year - 1:
        return Status.CONSTRUCTING
    draw = context.rng.random()
    if draw < 0.04:
        return Status.REMOVED
    if draw < 0.10:
        return Status.RECTIFYING
    return Status.OPERATING


def _moment(year: int, month: int, day: int):
    return timezone.make_aware(datetime.combine(datetime(year, month, day).date(), time(10)))


def _status_histories(context: DemoContext, complexes: list[Complex]) -> None:
    changes = []
    for complex_ in complexes:
        year = complex_.founded_year
        steps = [("", Status.CONSTRUCTING, "省科技厅批复创建。", _moment(year, 3, 15))]
        if complex_.status != Status.CONSTRUCTING:
            steps.append(
                (
                    Status.CONSTRUCTING,
                    Status.OPERATING,
                    "建设期满，通过验收。",
                    _moment(year + 1, 12, 20),
                )
            )
        if complex_.status in (Status.RECTIFYING, Status.REMOVED):
            steps.append(
                (
                    Status.OPERATING,
                    Status.RECTIFYING,
                    "年度绩效评价不合格，限期整改。",
                    _moment(context.today.year - 1, 4, 10),
                )
            )
        if complex_.status == Status.REMOVED:
            steps.append(
                (
                    Status.RECTIFYING,
                    Status.REMOVED,
                    "整改不到位，予以摘牌。",
                    _moment(context.today.year, 4, 12),
                )
            )
        changes += [
            ComplexStatusChange(
                complex=complex_,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                changed_at=moment,
            )
            for from_status, to_status, reason, moment in steps
        ]
    ComplexStatusChange.objects.bulk_create(changes, batch_size=2000)


def _hearings_and_reapplication(context: DemoContext, complexes: list[Complex]) -> None:
    """Every removal was confirmed after a hearing, recorded between the complex's
    rectification and its removal; the first removed complex has applied again as a new
    complex in construction."""
    removed = sorted(
        (complex_ for complex_ in complexes if complex_.status == Status.REMOVED),
        key=lambda complex_: complex_.code,
    )
    year = context.today.year
    RemovalHearing.objects.bulk_create(
        RemovalHearing(
            complex=complex_,
            held_on=_moment(year, 4, 8).date(),
            outcome="运营方到会陈述整改情况；经听证，整改目标未达成，同意摘牌。",
            recorded_at=_moment(year, 4, 9),
        )
        for complex_ in removed
    )
    if not removed:
        return
    predecessor = removed[0]
    successor = Complex.objects.create(
        code=f"{predecessor.code}R",
        predecessor=predecessor,
        founded_year=year,
        status=Status.CONSTRUCTING,
        **{name: getattr(predecessor, name) for name in REAPPLY_FIELDS},
    )
    ComplexStatusChange.objects.create(
        complex=successor,
        to_status=Status.CONSTRUCTING,
        reason="撤销后重新申报，省科技厅受理并批复重新创建。",
        changed_at=_moment(year, 5, 20),
    )


def _ended(rng, started: int, this_year: int) -> int | None:
    """The year a member left, a team dissolved or an instrument retired: one in twelve
    records has ended, in a year after it started."""
    if started < this_year and rng.random() < 1 / 12:
        return rng.randint(started + 1, this_year)
    return None


def _members(context: DemoContext, complexes: list[Complex]) -> None:
    rng = context.rng
    types = [member_type for member_type, _ in MEMBER_TYPE_WEIGHTS]
    weights = [weight for _, weight in MEMBER_TYPE_WEIGHTS]
    institutions, instruments, teams = [], [], []
    this_year = context.today.year
    for complex_ in complexes:
        provincial = complex_.level == Level.PROVINCIAL
        place = complex_.name.removesuffix(f"{complex_.industry}产业创新服务综合体")
        member_count = rng.randint(36, 52) if provincial else rng.randint(8, 18)
        for n, member_type in enumerate(rng.choices(types, weights=weights, k=member_count), 1):
            name = MEMBER_NAME_PATTERNS[member_type].format(
                place=place,
                industry=complex_.industry,
                n=n,
                surname=rng.choice("王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"),
                university=rng.choice(UNIVERSITIES),
            )
            authority = "1" if member_type == InstitutionType.UNIVERSITY else "9"
            institutions.append(
                Institution(
                    complex=complex_,
                    name=name,
                    type=member_type,
                    credit_code=context.credit_code(
                        division=complex_.region_id,
                        authority=authority,
                        category="2" if authority == "1" else "1",
                    ),
                    contact_name=context.person_name(),
                    contact_phone=context.phone(),
                    joined_year=(joined := rng.randint(complex_.founded_year, this_year)),
                    left_year=_ended(rng, joined, this_year),
                )
            )
        for _ in range(rng.randint(20, 60) if provincial else rng.randint(3, 15)):
            acquired = rng.randint(complex_.founded_year, this_year)
            # Most are opened for sharing when acquired or a year or two later; some never.
            shared_from = (
                min(acquired + rng.choice((0, 0, 0, 1, 2)), this_year)
                if rng.random() < 0.85
                else None
            )
            retired = _ended(rng, acquired, this_year)
            if retired is not None and shared_from is not None and shared_from >= retired:
                shared_from = None  # retired before it was ever opened
            instruments.append(
                SharedInstrument(
                    complex=complex_,
                    name=rng.choice(INSTRUMENTS),
                    original_value=Decimal(rng.randrange(500_000_00, 8_000_000_00)) / 100,
                    acquired_year=acquired,
                    shared_from_year=shared_from,
                    retired_year=retired,
                    # bulk_create skips save(), which keeps the flag from the years.
                    open_for_sharing=shared_from is not None and retired is None,
                )
            )
        for _ in range(rng.randint(25, 45) if provincial else rng.randint(3, 10)):
            field = rng.choice(TALENT_FIELDS)
            leader = context.person_name()
            teams.append(
                TalentTeam(
                    complex=complex_,
                    name=f"{leader}{field}创新团队",
                    leader=leader,
                    field=field,
                    size=rng.randint(3, 25),
                    introduced_year=(formed := rng.randint(complex_.founded_year, this_year)),
                    dissolved_year=_ended(rng, formed, this_year),
                )
            )
    Institution.objects.bulk_create(institutions, batch_size=2000)
    SharedInstrument.objects.bulk_create(instruments, batch_size=2000)
    TalentTeam.objects.bulk_create(teams, batch_size=2000)
    # Instruments are dated by their registration: back-date them to when their complex started.
    # Back-dating is not an edit anyone made, so the audit's update trigger stays out of it; it
    # would also cost minutes at scale 10 (its per-row exception block, inside this large
    # transaction, grows with every row already written: 46 s for 32,000 rows).
    with (
        pgtrigger.ignore("complexes.SharedInstrument:update_update"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            """
            UPDATE complexes_sharedinstrument AS instrument
            SET created_at = make_timestamptz(complex.founded_year, 6, 30, 12, 0, 0, 'Asia/Shanghai')
            FROM complexes_complex AS complex
            WHERE instrument.complex_id = complex.id
            """
        )


def _regional_officials(context: DemoContext) -> None:
    """One science bureau account per city (``city-<code>``) and county (``county-<code>``)."""
    users = []
    for region in Region.objects.exclude(level=RegionLevel.PROVINCE).order_by("code"):
        prefix = "city" if region.level == RegionLevel.CITY else "county"
        users.append(
            User(
                username=f"{prefix}-{region.code}",
                first_name=f"{region.name_zh_hans}科技局",
                role=Role.REGIONAL_OFFICIAL,
                region=region,
                password=context.password_hash,
                email=f"{prefix}-{region.code}@example.org",
            )
        )
    User.objects.bulk_create(users, batch_size=500)


def _operators(context: DemoContext, complexes: list[Complex]) -> None:
    User.objects.bulk_create(
        [
            User(
                username=f"op-{complex_.code}",
                first_name=complex_.contact_name,
                email=complex_.contact_email,
                role=Role.OPERATOR,
                complex=complex_,
                password=context.password_hash,
            )
            for complex_ in complexes
        ],
        batch_size=1000,
    )

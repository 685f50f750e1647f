"""The default indicator catalogue (the seeds' indicators) and the documented default evaluation
scheme of each category (docs/EVALUATION.md explains the choices)."""

from decimal import Decimal

from django.db import migrations

# code, English name, Chinese name, unit (en, zh), dimension, source, whole number, maximum
INDICATORS = [
    ("st_projects", "Provincial-or-higher S&T projects undertaken", "承担省级以上科技项目数", "projects", "项", "services", "reported", True, 10_000),
    ("iur_enterprises", "Enterprises in industry–university–research cooperation", "开展产学研合作企业数", "enterprises", "家", "ecosystem", "reported", True, 100_000),
    ("services_to_enterprises", "Services to S&T enterprises", "服务科技型企业次数", "times", "次", "services", "reported", True, 10_000_000),
    ("problems_solved", "Technical problems solved", "解决技术难题数", "problems", "项", "services", "reported", True, 1_000_000),
    ("tech_transactions", "Technology transactions", "技术交易项数", "transactions", "项", "services", "reported", True, 1_000_000),
    ("tech_transaction_amount", "Technology transaction amount", "技术交易额", "CNY", "元", "services", "reported", False, 10**12),
    ("venture_funds", "Venture funds gathered", "集聚创投基金规模", "CNY", "元", "ecosystem", "reported", False, 10**12),
    ("ip_pledge_loans", "IP-pledge loans", "知识产权质押融资额", "CNY", "元", "ecosystem", "reported", False, 10**12),
    ("cluster_revenue", "Cluster main business revenue", "产业集群主营业务收入", "CNY", "元", "industry", "reported", False, 10**14),
    ("cluster_rd_spend", "Cluster R&D spend", "产业集群研发投入", "CNY", "元", "industry", "reported", False, 10**13),
    ("high_tech_enterprises", "National high-tech enterprises", "国家高新技术企业数", "enterprises", "家", "industry", "reported", True, 100_000),
    ("tech_smes", "S&T SMEs", "科技型中小企业数", "enterprises", "家", "industry", "reported", True, 100_000),
    ("key_technologies", "Key technologies developed", "攻克关键核心技术数", "technologies", "项", "industry", "reported", True, 10_000),
    ("talent_introduced", "High-level talent introduced", "引进高层次人才数", "persons", "人", "resources", "reported", True, 100_000),
    ("policies_implemented", "Policies implemented", "落实惠企政策数", "policies", "项", "operations", "reported", True, 10_000),
    ("local_match_funds", "City/county matching funds", "市县财政配套资金", "CNY", "元", "operations", "reported", False, 10**11),
    ("host_investment", "Host unit's investment", "依托单位投入资金", "CNY", "元", "operations", "reported", False, 10**11),
    ("services_delivered", "Services delivered through the portal", "平台完成服务次数", "times", "次", "services", "derived", True, None),
    ("enterprises_served", "Enterprises served through the portal", "平台服务企业数", "enterprises", "家", "services", "derived", True, None),
    ("average_rating", "Average service rating", "服务平均评分", "points (1–5)", "分（1–5）", "services", "derived", False, None),
    ("voucher_amount", "Innovation vouchers redeemed", "创新券兑付金额", "CNY", "元", "ecosystem", "derived", False, None),
    ("member_institutions", "Member institutions", "入驻服务机构数", "institutions", "家", "resources", "derived", True, None),
    ("incubators", "Incubators and maker spaces", "孵化器和众创空间数", "institutions", "家", "resources", "derived", True, None),
    ("ip_agencies", "IP service agencies", "知识产权服务机构数", "institutions", "家", "resources", "derived", True, None),
    ("testing_platforms", "Testing and inspection platforms", "检验检测平台数", "platforms", "家", "resources", "derived", True, None),
    ("university_partners", "Co-built universities and institutes", "共建大院名校数", "institutions", "家", "resources", "derived", True, None),
    ("talent_teams", "High-level talent teams", "高层次人才团队数", "teams", "个", "resources", "derived", True, None),
    ("shared_instruments", "Shared instruments (≥ 500,000 CNY)", "开放共享仪器设备数（原值50万元以上）", "units", "台（套）", "resources", "derived", True, None),
    ("shared_instrument_value", "Original value of shared instruments", "开放共享仪器设备原值", "CNY", "元", "resources", "derived", False, None),
]

COUNTERPARTS = {"services_to_enterprises": "services_delivered"}

REGISTRY_TRACES = {
    "member_institutions": "/complexes/{complex_code}/#members-heading",
    "incubators": "/complexes/{complex_code}/#counts-heading",
    "ip_agencies": "/complexes/{complex_code}/#counts-heading",
    "testing_platforms": "/complexes/{complex_code}/#counts-heading",
    "university_partners": "/complexes/{complex_code}/#counts-heading",
    "talent_teams": "/complexes/{complex_code}/#talent-heading",
    "shared_instruments": "/complexes/{complex_code}/#instruments-heading",
    "shared_instrument_value": "/complexes/{complex_code}/#instruments-heading",
}

# Weights sum to 100 in each category (docs/EVALUATION.md).
DEFAULT_WEIGHTS = {
    "traditional": {
        "cluster_rd_spend": 10,
        "problems_solved": 10,
        "services_to_enterprises": 8,
        "average_rating": 8,
        "services_delivered": 6,
        "enterprises_served": 6,
        "high_tech_enterprises": 6,
        "tech_smes": 6,
        "key_technologies": 6,
        "tech_transactions": 5,
        "tech_transaction_amount": 5,
        "iur_enterprises": 5,
        "member_institutions": 4,
        "talent_teams": 4,
        "shared_instruments": 3,
        "talent_introduced": 3,
        "policies_implemented": 3,
        "venture_funds": 2,
    },
    "emerging": {
        "cluster_rd_spend": 10,
        "key_technologies": 10,
        "high_tech_enterprises": 8,
        "average_rating": 8,
        "tech_smes": 6,
        "problems_solved": 6,
        "services_to_enterprises": 6,
        "tech_transaction_amount": 6,
        "services_delivered": 5,
        "enterprises_served": 5,
        "venture_funds": 5,
        "talent_teams": 5,
        "ip_pledge_loans": 4,
        "university_partners": 4,
        "talent_introduced": 4,
        "incubators": 4,
        "policies_implemented": 4,
    },
}

# code, English, Chinese, points
DEFAULT_ITEMS = [
    ("national_award", "National-level award or recognition", "获国家级奖励或表彰", Decimal("3")),
    ("mountain_county_service", "Outstanding service to the 26 mountain counties", "服务山区26县成效突出", Decimal("2")),
    ("reform_pilot", "Provincial reform pilot", "承担省级改革试点", Decimal("2")),
    ("false_reporting", "False or inflated reporting", "数据弄虚作假", Decimal("-10")),
    ("safety_incident", "Serious safety or integrity incident", "发生重大安全或诚信事件", Decimal("-5")),
]

FIRST_YEAR = 2017


def load(apps, schema_editor):
    Indicator = apps.get_model("evaluation", "Indicator")
    Scheme = apps.get_model("evaluation", "EvaluationScheme")
    Weight = apps.get_model("evaluation", "SchemeWeight")
    Item = apps.get_model("evaluation", "AdjustmentItem")
    by_code = {}
    for position, row in enumerate(INDICATORS, 1):
        code, name_en, name_zh, unit_en, unit_zh, dimension, source, whole, maximum = row
        by_code[code] = Indicator.objects.create(
            code=code,
            name=name_zh,
            name_zh_hans=name_zh,
            name_en=name_en,
            unit=unit_zh,
            unit_zh_hans=unit_zh,
            unit_en=unit_en,
            dimension=dimension,
            source=source,
            higher_is_better=True,
            whole_number=whole,
            maximum=maximum,
            trace_url=REGISTRY_TRACES.get(code, ""),
            position=position * 10,
        )
    for code, counterpart in COUNTERPARTS.items():
        by_code[code].counterpart = by_code[counterpart]
        by_code[code].save(update_fields=["counterpart"])
    for category, weights in DEFAULT_WEIGHTS.items():
        assert sum(weights.values()) == 100, category
        scheme = Scheme.objects.create(
            year=FIRST_YEAR,
            category=category,
            version=1,
            normalization="ratio_to_best",
            floor=Decimal("0.50"),
            excellent_from=Decimal("85"),
            good_from=Decimal("75"),
            pass_from=Decimal("60"),
            notes="Default scheme shipped with the portal (docs/EVALUATION.md).",
        )
        Weight.objects.bulk_create(
            Weight(scheme=scheme, indicator=by_code[code], weight=Decimal(weight))
            for code, weight in weights.items()
        )
        Item.objects.bulk_create(
            Item(scheme=scheme, code=code, name=name_zh, name_zh_hans=name_zh, name_en=name_en, points=points)
            for code, name_en, name_zh, points in DEFAULT_ITEMS
        )


def unload(apps, schema_editor):
    apps.get_model("evaluation", "EvaluationScheme").objects.all().delete()
    apps.get_model("evaluation", "Indicator").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

"""Each indicator's definition, in Chinese and in English: what a reported figure covers, and
how a derived one is counted from the portal's records (the indicator catalogue page)."""

from django.db import migrations, models

# code: (English, Chinese)
DEFINITIONS = {
    "st_projects": (
        "Science and technology projects at provincial level or above that the complex or its member institutions undertook in the year (counted once each, by the year of approval).",
        "综合体及其入驻机构当年承担的省级及以上科技项目数（按立项年度，每项计一次）。",
    ),
    "iur_enterprises": (
        "Enterprises of the cluster that cooperated with universities or research institutes through the complex in the year (each enterprise counted once).",
        "当年通过综合体与高校、科研院所开展产学研合作的集群企业数（每家企业计一次）。",
    ),
    "services_to_enterprises": (
        "Times the complex served science and technology enterprises in the year, as the operator reports them (online and offline); the portal compares it with the services delivered through the portal.",
        "运营单位填报的当年为科技型企业提供服务的次数（线上线下合计）；门户将其与平台完成服务次数对照。",
    ),
    "problems_solved": (
        "Technical problems of enterprises the complex solved in the year, each with a result the enterprise accepted.",
        "当年综合体帮助企业解决、并经企业确认的技术难题数。",
    ),
    "tech_transactions": (
        "Technology contracts (transfer, licensing, development, consulting and services) concluded through the complex in the year.",
        "当年通过综合体达成的技术合同项数（技术转让、许可、开发、咨询和服务）。",
    ),
    "tech_transaction_amount": (
        "Amount of the technology contracts concluded through the complex in the year, in CNY yuan.",
        "当年通过综合体达成的技术合同成交金额（元）。",
    ),
    "venture_funds": (
        "Venture and investment funds gathered by the complex at the end of the year, in CNY yuan.",
        "年末综合体集聚的创业投资和产业基金规模（元）。",
    ),
    "ip_pledge_loans": (
        "Loans secured by intellectual property that enterprises obtained through the complex in the year, in CNY yuan.",
        "当年企业通过综合体获得的知识产权质押融资金额（元）。",
    ),
    "cluster_revenue": (
        "Main business revenue of the industry cluster the complex serves, in the year, in CNY yuan.",
        "综合体所服务产业集群当年的主营业务收入（元）。",
    ),
    "cluster_rd_spend": (
        "Research and development spending of the cluster's enterprises in the year, in CNY yuan.",
        "产业集群企业当年的研发经费投入（元）。",
    ),
    "high_tech_enterprises": (
        "National high-tech enterprises in the cluster at the end of the year.",
        "年末产业集群内的国家高新技术企业数。",
    ),
    "tech_smes": (
        "Science and technology SMEs of the cluster registered at the end of the year.",
        "年末产业集群内入库的科技型中小企业数。",
    ),
    "key_technologies": (
        "Key and core technologies the complex developed or helped develop in the year, each accepted by an expert review or an enterprise's use.",
        "当年综合体攻克或协助攻克、并经专家评审或企业应用确认的关键核心技术数。",
    ),
    "talent_introduced": (
        "High-level talent (PhD, senior title or a talent programme) who joined the complex or its member institutions in the year.",
        "当年新引进到综合体及其入驻机构的高层次人才数（博士、高级职称或入选人才计划）。",
    ),
    "policies_implemented": (
        "Support policies for enterprises the complex helped put into effect in the year (each policy counted once).",
        "当年综合体协助落地的惠企政策数（每项政策计一次）。",
    ),
    "local_match_funds": (
        "Money the city or county government actually paid to the complex in the year to match the provincial funds, in CNY yuan.",
        "市、县（市、区）政府当年实际拨付给综合体、与省级资金配套的资金（元）。",
    ),
    "host_investment": (
        "Money the host unit actually invested in the complex in the year, in CNY yuan.",
        "依托单位当年实际投入综合体的资金（元）。",
    ),
    "services_delivered": (
        "Counted by the portal: the service requests to the complex that the enterprise confirmed as completed in the year (the year of confirmation).",
        "门户统计：当年经企业确认完成的、向该综合体提出的服务需求数（按确认年度计）。",
    ),
    "enterprises_served": (
        "Counted by the portal: the distinct enterprises among the requests completed in the year.",
        "门户统计：当年完成的服务需求所涉及的不同企业数。",
    ),
    "average_rating": (
        "Counted by the portal: the mean of the ratings (1–5) enterprises gave when confirming the requests completed in the year, to two places.",
        "门户统计：企业确认当年完成的服务需求时给出的评分（1–5分）的平均值，保留两位小数。",
    ),
    "voucher_amount": (
        "Counted by the portal: the innovation voucher amounts paid on the requests completed in the year, in CNY yuan.",
        "门户统计：当年完成的服务需求中以创新券支付的金额合计（元）。",
    ),
    "member_institutions": (
        "Counted by the portal: the member institutions in the complex's registry that had joined by the end of the year.",
        "门户统计：综合体名录中年末已入驻的服务机构数。",
    ),
    "incubators": (
        "Counted by the portal: the member institutions of the type incubator or maker space.",
        "门户统计：入驻机构中类型为孵化器或众创空间的机构数。",
    ),
    "ip_agencies": (
        "Counted by the portal: the member institutions of the type IP service agency.",
        "门户统计：入驻机构中类型为知识产权服务机构的机构数。",
    ),
    "testing_platforms": (
        "Counted by the portal: the member institutions of the type testing and inspection platform.",
        "门户统计：入驻机构中类型为检验检测平台的机构数。",
    ),
    "university_partners": (
        "Counted by the portal: the member institutions of the type co-built university or institute.",
        "门户统计：入驻机构中类型为共建大院名校的机构数。",
    ),
    "talent_teams": (
        "Counted by the portal: the high-level talent teams in the complex's registry introduced by the end of the year.",
        "门户统计：综合体名录中年末已引进的高层次人才团队数。",
    ),
    "shared_instruments": (
        "Counted by the portal: the instruments in the complex's registry with an original value of 500,000 CNY or more that are open for sharing.",
        "门户统计：综合体名录中原值50万元及以上、对外开放共享的仪器设备数。",
    ),
    "shared_instrument_value": (
        "Counted by the portal: the original value of those shared instruments, in CNY yuan.",
        "门户统计：上述开放共享仪器设备的原值合计（元）。",
    ),
}


def fill_definitions(apps, schema_editor):
    """Idempotent: the shipped indicators' definitions (an indicator added since keeps its own)."""
    Indicator = apps.get_model("evaluation", "Indicator")
    for code, (english, chinese) in DEFINITIONS.items():
        Indicator.objects.filter(code=code).update(
            definition=chinese, definition_zh_hans=chinese, definition_en=english
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0008_merge_adjustment_proposals")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="definition",
            field=models.TextField(
                blank=True,
                help_text="What a reported figure covers; for a derived indicator, how the portal counts it.",
                verbose_name="definition",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="definition_zh_hans",
            field=models.TextField(
                blank=True,
                help_text="What a reported figure covers; for a derived indicator, how the portal counts it.",
                null=True,
                verbose_name="definition",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="definition_en",
            field=models.TextField(
                blank=True,
                help_text="What a reported figure covers; for a derived indicator, how the portal counts it.",
                null=True,
                verbose_name="definition",
            ),
        ),
        migrations.RunPython(fill_definitions, migrations.RunPython.noop),
    ]

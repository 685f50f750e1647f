"""factory_boy factories for the registry. Regions come from the migration, never from here."""

import factory
from django.db import connection
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from complexes.models import (
    Category,
    ClusterSizeTier,
    Complex,
    ConstructionMode,
    Institution,
    InstitutionType,
    Level,
    OperatingMechanism,
    Region,
    Status,
)
from portal import credit_code
from services.models import Enterprise, EnterpriseSize

PASSWORD = "secret-pass-2026"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def valid_credit_code(n: int, division: str = "330784") -> str:
    return credit_code.build(
        authority="9", category="1", division=division, organisation_body=f"{n:08d}"
    )


class ComplexFactory(DjangoModelFactory):
    class Meta:
        model = Complex

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试产业创新服务综合体{n}")
    level = Level.PROVINCIAL
    category = Category.TRADITIONAL
    region = factory.LazyFunction(lambda: region("330784"))
    industry = "五金"
    cluster_size_tier = ClusterSizeTier.ABOVE_10BN
    construction_mode = ConstructionMode.GOVERNMENT_LED
    operating_mechanism = OperatingMechanism.COUNCIL
    applicant_government = factory.LazyAttribute(lambda o: f"{o.region.name_zh_hans}人民政府")
    host_unit = factory.LazyAttribute(
        lambda o: o.name.replace("产业创新服务综合体", "创新服务有限公司")
    )
    founded_year = 2019
    status = Status.OPERATING


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    complex = factory.SubFactory(ComplexFactory)
    name = factory.Sequence(lambda n: f"检验检测中心{n}")
    type = InstitutionType.TESTING
    credit_code = factory.Sequence(valid_credit_code)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(lambda n: valid_credit_code(50_000_000 + n))
    name = factory.Sequence(lambda n: f"永康市测试五金制品有限公司{n}")
    region = factory.LazyFunction(lambda: region("330784"))
    size = EnterpriseSize.SMALL
    # Verified, so that tests written before verification existed mean what they meant.
    verified = True
    verified_at = factory.LazyFunction(timezone.now)

    class Params:
        # A self-registration waiting for an official: unverified, its licence uploaded.
        pending = factory.Trait(
            verified=False,
            verified_at=None,
            business_licence=factory.django.FileField(
                filename="licence.pdf", data=b"%PDF-1.4 business licence"
            ),
            business_licence_name="营业执照.pdf",
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)
    role = Role.STAFF

    class Params:
        provincial = factory.Trait(role=Role.PROVINCIAL_OFFICIAL)


def provincial_official(**kwargs) -> User:
    return UserFactory(provincial=True, **kwargs)


def regional_official(code: str, **kwargs) -> User:
    return UserFactory(role=Role.REGIONAL_OFFICIAL, region=region(code), **kwargs)


def operator_of(complex_: Complex, **kwargs) -> User:
    return UserFactory(role=Role.OPERATOR, complex=complex_, **kwargs)


def enterprise_user_of(enterprise: Enterprise, **kwargs) -> User:
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise, **kwargs)


# The service records, children first: hundreds of thousands of rows that the ORM would
# collect one by one before deleting them.
SERVICE_RECORD_TABLES = (
    "services_fraudflag",
    "services_impactsurvey",
    "services_settlementreview",
    "services_enterpriseclaim",
    "services_voucherapplication_planned_services",
    "services_voucherapplication",
    "services_voucherreminder",
    "services_voucherentry",
    "services_vouchersettlement",
    "services_servicerequestevent",
    "services_deliverable",
    "services_servicerequestnotice",
    "services_servicerequest",
    "services_voucher",
    "services_offeringstats",
    "services_offering",
)


def wipe_demo_data() -> None:
    """Empty what the registry's and the services' demo steps fill, so a test can seed again
    (``seed_demo`` refuses a seeded database). Tests that seed evaluation or funding data seed
    once per test instead: each test runs in its own rolled-back transaction.

    No CASCADE: users reference complexes and enterprises, and what migrations ship (default
    schemes and rules) references users, so a cascade would empty those too.
    """
    with connection.cursor() as cursor:
        # TRUNCATE refuses tables with deferred foreign-key checks pending: run them now. No
        # table outside the list references these, so no CASCADE is needed.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(SERVICE_RECORD_TABLES)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    User.objects.all().delete()
    Enterprise.objects.all().delete()
    Complex.objects.all().delete()


def authenticate(*, username: str, password: str):
    """Django's authenticate() as a login form calls it: django-axes needs the request."""
    from django.contrib.auth import authenticate as django_authenticate
    from django.test import RequestFactory

    return django_authenticate(
        RequestFactory().post("/accounts/login/"), username=username, password=password
    )

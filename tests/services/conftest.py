import pytest

from tests import factories

from .factories import OfferingFactory, ServiceRequestFactory, VoucherFactory


@pytest.fixture
def world(db, yongkang_complex):
    """A Yongkang testing offering, an enterprise with a voucher and a request paying 3,000."""
    enterprise = factories.EnterpriseFactory(name="永康市恒达工具有限公司")
    other_complex = factories.ComplexFactory(region=factories.region("330110"))
    offering = OfferingFactory(complex=yongkang_complex, title="电动工具安全性能检测")
    voucher = VoucherFactory(enterprise=enterprise)
    service_request = ServiceRequestFactory(
        offering=offering, enterprise=enterprise, voucher=voucher, voucher_amount="3000.00"
    )
    other_enterprise = factories.EnterpriseFactory(region=factories.region("330110"))
    return {
        "complex": yongkang_complex,
        "offering": offering,
        "enterprise": enterprise,
        "voucher": voucher,
        "request": service_request,
        "operator": factories.operator_of(yongkang_complex),
        "enterprise_user": factories.enterprise_user_of(enterprise, email="boss@hengda.example"),
        "other_operator": factories.operator_of(other_complex),
        "other_enterprise_user": factories.enterprise_user_of(other_enterprise),
        "official_in_scope": factories.regional_official("330784"),
        "official_out_of_scope": factories.regional_official("330100"),
        "province": factories.provincial_official(),
        "anonymous": None,
    }

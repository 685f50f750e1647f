"""Numbers the services app checks on the way in."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 高新技术企业证书编号: GR (GF on some early certificates), the year of issue (the scheme
# started in 2008), the province's two-digit code and a six-digit serial: GR202333001234. Typed
# in lower case, it is stored in upper case (services.enterprise_profile_update).
HIGH_TECH_CERTIFICATE = re.compile(r"^G[RF](20\d\d)\d{8}$", re.IGNORECASE)
FIRST_CERTIFICATE_YEAR = 2008


def validate_high_tech_certificate(value: str) -> None:
    match = HIGH_TECH_CERTIFICATE.match(value)
    if not match or int(match.group(1)) < FIRST_CERTIFICATE_YEAR:
        raise ValidationError(
            _(
                "Enter the certificate number as printed: GR, the year of issue and eight "
                "digits (e.g. GR202333001234)."
            ),
            code="invalid",
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services and vouchers")

    def ready(self):
        from django.db.models.signals import post_save
        from django.urls import reverse

        from portal.api.public_cache import invalidate_on_write
        from portal.audit import (
            HistoryFile,
            HistoryKind,
            register_history_file,
            register_history_kind,
        )
        from portal.derived import counting_sources
        from portal.figures import figure_sources
        from portal.open_data import OpenDataset, open_dataset_register

        from .exports import OFFERINGS
        from .figures import service_figures
        from .indicators import COUNTING_SOURCE
        from .models import Offering, ServiceRequest
        from .offering_stats import refresh_when_confirmed

        counting_sources.register(COUNTING_SOURCE)
        invalidate_on_write(Offering)
        post_save.connect(
            refresh_when_confirmed, sender=ServiceRequest, dispatch_uid="offering-stats"
        )
        open_dataset_register(
            OpenDataset(
                slug="service-catalogue",
                table=OFFERINGS,
                description=_("Every active service in the complexes' catalogues."),
                updated=_("as operators edit their catalogues"),
            )
        )
        figure_sources.register(service_figures)
        register_history_kind(
            "offering",
            HistoryKind(
                "services.Offering",
                ("services.OfferingEvent",),
                lambda offering: reverse("services:offering_detail", args=[offering.pk]),
            ),
        )
        register_history_kind(
            "request",
            HistoryKind(
                "services.ServiceRequest",
                ("services.ServiceRequestChange", "services.VoucherEntryEvent"),
                lambda request_: reverse("services:request_detail", args=[request_.pk]),
            ),
        )
        register_history_kind(
            "voucher",
            HistoryKind(
                "services.Voucher",
                ("services.VoucherEvent", "services.VoucherEntryEvent"),
                lambda voucher: reverse("services:voucher_detail", args=[voucher.pk]),
            ),
        )
        register_history_kind(
            "voucher_application",
            HistoryKind(
                "services.VoucherApplication",
                ("services.VoucherApplicationEvent",),
                lambda application: reverse(
                    "services:voucher_application_detail", args=[application.pk]
                ),
            ),
        )
        register_history_kind(
            "settlement",
            HistoryKind(
                "services.VoucherSettlement",
                ("services.VoucherSettlementEvent", "services.VoucherEntryEvent"),
                lambda settlement: reverse("services:settlements"),
            ),
        )
        register_history_kind(
            "enterprise",
            HistoryKind(
                "services.Enterprise",
                ("services.EnterpriseEvent", "services.EnterpriseClaimEvent"),
                lambda enterprise: reverse("services:verification_detail", args=[enterprise.pk]),
            ),
        )
        register_history_file(
            "services.ServiceRequest",
            HistoryFile("attachment", "attachment_name", "service-request-attachment"),
        )
        register_history_file(
            "services.Enterprise",
            HistoryFile("business_licence", "business_licence_name", "enterprise-licence"),
        )
        register_history_file(
            "services.EnterpriseClaim",
            HistoryFile("business_licence", "business_licence_name", "services:claim_licence"),
        )

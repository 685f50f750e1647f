from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services and vouchers")

    def ready(self):
        from django.urls import reverse

        from portal.api.public_cache import invalidate_on_write
        from portal.audit import HistoryKind, register_history_kind

        from .models import Offering

        invalidate_on_write(Offering)
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
            "settlement",
            HistoryKind(
                "services.VoucherSettlement",
                ("services.VoucherSettlementEvent", "services.VoucherEntryEvent"),
                lambda settlement: reverse("services:settlements"),
            ),
        )

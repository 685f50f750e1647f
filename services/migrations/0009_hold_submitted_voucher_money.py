"""Voucher money is held from submission now (it was held at acceptance): requests still
submitted hold theirs, oldest first, as far as their voucher's balance goes; a request whose
voucher can no longer cover it keeps going without its voucher part, and its timeline says so."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

NOTE = "创新券余额不足，本申请不再使用创新券支付。(The voucher no longer covered this amount.)"


def hold_submitted(apps, schema_editor):
    ServiceRequest = apps.get_model("services", "ServiceRequest")
    ServiceRequestEvent = apps.get_model("services", "ServiceRequestEvent")
    Voucher = apps.get_model("services", "Voucher")
    VoucherEntry = apps.get_model("services", "VoucherEntry")
    now = timezone.now()
    waiting = ServiceRequest.objects.filter(status="submitted", voucher_amount__gt=0).order_by(
        "submitted_at", "id"
    )
    for request in waiting.iterator():
        amount = request.voucher_amount
        covered = Voucher.objects.filter(pk=request.voucher_id, balance__gte=amount).update(
            balance=F("balance") - amount, held=F("held") + amount, updated_at=now
        )
        if covered:
            VoucherEntry.objects.create(
                voucher_id=request.voucher_id,
                kind="hold",
                amount=amount,
                service_request_id=request.pk,
                complex_id=request.complex_id,
                at=now,
            )
            continue
        ServiceRequest.objects.filter(pk=request.pk).update(voucher=None, voucher_amount=0)
        ServiceRequestEvent.objects.create(
            request_id=request.pk, from_status="submitted", to_status="submitted", note=NOTE, at=now
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0008_voucher_applications_and_holds")]

    operations = [migrations.RunPython(hold_submitted, migrations.RunPython.noop)]

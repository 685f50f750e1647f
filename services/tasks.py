"""Celery tasks of the services app."""

from celery import shared_task

from .fraud import flags_compute


@shared_task
def compute_fraud_flags() -> int:
    """Beat, every night: flag the voucher-paid requests the fraud rules find (idempotent)."""
    return flags_compute()

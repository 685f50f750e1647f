"""Open data: the portal's public tables as CSV files anyone may download, each with a field
dictionary. Apps register their datasets (in AppConfig.ready()); the shared library imports no
app. A dataset is a ``TableExport`` whose rows are public (its selector shows everyone the same
rows) and whose columns all say how the database computes them and what they mean."""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .exports import DATE, DATE_TIME, MONEY, TWO_DECIMALS, Column, TableExport


@dataclass(frozen=True)
class OpenDataset:
    slug: str
    table: TableExport
    description: str | Promise
    # How often the data changes, in a person's words ("as operators edit it", "once a year").
    updated: str | Promise


OPEN_DATASETS: dict[str, OpenDataset] = {}

FIELD_TYPES = {
    MONEY: _("amount in yuan, two decimals"),
    TWO_DECIMALS: _("number, two decimals"),
    DATE: _("date (YYYY-MM-DD)"),
    DATE_TIME: _("date and time in Beijing time (YYYY-MM-DD HH:MM)"),
}


def open_dataset_register(dataset: OpenDataset) -> None:
    if not dataset.table.csv_columns_complete():
        raise ImproperlyConfigured(f"{dataset.slug}: every column needs its sql")
    if any(not column.description for column in dataset.table.columns):
        raise ImproperlyConfigured(f"{dataset.slug}: every column needs its description")
    OPEN_DATASETS[dataset.slug] = dataset


def field_type(column: Column) -> str | Promise:
    return FIELD_TYPES.get(column.number_format, _("text"))

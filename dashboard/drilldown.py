"""The last step of the dashboard's drill-down: what the complex page shows beyond its profile.

Everyone sees the complex's service catalogue and the ten elements' coverage (counts of its
records, no detail). Officials of the complex's region and its operator also see the services delivered
over time, the annual reports, the latest score by dimension and the surveyed impact beside
the reported one; a fixed number of queries.
"""

from complexes.models import Complex
from evaluation import selectors as evaluation_selectors
from services.selectors import complex_catalogue, delivered_per_quarter

from .elements import element_coverage
from .impact import complex_impact_block
from .measures import TIMES
from .selectors import complex_element_counts

SERVICE_QUARTERS = 12
CATALOGUE_LENGTH = 20


def complex_page_blocks(*, complex_: Complex, member_counts: dict[str, int]) -> dict:
    """The dashboard's part of a complex's page that everyone sees (registered in
    ``complexes.pages``): the ten elements' radar and the catalogue."""
    counts = complex_element_counts(complex_id=complex_.pk, member_counts=member_counts)
    return {
        "radar": {"name": complex_.name, "unit": "%", "elements": element_coverage(counts)},
        "catalogue": complex_catalogue(complex_id=complex_.pk, limit=CATALOGUE_LENGTH),
    }


def complex_page_figures(*, complex_: Complex) -> dict:
    """The dashboard's figures for those in the complex's scope (registered in
    ``complexes.pages``), under ``internal``."""
    quarters = delivered_per_quarter(complex_id=complex_.pk, quarters=SERVICE_QUARTERS)
    evaluation = evaluation_selectors.latest_evaluation(complex_id=complex_.pk)
    internal = {
        "services_over_time": {
            "name": complex_.name,
            "unit": str(TIMES),
            "periods": [label for label, _count in quarters],
            "values": [count for _label, count in quarters],
            "total": sum(count for _label, count in quarters),
        },
        "reports": evaluation_selectors.complex_reports(complex_id=complex_.pk),
        "impact": complex_impact_block(complex_=complex_),
        "evaluation": evaluation,
        "dimensions": evaluation_selectors.points_by_dimension(evaluation=evaluation)
        if evaluation
        else [],
    }
    return {"internal": internal}

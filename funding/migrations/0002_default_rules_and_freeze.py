"""The documented default rule set (docs/FUNDING.md) and the database guard on published rows."""

from django.db import migrations

DEFAULTS_NOTE = (
    "Documented defaults (docs/FUNDING.md): pool 2,600,000,000.00; provincial complexes "
    "operating or in construction; ex-ante 20,000,000.00; floor 20,000,000.00; cap "
    "70,000,000.00; multipliers excellent 1.20, good 1.00, pass 0.80, fail 0; local match 1:1; "
    "host investment at least province + city/county."
)

# A published or superseded allocation keeps the amounts, rules and results it was decided
# on; only its matching columns follow the reports, and published → superseded is the only move.
FREEZE = """
CREATE FUNCTION funding_allocation_freeze() RETURNS trigger AS $$
BEGIN
  IF (OLD.status = 'superseded' AND NEW.status <> 'superseded')
     OR (OLD.status = 'published' AND NEW.status NOT IN ('published', 'superseded'))
     OR ROW(NEW.complex_id, NEW.year, NEW.rule_set_id, NEW.decision_id, NEW.evaluation_run_id,
            NEW.evaluated_at, NEW.kind, NEW.score, NEW.grade, NEW.capped, NEW.provincial_amount,
            NEW.required_local_match, NEW.required_host_investment, NEW.computed_at)
        IS DISTINCT FROM
        ROW(OLD.complex_id, OLD.year, OLD.rule_set_id, OLD.decision_id, OLD.evaluation_run_id,
            OLD.evaluated_at, OLD.kind, OLD.score, OLD.grade, OLD.capped, OLD.provincial_amount,
            OLD.required_local_match, OLD.required_host_investment, OLD.computed_at)
  THEN
    RAISE EXCEPTION 'allocation % is % and frozen', OLD.id, OLD.status
      USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER funding_allocation_freeze
BEFORE UPDATE ON funding_allocation
FOR EACH ROW WHEN (OLD.status <> 'draft')
EXECUTE FUNCTION funding_allocation_freeze();
"""

UNFREEZE = """
DROP TRIGGER IF EXISTS funding_allocation_freeze ON funding_allocation;
DROP FUNCTION IF EXISTS funding_allocation_freeze();
"""


def create_defaults(apps, schema_editor):
    RuleSet = apps.get_model("funding", "RuleSet")
    RuleSet.objects.get_or_create(year=None, version=1, defaults={"note": DEFAULTS_NOTE})


def remove_defaults(apps, schema_editor):
    apps.get_model("funding", "RuleSet").objects.filter(year=None, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [
        migrations.RunPython(create_defaults, remove_defaults),
        migrations.RunSQL(FREEZE, UNFREEZE),
    ]

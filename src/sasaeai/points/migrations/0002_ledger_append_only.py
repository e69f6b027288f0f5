"""On PostgreSQL a trigger refuses UPDATE and DELETE on ledger entries and transactions, as it
does on the access log (safety 0002): the ledger is append-only; a correction is a reversing
transaction. Other databases rely on the model and queryset (AppendOnlyModel)."""

from django.db import migrations

TABLES = ("points_ledgerentry", "points_ledgertransaction")
CREATE = """
CREATE OR REPLACE FUNCTION points_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
""" + "".join(f"""
DROP TRIGGER IF EXISTS {t}_no_change ON {t};
CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t}
    FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();
""" for t in TABLES)
DROP = "".join(f"DROP TRIGGER IF EXISTS {t}_no_change ON {t};\n" for t in TABLES) + \
    "DROP FUNCTION IF EXISTS points_ledger_append_only();\n"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

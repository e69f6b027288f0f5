"""On PostgreSQL a trigger refuses UPDATE and DELETE on the access log (defence in depth
beyond the model's own checks). Other databases rely on the model."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION safety_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'safety_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS safety_accesslog_no_change ON safety_accesslog;
CREATE TRIGGER safety_accesslog_no_change BEFORE UPDATE OR DELETE ON safety_accesslog
    FOR EACH ROW EXECUTE FUNCTION safety_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS safety_accesslog_no_change ON safety_accesslog;
DROP FUNCTION IF EXISTS safety_accesslog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

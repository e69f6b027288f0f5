"""Search indexes (issue 9 §12): the keyword text by character n-grams and the place by a coarse
H3 cell, on SQLite and PostgreSQL.

- SQLite: an FTS5 table `directory_service_fts` with the `trigram` tokenizer over
  `directory_service.search_text` (external content), kept in sync by three triggers.
  A later migration that makes Django rebuild `directory_service` on SQLite drops the triggers:
  it must run `sqlite_fts_sql()` again (`test_search_index_triggers_exist` fails otherwise).
- PostgreSQL: `pg_trgm` and a GIN trigram index on `search_text` (used by `LIKE '%…%'`).
- Both: `Service.near_cell` (the location's H3 cell at resolution 8) with (municipality, category,
  near_cell) and (municipality, near_cell) indexes for the distance prefilter.
"""

from django.db import migrations, models

FTS_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts USING fts5("
    "search_text, content='directory_service', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS directory_service_fts_ai AFTER INSERT ON directory_service BEGIN "
    "INSERT INTO directory_service_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS directory_service_fts_ad AFTER DELETE ON directory_service BEGIN "
    "INSERT INTO directory_service_fts(directory_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS directory_service_fts_au AFTER UPDATE OF search_text ON directory_service BEGIN "
    "INSERT INTO directory_service_fts(directory_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO directory_service_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO directory_service_fts(directory_service_fts) VALUES ('rebuild')",
]
FTS_DROP = [
    "DROP TRIGGER IF EXISTS directory_service_fts_ai", "DROP TRIGGER IF EXISTS directory_service_fts_ad",
    "DROP TRIGGER IF EXISTS directory_service_fts_au", "DROP TABLE IF EXISTS directory_service_fts",
]
#: SQLite only: the keyword is checked on the index entries of the distance prefilter (no table
#: reads for places that do not match). PostgreSQL's B-tree entries cannot hold long text.
NEAR_TEXT_SQL = ["CREATE INDEX IF NOT EXISTS directory_service_near_text ON directory_service "
                 "(municipality_id, category, near_cell, search_text)"]
NEAR_TEXT_DROP = ["DROP INDEX IF EXISTS directory_service_near_text"]
TRGM_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS directory_service_text_trgm ON directory_service USING gin (search_text gin_trgm_ops)",
]
TRGM_DROP = ["DROP INDEX IF EXISTS directory_service_text_trgm"]


def sqlite_fts_sql() -> list[str]:
    return list(FTS_SQL)


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        todo = statements.get(vendor, [])
        for sql in todo:
            schema_editor.execute(sql)
    return run


def fill_near_cells(apps, schema_editor):
    import h3

    Service = apps.get_model("directory", "Service")
    for pk, lat, lon in Service.objects.filter(location__isnull=False).values_list(
            "pk", "location__lat", "location__lon").iterator():
        Service.objects.filter(pk=pk).update(near_cell=h3.latlng_to_cell(lat, lon, 8))


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0004_suggestion_edits"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="near_cell",
            field=models.CharField(blank=True, default="", editable=False, max_length=16),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["municipality", "category", "near_cell"], name="directory_service_near_cat"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["municipality", "near_cell"], name="directory_service_near"),
        ),
        migrations.RunPython(fill_near_cells, migrations.RunPython.noop),
        migrations.RunPython(_run({"sqlite": FTS_SQL + NEAR_TEXT_SQL, "postgresql": TRGM_SQL}),
                             _run({"sqlite": FTS_DROP + NEAR_TEXT_DROP, "postgresql": TRGM_DROP})),
    ]

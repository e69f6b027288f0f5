"""HSDS 3.0 exchange: every exported service validates; export → import → export is identical
(JSON and CSV); imports are all-or-nothing with per-row errors."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sasaeai.directory import hsds
from sasaeai.directory.models import Service, Status, Visibility


def read_all(folder):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_every_exported_service_validates(seeded_town):
    from jsonschema import Draft202012Validator, FormatChecker

    schema = hsds.service_schema()
    assert schema is not None, "shared/hsds is required for this test"
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    docs = hsds.export_docs(seeded_town.municipality, include_restricted=True)
    assert len(docs["services"]) >= 200
    for doc in docs["services"]:
        errors = list(validator.iter_errors(doc))
        assert not errors, (doc["name"], [e.message for e in errors[:3]])


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_is_identical(seeded_town, make_municipality, tmp_path, fmt):
    a = seeded_town.municipality
    b = make_municipality(n_areas=4, name=a.name, prefecture=a.prefecture)
    call_command("export_hsds", "--municipality", a.code, "--out", str(tmp_path / "one"), "--format", fmt,
                 "--include-restricted")
    call_command("import_hsds", str(tmp_path / "one"), "--municipality", b.code)
    call_command("export_hsds", "--municipality", b.code, "--out", str(tmp_path / "two"), "--format", fmt,
                 "--include-restricted")
    one, two = read_all(tmp_path / "one"), read_all(tmp_path / "two")
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name
    assert Service.objects.filter(municipality=b).count() == Service.objects.filter(
        municipality=a, location__isnull=False).count() + Service.objects.filter(
        municipality=a, location__isnull=True).count()
    # Visibility and status survive the trip.
    assert Service.objects.filter(municipality=b, visibility=Visibility.PRIVATE).exists()
    assert Service.objects.filter(municipality=b, status=Status.DRAFT).exists()


def test_default_export_holds_only_public_resources(seeded_town, tmp_path):
    m = seeded_town.municipality
    call_command("export_hsds", "--municipality", m.code, "--out", str(tmp_path))
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    public = Service.objects.filter(municipality=m, status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    assert {s["id"] for s in services} == {str(h) for h in public.values_list("hsds_id", flat=True)}
    text = (tmp_path / "services.json").read_text(encoding="utf-8")
    for hsds_id in Service.objects.filter(municipality=m).exclude(visibility=Visibility.PUBLIC).values_list("hsds_id", flat=True):
        assert str(hsds_id) not in text


def test_import_is_all_or_nothing_with_row_errors(seeded_town, make_municipality, tmp_path):
    a = seeded_town.municipality
    b = make_municipality(n_areas=4, name=a.name)
    call_command("export_hsds", "--municipality", a.code, "--out", str(tmp_path))
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    services[3]["service_at_locations"][0]["location"]["latitude"] = "north"  # not a number: schema error
    services[5]["schedules"] = [{"id": "7b1a3a3e-0000-4000-8000-000000000001", "freq": "WEEKLY", "byday": "MO",
                                 "opens_at": "15:00", "closes_at": "10:00"}]
    del services[7]["status"]
    (tmp_path / "services.json").write_text(json.dumps(services, ensure_ascii=False), encoding="utf-8")
    docs, errors, source = hsds.read_path(tmp_path)
    result = hsds.import_docs(b, docs, source=source)
    assert not result.written and Service.objects.filter(municipality=b).count() == 0
    rows = {(e.row, e.column.split(".")[-1]) for e in result.errors}
    assert (4, "latitude") in rows
    assert any(r == 6 and "closes_at" in c for r, c in rows)
    assert any(e.row == 8 and "status" in e.reason for e in result.errors)
    with pytest.raises(CommandError):
        call_command("import_hsds", str(tmp_path), "--municipality", b.code)
    assert Service.objects.filter(municipality=b).count() == 0
    call_command("import_hsds", str(tmp_path), "--municipality", b.code, "--skip-invalid")
    assert Service.objects.filter(municipality=b).count() == len(services) - 3


def test_csv_import_reports_missing_columns(seeded_town, make_municipality, tmp_path):
    a = seeded_town.municipality
    b = make_municipality(n_areas=4, name=a.name)
    call_command("export_hsds", "--municipality", a.code, "--out", str(tmp_path), "--format", "csv")
    path = tmp_path / "services.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    drop = header.index("name")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:drop] + r[drop + 1:] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    docs, errors, source = hsds.read_path(tmp_path)
    assert any(e.row == 1 and e.column == "name" for e in errors)
    result = hsds.import_docs(b, docs, prior_errors=errors, source=source)
    assert not result.written and Service.objects.filter(municipality=b).count() == 0


def test_csv_with_wrong_encoding_is_refused(seeded_town, tmp_path):
    call_command("export_hsds", "--municipality", seeded_town.municipality.code, "--out", str(tmp_path),
                 "--format", "csv")
    path = tmp_path / "services.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932", errors="replace"))
    with pytest.raises(Exception) as info:
        hsds.read_path(tmp_path)
    assert "UTF-8" in str(info.value)

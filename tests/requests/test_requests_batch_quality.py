"""Issue 12: a batch run in the web UI and the API shows how it was solved and how far it
can be from the optimum (「最適解」 / 「最適解との差 0.4 % 以内」), and is confirmed as before."""

import pytest

from sasaeai.requests import batch, services
from sasaeai.requests.models import MatchingRun

from .conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def _request(town, hour=10):
    return services.create_request(user=town.proxy_user, recipient=town.resident, category="housework",
                                   starts_at=tomorrow_at(hour), duration_minutes=60)


def test_run_page_and_api_show_method_and_gap_and_the_run_confirms(town, client_for):
    _request(town, 10)
    _request(town, 13)
    coord = client_for(town.coordinator)
    day = tomorrow_at(10).date().isoformat()
    r = coord.post("/requests/matching/", {"day": day, "area": ""})
    assert r.status_code == 302
    run = MatchingRun.objects.latest("pk")
    assert run.method == "batch:cp-sat" and run.stats["optimal"] and run.stats["gap_percent"] == 0.0
    assert run.stats["seconds"] <= batch.default_time_limit(2) == 10.0
    page = coord.get(r["Location"], headers={"accept-language": "ja"}).content.decode()
    assert 'id="run-gap"' in page and "最適解" in page and "厳密解法（CP-SAT）" in page
    data = coord.get(f"/api/v1/matching/runs/{run.pk}").json()
    q = data["quality"]
    assert q["optimal"] and q["gap_percent"] == 0.0 and q["method"] == "batch:cp-sat"
    assert q["bound_served"] == run.stats["served"]
    assert "（方法：厳密解法（CP-SAT）／割当て可能な依頼は最大 2 件）" in page and "割当て案" in page
    # The map says what its markers mean, in words a screen reader reads too.
    assert 'id="run-map"' in page and 'aria-label="地図の凡例"' in page
    assert "担い手の案がある依頼 — 線の先が担い手の住まいの地域" in page and "担い手が見つからない依頼（塗りつぶしの丸）" in page
    done = coord.post(f"/requests/matching/{run.pk}/confirm/")
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.CONFIRMED
    # Once confirmed the page no longer calls it a proposal.
    page = coord.get(f"/requests/matching/{run.pk}/", headers={"accept-language": "ja"}).content.decode()
    assert "確定したマッチング" in page and "2 件のうち 2 件を担い手に打診しました。" in page
    assert "割当て案" not in page


def test_quality_in_words_for_a_gap_and_for_no_bound(town):
    run = MatchingRun(municipality=town.municipality, day=tomorrow_at(10).date(),
                      method="batch:cp-sat+construct+lns",
                      stats={"optimal": False, "gap_percent": 0.4, "bound_served": 9482})
    from django.utils import translation

    with translation.override("ja"):
        q = batch.quality(run)
        assert q["text"] == "最適解との差 0.4 % 以内"
        assert q["method_label"] == "厳密解法（CP-SAT）・より多く割り当てる構成法・大近傍探索"
    with translation.override("en"):
        assert batch.quality(run)["text"] == "Within 0.4 % of the optimum"
        run.stats = {"optimal": False, "gap_percent": None}
        assert batch.quality(run)["text"] == "No bound available in the time limit"


@pytest.mark.django_db(transaction=True)
def test_the_engine_searches_outside_any_transaction(town, monkeypatch):
    """On SQLite a write transaction holds the one write lock: a 60-second search inside it
    would make every other writer in the town wait or fail. The run is written afterwards."""
    from django.db import connection

    import sasaeai.matching as matching

    seen = []
    real = matching.assign_batch

    def spy(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(matching, "assign_batch", spy)
    _request(town, 10)
    run = batch.run_batch(municipality=town.municipality, day=tomorrow_at(10).date(), by=town.coordinator)
    assert seen == [False]
    assert run.lines.count() == 1 and run.stats["requests"] == 1


def test_gunicorn_lets_a_batch_run_finish(settings):
    """gunicorn kills a worker after 30 s by default; a batch run may search for the whole limit."""
    from sasaeai.core.management.commands.serve_all import Command

    settings.SASAEAI_MATCHING_TIME_LIMIT_S = 60
    web = Command().children("127.0.0.1:8000", web="gunicorn", workers=2, task_workers=1,
                             monitor_interval=60)[0]
    argv = web.argv
    assert int(argv[argv.index("--timeout") + 1]) >= 60 + 30

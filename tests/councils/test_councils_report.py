"""The annual programme report (実施報告) carries the councils' resolved issues and proposals
and the coordinators' hours by function, from the records."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.activity import services as activity
from sasaeai.councils import services
from sasaeai.kpis import report
from sasaeai.kpis.periods import fiscal_year_of
from tests.councils.conftest import on_agenda

pytestmark = pytest.mark.django_db


def _section(sections, title):
    return next(s for s in sections if s["title"] == title)


def test_the_report_lists_resolved_issues_proposals_and_hours_by_function(town):
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="買い物の足がない", source="member")
    on_agenda(town, issue)
    services.issue_resolve(by=town["sc1"], issue=issue, kind="partner", note="スーパーが移動販売を始めた")
    services.proposal_submit(by=town["sc1"], council=town["top"], title="乗合タクシーの導入",
                             text="高齢者の移動手段として", addressee="市長", submitted_on=timezone.localdate())
    today = timezone.localdate()
    day = today - dt.timedelta(days=1) if fiscal_year_of(today - dt.timedelta(days=1)) == fiscal_year_of(today) else today
    activity.entry_create(by=town["sc2"], area=town["a1"], date=day, minutes=90, function="matching")
    activity.entry_create(by=town["sc2"], area=town["a1"], date=day, minutes=30, function="direct_support")

    with_lang = report.sections(town["m"], fiscal_year_of(today))
    resolved = _section(with_lang, "協議体で解決した地域課題")
    assert [row[1] for row in resolved["rows"]] == ["買い物の足がない"]
    assert _section(with_lang, "政策提言")["rows"][0][1:3] == ["乗合タクシーの導入", "市長"]
    hours = {row[0]: row for row in _section(with_lang, "コーディネーターの機能別の活動時間")["rows"]}
    matching = next(row for label, row in hours.items() if "マッチング" in label)
    assert matching[2] == "1.5" and matching[3] == "75.0 %"
    assert hours["合計"][2] == "2.0"

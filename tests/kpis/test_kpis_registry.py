"""Discovery and validation of the indicator declarations (`<app>/kpis.py`)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from sasaeai.kpis import registry

OWN_KEYS = {"sc_turnover", "sc_satisfaction", "helpers_share_65", "new_helpers_under_65",
            "participation_share_65", "support_map_fresh", "partner_agreements",
            "trial_volunteering_events", "trial_volunteering_participants"}


def _declaration(**overrides):
    raw = {"key": "test_indicator", "name": "Test", "definition": "Numerator over denominator.",
           "unit": "count", "direction": "at_least", "compute": lambda *a: (1, None),
           "records": lambda *a: None}
    raw.update(overrides)
    return raw


def _module(*declarations):
    return SimpleNamespace(indicators=lambda: list(declarations))


def test_every_app_declaration_is_found_and_valid():
    keys = {i.key for i in registry.indicators()}
    assert OWN_KEYS <= keys
    assert len(keys) == len(registry.indicators())


def test_the_former_placeholders_come_from_the_partners_and_events_apps():
    # The partners and events apps hold these sources: their declarations replace the placeholders.
    for key, app in (("partner_agreements", "partners"), ("trial_volunteering_events", "events"),
                     ("trial_volunteering_participants", "events")):
        assert registry.get(key).available is True and registry.get(key).app == app


@pytest.mark.parametrize("bad, message", [
    ({"unit": "euros"}, "unit"),
    ({"direction": "around"}, "direction"),
    ({"period": "week"}, "period"),
    ({"key": "Bad Key"}, "key"),
    ({"target": -1}, "target"),
    ({"target": True}, "target"),
    ({"compute": 3}, "callables"),
    ({"colour": "red"}, "unknown"),
    ({"name": " "}, "empty"),
])
def test_a_bad_declaration_fails_loudly(bad, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        registry.load([("someapp", _module(_declaration(**bad)))])


def test_a_missing_field_is_named():
    raw = _declaration()
    del raw["records"]
    with pytest.raises(ImproperlyConfigured, match="records"):
        registry.load([("someapp", _module(raw))])


def test_two_apps_cannot_declare_the_same_key():
    with pytest.raises(ImproperlyConfigured, match="both"):
        registry.load([("one", _module(_declaration())), ("two", _module(_declaration()))])


def test_values_by_unit():
    percent = registry.load([("a", _module(_declaration(unit="percent")))])[0]
    score = registry.load([("a", _module(_declaration(unit="score", key="score_one")))])[0]
    count = registry.load([("a", _module(_declaration()))])[0]
    assert percent.value(1, 4) == 25.0 and percent.value(1, 0) is None
    assert score.value(9, 2) == 4.5 and score.drill_count(9, 2) == 2
    assert count.value(7, None) == 7 and count.drill_count(7, None) == 7
    assert count.met(7, 5) is True and count.met(None, 5) is None
    at_most = registry.load([("a", _module(_declaration(direction="at_most")))])[0]
    assert at_most.met(5, 5) is True and at_most.met(6, 5) is False

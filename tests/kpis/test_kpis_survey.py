"""The anonymous SC survey: one answer per coordinator, and no way for staff to tie an
answer to a person."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from sasaeai.kpis import services
from sasaeai.kpis.models import ScSurveyAnswer, ScSurveyParticipation
from sasaeai.tenancy.models import Role
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture
from tests.kpis.conftest import codes

pytestmark = pytest.mark.django_db


def answer(user, municipality, s=4):
    services.survey_answer(user=user, municipality=municipality, satisfaction=s, evaluation_clear=3, support=4)


def test_a_coordinator_answers_once(make_municipality, make_user):
    town = make_municipality()
    sc = make_user(Role.COORDINATOR_L1, town)
    answer(sc, town)
    with pytest.raises(ValidationError) as exc:
        answer(sc, town, s=1)
    assert exc.value.code == "survey_already_answered"
    assert ScSurveyAnswer.objects.count() == 1 and ScSurveyParticipation.objects.count() == 1


def test_an_answer_outside_the_scale_writes_nothing(make_municipality, make_user):
    town = make_municipality()
    sc = make_user(Role.COORDINATOR_L2, town)
    with pytest.raises(ValidationError) as exc:
        services.survey_answer(user=sc, municipality=town, satisfaction=6, evaluation_clear=3, support=4)
    assert "invalid_answer" in codes(exc.value)
    assert not ScSurveyParticipation.objects.exists() and not ScSurveyAnswer.objects.exists()


def test_only_coordinators_answer(make_municipality, make_user):
    town = make_municipality()
    with pytest.raises(ValidationError) as exc:
        answer(make_user(Role.MUNICIPAL_ADMIN, town), town)
    assert exc.value.code == "not_a_coordinator"


def test_the_page_refuses_a_second_answer_with_a_message(make_municipality, make_user, client_for):
    town = make_municipality()
    c = client_for(make_user(Role.COORDINATOR_L1, town))
    data = {"satisfaction": "5", "evaluation_clear": "2", "support": "4"}
    assert c.post("/kpis/survey/", data).status_code == 302
    response = c.post("/kpis/survey/", data, follow=True)
    assert "既に回答" in response.content.decode() or "already answered" in response.content.decode()
    assert ScSurveyAnswer.objects.count() == 1


def _reaches(model, target, seen=None) -> bool:
    """Whether any chain of relations from `model` reaches `target`, not passing through the
    survey itself (which many answers and participations share)."""
    from sasaeai.kpis.models import ScSurvey

    seen = seen or set()
    if model is target:
        return True
    if model in seen or model is ScSurvey:
        return False
    seen.add(model)
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model is not None:
            if _reaches(field.related_model, target, seen):
                return True
    return False


def test_no_relation_joins_an_answer_to_a_person():
    user_model = apps.get_model("accounts", "User")
    assert not _reaches(ScSurveyAnswer, user_model)
    assert not _reaches(ScSurveyAnswer, ScSurveyParticipation)


def test_an_answer_has_no_time_and_no_ordered_key():
    fields = ScSurveyAnswer._meta.get_fields()
    assert not any(isinstance(f, models.DateField | models.DateTimeField | models.TimeField) for f in fields)
    assert isinstance(ScSurveyAnswer._meta.pk, models.UUIDField)
    participation = [f.name for f in ScSurveyParticipation._meta.get_fields()]
    assert sorted(participation) == ["id", "survey", "user"]
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in ScSurveyParticipation._meta.get_fields())


def test_staff_pages_never_show_who_gave_an_answer(kpi_world, make_user, client_for):
    """The drill-down of the satisfaction lists scores only, in score order."""
    admin = make_user(Role.MUNICIPAL_ADMIN, kpi_world["m"])
    html = client_for(admin).get(f"/kpis/sc_satisfaction/records/?m={kpi_world['m'].pk}").content.decode()
    assert "<tbody>" in html
    names = list(ScSurveyParticipation.objects.filter(survey__municipality=kpi_world["m"])
                 .values_list("user__display_name", flat=True))
    assert names and not any(name in html for name in names)
    assert not any(str(a.pk) in html for a in ScSurveyAnswer.objects.all())


def test_two_answers_at_the_same_moment_make_one(postgres_only, transactional_db, make_municipality, make_user):  # noqa: F811
    town = make_municipality()
    sc = make_user(Role.COORDINATOR_L1, town)
    _results, errors = race([lambda: answer(sc, town), lambda: answer(sc, town, s=2)])
    assert errors == ["survey_already_answered"]
    assert ScSurveyAnswer.objects.count() == 1 and ScSurveyParticipation.objects.count() == 1

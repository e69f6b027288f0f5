"""core.pages.attempt: one way for every app's views to run a service call and show its
refusal — as messages, on a form's fields, or into an errors dict for pages without a form."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from sasaeai.core.pages import attempt, refusal_errors


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _texts(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def _refuse():
    raise ValidationError({"ends_on": ValidationError("%(day)s より後の日付にしてください。", params={"day": "4月1日"}),
                           "__all__": ["登録できません。"]})


def test_success_returns_the_result_and_shows_the_message():
    request, errors = _request(), {}
    ok, result = attempt(request, lambda: 42, "保存しました。", errors=errors)
    assert (ok, result, errors) == (True, 42, {})
    assert _texts(request) == [("success", "保存しました。")]


def test_a_refusal_fills_the_errors_dict_by_field_with_its_parameters_and_shows_every_text():
    request, errors = _request(), {"title": ["必須です。"]}
    ok, result = attempt(request, _refuse, "保存しました。", errors=errors)
    assert (ok, result) == (False, None)
    assert errors == {"title": ["必須です。"], "ends_on": ["4月1日 より後の日付にしてください。"],
                      "__all__": ["登録できません。"]}
    assert sorted(t for _level, t in _texts(request)) == ["4月1日 より後の日付にしてください。", "登録できません。"]


def test_a_refusal_of_no_field_is_under_all():
    def refuse():
        raise ValidationError("満員です。", code="full")

    assert refusal_errors(pytest.raises(ValidationError, refuse).value) == {"__all__": ["満員です。"]}


def test_a_permission_refusal_answers_403_unless_asked_to_show_it():
    def refuse():
        raise PermissionDenied("この操作はできません。")

    with pytest.raises(PermissionDenied):
        attempt(_request(), refuse)
    request = _request()
    assert attempt(request, refuse, refusal_as_message=True) == (False, None)
    assert _texts(request) == [("error", "この操作はできません。")]

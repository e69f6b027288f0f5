import pytest

from sasaeai.exchange import services
from sasaeai.exchange.models import Moderator, Space
from sasaeai.tenancy.models import Role


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ex(make_municipality, make_user):
    """Two municipalities of Tokyo (13) and one of Osaka (27); an SC in each, a support-centre
    member, a moderator (an SC appointed by the operator), the national and Tokyo spaces."""
    a, b = make_municipality(), make_municipality()
    osaka = make_municipality(code="271004", prefecture="27")
    operator = make_user(Role.OPERATOR, None)
    sc_a = make_user(Role.COORDINATOR_L1, a, display_name="佐藤花子")
    sc_b = make_user(Role.COORDINATOR_L2, b, areas=[b.areas.filter(layer=2).first()], display_name="鈴木一郎")
    sc_osaka = make_user(Role.COORDINATOR_L1, osaka, display_name="大阪太郎")
    mod = make_user(Role.COORDINATOR_L1, b, display_name="モデ子")
    center = make_user(Role.SUPPORT_CENTER, a, areas=[a.areas.filter(layer=2).first()])
    resident = make_user(Role.RESIDENT, a)
    Moderator.objects.create(user=mod, appointed_by=operator)
    national = services.create_space(by=operator, name="全国SCの場", scope="national")
    tokyo = services.create_space(by=operator, name="東京都SCの場", scope="prefecture", prefecture="13")
    return {"a": a, "b": b, "osaka": osaka, "operator": operator, "sc_a": sc_a, "sc_b": sc_b,
            "sc_osaka": sc_osaka, "mod": mod, "center": center, "resident": resident,
            "national": national, "tokyo": tokyo}


def code_of(exc) -> str | None:
    if hasattr(exc, "error_dict"):
        return next(e.code for errs in exc.error_dict.values() for e in errs)
    return getattr(exc, "code", None)


__all__ = ["Space", "code_of"]

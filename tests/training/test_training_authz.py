"""The authorisation matrix for the training app's entries only (the whole matrix walk is the
lead's): the same world, runner and expectations as tests/security/test_authz_matrix.py."""

import pytest

from sasaeai.accounts.models import User
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.models import Role
from tests.security import authz_expectations as X
from tests.security.conftest import _tenant
from tests.security.test_authz_matrix import _run, discovered_operations, discovered_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    a, b = _tenant(1), _tenant(2)
    operator = User.objects.create(email="authz-operator@example.test", display_name="運営者")
    tenancy.create_membership(user=operator, municipality=None, role=Role.OPERATOR, areas=())
    return {"a": a, "b": b, "operator": operator}


def test_training_pages_and_api_follow_the_matrix(world, client_for):
    pages = {k: r for k, r in discovered_pages().items() if k.startswith("training:")}
    ops = {k: v for k, v in discovered_operations().items() if k.startswith("training_")}
    assert len(pages) == 10 and len(ops) == 5
    assert set(pages) <= set(X.PAGES) and set(ops) <= set(X.API)
    failures = _run(world, client_for, [(k, r, X.PAGES[k], X.PAGES[k].method) for k, r in sorted(pages.items())],
                    api=False)
    failures += _run(world, client_for, [(k, p, X.API[k], m) for k, (m, p) in sorted(ops.items())], api=True)
    assert not failures, "\n".join(failures)

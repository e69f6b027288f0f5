import pytest


@pytest.fixture
def person(make_user):
    return make_user(email="taro@example.test", display_name="山田 太郎", phone="09012345678")

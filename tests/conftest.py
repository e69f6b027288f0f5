"""Shared fixtures: tenants, users with roles, and logged-in clients (staff with TOTP)."""

import itertools

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.accounts.models import User
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.codes import with_check_digit
from sasaeai.tenancy.models import TWO_FACTOR_ROLES, Role

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def make_municipality(db):
    """make_municipality(n_areas=2) -> Municipality with n layer-2 areas ('地区1', …)."""

    def make(n_areas: int = 2, **overrides):
        n = next(_counter)
        code = overrides.pop("code", with_check_digit(f"13{900 + n % 99:03d}"))
        fields = dict(
            code=code, name=f"テスト市{n}", name_kana=f"てすとし{n}", prefecture=code[:2],
            population=100_000, population_65_plus=29_300, population_75_plus=16_800,
            center_lat=35.66, center_lon=139.33,
        )
        fields.update(overrides)
        municipality = tenancy.create_municipality(**fields)
        for i in range(n_areas):
            tenancy.create_area(
                municipality=municipality, name=f"地区{i + 1}", center_lat=35.66 + i * 0.01,
                center_lon=139.33 + i * 0.01, population_65_plus=29_300 // max(n_areas, 1),
            )
        return municipality

    return make


@pytest.fixture
def make_user(db):
    """make_user(role=None, municipality=None, areas=(), **fields) -> User (password PASSWORD)."""

    def make(role: str | None = None, municipality=None, areas=(), **fields):
        n = next(_counter)
        fields.setdefault("email", f"user{n}@example.test")
        fields.setdefault("display_name", f"利用者{n}")
        user = User.objects.create_user(password=PASSWORD, **fields)
        if role is not None:
            tenancy.create_membership(user=user, municipality=municipality, role=role, areas=areas)
        return user

    return make


def login_client(user, *, verified: bool | None = None) -> Client:
    """A test client logged in as `user`; staff are TOTP-verified unless verified=False."""
    client = Client()
    client.force_login(user)
    if verified is None:
        verified = user.is_staff or user.memberships.filter(role__in=TWO_FACTOR_ROLES).exists()
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for():
    return login_client


@pytest.fixture
def tenant_pair(make_municipality, make_user):
    """Two municipalities A and B with a coordinator in each (for isolation tests)."""
    a, b = make_municipality(), make_municipality()
    return {
        "a": a,
        "b": b,
        "coordinator_a": make_user(Role.COORDINATOR_L1, a),
        "coordinator_b": make_user(Role.COORDINATOR_L1, b),
    }


# --- Browser tests (Playwright driving Debian's chromium) -------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One headless chromium per test session. Playwright's sync API runs an event loop in
    this thread, so Django's async-safety check is lifted for the browser tests."""
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see .ci/run)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page (Japanese locale) against the live test server.
    `page.goto(live_server.url + "/")`."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    yield pg
    context.close()


def totp_code(user) -> str:
    """The current TOTP code of the user's confirmed device (creating one if needed)."""
    from django_otp.oath import totp

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    # A second log-in within the same 30 s step would reuse the code, which django-otp refuses
    # (as it should); a person would wait for the next code, a test forgets the last one.
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def browser_login(page, base_url: str, user, password: str = PASSWORD) -> None:
    """Log in through the real form; staff also enter their TOTP code."""
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("form#login-form button[type=submit]")
    if "/accounts/otp/" in page.url:
        page.fill("input[name=token]", totp_code(user))
        page.click("form#otp-form button[type=submit]")

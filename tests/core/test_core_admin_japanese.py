"""The Django admin (operators only) speaks Japanese: no English section or model names."""

import re

from sasaeai.tenancy.models import Role

ENGLISH_NAMES = ("Static devices", "TOTP devices", "Task Results", "Otp_Static", "Otp_Totp",
                 "Tasks Database Backend", "Static device", "TOTP device")


def _visible_text(html: str) -> str:
    main = html[html.find('id="content-main"'):] if 'id="content-main"' in html else html
    return " ".join(t.strip() for t in re.findall(r">([^<>]+)<", main) if t.strip())


def test_admin_index_in_japanese_shows_no_english_section_names(make_user, client_for):
    operator = make_user(Role.OPERATOR, None, is_staff=True)
    client = client_for(operator)
    text = _visible_text(client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ja").content.decode())
    for english in ENGLISH_NAMES:
        assert english not in text, english
    for japanese in ("2段階認証：認証アプリ", "2段階認証：バックアップコード", "バックグラウンド処理", "処理結果"):
        assert japanese in text, japanese
    # Every section heading and model link is Japanese (no Latin-only names left).
    html = client.get("/admin/").content.decode()
    headings = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)
    models = [m.strip() for m in re.findall(r'<th scope="row" id="[^"]+">\s*<a href="[^"]+"[^>]*>([^<]+)</a>', html)]
    assert headings and models
    latin_only = [name for name in headings + models if re.fullmatch(r"[\x00-\x7f]+", name) and name != "API"
                  and not name.startswith("API")]
    assert not latin_only, latin_only


def test_third_party_app_pages_and_titles_are_japanese(make_user, client_for):
    operator = make_user(Role.OPERATOR, None, is_staff=True)
    client = client_for(operator)
    for url in ("/admin/otp_totp/", "/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/",
                "/admin/django_tasks_database/dbtaskresult/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 200, url
        html = response.content.decode()
        title = re.search(r"<title>([^<]*)</title>", html).group(1)
        for english in ENGLISH_NAMES:
            assert english not in title and english.lower() not in title.lower(), (url, title)


def test_relabelling_leaves_the_migration_state_alone():
    from django.db.migrations.state import ModelState
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert ModelState.from_model(TOTPDevice).options["verbose_name"] == "TOTP device"

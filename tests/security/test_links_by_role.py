"""Every link a role is shown answers 2xx for that role (issue 9 §7).

For each role of `tenancy.models.Role` (resident and proxy included, linked to a Resident),
the staff of a partner shop and of a care facility (partner role, listed as the organisation's
staff), and for an anonymous visitor, the test starts at the home page of the authorisation-matrix
world (`conftest.world`) and crawls breadth-first: every same-site `<a href>` on every page it
reaches is fetched (GET, redirects followed). A link whose answer is not 2xx — 403, 404, a
redirect to the log-in or two-factor page, a server error — is a dead link shown to a role
that may not use it. The world is built once for the whole crawl."""

from __future__ import annotations

import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client

from sasaeai.tenancy.models import Role

#: How far from the home page, and how many pages per role at most.
MAX_DEPTH = 4
MAX_PAGES = 150
#: Not links to check: log-out and language switches are POST forms, static files are
#: served by the web server, the Django admin is only for `is_staff` accounts.
SKIP_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/media/")
LOGIN_PATHS = ("/accounts/login/", "/accounts/otp/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _same_site(base: str, href: str) -> str | None:
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _verdict(response) -> str | None:
    """None if the answer is a usable 2xx page, else why not."""
    for url, _status in getattr(response, "redirect_chain", []):
        if urlsplit(url).path.startswith(LOGIN_PATHS):
            return f"redirected to {urlsplit(url).path}"
    if not 200 <= response.status_code < 300:
        return f"answered {response.status_code}"
    return None


def crawl(client: Client, start: str = "/") -> tuple[list[str], int]:
    """(failures 'page -> link: why', pages fetched)."""
    failures: list[str] = []
    seen = {start}
    queue = deque([(start, "(start)", 0)])
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url, referrer, depth = queue.popleft()
        response = client.get(url, follow=True)
        fetched += 1
        why = _verdict(response)
        if why:
            failures.append(f"{referrer} -> {url}: {why}")
            continue
        if depth >= MAX_DEPTH or "text/html" not in response.get("Content-Type", ""):
            continue
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        parser = _Links()
        parser.feed(response.content.decode("utf-8", errors="ignore"))
        for href in parser.hrefs:
            link = _same_site(urljoin("http://testserver", final), href)
            if link and link not in seen:
                seen.add(link)
                queue.append((link, url, depth + 1))
    return failures, fetched


def _subjects(world, client_for):
    tenant = world["a"]
    out = [("anonymous", Client()), (Role.OPERATOR.value, client_for(world["operator"]))]
    for role in Role:
        if role != Role.OPERATOR:
            out.append((role.value, client_for(tenant.users[role.value])))
    # Partner-role users who are a shop's and a care facility's staff see more links.
    for label in ("partner_staff", "facility_staff"):
        out.append((label, client_for(tenant.users[label])))
    return out


def test_every_link_a_role_sees_answers_2xx(world, client_for):
    started = time.monotonic()
    failures, counts = [], {}
    for label, client in _subjects(world, client_for):
        found, counts[label] = crawl(client)
        failures += [f"{label}: {f}" for f in found]
    elapsed = time.monotonic() - started
    assert not failures, "Dead links by role:\n" + "\n".join(failures)
    assert all(n > 1 for n in counts.values()), counts
    print(f"crawled {sum(counts.values())} pages in {elapsed:.1f} s: {counts}")


def test_a_public_resource_of_another_town_offers_no_suggestion_link(world, client_for):
    """Anyone may read a published public resource, but only members of its municipality may
    suggest a correction: the link follows the same permission as the page."""
    from sasaeai.directory.models import Service

    other = world["b"]
    service = Service.objects.create(municipality=other.municipality, area=other.area, name="いきいき体操",
                                     category="exercise", visibility="public", status="published")
    suggest = f"/directory/r/{service.pk}/suggest/"
    outsider = client_for(world["a"].users["resident"])
    page = outsider.get(f"/directory/r/{service.pk}/")
    assert page.status_code == 200 and "いきいき体操" in page.content.decode()
    assert suggest not in page.content.decode()
    assert outsider.get(suggest).status_code == 403
    member = client_for(other.users["resident"])
    assert suggest in member.get(f"/directory/r/{service.pk}/").content.decode()
    assert member.get(suggest).status_code == 200

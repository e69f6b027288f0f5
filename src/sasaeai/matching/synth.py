"""Synthetic town for benchmarks and tests (合成データ): one day of requests and helpers.

Drawn like the demo town: a suburban municipality (centre near Hachioji), helpers living
around it with service radii that depend on their travel mode, a day of requests between
08:00 and 19:00 in 30-minute steps. Deterministic for a given seed (numpy Generator).
Category codes are those of `sasaeai.helpers.categories` (repeated here: no Django import).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import numpy as np

from .model import Commitment, HelperCandidate, Interval, Point, Task

JST = timezone(timedelta(hours=9), "JST")
CENTRE = Point(35.6557, 139.3239)  # the demo town centre (sasaeai.demo.generator.CENTER)
CATEGORIES = (
    "housework", "escort_hospital", "escort_shopping", "escort_outing", "transport",
    "watch_talk", "it_support", "personal_care", "facility_spot",
)
CATEGORY_P = (0.30, 0.12, 0.08, 0.05, 0.08, 0.15, 0.08, 0.08, 0.06)
REQUIRED = {"personal_care": frozenset({"shoninsha_kenshu"}),
            "transport": frozenset({"futsu_menkyo"})}
MODES = ("walk", "bicycle", "car", "transit")
MODE_P = (0.25, 0.40, 0.25, 0.10)
RADIUS = {"walk": (1.0, 2.5), "bicycle": (2.0, 5.0), "car": (4.0, 10.0), "transit": (3.0, 8.0)}
QUALS = ("kaigo_fukushishi", "jitsumusha_kenshu", "shoninsha_kenshu", "seikatsu_enjo_kenshu",
         "kangoshi", "ninchisho_supporter", "futsu_menkyo", "first_aid")
QUAL_P = (0.06, 0.05, 0.10, 0.05, 0.03, 0.25, 0.45, 0.20)
LANGS = ("en", "zh", "ko", "vi", "pt")
KM_PER_DEG_LAT = 111.0


def _offset(rng: np.random.Generator, spread_km: float, n: int) -> np.ndarray:
    """n points scattered around CENTRE (normal, `spread_km` standard deviation)."""
    d = rng.normal(0.0, spread_km, size=(n, 2))
    lat = CENTRE.lat + d[:, 0] / KM_PER_DEG_LAT
    lon = CENTRE.lon + d[:, 1] / (KM_PER_DEG_LAT * np.cos(np.radians(CENTRE.lat)))
    return np.stack([lat, lon], axis=1)


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(0, 0), JST) + timedelta(minutes=int(minutes))


def town(
    n_tasks: int, n_helpers: int, seed: int = 1, day: date = date(2026, 12, 1),
    spread_km: float | None = None,
) -> tuple[list[Task], list[HelperCandidate]]:
    """(tasks, helpers) for one synthetic day.

    `spread_km` (standard deviation of homes and places around the centre) defaults to 3 km for
    up to 300 people and grows with the square root of the head count beyond, so density —
    and thus candidates per request — stays like the demo town's as the instance grows.
    """
    if spread_km is None:
        spread_km = 3.0 * max(1.0, (max(n_tasks, n_helpers) / 300) ** 0.5)
    rng = np.random.default_rng(seed)
    homes = _offset(rng, spread_km, n_helpers)
    helpers: list[HelperCandidate] = []
    n_recipients = max(1, n_tasks * 2 // 3)
    for i in range(n_helpers):
        mode = str(rng.choice(MODES, p=MODE_P))
        lo, hi = RADIUS[mode]
        skills = frozenset(str(c) for c in rng.choice(
            CATEGORIES, size=int(rng.integers(2, 6)), replace=False, p=CATEGORY_P))
        quals = frozenset(q for q, pq in zip(QUALS, QUAL_P, strict=True) if rng.random() < pq)
        # Availability: one or two blocks of the day.
        start = int(rng.integers(7, 12)) * 60
        end = start + int(rng.integers(3, 10)) * 60
        avail = [Interval(_at(day, start), _at(day, min(end, 21 * 60)))]
        if rng.random() < 0.3:
            s2 = min(end, 21 * 60) + 60
            if s2 < 20 * 60:
                avail.append(Interval(_at(day, s2), _at(day, min(s2 + 180, 22 * 60))))
        cap = float(rng.choice((6, 10, 15, 20, 30)))
        booked = float(np.floor(rng.uniform(0, cap) * 2) / 2)
        commitments = []
        if rng.random() < 0.25:
            cs = int(rng.integers(start // 30, max(start // 30 + 1, end // 30 - 2))) * 30
            p = _offset(rng, spread_km, 1)[0]
            commitments.append(Commitment(_at(day, cs), _at(day, cs + 60), Point(*p)))
        rated = rng.random() < 0.8
        count = int(rng.integers(1, 60)) if rated else 0
        rating = round(float(np.clip(rng.normal(4.4, 0.4), 1.0, 5.0)), 1) if rated else None
        langs = {"ja"}
        if rng.random() < 0.15:
            langs.add(str(rng.choice(LANGS)))
        blocked = frozenset(
            int(r) for r in rng.integers(1, n_recipients + 1, size=1) if rng.random() < 0.05
        )
        helpers.append(HelperCandidate(
            id=i + 1, home=Point(float(homes[i, 0]), float(homes[i, 1])),
            radius_km=round(float(rng.uniform(lo, hi)), 1), travel_mode=mode, skills=skills,
            qualifications=quals, verified=bool(rng.random() < 0.93),
            availability=tuple(avail), weekly_hours_cap=cap, hours_booked_in_week=booked,
            commitments=tuple(commitments), rating=rating, rating_count=count,
            recent_assignments=int(rng.poisson(2.0)),
            gender=str(rng.choice(("female", "male"), p=(0.7, 0.3))),
            languages=frozenset(langs), blocked_recipient_ids=blocked,
            active=bool(rng.random() < 0.97),
        ))
    places = _offset(rng, spread_km, n_tasks)
    tasks: list[Task] = []
    created0 = _at(day, 0) - timedelta(days=3)
    for i in range(n_tasks):
        cat = str(rng.choice(CATEGORIES, p=CATEGORY_P))
        start = int(rng.integers(16, 37)) * 30  # 08:00–18:00
        dur = int(rng.choice((60, 90, 120, 180), p=(0.45, 0.25, 0.2, 0.1)))
        recipient = int(rng.integers(1, n_recipients + 1))
        prev = ()
        if rng.random() < 0.3 and n_helpers:
            prev = tuple(int(h) for h in rng.integers(1, n_helpers + 1, size=int(rng.integers(1, 3))))
        tasks.append(Task(
            id=i + 1, recipient_id=recipient, category=cat, start=_at(day, start),
            end=_at(day, start + dur), place=Point(float(places[i, 0]), float(places[i, 1])),
            required_qualifications=REQUIRED.get(cat, frozenset()),
            preferred_gender="female" if rng.random() < 0.15 else None,
            preferred_languages=frozenset({str(rng.choice(LANGS))}) if rng.random() < 0.05
            else frozenset(),
            blocked_helper_ids=frozenset(),
            previous_helper_ids=tuple(dict.fromkeys(prev)),
            created_at=created0 + timedelta(minutes=int(rng.integers(0, 3 * 24 * 60))),
        ))
    return tasks, helpers

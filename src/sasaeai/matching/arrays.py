"""Vectorised preparation (ベクトル化した前処理): helper and task arrays, feasible pairs, costs.

`HelperIndex(helpers)` turns the helper list into NumPy arrays once (coordinates, radius,
travel mode, skill/qualification/language masks built on first use, availability windows,
weekly hours, existing commitments) and is reused across calls: `rank` keeps the index of
the helper list it last saw (`index_for`), the batch modes build one per run.

`feasible_pairs(tasks, index, weights)` returns every feasible (task, helper) pair as arrays
with its exact integer cost — the same result as calling `check()` and `make_candidate()`
for every pair, without a Python loop over pairs. Candidate objects (with reasons) are made
only for the pairs a caller shows (`candidate()`).

Semantics are those of `constraints.check` and `scoring.cost_terms`; the floating-point
operations are done in the same order so costs agree to the last bit (tests compare them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .constraints import HOURS_EPS, check
from .geo import EARTH_RADIUS_KM
from .model import (
    DETOUR_FACTOR,
    TRAVEL_OVERHEAD_MIN,
    TRAVEL_SPEED_KMH,
    Candidate,
    HelperCandidate,
    Task,
    Weights,
)
from .qualifications import closure
from .scoring import COST_SCALE, make_candidate, smoothed_rating
from .slots import SLOT_SECONDS

KM_PER_DEG = 111.195
DENSE_PAIRS = 2_000_000  # tasks × helpers of one category above which a k-d tree pre-selects


def haversine_pairs(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Element-wise haversine km (degrees in), same operations as `geo.haversine_matrix`."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def need_seconds(dist: np.ndarray, speed: np.ndarray, overhead: np.ndarray) -> np.ndarray:
    """Whole seconds of travel needed (`constraints.required_gap_seconds`, vectorised)."""
    minutes = np.where(dist > 0.0, dist * DETOUR_FACTOR / speed * 60.0 + overhead, 0.0)
    return np.ceil(minutes * 60.0 - 1e-6)


def _stamps(moments: list[datetime]) -> np.ndarray:
    """Seconds since the epoch of each moment. A town's windows and visits share few distinct
    times, and hashing a datetime costs a tenth of `timestamp()`: convert each one once.
    Equal aware datetimes are the same instant, so they have the same timestamp."""
    memo = {d: d.timestamp() for d in set(moments)}
    return np.fromiter(map(memo.__getitem__, moments), dtype=float, count=len(moments))


def _flat(groups: list) -> tuple[np.ndarray, np.ndarray, list]:
    """(row, position in row, item) of every item of a list of sequences, rows flattened."""
    counts = np.fromiter(map(len, groups), dtype=np.intp, count=len(groups))
    rows = np.repeat(np.arange(len(groups)), counts)
    cols = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, cols, [x for g in groups for x in g]


def _slot_first(seconds: np.ndarray) -> np.ndarray:
    return np.floor(seconds / SLOT_SECONDS)


def _slot_stop(seconds: np.ndarray) -> np.ndarray:
    return np.ceil(seconds / SLOT_SECONDS)


class HelperIndex:
    """The helper list as arrays (担い手の配列), built once and reused."""

    def __init__(self, helpers: Sequence[HelperCandidate]):
        self.helpers = list(helpers)
        hs = self.helpers
        n = self.n = len(hs)
        self.ids = np.fromiter((h.id for h in hs), dtype=np.int64, count=n)
        self.pos = {int(i): k for k, i in enumerate(self.ids.tolist())}
        self.lat = np.fromiter((h.home.lat for h in hs), dtype=float, count=n)
        self.lon = np.fromiter((h.home.lon for h in hs), dtype=float, count=n)
        self.radius = np.fromiter((h.radius_km for h in hs), dtype=float, count=n)
        self.active = np.fromiter((h.active for h in hs), dtype=bool, count=n)
        self.verified = np.fromiter((h.verified for h in hs), dtype=bool, count=n)
        self.ok = self.active & self.verified
        self.speed = np.fromiter(
            (TRAVEL_SPEED_KMH.get(h.travel_mode, TRAVEL_SPEED_KMH["walk"]) for h in hs),
            dtype=float, count=n)
        self.overhead = np.fromiter(
            (TRAVEL_OVERHEAD_MIN.get(h.travel_mode, 0.0) for h in hs), dtype=float, count=n)
        self.booked = np.fromiter((h.hours_booked_in_week for h in hs), dtype=float, count=n)
        self.cap = np.fromiter((h.weekly_hours_cap for h in hs), dtype=float, count=n)
        self.remaining_minutes = np.floor((self.cap - self.booked) * 60.0 + 1e-4).astype(np.int64)
        self.recent = np.fromiter((max(0, h.recent_assignments) for h in hs), dtype=float, count=n)
        k = max((len(h.availability) for h in hs), default=0)
        self.av_s = np.full((n, max(k, 1)), np.inf)
        self.av_e = np.full((n, max(k, 1)), -np.inf)
        c = max((len(h.commitments) for h in hs), default=0)
        self.n_commit = c
        self.c_s = np.zeros((n, c))
        self.c_e = np.zeros((n, c))
        self.c_lat = np.zeros((n, c))
        self.c_lon = np.zeros((n, c))
        self.c_bf = np.full((n, c), np.inf)  # busy slots [first, stop) (DB slots when given)
        self.c_bs = np.full((n, c), -np.inf)
        self.c_valid = np.zeros((n, c), dtype=bool)
        # Flat lists and one fancy assignment per array: a Python loop writing NumPy scalars
        # one by one costs more than the timestamps, and so would a tuple per interval (each
        # new container counts towards a full garbage collection of every object in memory).
        ai, aj, avs = _flat([h.availability for h in hs])
        if avs:
            self.av_s[ai, aj] = _stamps([iv.start for iv in avs])
            self.av_e[ai, aj] = _stamps([iv.end for iv in avs])
        self.irregular = np.zeros(n, dtype=bool)
        ci, cj, cs = _flat([h.commitments for h in hs])
        if cs:
            self.c_s[ci, cj] = s = _stamps([c.start for c in cs])
            self.c_e[ci, cj] = e = _stamps([c.end for c in cs])
            self.c_lat[ci, cj] = [c.place.lat for c in cs]
            self.c_lon[ci, cj] = [c.place.lon for c in cs]
            self.c_valid[ci, cj] = True
            # Busy slots: the grid slots [start, end) touches (`slots.slot_range`), or the
            # slots the database holds; holes in those are checked one pair at a time.
            lo, hi = _slot_first(s), _slot_stop(e)
            hi = np.maximum(lo, hi)
            for k in np.flatnonzero([bool(c.slots) for c in cs]).tolist():
                held = cs[k].slots
                lo[k], hi[k] = min(held), max(held) + 1
                if hi[k] - lo[k] != len(held):
                    self.irregular[ci[k]] = True
            empty = hi <= lo
            self.c_bf[ci, cj] = np.where(empty, np.inf, lo)
            self.c_bs[ci, cj] = np.where(empty, -np.inf, hi)
        self.blocks = {i: h.blocked_recipient_ids for i, h in enumerate(hs) if h.blocked_recipient_ids}
        self._skill: dict[str, np.ndarray] = {}
        by_skill: dict[str, list[int]] = {}
        for i, h in enumerate(hs):
            for c in h.skills:
                by_skill.setdefault(c, []).append(i)
        for c, ix in by_skill.items():
            m = np.zeros(n, dtype=bool)
            m[ix] = True
            self._skill[c] = m
        self._qual: dict[frozenset[str], np.ndarray] = {}
        self._lang: dict[str, np.ndarray] = {}
        self._gender: dict[str, np.ndarray] = {}
        self._terms: dict[Weights, np.ndarray] = {}
        self._closed: list[frozenset[str]] | None = None
        self._tree = None

    # -- masks built on first use ------------------------------------------------------------
    def skill(self, category: str) -> np.ndarray:
        m = self._skill.get(category)
        if m is None:  # nobody offers it
            m = self._skill[category] = np.zeros(self.n, dtype=bool)
        return m

    def qualified(self, required: frozenset[str]) -> np.ndarray:
        m = self._qual.get(required)
        if m is None:
            if self._closed is None:
                self._closed = [closure(h.qualifications) for h in self.helpers]
            m = np.fromiter((required <= c for c in self._closed), dtype=bool, count=self.n)
            self._qual[required] = m
        return m

    def speaks(self, lang: str) -> np.ndarray:
        m = self._lang.get(lang)
        if m is None:
            m = np.fromiter((lang in h.languages for h in self.helpers), dtype=bool, count=self.n)
            self._lang[lang] = m
        return m

    def gender_is(self, gender: str) -> np.ndarray:
        m = self._gender.get(gender)
        if m is None:
            m = np.fromiter((h.gender == gender for h in self.helpers), dtype=bool, count=self.n)
            self._gender[gender] = m
        return m

    def helper_terms(self, w: Weights) -> tuple[np.ndarray, np.ndarray]:
        """(rating term, fairness term) per helper for weights `w`."""
        t = self._terms.get(w)
        if t is None:
            rating = np.fromiter(
                (w.rating * (5.0 - smoothed_rating(h.rating, h.rating_count, w)) for h in self.helpers),
                dtype=float, count=self.n)
            t = np.stack([rating, w.fairness_recent * self.recent]) if self.n else np.zeros((2, 0))
            self._terms[w] = t
        return t[0], t[1]

    # -- spatial -----------------------------------------------------------------------------
    def projection(self):
        """(lat0 radians, km per degree of longitude, stretch) of the local flat projection."""
        lat0 = float(np.radians(np.mean(self.lat))) if self.n else 0.0
        lat_max = float(np.radians(np.abs(self.lat).max())) if self.n else 0.0
        stretch = float(np.cos(lat0) / max(np.cos(lat_max), 1e-6))
        return lat0, KM_PER_DEG * np.cos(lat0), stretch

    def tree(self):
        """A k-d tree of helper homes in locally projected km (built once)."""
        if self._tree is None:
            from scipy.spatial import cKDTree

            _, km_lon, stretch = self.projection()
            self._km_lon, self._stretch = km_lon, stretch
            self._tree = cKDTree(np.column_stack([self.lat * KM_PER_DEG, self.lon * km_lon]))
        return self._tree

    def near(self, lat: float, lon: float) -> np.ndarray:
        """Indices of helpers whose radius may reach (lat, lon) (a superset; sorted)."""
        tree = self.tree()
        # The projection overstates east–west distances away from lat0 by up to `stretch`;
        # the place itself may lie further from lat0 than any home: widen for it too.
        stretch = max(self._stretch, float(np.cos(np.radians(np.mean(self.lat)))
                                           / max(np.cos(np.radians(abs(lat))), 1e-6)))
        reach = float(self.radius.max()) * stretch * 1.01 + 0.5
        idx = tree.query_ball_point([lat * KM_PER_DEG, lon * self._km_lon], r=reach)
        return np.asarray(sorted(idx), dtype=np.intp)


_INDEX: list[tuple[object, tuple[int, ...], HelperIndex]] = []


def index_for(helpers) -> HelperIndex:
    """The HelperIndex of this helper list (kept for the last few lists).

    Reused while the same list object holds the same (frozen) helper objects: a list changed in
    place gets a fresh index."""
    if isinstance(helpers, HelperIndex):
        return helpers
    if not isinstance(helpers, list | tuple):
        return HelperIndex(list(helpers))
    ident = tuple(map(id, helpers))
    for src, key, idx in _INDEX:
        if src is helpers and key == ident:
            return idx
    idx = HelperIndex(helpers)
    _INDEX.insert(0, (helpers, ident, idx))
    del _INDEX[4:]
    return idx


@dataclass
class TaskArrays:
    tasks: list[Task]
    lat: np.ndarray
    lon: np.ndarray
    ts: np.ndarray  # start, seconds since epoch
    te: np.ndarray
    first: np.ndarray  # first grid slot
    stop: np.ndarray  # one past the last grid slot
    minutes: np.ndarray
    hours: np.ndarray
    week: np.ndarray  # ISO (year*100+week) in Japan time

    @classmethod
    def of(cls, tasks: Sequence[Task]) -> TaskArrays:
        from .engine import week_of

        tasks = list(tasks)
        n = len(tasks)
        ts = _stamps([t.start for t in tasks])
        te = _stamps([t.end for t in tasks])
        wk = [week_of(t.start) for t in tasks]
        return cls(
            tasks,
            np.fromiter((t.place.lat for t in tasks), dtype=float, count=n),
            np.fromiter((t.place.lon for t in tasks), dtype=float, count=n),
            ts, te, _slot_first(ts), _slot_stop(te),
            np.fromiter((t.minutes for t in tasks), dtype=np.int64, count=n),
            np.fromiter((t.hours for t in tasks), dtype=float, count=n),
            np.fromiter((y * 100 + w for y, w in wk), dtype=np.int64, count=n),
        )


@dataclass
class Pairs:
    """Feasible (task, helper) pairs, sorted by (task index, helper id)."""

    t: np.ndarray  # task index
    h: np.ndarray  # helper index
    dist: np.ndarray  # km
    cost: np.ndarray  # integer cost (thousandths), without the in-batch load penalty

    def __len__(self) -> int:
        return int(self.t.size)


def _candidates_of_category(ta: TaskArrays, hx: HelperIndex, tis: np.ndarray, his: np.ndarray):
    """(task index, helper index, km) of pairs within the helper's radius among tis × his."""
    if tis.size == 0 or his.size == 0:
        e = np.zeros(0, dtype=np.intp)
        return e, e, np.zeros(0)
    if tis.size * his.size <= DENSE_PAIRS:
        from .geo import haversine_matrix

        d = haversine_matrix(np.column_stack([ta.lat[tis], ta.lon[tis]]),
                             np.column_stack([hx.lat[his], hx.lon[his]]))
        r, c = np.nonzero(d <= hx.radius[his][None, :])
        return tis[r], his[c], d[r, c]
    from scipy.spatial import cKDTree

    lat_all = np.concatenate([ta.lat[tis], hx.lat[his]])
    lat0 = float(np.radians(np.mean(lat_all)))
    stretch = float(np.cos(lat0) / max(np.cos(float(np.radians(np.abs(lat_all).max()))), 1e-6))
    km_lon = KM_PER_DEG * np.cos(lat0)
    tree = cKDTree(np.column_stack([ta.lat[tis] * KM_PER_DEG, ta.lon[tis] * km_lon]))
    # Helpers in bands of radius: one sparse distance query per band (all in C), each with
    # the band's largest radius; the exact haversine below decides.
    reach = hx.radius[his] * stretch * 1.01 + 0.5
    edges = np.unique(np.quantile(reach, [0.25, 0.5, 0.75, 1.0]))
    band = np.searchsorted(edges, reach, side="left")
    pts, phs = [], []
    for b in range(edges.size):
        sel = his[band == b]
        if sel.size == 0:
            continue
        htree = cKDTree(np.column_stack([hx.lat[sel] * KM_PER_DEG, hx.lon[sel] * km_lon]))
        m = tree.sparse_distance_matrix(htree, float(edges[b]), output_type="ndarray")
        pts.append(tis[m["i"]])
        phs.append(sel[m["j"]])
    if not pts:
        e = np.zeros(0, dtype=np.intp)
        return e, e, np.zeros(0)
    pt, ph = np.concatenate(pts), np.concatenate(phs)
    d = haversine_pairs(ta.lat[pt], ta.lon[pt], hx.lat[ph], hx.lon[ph])
    keep = d <= hx.radius[ph]
    return pt[keep], ph[keep], d[keep]


def time_codes(ta: TaskArrays, hx: HelperIndex, pt: np.ndarray, ph: np.ndarray):
    """(unavailable, weekly_cap, overlap, travel_time) masks per pair, as `check()` has them."""
    unavailable = ~((hx.av_s[ph] <= ta.ts[pt, None]) & (ta.te[pt, None] <= hx.av_e[ph])).any(axis=1)
    weekly = hx.booked[ph] + ta.hours[pt] > hx.cap[ph] + HOURS_EPS
    overlap = np.zeros(pt.size, dtype=bool)
    travel = np.zeros(pt.size, dtype=bool)
    for j in range(hx.n_commit):
        valid = hx.c_valid[ph, j]
        if not valid.any():
            continue
        cs, ce = hx.c_s[ph, j], hx.c_e[ph, j]
        busy = valid & (hx.c_bf[ph, j] < ta.stop[pt]) & (ta.first[pt] < hx.c_bs[ph, j])
        cf, cst = _slot_first(cs), _slot_stop(ce)
        shared = (cf < cst) & (cf < ta.stop[pt]) & (ta.first[pt] < cst)
        d = haversine_pairs(hx.c_lat[ph, j], hx.c_lon[ph, j], ta.lat[pt], ta.lon[pt])
        need = need_seconds(d, hx.speed[ph], hx.overhead[ph])
        apart = ((ta.ts[pt] - ce) >= need) | ((cs - ta.te[pt]) >= need)
        overlap |= busy
        travel |= valid & ~busy & (shared | ~apart)
    return unavailable, weekly, overlap, travel


def time_feasible(ta: TaskArrays, hx: HelperIndex, pt: np.ndarray, ph: np.ndarray) -> np.ndarray:
    """Availability, weekly cap and existing commitments (overlap, travel time), per pair."""
    u, w, o, t = time_codes(ta, hx, pt, ph)
    return ~(u | w | o | t)


def pair_costs(ta: TaskArrays, hx: HelperIndex, pt, ph, dist, w: Weights) -> np.ndarray:
    """Integer costs (thousandths) of pairs: `scoring.cost_terms` summed in the same order."""
    n = pt.size
    cont = np.zeros(n)
    if n:
        keys = pt.astype(np.int64) * (hx.n + 1) + ph
        prev_k, prev_v = [], []
        for ti in np.unique(pt).tolist():
            p = ta.tasks[ti].previous_helper_ids
            for j, hid in enumerate(p):
                hi = hx.pos.get(int(hid))
                if hi is not None:
                    prev_k.append(ti * (hx.n + 1) + hi)
                    prev_v.append(-w.continuity * (1.0 if j == 0 else 0.5))
                    if p.index(hid) != j:  # repeated id: the first occurrence counts
                        prev_v[-1] = -w.continuity * (1.0 if p.index(hid) == 0 else 0.5)
        if prev_k:
            pk = np.asarray(prev_k, dtype=np.int64)
            pv = np.asarray(prev_v)
            order = np.argsort(pk, kind="stable")
            pk, pv = pk[order], pv[order]
            loc = np.clip(np.searchsorted(pk, keys), 0, pk.size - 1)
            hit = pk[loc] == keys
            cont[hit] = pv[loc[hit]]
    rating, fair = hx.helper_terms(w)
    gender = np.zeros(n)
    lang = np.zeros(n)
    tasks = ta.tasks
    pref_g = [tasks[ti].preferred_gender for ti in range(len(tasks))]
    pref_l = [tasks[ti].preferred_languages for ti in range(len(tasks))]
    if any(pref_g):
        gt = np.array([g or "" for g in pref_g], dtype=object)[pt]
        for g in {g for g in pref_g if g}:
            sel = gt == g
            gender[sel & ~hx.gender_is(g)[ph]] = w.gender_mismatch
    if any(pref_l):
        for langs in {lg for lg in pref_l if lg}:
            tsel = np.fromiter((pref_l[i] == langs for i in range(len(tasks))), dtype=bool,
                               count=len(tasks))[pt]
            spoken = np.zeros(n, dtype=bool)
            for lg in langs:
                spoken |= hx.speaks(lg)[ph]
            lang[tsel & ~spoken] = w.language_mismatch
    total = w.distance_per_km * dist + cont + rating[ph] + fair[ph] + gender + lang
    return np.rint(total * COST_SCALE).astype(np.int64)


def _blocked(tasks: Sequence[Task], hx: HelperIndex, pt: np.ndarray, ph: np.ndarray) -> np.ndarray:
    """`blocked` of `check()` per pair: the recipient blocked the helper, or the helper
    blocked the recipient — as membership of integer pair keys, not a check per pair
    (at 10,000 × 50,000, 2,488 helpers block someone: 13,019 pairs went through `check()`)."""
    out = np.zeros(pt.size, dtype=bool)
    if pt.size == 0:
        return out
    by_task = [(i, hx.pos[hid]) for i, t in enumerate(tasks) if t.blocked_helper_ids
               for hid in t.blocked_helper_ids if hid in hx.pos]
    if by_task:
        keys = np.array([i * hx.n + j for i, j in by_task], dtype=np.int64)
        out |= np.isin(pt.astype(np.int64) * hx.n + ph, keys)
    if hx.blocks:
        rids, task_r = np.unique(np.fromiter((t.recipient_id for t in tasks), dtype=np.int64,
                                             count=len(tasks)), return_inverse=True)
        rpos = {int(r): k for k, r in enumerate(rids.tolist())}
        keys = np.array([i * rids.size + rpos[r] for i, blocked in hx.blocks.items()
                         for r in blocked if r in rpos], dtype=np.int64)
        if keys.size:
            out |= np.isin(ph.astype(np.int64) * rids.size + task_r.ravel()[pt], keys)
    return out


def feasible_pairs(tasks, hx: HelperIndex, w: Weights, ta: TaskArrays | None = None) -> Pairs:
    """Every feasible pair (same as `check()` == ()) with its integer cost."""
    ta = ta or TaskArrays.of(tasks)
    tasks = ta.tasks
    parts_t, parts_h, parts_d = [], [], []
    by_key: dict[tuple[str, frozenset], list[int]] = {}
    for i, t in enumerate(tasks):
        by_key.setdefault((t.category, t.required_qualifications), []).append(i)
    for (cat, req), tis in sorted(by_key.items(), key=lambda kv: kv[1][0]):
        m = hx.ok & hx.skill(cat) if hx.n else np.zeros(0, dtype=bool)
        if req:
            m = m & hx.qualified(req)
        pt, ph, d = _candidates_of_category(ta, hx, np.asarray(tis, dtype=np.intp), np.flatnonzero(m))
        parts_t.append(pt)
        parts_h.append(ph)
        parts_d.append(d)
    if parts_t:
        pt, ph, d = np.concatenate(parts_t), np.concatenate(parts_h), np.concatenate(parts_d)
    else:
        pt = ph = np.zeros(0, dtype=np.intp)
        d = np.zeros(0)
    keep = time_feasible(ta, hx, pt, ph) & ~_blocked(tasks, hx, pt, ph)
    # Commitments with holes in their slots: few, checked one by one.
    if hx.irregular.any():
        for k in np.flatnonzero(hx.irregular[ph] & keep).tolist():
            if check(tasks[pt[k]], hx.helpers[ph[k]], distance_km=float(d[k])):
                keep[k] = False
    pt, ph, d = pt[keep], ph[keep], d[keep]
    order = np.lexsort((hx.ids[ph], pt))
    pt, ph, d = pt[order], ph[order], d[order]
    return Pairs(pt, ph, d, pair_costs(ta, hx, pt, ph, d, w))


def candidate(ta: TaskArrays, hx: HelperIndex, pairs: Pairs, k: int, w: Weights) -> Candidate:
    """The Candidate (with reasons) of pair k; its cost equals pairs.cost[k] / COST_SCALE."""
    return make_candidate(ta.tasks[pairs.t[k]], hx.helpers[pairs.h[k]], float(pairs.dist[k]), w)


def scalar_conflict(ta: TaskArrays, a: int, b: int, lat_a, lon_a, lat_b, lon_b,
                    speed: float, overhead: float) -> bool:
    """`constraints.conflict` on the arrays (used by greedy, one booked task at a time)."""
    if ta.first[a] < ta.stop[b] and ta.first[b] < ta.stop[a]:
        return True
    la1, lo1, la2, lo2 = map(math.radians, (lat_a, lon_a, lat_b, lon_b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    minutes = d * DETOUR_FACTOR / speed * 60.0 + overhead if d > 0.0 else 0.0
    need = math.ceil(minutes * 60.0 - 1e-6)
    return not ((ta.ts[b] - ta.te[a]) >= need or (ta.ts[a] - ta.te[b]) >= need)

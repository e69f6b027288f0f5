"""One definition of "busy" (slots.py): an interval holds every 30-minute UTC grid slot it
touches, and the engine's overlap / conflict is "shares a slot" — the database's rule."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.matching import busy_slots, check, conflict, slot_starts, slots_collide
from sasaeai.matching.constraints import conflict_matrix
from sasaeai.matching.factories import HOME, at, make_commitment, make_helper, make_task

SLOT = 1800


def _brute(start, end) -> set[int]:
    """Slot k is busy when [k·30 min, (k+1)·30 min) meets [start, end)."""
    s, e = start.timestamp(), end.timestamp()
    return {k for k in range(int(s // SLOT) - 2, int(e // SLOT) + 3) if k * SLOT < e and s < (k + 1) * SLOT}


def test_the_reported_case_collides():
    # 06:15–07:15 holds 06:00, 06:30 and 07:00; it collides with 06:00–07:00 and 07:00–07:30.
    assert [t.astimezone(at(0).tzinfo).strftime("%H:%M") for t in slot_starts(at(6.25), at(7.25))] == [
        "06:00", "06:30", "07:00"]
    assert slots_collide(at(6), at(7), at(6.25), at(7.25))
    assert slots_collide(at(7), at(7.5), at(6.25), at(7.25))
    assert not slots_collide(at(7.5), at(8), at(6.25), at(7.25))
    # No overlap as intervals, but both hold the 06:30 slot.
    assert slots_collide(at(6.25), at(6.75), at(6.75), at(7.25))
    assert not slots_collide(at(6), at(6.5), at(6.5), at(7))


def test_a_commitment_sharing_a_slot_is_an_overlap():
    task = make_task(start=at(10), end=at(11), place=HOME)
    done = make_helper(commitments=(make_commitment(at(10.25), at(11.25), HOME),))
    assert check(task, done) == ("overlap",)
    # Explicit slots (as the database holds them) win over start/end.
    held = make_commitment(at(13), at(14), HOME)
    held = type(held)(held.start, held.end, held.place, slots=busy_slots(at(10.5), at(11)))
    assert check(task, make_helper(commitments=(held,))) == ("overlap",)


minutes = st.integers(0, 48).map(lambda k: k * 5)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(a0=minutes, a_len=st.integers(1, 36).map(lambda k: k * 5), b0=minutes,
       b_len=st.integers(1, 36).map(lambda k: k * 5))
def test_engine_overlap_is_exactly_a_shared_grid_slot(a0, a_len, b0, b_len):
    a_start = at(6) + timedelta(minutes=a0)
    a_end = a_start + timedelta(minutes=a_len)
    b_start = at(6) + timedelta(minutes=b0)
    b_end = b_start + timedelta(minutes=b_len)
    shared = bool(_brute(a_start, a_end) & _brute(b_start, b_end))
    assert set(busy_slots(a_start, a_end)) == _brute(a_start, a_end)
    assert slots_collide(a_start, a_end, b_start, b_end) == shared
    task = make_task(start=a_start, end=a_end, place=HOME)
    helper = make_helper(availability=(), commitments=(make_commitment(b_start, b_end, HOME),))
    assert ("overlap" in check(task, helper)) == shared
    # Same place: no travel needed, so a conflict between two tasks is exactly a shared slot.
    assert conflict(a_start, a_end, HOME, b_start, b_end, HOME, "walk") == shared
    other = make_task(start=b_start, end=b_end, place=HOME)
    assert bool(conflict_matrix([task, other], "walk")[0, 1]) == shared

"""Where a request stands, for any status and any mix of offer answers (hypothesis): the family
always reads a plain Japanese sentence, never an internal code; while helpers are asked, the
number in the sentence is the number still waiting; once booked, it names the helper."""

import datetime as dt
import re
from types import SimpleNamespace

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.requests.models import BookingStatus, OfferStatus, RequestStatus
from sasaeai.requests.presentation import standing

STARTS = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)  # 18:00 in Tokyo
CODES = set(RequestStatus.values) | set(OfferStatus.values) | set(BookingStatus.values)


class _Many:
    def __init__(self, items):
        self._items = list(items)

    def all(self):
        return list(self._items)


def _helper(n):
    return SimpleNamespace(user=SimpleNamespace(display_name=f"担い手{n}さま"))


def _request(status, offer_statuses, booked):
    offers = [SimpleNamespace(pk=i, rank=i, status=s, helper=_helper(i),
                              get_status_display=lambda s=s: str(OfferStatus(s).label))
              for i, s in enumerate(offer_statuses)]
    bookings = [SimpleNamespace(status=BookingStatus.BOOKED, helper=_helper(99))] if booked else []
    return SimpleNamespace(status=status, starts_at=STARTS, offers=_Many(offers), bookings=_Many(bookings),
                           get_status_display=lambda: str(RequestStatus(status).label))


@settings(max_examples=200, deadline=None)
@given(status=st.sampled_from(RequestStatus.values),
       offer_statuses=st.lists(st.sampled_from(OfferStatus.values), max_size=6),
       booked=st.booleans())
def test_the_sentence_is_plain_words_and_counts_who_is_waiting(status, offer_statuses, booked):
    req = _request(status, offer_statuses, booked)
    with translation.override("ja"):
        s = standing(req)
    words = set(re.findall(r"[a-z_]+", s.sentence))
    assert s.sentence and not (words & CODES), s.sentence
    pending = offer_statuses.count(OfferStatus.PENDING)
    if status == RequestStatus.OFFERED and pending:
        assert s.sentence.startswith(f"{pending}人の担い手に依頼中です")
        assert "12月3日 18:00 まで" in s.sentence and s.until == STARTS
        assert sum(a.pending for a in s.asked) == pending
    elif booked and status in (RequestStatus.BOOKED, RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED,
                               RequestStatus.REVIEWED):
        assert "担い手99さま" in s.sentence and s.helper is not None
    else:
        assert "人の担い手に依頼中" not in s.sentence

"""hsds_merge: replaying the delta on the unchanged native document gives the original back
exactly (any JSON), and a field Sasaeai changed since the import keeps Sasaeai's value."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.directory.hsds_merge import delta, patch

scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "a", "TH,FR", "gbp"])
ids = st.sampled_from(["i1", "i2", "i3", "i4"])
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["id", "name", "byday", "currency", "x"]), inner, max_size=4)
    | st.lists(st.fixed_dictionaries({"id": ids}, optional={"name": inner, "x": inner}), max_size=3,
               unique_by=lambda d: d["id"]),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_patch_of_delta_gives_the_original(native, original):
    d = delta(native, original)
    assert json.loads(json.dumps(d)) == d  # storable in a JSONField
    assert patch(native, d) == original


def test_an_edit_since_the_import_wins():
    native = {"name": "Lunch", "status": "inactive", "schedules": [{"id": "s", "byday": "TH"}]}
    original = {"name": "Lunch", "status": "active", "schedules": [{"id": "s", "byday": "TH,FR"}], "minimum_age": 65}
    d = delta(native, original)
    edited = {"name": "Lunch club", "status": "active", "schedules": [{"id": "s", "byday": "MO"}]}
    assert patch(edited, d) == {"name": "Lunch club", "status": "active", "schedules": [{"id": "s", "byday": "MO"}],
                                "minimum_age": 65}
    assert patch({**native, "schedules": []}, d)["schedules"] == []  # a schedule deleted in Sasaeai stays deleted

"""Lossless HSDS round trip: a three-way delta between what Sasaeai writes for a record and the
document it was imported from.

`delta(native, original)` records how to turn the document Sasaeai would export right after the
import (`native`) into the publisher's `original`; `patch(native_now, d)` replays it on a later
export. Every change remembers the value Sasaeai wrote at import time (`was`): when a coordinator
has since edited that field, Sasaeai's value wins, otherwise the publisher's value comes back
exactly. Lists of objects with ids are merged item by item (order, additions, removals).
"""

from __future__ import annotations

from typing import Any


def _by_id(items) -> dict | None:
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        return None
    out = {i["id"]: i for i in items}
    return out if len(out) == len(items) else None


def delta(native: Any, original: Any) -> dict | None:
    """None when equal, else a JSON-serialisable description of original relative to native."""
    if native == original:
        return None
    if isinstance(native, dict) and isinstance(original, dict):
        d: dict = {"t": "d"}
        for key, value in original.items():
            if key not in native:
                d.setdefault("add", {})[key] = value
            elif native[key] != value:
                d.setdefault("sub", {})[key] = delta(native[key], value)
        for key, value in native.items():
            if key not in original:
                d.setdefault("drop", {})[key] = value
        return d
    ours, theirs = _by_id(native), _by_id(original)
    if ours is not None and theirs is not None and (ours or theirs):
        items = {}
        for key, value in theirs.items():
            if key in ours:
                sub = delta(ours[key], value)
                if sub:
                    items[key] = sub
            else:
                items[key] = {"t": "new", "value": value}
        return {"t": "l", "order": list(theirs), "items": items,
                "drop": {k: v for k, v in ours.items() if k not in theirs}}
    return {"t": "v", "was": native, "set": original}


def patch(native: Any, d: dict | None) -> Any:
    """Replay `d` on today's native value (see the module docstring)."""
    if not d:
        return native
    kind = d.get("t")
    if kind == "v":
        return d["set"] if native == d["was"] else native
    if kind == "d" and isinstance(native, dict):
        out = dict(native)
        for key, value in d.get("add", {}).items():
            out.setdefault(key, value)
        for key, sub in d.get("sub", {}).items():
            if key in out:
                out[key] = patch(out[key], sub)
        for key, was in d.get("drop", {}).items():
            if key in out and out[key] == was:
                del out[key]
        return out
    if kind == "l" and (native == [] or _by_id(native) is not None):
        ours = _by_id(native) or {}
        out = []
        for key in d["order"]:
            item = d["items"].get(key)
            if key in ours:
                out.append(patch(ours[key], item))
            elif item and item.get("t") == "new":
                out.append(item["value"])
        dropped = d.get("drop", {})
        for key, value in ours.items():
            if key in d["order"] or (key in dropped and dropped[key] == value):
                continue
            out.append(value)
        return out
    return native

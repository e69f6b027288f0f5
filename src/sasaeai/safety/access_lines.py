"""The 「この記録を見た人」 page reads as lines, not raw entries: a burst of reads by one
person (one page after another within a few minutes) is one line with the time span, the
number of reads and every field, purpose and channel involved.

`group_bursts` is pure (any objects with `actor_id`, `at`, `actor_roles`, `fields`, `purpose`,
`channel`, `ip_prefix`), so its invariants are tested without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import labels

#: Two reads by the same person at most this far apart belong to the same line.
BURST_GAP = timedelta(minutes=10)


def _add(seq: list, values) -> None:
    for v in values:
        if v and v not in seq:
            seq.append(v)


@dataclass
class Line:
    actor_id: int | None
    first_at: datetime
    last_at: datetime
    count: int = 0
    roles: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    ip_prefixes: list[str] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)

    def add(self, entry) -> None:
        self.count += 1
        self.first_at = min(self.first_at, entry.at)
        self.last_at = max(self.last_at, entry.at)
        _add(self.roles, (entry.actor_roles or "").split(","))
        _add(self.fields, entry.fields or ())
        _add(self.purposes, [entry.purpose])
        _add(self.channels, [entry.channel])
        _add(self.ip_prefixes, [entry.ip_prefix])
        if getattr(entry, "pk", None) is not None:
            self.entry_ids.append(entry.pk)

    @property
    def spans_time(self) -> bool:
        """The first and last read fall in different minutes (the page shows a span)."""
        return self.first_at.replace(second=0, microsecond=0) != self.last_at.replace(second=0, microsecond=0)

    @property
    def role_labels(self) -> list[str]:
        return [labels.role_label(c) for c in self.roles]

    @property
    def field_labels(self) -> list[str]:
        return labels.fields_labels(self.fields)

    @property
    def purpose_labels(self) -> list[str]:
        return [labels.purpose_label(c) for c in self.purposes]

    @property
    def channel_labels(self) -> list[str]:
        return [labels.channel_label(c) for c in self.channels]


def group_bursts(entries, gap: timedelta = BURST_GAP) -> list[Line]:
    """Entries newest first -> lines newest first. A line continues while the next (older)
    entry has the same actor and is at most `gap` older than the previous one."""
    lines: list[Line] = []
    current: Line | None = None
    for entry in entries:
        if current is None or entry.actor_id != current.actor_id or current.first_at - entry.at > gap:
            current = Line(actor_id=entry.actor_id, first_at=entry.at, last_at=entry.at)
            lines.append(current)
        current.add(entry)
    return lines

"""Every write of the work-like activities app. Each public function is one transaction: it
validates first, writes everything or nothing, and raises `ValidationError` (with a stable
`code`, messages in Japanese and English through gettext) or `PermissionDenied`.

Placements lock the task row first (`select_for_update`): two coordinators confirming the last
slot at once queue on that row, the second sees the task full. One placement per task and person
is also a database constraint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.notifications.services import notify
from sasaeai.tenancy.models import Area

from . import selectors
from .models import (
    PlacementStatus,
    TaskStatus,
    TravelMode,
    WorkCategory,
    WorkInterest,
    WorkParticipation,
    WorkPlacement,
    WorkSkill,
    WorkTask,
)


def _invalid(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _text(field: str, value, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, _("This field is required."), "required")
    if len(value) > limit:
        raise _invalid(field, _("Keep this to %(n)d characters.") % {"n": limit}, "too_long")
    return value


def _codes(field: str, values, allowed, *, required: bool = False) -> list[str]:
    values = list(dict.fromkeys(str(v) for v in (values or [])))
    if any(v not in allowed for v in values):
        raise _invalid(field, _("Choose from the list."), "invalid_choice")
    if required and not values:
        raise _invalid(field, _("Choose at least one."), "required")
    return values


def _point(lat, lon) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise _invalid("place", _("Put the place on the map or choose a directory place."), "place_required") from None
    if not (20.0 <= lat <= 46.0 and 122.0 <= lon <= 154.1):
        raise _invalid("place", _("This point is outside Japan (latitude 20–46°N, longitude 122–154°E). "
                                  "Check the coordinates."), "outside_japan")
    return lat, lon


# --- tasks --------------------------------------------------------------------------------------


def task_create(*, by, partner, title: str, category: str, area, address: str = "", lat=None, lon=None,
                location=None, date: dt.date | None, start_time: dt.time | None, end_time: dt.time | None,
                slots, weekly_until: dt.date | None = None, description: str = "", skills=(),
                reward_text: str = "", reward_yen=None, publish: bool = False,
                demo_key: str | None = None) -> WorkTask:
    """Post a work-like task for `partner` (its own staff, or work staff of its municipality). The
    place is a directory location, or a point (lat/lon) from the map, or else the area's centre."""
    if by is not None and not selectors.may_post_for(by, partner):
        raise PermissionDenied(_("You may only post tasks for your own organisation."))
    errors: dict[str, list] = {}

    def check(fn):
        try:
            return fn()
        except ValidationError as exc:
            for k, v in exc.error_dict.items():
                errors.setdefault(k, []).extend(v)
            return None

    title = check(lambda: _text("title", title, limit=200))
    description = check(lambda: _text("description", description, limit=4000, required=False))
    if category not in WorkCategory.values:
        errors["category"] = [ValidationError(_("Choose the kind of work."), code="invalid_category")]
    skills = check(lambda: _codes("skills", skills, WorkSkill.values)) or []
    if area is None or area.municipality_id != partner.municipality_id or area.layer != Area.Layer.DAILY_LIFE:
        errors["area"] = [ValidationError(_("Choose a daily-life area of the municipality."), code="invalid_area")]
    if location is not None:
        if location.municipality_id != partner.municipality_id:
            errors["location"] = [ValidationError(_("Choose a place of the municipality's directory."),
                                                  code="invalid_location")]
        else:
            lat, lon = location.lat, location.lon
            address = address or location.address or location.name
    if lat in (None, "") and lon in (None, "") and location is None and "area" not in errors:
        lat, lon = area.center_lat, area.center_lon  # approximate: the area's centre (nobody types coordinates)
    point = check(lambda: _point(lat, lon))
    address = check(lambda: _text("address", address, limit=200))
    try:
        slots = int(slots)
    except (TypeError, ValueError):
        slots = 0
    if slots < 1 or slots > 100:
        errors["slots"] = [ValidationError(_("A task needs at least one person (at most 100)."),
                                           code="invalid_slots")]
    if date is None:
        errors["date"] = [ValidationError(_("Give the date."), code="required")]
    if start_time is None or end_time is None or end_time <= start_time:
        errors["end_time"] = [ValidationError(_("The work must end after it starts."), code="invalid_times")]
    if weekly_until is not None and date is not None:
        if weekly_until < date:
            errors["weekly_until"] = [ValidationError(_("Weekly repetition must end on or after the first date."),
                                                      code="invalid_until")]
        elif (weekly_until - date).days > 7 * 52:
            errors["weekly_until"] = [ValidationError(_("Repeat weekly for at most a year."), code="invalid_until")]
    reward_text = check(lambda: _text("reward_text", reward_text, limit=200, required=False)) or ""
    if reward_yen in ("", None):
        reward_yen = None
    else:
        try:
            reward_yen = int(reward_yen)
        except (TypeError, ValueError):
            reward_yen = -1
        if reward_yen < 0 or reward_yen > 1_000_000:
            errors["reward_yen"] = [ValidationError(_("Give the reward in yen (0 to 1,000,000), or leave it empty."),
                                                    code="invalid_reward")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return WorkTask.objects.create(
            municipality_id=partner.municipality_id, partner=partner, area=area, title=title,
            description=description or "", category=category, address=address, lat=point[0], lon=point[1],
            location=location, date=date, start_time=start_time, end_time=end_time, weekly_until=weekly_until,
            skills=skills, reward_text=reward_text, reward_yen=reward_yen, slots=slots,
            status=TaskStatus.OPEN if publish else TaskStatus.DRAFT, created_by=by, demo_key=demo_key)


_MOVES = {
    "open": ({TaskStatus.DRAFT, TaskStatus.CLOSED}, TaskStatus.OPEN),
    "close": ({TaskStatus.DRAFT, TaskStatus.OPEN, TaskStatus.FILLED}, TaskStatus.CLOSED),
}


@transaction.atomic
def task_set_status(*, by, task: WorkTask, action: str) -> WorkTask:
    """Publish ("open") or close a task. Partner staff of the task or work staff."""
    if by is not None and not (selectors.may_manage_task(by, task) or selectors.is_task_partner(by, task)):
        raise PermissionDenied
    task = WorkTask.objects.select_for_update().get(pk=task.pk)
    if action not in _MOVES:
        raise _invalid("action", _("Choose open or close."), "invalid_action")
    allowed, target = _MOVES[action]
    if task.status not in allowed:
        raise _invalid("action", _("This task cannot change that way now."), "invalid_transition")
    if target == TaskStatus.OPEN and _confirmed(task) >= task.slots:
        target = TaskStatus.FILLED
    task.status = target
    task.save(update_fields=["status"])
    return task


def _confirmed(task: WorkTask) -> int:
    return task.placements.filter(status=PlacementStatus.CONFIRMED).count()


# --- interest -----------------------------------------------------------------------------------


def interest_save(*, user, kinds, weekdays, available_from: dt.time | None, available_until: dt.time | None,
                  area=None, skills=(), max_hours_per_week=8, radius_km=3, travel_mode: str = TravelMode.WALK,
                  home_lat=None, home_lon=None, note: str = "", active: bool = True, consent: bool = False,
                  municipality=None, demo_key: str | None = None) -> WorkInterest:
    """Register or update one's own work interest (就労の希望). The person agrees that the
    municipality's work coordinators see it (`consent`)."""
    existing = WorkInterest.objects.filter(user=user).first()
    allowed = selectors.interest_municipality_ids(user)
    if municipality is None:
        municipality_id = existing.municipality_id if existing else (min(allowed) if allowed else None)
    else:
        municipality_id = municipality.pk
    if municipality_id is None or (municipality_id not in allowed and not existing):
        raise PermissionDenied(_("Only residents and helpers of a municipality can register for work."))
    errors: dict[str, list] = {}
    if not consent and existing is None:
        errors["consent"] = [ValidationError(_("Please agree that the work coordinator may see what you enter."),
                                             code="consent_required")]
    try:
        kinds = _codes("kinds", kinds, WorkCategory.values, required=True)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        skills = _codes("skills", skills, WorkSkill.values)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        weekdays = sorted({int(d) for d in (weekdays or [])})
    except (TypeError, ValueError):
        weekdays = [-1]
    if not weekdays or any(d < 0 or d > 6 for d in weekdays):
        errors["weekdays"] = [ValidationError(_("Choose the weekdays you can work."), code="invalid_weekdays")]
    if available_from is None or available_until is None or available_until <= available_from:
        errors["available_until"] = [ValidationError(_("The end of your hours must be after their start."),
                                                     code="invalid_hours")]
    try:
        hours = float(max_hours_per_week)
        radius = float(radius_km)
    except (TypeError, ValueError):
        hours = radius = -1.0
    if not 0.5 <= hours <= 40:
        errors["max_hours_per_week"] = [ValidationError(_("Give between 0.5 and 40 hours a week."),
                                                        code="invalid_hours_per_week")]
    if not 0.1 <= radius <= 50:
        errors["radius_km"] = [ValidationError(_("Give a distance between 0.1 and 50 km."), code="invalid_radius")]
    if travel_mode not in TravelMode.values:
        errors["travel_mode"] = [ValidationError(_("Choose how you travel."), code="invalid_travel_mode")]
    if area is not None and (area.municipality_id != municipality_id or area.layer != Area.Layer.DAILY_LIFE):
        errors["area"] = [ValidationError(_("Choose a daily-life area of the municipality."), code="invalid_area")]
    point = (None, None)
    if home_lat not in (None, "") or home_lon not in (None, ""):
        try:
            point = _point(home_lat, home_lon)
        except ValidationError as exc:
            errors["home"] = exc.error_dict["place"]
    if area is None and point == (None, None) and getattr(getattr(user, "helper_profile", None), "home_point",
                                                          None) is None:
        errors.setdefault("area", []).append(ValidationError(
            _("Choose your area (or put your home on the map) so that distances can be measured."),
            code="place_required"))
    try:
        note = _text("note", note, limit=500, required=False)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    values = {"municipality_id": municipality_id, "area": area, "kinds": kinds, "skills": skills,
              "weekdays": weekdays, "available_from": available_from, "available_until": available_until,
              "max_hours_per_week": hours, "radius_km": radius, "travel_mode": travel_mode,
              "home_lat": point[0], "home_lon": point[1], "note": note, "active": bool(active)}
    with transaction.atomic():
        interest, _created = WorkInterest.objects.update_or_create(
            user=user, defaults=values, create_defaults={**values, "demo_key": demo_key})
    return interest


# --- placements ---------------------------------------------------------------------------------


def _notify_placed(placement: WorkPlacement) -> None:
    task = placement.task
    when = f"{task.next_date():%Y-%m-%d} {task.start_time:%H:%M}–{task.end_time:%H:%M}"
    notify(placement.interest.user, "workactivity.placed", {
        "title": task.title, "when": when, "place": task.address, "url": reverse("workactivity:mine")})


def placement_confirm(*, by, task: WorkTask, interest: WorkInterest, rank: int | None = None,
                      reasons=None, notify_person: bool = True, demo_key: str | None = None) -> WorkPlacement:
    """Confirm a candidate for a task (work staff only). Refuses a task that is not open, a full
    task, a person of another municipality, a person already placed on it, or one placed elsewhere
    at the same time. The person is notified."""
    if by is not None and not selectors.may_manage_task(by, task):
        raise PermissionDenied
    from .ranking import busy_codes

    try:
        with transaction.atomic():
            # The race: two confirmations of the last slot. Lock the task row; the second
            # confirmation then counts the first one's placement and is refused.
            task = WorkTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
            if task.status != TaskStatus.OPEN:
                raise _invalid("task", _("Only an open task can take people."), "not_open")
            if interest.municipality_id != task.municipality_id or not interest.active:
                raise _invalid("interest", _("This person cannot be placed on this task."), "invalid_person")
            existing = WorkPlacement.objects.filter(task=task, interest=interest).first()
            if existing is not None and existing.status == PlacementStatus.CONFIRMED:
                raise _invalid("interest", _("This person is already placed on this task."), "already_placed")
            if _confirmed(task) >= task.slots:
                raise _invalid("task", _("All places of this task are filled."), "task_full")
            if busy_codes(task, interest, task.next_date()):
                raise _invalid("interest", _("This person is placed on other work at that time."), "busy")
            fields = {"status": PlacementStatus.CONFIRMED, "rank": rank, "reasons": list(reasons or []),
                      "confirmed_by": by, "confirmed_at": timezone.now(), "withdrawn_at": None}
            if existing is not None:
                for k, v in fields.items():
                    setattr(existing, k, v)
                existing.save()
                placement = existing
            else:
                placement = WorkPlacement.objects.create(task=task, interest=interest, demo_key=demo_key, **fields)
            if _confirmed(task) >= task.slots:
                task.status = TaskStatus.FILLED
                task.save(update_fields=["status"])
            if notify_person:
                _notify_placed(placement)
    except IntegrityError:
        raise _invalid("interest", _("This person is already placed on this task."), "already_placed") from None
    return placement


@transaction.atomic
def placement_withdraw(*, by, placement: WorkPlacement) -> WorkPlacement:
    """Withdraw a placement (work staff); a filled task opens again."""
    if by is not None and not selectors.may_manage_task(by, placement.task):
        raise PermissionDenied
    task = WorkTask.objects.select_for_update(of=("self",)).get(pk=placement.task_id)
    placement = WorkPlacement.objects.select_for_update().get(pk=placement.pk)
    if placement.status != PlacementStatus.CONFIRMED:
        raise _invalid("placement", _("This placement is already withdrawn."), "already_withdrawn")
    placement.status = PlacementStatus.WITHDRAWN
    placement.withdrawn_at = timezone.now()
    placement.save(update_fields=["status", "withdrawn_at"])
    if task.status == TaskStatus.FILLED:
        task.status = TaskStatus.OPEN
        task.save(update_fields=["status"])
    notify(placement.interest.user, "workactivity.withdrawn", {"title": task.title,
                                                               "url": reverse("workactivity:mine")})
    return placement


def participation_record(*, by, placement: WorkPlacement, date: dt.date | None, attended: bool,
                         hours=None) -> WorkParticipation:
    """Record whether the person came on one date of the task (work staff or the partner's staff).
    Recording the same date again corrects it."""
    if by is not None and not selectors.may_record_participation(by, placement):
        raise PermissionDenied
    task = placement.task
    if placement.status != PlacementStatus.CONFIRMED:
        raise _invalid("placement", _("This placement is withdrawn."), "withdrawn")
    if date is None or date not in task.occurrences():
        raise _invalid("date", _("Choose a date on which the task takes place."), "invalid_date")
    if date > timezone.localdate():
        raise _invalid("date", _("Participation can be recorded on the day or later."), "in_future")
    if attended:
        if hours in (None, ""):
            hours = Decimal(str(round(task.hours, 2)))
        try:
            hours = Decimal(str(hours))
        except (InvalidOperation, ValueError):
            hours = Decimal(-1)
        if not Decimal(0) < hours <= Decimal(24):
            raise _invalid("hours", _("Give the hours worked (more than 0, at most 24)."), "invalid_hours")
    else:
        hours = Decimal(0)
    with transaction.atomic():
        row, _created = WorkParticipation.objects.update_or_create(
            placement=placement, date=date,
            defaults={"attended": bool(attended), "hours": hours, "recorded_by": by, "recorded_at": timezone.now()})
    return row

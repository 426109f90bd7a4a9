"""Number cycling: which of a contact's phones a claim dials, and why. Pure.

Every phone carries its ``dialing`` state (attempts, last outcome, last dial time, done).
The number to dial next is worked out from those states and the list's ``phone_order``
alone, so it can be stored on the contact (``dial_number``) whenever either changes and
a claim stays a walk of the queue index:

1. Only numbers that are not done count ("live"); valid numbers (libphonenumber knows
   them) before invalid ones, which are dialed only when no valid one is left (and only
   on lists with ``dial_invalid_numbers``).
2. When the number dialed last is live and its outcome keeps it (``busy``,
   ``voicemail``, ``callback``: the line works, or the person asked), it is dialed again.
3. Otherwise the live number dialed the fewest times, the first in the list's order among
   equals: ``no_answer`` rotates through the numbers, one attempt each in turn, and
   ``wrong_number``, ``disconnected`` and ``failed`` (which mark the number done) move to
   the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

# The number is bad: marked done, never dialed again; the next claim dials the next one.
NUMBER_DONE = frozenset({"wrong_number", "disconnected", "failed"})
# The number works (or the person asked to be called back on it): the retry dials it again.
NUMBER_KEPT = frozenset({"busy", "voicemail", "callback"})

_FRESH: dict[str, Any] = {"attempts": 0, "last_outcome": None, "last_dial_at": None, "done": False}


def dialing(phone: dict[str, Any]) -> dict[str, Any]:
    """A phone's dialing state (rows stored before number cycling have none)."""
    return phone.get("dialing") or _FRESH


def fresh() -> dict[str, Any]:
    return dict(_FRESH)


def is_mobile(phone: dict[str, Any]) -> bool:
    return phone.get("type") == "mobile" or phone.get("line_type") == "mobile"


def ordered(phones: Sequence[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    """The phones in the list's order: as given, or mobiles first (each group as given)."""
    if order != "mobile_first":
        return list(phones)
    return sorted(phones, key=lambda p: not is_mobile(p))  # stable: as given within


def next_phone(phones: Sequence[dict[str, Any]], order: str) -> dict[str, Any] | None:
    """The phone the next claim dials; None when every number is done (or there is none)."""
    if len(phones) == 1:  # most contacts: their one number, until it is done
        return None if dialing(phones[0])["done"] else phones[0]
    live = [p for p in ordered(phones, order) if not dialing(p)["done"]]
    live = [p for p in live if p.get("valid", True)] or live
    if not live:
        return None
    last = last_dialed(phones)
    kept = last is not None and dialing(last)["last_outcome"] in NUMBER_KEPT
    if kept and any(p is last for p in live):
        return last
    return min(live, key=lambda p: dialing(p)["attempts"])  # the first of the fewest


def last_dialed(phones: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    dialed = [p for p in phones if dialing(p)["last_dial_at"] is not None]
    return max(dialed, key=lambda p: _instant(dialing(p)["last_dial_at"]), default=None)


def _instant(value: dt.datetime | str) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def reason(phones: Sequence[dict[str, Any]], order: str, number: str) -> str:
    """Why ``number`` is the one to dial:

    - ``first``: nothing has been dialed yet and it is the first number (invalid ones
      skipped); ``mobile_first``: the same, on a mobile_first list that put it ahead;
    - ``same_number``: the number dialed last, dialed again (busy, voicemail, callback, or
      the only number left);
    - ``next_after_<outcome>``: the number dialed last ended with ``<outcome>``
      (``wrong_number``, ``disconnected``, ``failed``, ``no_answer``), so this one is next;
    - ``invalid_allowed``: only numbers libphonenumber does not know as valid are left, and
      the list allows dialing them.
    """
    phone = next((p for p in phones if p["number"] == number), None)
    if phone is not None and not phone.get("valid", True):
        return "invalid_allowed"
    last = last_dialed(phones)
    if last is None:
        given_first = next((p for p in phones if p.get("valid", True)), None)
        moved = order == "mobile_first" and (given_first is None or given_first is not phone)
        return "mobile_first" if moved else "first"
    if last["number"] == number:
        return "same_number"
    return f"next_after_{dialing(last)['last_outcome']}"


def after_outcome(
    phones: Sequence[dict[str, Any]], *, number: str, outcome: str, at: dt.datetime
) -> list[dict[str, Any]]:
    """The phones with ``number``'s dialing state updated by an outcome of a call made
    ``at`` (the claim's time)."""
    updated = []
    for phone in phones:
        if phone["number"] == number:
            before = dialing(phone)
            phone = {
                **phone,
                "dialing": {
                    "attempts": before["attempts"] + 1,
                    "last_outcome": outcome,
                    "last_dial_at": at,
                    "done": bool(before["done"]) or outcome in NUMBER_DONE,
                },
            }
        updated.append(phone)
    return updated

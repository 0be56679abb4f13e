"""Consultation slots (services/booking.py, conversations/booking.py): the craftsman offers slots, the enterprise
picks one, either side reschedules or cancels."""

from __future__ import annotations

from buttons import Action, action


@action("bk:o")
class OfferSlots(Action):
    match_id: int


@action("bk:p")
class PickSlot(Action):
    appointment_id: int


@action("bk:r")
class Reschedule(Action):
    appointment_id: int


@action("bk:x")
class CancelAppointment(Action):
    appointment_id: int


@action("bk:a")
class AskOtherTimes(Action):
    """The enterprise, none of whose offered slots can be booked any more, asks the craftsman for other times."""

    match_id: int


@action("bk:e")
class SlotsEnough(Action):
    """就这些: the craftsman, some slot lines asked again, goes on with the slots read so far."""

    match_id: int

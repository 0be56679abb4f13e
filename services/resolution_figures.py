"""The figures a resolution records, as typed (hostile3 item 4: "一万五" workers trained and a benefit of
99999999999 yuan were taken, shown to the enterprise and summed in /stats).

Each figure has two limits. Above the hard one no single service can be (more workers trained than a large plant's
whole shift; a benefit over 10亿 yuan), so it is refused with the limit named. Between the soft and the hard one it
is possible but rare (a training for a whole workshop; a benefit over 1000万 yuan, as the programme's own reports
name for its largest cases), so the craftsman is asked to confirm: typing the same figure again, or 确认/yes. A
negative figure and a fraction of a person are named as such; "十二个", "十二人", "大约50人" are read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.everyday import quantity, to_fen
from services.validation import Invalid

MAX_TRAINED, LARGE_TRAINED = 5_000, 300  # workers trained in one service: refused above, confirmed above
MAX_BENEFIT, LARGE_BENEFIT = Decimal(1_000_000_000), Decimal(10_000_000)  # yuan (10亿, 1000万), the same way
CONFIRM_WORDS = frozenset({"是", "是的", "对", "确认", "确定", "没错", "yes", "y", "ok", "confirm", "confirmed"})
_NEGATIVE = ("-", "－", "−", "负")


@dataclass(frozen=True)
class Figure:
    """A figure read: its value, why it cannot be used, or that it is large and waits for a confirmation."""

    value: Decimal | None = None
    refused: Invalid | None = None
    large: bool = False

    @property
    def whole(self) -> int:
        return int(self.value or 0)

    @property
    def amount(self) -> Decimal:
        return self.value if self.value is not None else Decimal(0)


def _read(text: str | None, pending: str | None, kind: str, limit: str) -> Figure | Decimal:
    """A confirmation of the ``pending`` figure, a refusal (negative, or no number: ``kind``'s words, ``limit``
    named), or the number typed, for the figure's own checks."""
    text = (text or "").strip()
    typed = quantity(text)
    if pending is not None and (
        text.lower().rstrip("。.!！") in CONFIRM_WORDS or (typed is not None and typed == Decimal(pending))
    ):
        return Figure(Decimal(pending))
    if text.startswith(_NEGATIVE):
        if quantity(text.lstrip("".join(_NEGATIVE)).strip()) == 0:  # "-0" is 0, no negative figure
            return Decimal(0)
        return Figure(refused=Invalid(f"resolve.{kind}_negative", max=limit))
    if typed is None:
        return Figure(refused=Invalid("resolve.bad_number", max=limit))
    return typed


def read_trained(text: str | None, pending: str | None = None) -> Figure:
    """Workers trained as typed ("12", "十二个", "大约50人"); ``pending``: a large figure asked to be confirmed."""
    value = _read(text, pending, "trained", f"{MAX_TRAINED:,}")
    if isinstance(value, Figure):
        return value
    if value != value.to_integral_value():
        return Figure(refused=Invalid("resolve.trained_not_whole", value=(text or "").strip()))
    if value > MAX_TRAINED:
        return Figure(refused=Invalid("resolve.trained_too_many", value=f"{value:,.0f}", max=f"{MAX_TRAINED:,}"))
    return Figure(value, large=value > LARGE_TRAINED)


def read_benefit(text: str | None, pending: str | None = None) -> Figure:
    """The economic benefit in yuan as typed ("50,000", "一万五", "1.5万元"), to the fen; ``pending`` as above."""
    value = _read(text, pending, "benefit", f"{MAX_BENEFIT:,.0f}")
    if isinstance(value, Figure):
        return value
    if to_fen(value) is None:  # finer than the fen: refused, never rounded (nor raised on: 42 digits are a figure)
        return Figure(refused=Invalid("resolve.bad_number", max=f"{MAX_BENEFIT:,.0f}"))
    if value > MAX_BENEFIT:
        return Figure(refused=Invalid("resolve.benefit_too_much", value=f"{value:,.2f}", max=f"{MAX_BENEFIT:,.0f}"))
    return Figure(value, large=value > LARGE_BENEFIT)

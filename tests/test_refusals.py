"""One vocabulary for refusals: every service's refusal is a ``Refused(reason, **values)`` (services/results.py),
and the chat layer turns each reason into a catalogue message in one place (conversations/refusals.py)."""

from __future__ import annotations

import ast
import pathlib

from conversations.refusals import ADMINS, ASK, CASE, CONSULTATION, DEMAND, REVIEW, refusal_key, refusal_text
from i18n import catalogue
from services import audit, demands, service_record, talent
from services.results import Reason, Refused

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_every_refusal_of_the_services_is_one_family():
    assert demands.Refused is Refused
    assert demands.Refusal is Reason and talent.ReviewOutcome is Reason
    assert isinstance(audit.NotStaff("x"), Refused) and audit.NotStaff("x").reason is Reason.NOT_STAFF
    stop = service_record.Stop(Reason.NO_ACCOUNT, name="王", phone="1")
    assert isinstance(stop, Refused) and stop.reason is Reason.NO_ACCOUNT
    assert stop.values == {"name": "王", "phone": "1"}


def test_services_define_no_other_refusal_vocabulary():
    """No second ``Outcome``/``Refusal`` enum or refusal exception beside services/results.py."""
    found = []
    for path in sorted((ROOT / "services").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and (
                node.name.endswith(("Outcome", "Refusal")) or node.name == "Refused"
            ):
                found.append(f"{path.name}:{node.name}")
    not_refusals = {"outbox.py:Outcome"}  # a delivery's outcome (sent, blocked, retry), not a refusal
    assert [name for name in found if name not in not_refusals] == ["results.py:Refused"]


def test_every_reason_has_words_in_each_family_that_uses_it():
    keys = catalogue()
    case = set(Reason) - {Reason.DONE, Reason.NOT_DRAFT, Reason.CLOSED, Reason.ALREADY, Reason.ADMIN}
    demand = {Reason.NOT_FOUND, Reason.NOT_YOURS, Reason.NOT_DRAFT, Reason.CLOSED, Reason.NOT_STAFF}
    families = {
        CASE: case,
        DEMAND: demand,
        REVIEW: {Reason.NOT_FOUND, Reason.ALREADY, Reason.NOT_STAFF},
        CONSULTATION: {Reason.NOT_FOUND, Reason.STALE, Reason.NOT_STAFF},
        ASK: {Reason.NOT_FOUND, Reason.NOT_YOURS},
        ADMINS: {Reason.NOT_STAFF, Reason.NOT_FOUND, Reason.ALREADY, Reason.ADMIN, Reason.STALE},  # /grant, /revoke
    }
    missing = [
        (about, r.value) for about, reasons in families.items() for r in reasons if refusal_key(r, about) not in keys
    ]
    assert missing == []
    assert refusal_key(Reason.NOT_STAFF, DEMAND) == refusal_key(Reason.NOT_STAFF) == "staff.only"


# not converted yet: the form flows (their sub-packages conversations/report/ and events/ too)
FORM_FLOWS = {"industry_step", "profile", "broadcast", "broadcast_audience", "report", "events"}
FORM_PREFIXES = ("join",)
ROLE_CHECK = ("is_staff", "Role.STAFF", "Role.ADMIN", "STAFF_ROLES")


def test_conversations_check_no_role_by_hand():
    """Who is staff is the services' rule: handlers ask a service (which refuses, audited, with NOT_STAFF) and
    translate the refusal. Only the command menus per scope (menu.py) name roles."""
    found = []
    for path in sorted((ROOT / "conversations").rglob("*.py")):
        top = path.relative_to(ROOT / "conversations").parts[0].removesuffix(".py")
        if top in {"menu", "context"} | FORM_FLOWS or top.startswith(FORM_PREFIXES):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(word in line for word in ROLE_CHECK):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_a_service_team_reads_as_one_frozen_model():
    """TeamInfo (services/teams.py) and TeamCard (services/talent.py) are one read model: services.teams.Team."""
    import dataclasses

    from db.models import TeamLevel
    from services import teams

    assert not hasattr(teams, "TeamInfo") and not hasattr(talent, "TeamCard")
    team = teams.Team(1, "队", TeamLevel.CITY, "330500", 2)
    assert dataclasses.is_dataclass(team) and team.__dataclass_params__.frozen and team.level is TeamLevel.CITY


def test_every_demand_status_change_goes_through_transition():
    """service_record.transition is the one writer of a demand's status (compare-and-set, history stored): no
    ``demand.status = …`` and no ``update(Demand)…values(status=…)`` anywhere else."""
    import re

    write = re.compile(r"demand\.status\s*=[^=]|update\(Demand\)[^\n]*\n?[^\n]*values\([^)]*\bstatus=", re.IGNORECASE)
    found = []
    for folder in ("services", "conversations", "runtime", "db"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "service_record.py" or "migrations" in path.parts:
                continue
            for hit in write.finditer(path.read_text()):
                found.append(f"{path.relative_to(ROOT)}: {hit.group(0).strip()}")
    assert found == []


async def test_creating_a_team_is_refused_in_the_one_vocabulary(bot):
    """A non-staff creator is Refused(NOT_STAFF) and audited; a name already taken is Refused(ALREADY, name=…)."""
    import pytest

    from db.models import Role, TeamLevel

    talent, audit_log = bot.services.talent, bot.services.audit
    with pytest.raises(Refused) as refused:
        await talent.create_team(7, Role.ENTERPRISE, "湖州市电力工匠服务队", TeamLevel.CITY, "330500")
    assert refused.value.reason is Reason.NOT_STAFF
    entry = (await audit_log.latest(1, actor=7))[0]
    assert (entry.action, entry.target, entry.allowed) == ("team.create", "湖州市电力工匠服务队", False)
    team = await talent.create_team(8, Role.STAFF, "湖州市电力工匠服务队", TeamLevel.CITY, "330500")
    assert team.name == "湖州市电力工匠服务队" and team.members == 0
    with pytest.raises(Refused) as refused:
        await talent.create_team(8, Role.STAFF, "湖州市电力工匠服务队", TeamLevel.CITY, "330500")
    assert refused.value.reason is Reason.ALREADY and refused.value.values == {"name": "湖州市电力工匠服务队"}


async def test_a_review_is_decided_or_refused_in_the_one_vocabulary(bot):
    """talent.decide answers the card or Refused: NOT_STAFF (audited), NOT_FOUND, ALREADY with the status, said
    in words by conversations/refusals.py as the review message always said it."""
    import pytest

    from db.models import Role
    from i18n import t

    talent = bot.services.talent
    await bot.services.users.register(1, "陆师傅")
    card = await talent.apply(1, talent_application())
    with pytest.raises(Refused) as refused:
        await talent.decide(card.id, 2, Role.ENTERPRISE, True)
    assert refused.value.reason is Reason.NOT_STAFF
    assert (await talent.decide(card.id, 3, Role.STAFF, True)).name == "陆师傅"
    with pytest.raises(Refused) as refused:
        await talent.decide(card.id, 3, Role.STAFF, False, "重复")
    assert refused.value.reason is Reason.ALREADY and refused.value.values == {"status": "approved"}
    with pytest.raises(Refused) as refused:
        await talent.decide(card.id + 100, 3, Role.STAFF, True)
    assert refused.value.reason is Reason.NOT_FOUND

    class Context:
        role = None  # the reader's role picks a refusal's words for them (stats.only_enterprise)

        def t(self, key, **values):
            return t(key, "zh-hans", **values)

    assert refusal_text(Context(), Refused(Reason.ALREADY, status="approved"), REVIEW) == t(
        "review.already", "zh-hans", status=t("review.status.approved", "zh-hans")
    )


def talent_application():
    from services.talent import Application

    return Application(
        "陆师傅",
        "苏州某精密机械公司",
        "13900139000",
        ["great_craftsman"],
        ["数控机床调试"],
        ["34"],
        "320505",
        None,
        2,
        ["onsite"],
    )


def test_the_service_flow_answers_done_or_refused():
    """Casework, booking, resolution and 回访 (issue 21 part 3): each action answers a frozen ``Done`` or raises
    ``Refused``; none returns the older ``Result``."""
    import inspect

    from services.booking import Booking
    from services.casework import Casework
    from services.follow_up import FollowUp
    from services.resolution import Resolution

    found = [
        f"{cls.__name__}.{name}: {function.__annotations__.get('return')}"
        for cls in (Casework, Booking, FollowUp, Resolution)
        for name, function in vars(cls).items()
        if inspect.iscoroutinefunction(function)
        and not name.startswith("_")
        and "Result" in str(function.__annotations__.get("return"))
    ]
    assert found == []


def test_no_service_answers_the_older_result():
    """Every service (consultations, enterprise links, the staff queue, 揭榜 too) answers ``Done``, a frozen read
    model or raises ``Refused``: no public method's return type names ``Result`` or is a tuple led by an outcome
    enum (``(Change, Profile)``, ``(Reason, card)``), no method returns such a tuple, no enum of services/ but
    Reason has a member named like a refusal (``Change.STALE``, ``Outcome.NOT_YOURS``), and service_record keeps
    no ``Result``, ``Outcome`` or ``staff_only`` beside the one vocabulary of services/results.py."""
    import importlib
    import inspect
    import re

    found = []
    for path in sorted((ROOT / "services").glob("*.py")):
        module = importlib.import_module(f"services.{path.stem}")
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            found += [f"{path.stem}.{cls.__name__}.{member.name}" for member in _refusals_by_another_name(cls)]
            for name, function in vars(cls).items():
                returns = str(getattr(function, "__annotations__", {}).get("return"))
                if not inspect.iscoroutinefunction(function):
                    continue
                if re.search(r"\bResult\b", returns) or _led_by_an_enum(returns, vars(module)):
                    found.append(f"{path.stem}.{cls.__name__}.{name}: {returns}")
        found += [f"{path.stem}:{line}: returns {text}" for line, text in _enum_led_returns(path, vars(module))]
    assert found == []
    assert [name for name in ("Result", "Outcome", "staff_only") if hasattr(service_record, name)] == []


NOT_REFUSALS = {"FollowResult"}  # competitions.follow: ALREADY following is the follow done (the page goes on)


def _refusals_by_another_name(cls: type) -> list:
    """The members of an enum other than Reason that are named as a refusal of Reason is (DONE aside)."""
    import enum

    if not issubclass(cls, enum.Enum) or cls is Reason or cls.__name__ in NOT_REFUSALS:
        return []
    refusals = {reason.name for reason in Reason} - {Reason.DONE.name}
    return [member for member in cls if member.name in refusals]


def _led_by_an_enum(annotation: str, namespace: dict) -> bool:
    """A return annotation (an alias such as ``Preview`` too) that is a tuple whose first element is an enum."""
    import enum
    import typing

    try:
        hint = eval(annotation, dict(namespace))  # the services' own annotations, resolved by name
    except NameError:  # a name imported only for type checking: not one of these
        return False
    first = next(iter(typing.get_args(hint)), None) if typing.get_origin(hint) is tuple else None
    if isinstance(first, (str, typing.ForwardRef)):  # tuple["Change", …]
        first = namespace.get(getattr(first, "__forward_arg__", first))
    return isinstance(first, type) and issubclass(first, enum.Enum)


def _enum_led_returns(path: pathlib.Path, namespace: dict) -> list[tuple[int, str]]:
    """``return Change.UNKNOWN, None``: every return of a tuple whose first element is a member of an enum."""
    import enum

    def led(value: ast.expr | None) -> bool:
        if isinstance(value, ast.IfExp):  # ``(A.X, p) if … else (A.Y, p)``, ``(A.X if … else A.Y, p)``
            return led(value.body) or led(value.orelse)
        if not (isinstance(value, ast.Tuple) and value.elts):
            return False
        first = value.elts[0]
        if isinstance(first, ast.IfExp):
            first = first.body
        owner = first.value.id if isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name) else None
        cls = namespace.get(owner) if owner else None
        return isinstance(cls, type) and issubclass(cls, enum.Enum) and cls.__name__ not in NOT_REFUSALS

    tree = ast.parse(path.read_text())
    return [
        (node.lineno, ast.unparse(node.value))
        for node in ast.walk(tree)
        if isinstance(node, ast.Return) and led(node.value)
    ]

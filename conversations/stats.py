"""/stats [period] [region] [industry] (staff): the programme's figures as text plus a chart; /stats me (craftsmen):
their own service record. The period defaults to this year; see services/periods.py for what may be typed (a period
may be several words: "last month", "2026 Q3"). The industry is a GB/T 4754 section or division (nlp/industry.py)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from conversations.context import BotContext
from conversations.refusals import STATS, answer_refusal, staff_gate
from db.models import Role
from i18n import label, money
from nlp.industry import catalogue
from services.charts import bar_chart
from services.periods import YEAR, Period, not_begun, parse_period, period_problem, same_part_before, this
from services.results import Refused
from services.statistics import EVERYWHERE, NO_INDUSTRY, NO_REGION, OWN, Figures, Report, asks_everywhere, change

BREAKDOWN_LINES = 6
MAX_ARG = 30
PERIOD_WORDS = 3  # the most words one period is typed in ("first half", "2026 Q3", "March 2024")


def _change(now, before, lang: str) -> str:
    """The change on the period before, in brackets of the reader's script: "（+100.0%）", " (+100.0%)"."""
    delta = change(now, before)
    if delta is None:
        return ""
    shown = f"{'+' if delta >= 0 else '−'}{abs(delta):.1%}"
    return f" ({shown})" if lang == "en" else f"（{shown}）"


def report_text(report: Report, region_name: str, context: BotContext) -> str:
    lang, total, prev = context.lang, report.total, report.previous
    figures = [
        (key, shown, _change(value, before, lang))
        for key, value, before, shown in (
            ("enterprises", total.enterprises, prev.enterprises, f"{total.enterprises:,}"),
            ("problems", total.problems, prev.problems, f"{total.problems:,}"),
            ("workers", total.workers_trained, prev.workers_trained, f"{total.workers_trained:,}"),
            ("benefit", total.benefit, prev.benefit, money(total.benefit, lang)),
            ("participations", total.participations, prev.participations, f"{total.participations:,}"),
        )
    ]
    lines = [context.t("stats.title", period=period_label(report, context), region=region_name)]
    if any(delta for _, _, delta in figures):  # the note only where a figure has a change to explain
        previous = report.period.previous().label(lang)
        cut = same_part_before(report.period, report.so_far) if report.so_far else None
        lines.append(
            context.t("stats.compared_same_part", previous=previous, **_day(cut, context))
            if cut
            else context.t("stats.compared", previous=previous)
        )
    lines += [context.t(f"stats.line.{key}", value=shown, change=delta) for key, shown, delta in figures]
    satisfaction = "—" if total.satisfaction is None else f"{total.satisfaction:.1%}"
    lines.append(context.t("stats.line.satisfaction", value=satisfaction, ratings=total.ratings))
    if not total.enterprises:
        lines.append(context.t("stats.nothing"))
    for key, part in (
        ("stats.by_region", _named_regions(report, context)),
        ("stats.by_industry", _named_industries(report, context)),
    ):
        ranked = sorted(part.items(), key=lambda kv: (-kv[1].problems, -kv[1].enterprises))[:BREAKDOWN_LINES]
        if ranked:
            lines.append(context.t(key))
            lines += [
                context.t("stats.breakdown_line", name=name, problems=f.problems, enterprises=f.enterprises)
                for name, f in ranked
            ]
    if report.consultations:
        asked = sorted(report.consultations.items(), key=lambda kv: (-kv[1].filed, kv[0]))
        lines.append(
            context.t(
                "stats.consultations", filed=sum(q.filed for _, q in asked), answered=sum(q.answered for _, q in asked)
            )
        )
        lines += [
            context.t("stats.consultation_topic", topic=context.label(f"union.topic.{topic}"), filed=q.filed)
            for topic, q in asked
        ]
    return "\n".join(lines)


def _day(moment: datetime, context: BotContext) -> dict[str, object]:
    """``date``: the day a running period's figures run to, as the reader writes it (11月21日, 21 Nov)."""
    return {"date": context.t("stats.month_day", month_name=context.t(f"month.{moment.month}"), day=moment.day)}


def period_label(report: Report, context: BotContext) -> str:
    """The period's label, with the day its figures run to when it is still running ("2026年（截至11月21日）")."""
    label = report.period.label(context.lang)
    return context.t("stats.so_far", period=label, **_day(report.so_far, context)) if report.so_far else label


def _named_regions(report: Report, context: BotContext) -> dict[str, Figures]:
    regions = context.services.regions
    return {
        (regions.name(code, context.lang) if code != NO_REGION and regions.get(code) else "—"): f
        for code, f in report.by_region.items()
    }


def _named_industries(report: Report, context: BotContext) -> dict[str, Figures]:
    industries = catalogue()
    return {
        (industries.label_in(code, context.lang) if code != NO_INDUSTRY else "—"): f
        for code, f in report.by_industry.items()
    }


def chart(report: Report, region_name: str, context: BotContext) -> bytes:
    lang = context.lang
    months = list(report.by_month)
    by_region = _named_regions(report, context)
    breakdown, title = (
        (by_region, "stats.chart.by_region")
        if len(by_region) > 1
        else (_named_industries(report, context), "stats.chart.by_industry")
    )
    return bar_chart(
        label("stats.chart.title", lang, period=period_label(report, context)) + f" · {region_name}",
        [m[2:] if len(months) > 12 else label("stats.chart.month", lang, month=int(m[5:])) for m in months],
        {
            label("stats.chart.problems", lang): [report.by_month[m].problems for m in months],
            label("stats.chart.enterprises", lang): [report.by_month[m].enterprises for m in months],
        },
        label(title, lang),
        {name: f.problems for name, f in breakdown.items()},
    )


async def stats_command(update: Update, context: BotContext) -> None:
    args = [a.strip() for a in context.args or [] if a.strip()]
    if [a.lower() for a in args] == ["me"] or (not args and context.role is Role.CRAFTSMAN):
        await _my_record(update, context)
        return
    services, message = context.services, update.effective_message
    if not await staff_gate(update, context, "stats.read", about=STATS):
        return
    today = services.clock.now().astimezone(services.settings.tz).date()
    period: Period = this(YEAR, today)
    region = OWN  # the staffer's own region, every region for staff without one (services/statistics.py)
    industry: str | None = None
    typed: dict[str, str] = {}  # what was typed for the period, the region and the industry: each once

    async def once(kind: str, text: str) -> bool:
        """Whether ``text`` is the first ``kind`` typed; a second is refused naming both (never the last wins)."""
        if kind in typed:
            await message.reply_text(context.t(f"stats.two.{kind}", first=typed[kind], second=text[:MAX_ARG]))
            return False
        typed[kind] = text[:MAX_ARG]
        return True

    index = 0
    while index < len(args):
        words, found = _period_at(args, index, today)
        if found is not None:
            if not await once("period", " ".join(args[index : index + words])):
                return
            period, index = found, index + words
            continue
        arg = args[index]
        index += 1
        problem = period_problem(arg) if len(arg) <= MAX_ARG else None
        if problem is not None:  # a period, but one the figures cannot be for (1900, 2024-13)
            await message.reply_text(context.t(problem.key, **problem.values))
            return
        if asks_everywhere(arg):
            if not await once("region", arg):
                return
            region = EVERYWHERE
            continue
        named_industry = catalogue().named(arg) if len(arg) <= MAX_ARG else None
        if named_industry is not None:
            if not await once("industry", arg):
                return
            industry = named_industry
            continue
        own = context.profile.region_code if context.profile else None
        named = services.regions.resolve(arg, within=own) if len(arg) <= MAX_ARG else None
        if named is None or not named.found:
            places = (
                "\n".join(f"• {services.regions.full_name(code, context.lang)}（{code}）" for code in named.candidates)
                if named
                else ""
            )
            key = "stats.several" if places else "stats.usage"
            await message.reply_text(context.t(key, value=arg[:MAX_ARG], places=places))
            return
        if not await once("region", arg):
            return
        region = named.code
    if not_begun(period, today):  # no figures yet: a comparison would read as a collapse
        await message.reply_text(context.t("stats.future", period=period.label(context.lang)))
        return
    try:
        report = await services.statistics.report(update.effective_user.id, context.role, period, region, industry)
    except Refused as exc:
        await answer_refusal(update, context, exc, STATS)
        return
    place = report.region
    region_name = services.regions.full_name(place, context.lang) or "" if place else context.t("stats.everywhere")
    if report.industry:
        region_name += f" · {catalogue().label_in(report.industry, context.lang)}"
    await message.reply_text(report_text(report, region_name, context))
    png = await asyncio.to_thread(chart, report, region_name, context)
    await update.effective_chat.send_photo(
        InputFile(png, filename="stats.png"),
        caption=context.t("stats.chart.caption", period=period_label(report, context), region=region_name),
    )


def _period_at(args: list[str], index: int, today: date) -> tuple[int, Period | None]:
    """The period typed from ``args[index]`` on, in as many words as it takes (the most first), and how many."""
    for words in range(min(PERIOD_WORDS, len(args) - index), 0, -1):
        text = " ".join(args[index : index + words])
        found = parse_period(text, today) if len(text) <= MAX_ARG else None
        if found is not None:
            return words, found
    return 0, None


async def _my_record(update: Update, context: BotContext) -> None:
    if context.role is not Role.CRAFTSMAN and not await staff_gate(update, context, "stats.me", about=STATS):
        return
    record = await context.services.statistics.craftsman_record(update.effective_user.id)
    if record is None:
        await update.effective_message.reply_text(context.t("stats.not_craftsman"))
        return
    await update.effective_message.reply_text(
        context.t(
            "stats.me",
            name=record.name,
            participations=record.participations,
            resolved=record.resolved,
            enterprises=record.enterprises,
            workers=f"{record.workers_trained:,}",
            benefit=money(record.benefit, context.lang),
            ratings=record.ratings,
            stars="—" if record.mean_stars is None else f"{record.mean_stars:.1f}",
            satisfaction="—" if record.satisfaction is None else f"{record.satisfaction:.0%}",
        )
    )


def handlers() -> list:
    return [CommandHandler("stats", stats_command)]

"""/report on the one form engine (conversations/form_draft.py): the engine is the only writer of the form's draft
(once per step, before the bot speaks), what is missing is read once per step and handed to the question, ✏️ is the
engine's edit with /report's hooks, and a draft stored before all this goes on after a restart."""

from __future__ import annotations

from buttons.forms import ReportEdit
from tests.harness import BotHarness
from tests.test_report import describe_to_summary, enterprise_user, report_up_to_code
from tests.test_unit_of_work import transactions


async def card_of(bot: BotHarness, user_id: int) -> tuple:
    user = await enterprise_user(bot, user_id)
    shown = await report_up_to_code(user, "湖州某铝业有限公司", "91330100799655058B", "请选择企业类型")
    user.press("中小微", shown)
    card = await describe_to_summary(user, "李工", "13800000001", "铝型材喷涂过程遇到氧化，皮膜厚度不均")
    return user, card


async def test_an_answer_edited_from_the_card_writes_the_forms_draft_once(bot: BotHarness):
    """The answer to ✏️ 紧急程度 and the card shown again are one step: one write of the form's draft (before, the
    service wrote it itself, once for the answer and once more when the card was shown)."""
    user, card = await card_of(bot, 611)
    user.press("✏️ 紧急程度", card)
    asked = await user.expect("请选择紧急程度")
    await bot.wait_handled()
    done = transactions(bot.services.db)
    user.press("紧急", asked)
    await user.expect("请核对需求信息")
    await bot.wait_handled()
    writes = [s for t in done for s in t if s.startswith(("INSERT", "UPDATE", "DELETE")) and "form_drafts" in s]
    assert len(writes) == 1, writes


def test_report_edits_through_the_engine_with_its_hooks():
    """✏️ on the card is the engine's edit: the pending-record refusal is the flow's guard, the description has its
    own question, and the description and the industry go through the steps after them (the others: the card)."""
    from conversations.report.flow import REPORT
    from conversations.report.steps import edit_text

    assert REPORT.edit is ReportEdit and REPORT.guard is not None and REPORT.reads is not None
    steps = {s.field: s for s in REPORT.steps}
    assert steps["text"].reedit is edit_text
    assert {f for f, s in steps.items() if not s.back} == {"text", "industry"}
    assert all(s.edited_by(REPORT.edit, ReportEdit(f).data()) for f, s in steps.items())


async def test_a_report_draft_stored_before_the_engine_goes_on_after_a_restart(bot: BotHarness):
    """A draft the service wrote before the engine did (``editing`` a flag, not the field's name) waits in the same
    state after a restart: the question is asked again, and its answer goes back to the card."""
    user, card = await card_of(bot, 612)
    user.press("✏️ 服务方式", card)
    await user.expect("请选择希望的服务方式")
    await bot.wait_handled()
    stored = await bot.services.forms.get(612, "report")
    old = {**stored.answers, "editing": True}
    old = {k: old[k] for k in ("demand_id", "asked", "described", "text_changed", "replace_text", "editing", "aside")}
    await bot.services.forms.put(612, "report", old)
    await bot.restart()
    asked = await user.expect("请选择希望的服务方式")
    user.press("远程指导", asked)
    await user.expect("请核对需求信息")
    await bot.wait_handled()
    assert (await bot.services.forms.get(612, "report")).answers["editing"] is False

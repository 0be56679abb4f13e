"""The fake Bot API answers with Telegram's shapes and errors."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from fakebotapi import DEFAULT_TOKEN, FakeBotAPI, FakeUser, RateLimits
from fakebotapi.htmltext import HtmlParseError, html_to_text
from fakebotapi.http import HttpServer


async def call(api: FakeBotAPI, method: str, token: str = DEFAULT_TOKEN, **params) -> tuple[int, dict]:
    raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    status, body = await api.call(token, method, raw)
    return status, json.loads(body)


def test_html_parse_mode_is_checked_like_telegram():
    assert html_to_text("<b>粗体</b> &lt;tag&gt; &amp; x") == "粗体 <tag> & x"
    for bad in ("<script>x</script>", "a < b", "Tom & Jerry", "<b>open"):
        with pytest.raises(HtmlParseError):
            html_to_text(bad)


async def test_send_edit_and_errors():
    api = FakeBotAPI()
    FakeUser(api, 1)
    status, body = await call(api, "sendMessage", chat_id=1, text="<b>hi</b>", parse_mode="HTML")
    assert status == 200 and body["result"]["text"] == "hi" and body["result"]["from"]["is_bot"]
    message_id = body["result"]["message_id"]
    status, body = await call(api, "editMessageText", chat_id=1, message_id=message_id, text="hi")
    assert status == 400 and "message is not modified" in body["description"]
    assert (await call(api, "sendMessage", chat_id=1, text="x" * 4097))[1][
        "description"
    ] == "Bad Request: message is too long"
    assert (await call(api, "sendMessage", chat_id=999, text="x"))[1]["description"] == "Bad Request: chat not found"
    assert (await call(api, "sendMessage", chat_id=1, text="a < b", parse_mode="HTML"))[0] == 400
    assert (await call(api, "sendMessage", token="1:wrong", chat_id=1, text="x"))[1] == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }
    assert (await call(api, "noSuchMethod"))[0] == 404
    long_data = {"inline_keyboard": [[{"text": "b", "callback_data": "x" * 65}]]}
    assert (
        "BUTTON_DATA_INVALID"
        in (await call(api, "sendMessage", chat_id=1, text="k", reply_markup=long_data))[1]["description"]
    )


async def test_blocked_user_answers_403():
    api = FakeBotAPI()
    FakeUser(api, 2)
    api.block(2)
    status, body = await call(api, "sendMessage", chat_id=2, text="x")
    assert status == 403 and body["description"] == "Forbidden: bot was blocked by the user"


async def test_rate_limits_answer_429_with_retry_after():
    now = [0.0]
    api = FakeBotAPI(
        rate_limits=RateLimits(global_per_second=30, global_burst=30, per_chat_per_second=1, per_chat_burst=1),
        clock=lambda: now[0],
    )
    for uid in range(1, 41):
        FakeUser(api, uid)
    status, _ = await call(api, "sendMessage", chat_id=1, text="a")
    status, body = await call(api, "sendMessage", chat_id=1, text="b")  # second message to one chat within 1 s
    assert status == 429 and body["parameters"]["retry_after"] == 1
    statuses = [(await call(api, "sendMessage", chat_id=uid, text="x"))[0] for uid in range(2, 41)]
    assert statuses.count(200) == 29 and statuses.count(429) == 10  # 30 per second overall
    now[0] += 1.0
    assert (await call(api, "sendMessage", chat_id=1, text="c"))[0] == 200
    assert api.limiter.hits == 11


async def test_callback_query_can_be_answered_once():
    api = FakeBotAPI()
    user = FakeUser(api, 3)
    _, _body = await call(
        api,
        "sendMessage",
        chat_id=3,
        text="pick",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    query_id = user.press("A")
    assert (await call(api, "answerCallbackQuery", callback_query_id=query_id, text="ok"))[0] == 200
    assert (await call(api, "answerCallbackQuery", callback_query_id=query_id))[0] == 400
    assert (await user.answer_to(query_id))["text"] == "ok"


async def test_get_updates_long_polls_until_an_update_arrives():
    api = FakeBotAPI()
    user = FakeUser(api, 4)
    poll = asyncio.create_task(call(api, "getUpdates", timeout=5))
    await asyncio.sleep(0)  # let the poll start waiting
    assert not poll.done()
    user.send("/start now")
    _status, body = await asyncio.wait_for(poll, 5)
    update = body["result"][0]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    _, body = await call(api, "getUpdates", offset=update["update_id"] + 1)
    assert body["result"] == []


async def test_injected_faults_and_files_over_http():
    api = FakeBotAPI()
    FakeUser(api, 5)
    api.inject("sendMessage", 500, "Internal Server Error")
    async with HttpServer(api) as server, aiohttp.ClientSession() as http:
        base = f"{server.url}/bot{DEFAULT_TOKEN}"
        async with http.post(f"{base}/sendMessage", data={"chat_id": "5", "text": "x"}) as response:
            assert response.status == 500
        form = aiohttp.FormData()
        form.add_field("chat_id", "5")
        form.add_field("document", b"%PDF-1.4 fake", filename="a.pdf", content_type="application/pdf")
        async with http.post(f"{base}/sendDocument", data=form) as response:
            document = (await response.json())["result"]["document"]
        async with http.post(f"{base}/getFile", json={"file_id": document["file_id"]}) as response:
            path = (await response.json())["result"]["file_path"]
        async with http.get(f"{server.url}/file/bot{DEFAULT_TOKEN}/{path}") as response:
            assert await response.read() == b"%PDF-1.4 fake"


async def test_state_file_keeps_people_chats_buttons_and_pending_updates(tmp_path):
    """A restarted fake Telegram (the console's, beside its database) goes on where the last one stopped: the update
    numbering, every person and group, each chat's messages and their buttons, the updates not yet fetched."""
    path = tmp_path / "zhuqi.console-state.json"
    api = FakeBotAPI(state_path=path)
    FakeUser(api, 1, first_name="周建华")
    FakeUser(api, 2, first_name="李红")
    api.add_group(-100, "工作群")
    keyboard = {"inline_keyboard": [[{"text": "接受", "callback_data": "t:a:7"}]]}
    card = (await call(api, "sendMessage", chat_id=2, text="新任务", reply_markup=keyboard))[1]["result"]
    await call(api, "sendMessage", chat_id=-100, text="群通知")
    api.user_message(1, text="还没取走")
    last = api.last_update_id

    again = FakeBotAPI(state_path=path)  # nobody re-created: the people come from the file
    assert again.last_update_id == last and again.world.users[2]["first_name"] == "李红"
    assert [u["message"]["text"] for u in again.world.updates] == ["还没取走"], "an update not yet fetched is kept"
    assert again.log_for(2)[-1]["message"]["text"] == "新任务" and again.world.groups[-100]["title"] == "工作群"
    old = again.world.messages[(2, card["message_id"])]
    query = again.user_press(2, old, old["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    assert again.last_update_id == last + 1 and again.world.updates[-1]["callback_query"]["message"]["text"] == "新任务"
    assert (await call(again, "answerCallbackQuery", callback_query_id=query))[0] == 200
    assert (await call(again, "sendMessage", chat_id=-100, text="还在群里"))[0] == 200
    assert FakeUser(again, 2).cursor == len(again.log_for(2)), "what was shown before the restart is not new"


@pytest.mark.parametrize(
    "content",
    [
        b'{"last_ids": {"update": 4',
        b"\xff\xfe not json",
        b"[1, 2]",
        b'{"version": 99}',
        b'{"last_ids": {"update": "x"}}',
        b'{"messages": [{"chat": 5}]}',
    ],
)
async def test_an_unreadable_state_file_starts_fresh_with_a_note(tmp_path, content):
    path = tmp_path / "zhuqi.console-state.json"
    path.write_bytes(content)
    api = FakeBotAPI(state_path=path)
    assert api.state_note and "kept as zhuqi.console-state.json.bad" in api.state_note and "\n" not in api.state_note
    assert (tmp_path / "zhuqi.console-state.json.bad").read_bytes() == content
    FakeUser(api, 1)
    assert api.user_message(1, text="hi") and api.last_update_id > 1_000_000, "beyond any id a lost file gave out"
    assert FakeBotAPI(state_path=path).state_note is None, "the fresh state was written whole"


async def test_a_version_1_state_file_is_read_as_far_as_it_goes(tmp_path):
    path = tmp_path / "zhuqi.console-state.json"
    message = {
        "message_id": 3,
        "from": {"id": 123456789, "is_bot": True, "first_name": "助企行"},
        "chat": {"id": 10001, "type": "private", "first_name": "控制台"},
        "date": 0,
        "text": "旧消息",
    }
    path.write_text(
        json.dumps(
            {
                "last_ids": {"update": 2, "file": 0, "callback": 0},
                "message_ids": {"10001": 4},
                "messages": [message],
                "files": [],
            }
        ),
        encoding="utf-8",
    )
    api = FakeBotAPI(state_path=path)
    assert api.state_note is None and api.last_update_id == 2 and api.world.messages[(10001, 3)]["text"] == "旧消息"
    assert api.world.next_message_id(10001) == 5

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
    assert (await call(api, "sendMessage", chat_id=1, text="x" * 4097))[1]["description"] == "Bad Request: message is too long"
    assert (await call(api, "sendMessage", chat_id=999, text="x"))[1]["description"] == "Bad Request: chat not found"
    assert (await call(api, "sendMessage", chat_id=1, text="a < b", parse_mode="HTML"))[0] == 400
    assert (await call(api, "sendMessage", token="1:wrong", chat_id=1, text="x"))[1] == {
        "ok": False, "error_code": 401, "description": "Unauthorized"}
    assert (await call(api, "noSuchMethod"))[0] == 404
    long_data = {"inline_keyboard": [[{"text": "b", "callback_data": "x" * 65}]]}
    assert "BUTTON_DATA_INVALID" in (await call(api, "sendMessage", chat_id=1, text="k", reply_markup=long_data))[1]["description"]


async def test_blocked_user_answers_403():
    api = FakeBotAPI()
    FakeUser(api, 2)
    api.block(2)
    status, body = await call(api, "sendMessage", chat_id=2, text="x")
    assert status == 403 and body["description"] == "Forbidden: bot was blocked by the user"


async def test_rate_limits_answer_429_with_retry_after():
    now = [0.0]
    api = FakeBotAPI(rate_limits=RateLimits(global_per_second=30, global_burst=30, per_chat_per_second=1,
                                            per_chat_burst=1), clock=lambda: now[0])
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
    _, body = await call(api, "sendMessage", chat_id=3, text="pick",
                         reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
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
    status, body = await asyncio.wait_for(poll, 5)
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

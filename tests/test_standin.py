"""The Bot API stand-in refuses what Telegram refuses, and behaves like it otherwise."""

from __future__ import annotations

import asyncio
import html
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.standin import BotMessage, StandinServer
from bot.standin.html import ParseError, parse_html, utf16_len
from bot.standin.spec import check_params, load_spec

TOKEN = "123456:TEST-token"
USER = 1001


@pytest.fixture
async def server() -> AsyncIterator[StandinServer]:
    async with StandinServer() as running:
        yield running


@pytest.fixture
async def http(server: StandinServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url, trust_env=False) as client:
        yield client


def form(params: dict[str, Any]) -> dict[str, str]:
    """Encode parameters as PTB does: strings as they are, everything else as JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}


async def call(http: httpx.AsyncClient, method: str, **params: Any) -> dict[str, Any]:
    response = await http.post(f"/bot{TOKEN}/{method}", data=form(params))
    body: dict[str, Any] = response.json()
    assert response.status_code == (200 if body["ok"] else body["error_code"])
    return body


async def started_user(server: StandinServer, user_id: int = USER) -> Any:
    user = server.user(user_id)
    await user.send("/start")
    return user


def inline(*buttons: tuple[str, str]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in buttons]]}


def expect_refusal(body: dict[str, Any], code: int, description: str) -> None:
    assert body["ok"] is False, body
    assert body["error_code"] == code, body
    assert body["description"] == description, body


# -- identity, routing, spec --------------------------------------------------


async def test_get_me_uses_the_token_digits_and_added_names(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    server.add_bot(TOKEN, username="between_test_bot", first_name="Between")
    body = await call(http, "getMe")
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"] == "between_test_bot"
    assert server.violations == []


async def test_bad_token_is_unauthorized(server: StandinServer, http: httpx.AsyncClient) -> None:
    response = await http.post("/botnot-a-token/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_is_not_found(server: StandinServer, http: httpx.AsyncClient) -> None:
    body = await call(http, "sendTelepathy", chat_id=USER)
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert server.violations[-1].error_code == 404


async def test_method_names_are_case_insensitive_and_get_works(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    await started_user(server)
    body = await call(http, "SENDMESSAGE", chat_id=USER, text="hi")
    assert body["ok"] is True
    response = await http.get(f"/bot{TOKEN}/getme")
    assert response.json()["ok"] is True


async def test_json_bodies_are_accepted(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    response = await http.post(
        f"/bot{TOKEN}/sendMessage",
        json={"chat_id": USER, "text": "hi", "reply_markup": inline(("A", "a"))},
    )
    assert response.json()["ok"] is True


async def test_missing_required_field(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    body = await call(http, "sendMessage", chat_id=USER)
    expect_refusal(body, 400, 'Bad Request: parameter "text" is required')
    assert len(server.violations) == 1


async def test_unknown_field(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    body = await call(http, "sendMessage", chat_id=USER, text="hi", colour="blue")
    expect_refusal(body, 400, 'Bad Request: unknown parameter "colour"')


async def test_wrong_types(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    body = await call(http, "sendMessage", chat_id=USER, text="hi", disable_notification="maybe")
    expect_refusal(body, 400, 'Bad Request: field "disable_notification" must be of type Boolean')
    body = await call(
        http,
        "sendMessage",
        chat_id=USER,
        text="hi",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": 5}]]},
    )
    assert body["ok"] is False
    assert (
        'reply_markup.inline_keyboard[0][0].callback_data" must be of type String'
        in (body["description"])
    )
    body = await call(http, "sendMessage", chat_id=USER, text="hi", message_thread_id="abc")
    expect_refusal(body, 400, 'Bad Request: field "message_thread_id" must be of type Integer')
    response = await http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": [USER], "text": "x"})
    expect_refusal(
        response.json(), 400, 'Bad Request: field "chat_id" must be of type Integer or String'
    )


def test_spec_check_is_a_pure_function() -> None:
    spec = load_spec()
    assert check_params(spec, "sendMessage", {"chat_id": 1, "text": "x"}) == []
    assert check_params(spec, "sendMessage", {"chat_id": 1}) == ['parameter "text" is required']
    scope_ok = {"commands": [], "scope": {"type": "chat", "chat_id": 5}}
    assert check_params(spec, "setMyCommands", scope_ok) == []
    scope_bad = {"commands": [], "scope": {"type": "chat"}}
    assert check_params(spec, "setMyCommands", scope_bad) != []


# -- texts and HTML -----------------------------------------------------------


async def test_text_length_limits(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    assert (await call(http, "sendMessage", chat_id=USER, text="a" * 4096))["ok"] is True
    body = await call(http, "sendMessage", chat_id=USER, text="a" * 4097)
    expect_refusal(body, 400, "Bad Request: message is too long")
    assert (await call(http, "sendMessage", chat_id=USER, text="😀" * 2048))["ok"] is True
    body = await call(http, "sendMessage", chat_id=USER, text="😀" * 2048 + "a")
    expect_refusal(body, 400, "Bad Request: message is too long")
    body = await call(http, "sendMessage", chat_id=USER, text="  " + "a" * 4096 + "\n")
    assert body["ok"] is True
    assert body["result"]["text"] == "a" * 4096


async def test_empty_text_after_trimming(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    body = await call(http, "sendMessage", chat_id=USER, text=" \n ")
    expect_refusal(body, 400, "Bad Request: message text is empty")
    body = await call(http, "sendMessage", chat_id=USER, text="<b> </b>", parse_mode="HTML")
    expect_refusal(body, 400, "Bad Request: message text is empty")


async def test_length_counts_text_after_entity_parsing(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    await started_user(server)
    text = "<b>" + "a" * 4096 + "</b>"
    body = await call(http, "sendMessage", chat_id=USER, text=text, parse_mode="HTML")
    assert body["ok"] is True
    assert body["result"]["entities"] == [{"offset": 0, "length": 4096, "type": "bold"}]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("é<b>x</i>", 'Unmatched end tag at byte offset 6, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("fish & chips", 'Unescaped "&" that does not start an entity at byte offset 5'),
    ],
)
async def test_bad_html_is_refused(
    server: StandinServer, http: httpx.AsyncClient, text: str, reason: str
) -> None:
    await started_user(server)
    body = await call(http, "sendMessage", chat_id=USER, text=text, parse_mode="HTML")
    expect_refusal(body, 400, f"Bad Request: can't parse entities: {reason}")


async def test_escaped_user_text_is_fine(server: StandinServer, http: httpx.AsyncClient) -> None:
    user = await started_user(server)
    written = "<script>alert('x')</script> & 1 > 0 \"quoted\""
    text = f"You wrote: <i>{html.escape(written)}</i>"
    body = await call(http, "sendMessage", chat_id=USER, text=text, parse_mode="HTML")
    assert body["ok"] is True
    reply = await user.next_reply()
    assert reply.text == f"You wrote: {written}"
    assert reply.html == text
    assert reply.entities == [{"offset": 11, "length": len(written), "type": "italic"}]


async def test_other_parse_modes_are_refused(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    await started_user(server)
    body = await call(http, "sendMessage", chat_id=USER, text="*hi*", parse_mode="MarkdownV2")
    expect_refusal(body, 400, "Bad Request: unsupported parse_mode")


def test_parse_html_offsets_are_utf16_and_errors_are_bytes() -> None:
    text, entities = parse_html('😀 <b>bold <i>both</i></b> <a href="https://x.org">x</a>')
    assert text == "😀 bold both x"
    assert entities == [
        {"offset": 3, "length": 9, "type": "bold"},
        {"offset": 8, "length": 4, "type": "italic"},
        {"offset": 13, "length": 1, "type": "text_link", "url": "https://x.org"},
    ]
    assert utf16_len("😀") == 2
    with pytest.raises(ParseError) as caught:
        parse_html("😀<nope>")
    assert caught.value.byte_offset == 4
    assert caught.value.reason == 'Unsupported start tag "nope" at byte offset 4'


def test_parse_html_supports_telegrams_tag_set() -> None:
    source = (
        "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>"
        '<span class="tg-spoiler">h</span><tg-spoiler>i</tg-spoiler><code>j</code>'
        '<pre><code class="language-python">k</code></pre><blockquote>l</blockquote>'
        '<blockquote expandable>m</blockquote><tg-emoji emoji-id="5368324170671202286">n</tg-emoji>'
        "&lt;&gt;&amp;&quot;&#65;&#x42;"
    )
    text, entities = parse_html(source)
    assert text == 'abcdefghijklmn<>&"AB'
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "pre",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert entities[10]["language"] == "python"
    with pytest.raises(ParseError, match='Tag "span" must have class "tg-spoiler"'):
        parse_html("<span>x</span>")


async def test_captions_are_limited_to_1024(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    files = {"document": ("a.txt", b"data", "text/plain")}
    ok = await http.post(
        f"/bot{TOKEN}/sendDocument", data={"chat_id": str(USER), "caption": "c" * 1024}, files=files
    )
    assert ok.json()["ok"] is True
    refused = await http.post(
        f"/bot{TOKEN}/sendDocument", data={"chat_id": str(USER), "caption": "c" * 1025}, files=files
    )
    expect_refusal(refused.json(), 400, "Bad Request: message caption is too long")


# -- keyboards ----------------------------------------------------------------


async def test_callback_data_is_limited_to_64_bytes(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    await started_user(server)
    fits = "é" * 32  # 32 characters, 64 bytes
    assert len(fits.encode()) == 64
    body = await call(http, "sendMessage", chat_id=USER, text="x", reply_markup=inline(("A", fits)))
    assert body["ok"] is True
    too_long = fits + "a"
    body = await call(
        http, "sendMessage", chat_id=USER, text="x", reply_markup=inline(("A", too_long))
    )
    expect_refusal(body, 400, "Bad Request: BUTTON_DATA_INVALID")
    body = await call(http, "sendMessage", chat_id=USER, text="x", reply_markup=inline(("A", "")))
    expect_refusal(body, 400, "Bad Request: BUTTON_DATA_INVALID")


async def test_inline_buttons_need_text_and_one_action(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    await started_user(server)
    markup = {"inline_keyboard": [[{"text": "Just text"}]]}
    body = await call(http, "sendMessage", chat_id=USER, text="x", reply_markup=markup)
    expect_refusal(
        body,
        400,
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard",
    )
    body = await call(http, "sendMessage", chat_id=USER, text="x", reply_markup=inline(("", "a")))
    expect_refusal(body, 400, "Bad Request: BUTTON_TEXT_INVALID")


async def test_reply_keyboards_and_their_buttons(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    user = await started_user(server)
    keyboard = {
        "keyboard": [[{"text": "Share location", "request_location": True}], [{"text": "Later"}]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
        "is_persistent": False,
        "input_field_placeholder": "Where are you?",
    }
    body = await call(http, "sendMessage", chat_id=USER, text="Time zone?", reply_markup=keyboard)
    assert body["ok"] is True
    assert "reply_markup" not in body["result"]  # Telegram returns only inline keyboards
    shown = await user.next_reply()
    assert shown.reply_keyboard == [["Share location"], ["Later"]]
    sent = await user.tap(shown, "Share location", location=(48.85, 2.35))
    assert isinstance(sent, dict)
    assert sent["location"] == {"latitude": 48.85, "longitude": 2.35}
    with pytest.raises(LookupError):
        await user.press("Later")  # one-time keyboard is gone after a tap
    remove = {"remove_keyboard": True}
    assert (await call(http, "sendMessage", chat_id=USER, text="ok", reply_markup=remove))["ok"]
    force = {"force_reply": True, "input_field_placeholder": "Type it"}
    assert (await call(http, "sendMessage", chat_id=USER, text="?", reply_markup=force))["ok"]
    assert server.violations == []


# -- editing and deleting -----------------------------------------------------


async def test_same_content_edit_is_not_modified(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    await started_user(server)
    markup = inline(("Yes", "y"))
    sent = await call(
        http, "sendMessage", chat_id=USER, text="<b>Hi</b>", parse_mode="HTML", reply_markup=markup
    )
    message_id = sent["result"]["message_id"]
    same = await call(
        http,
        "editMessageText",
        chat_id=USER,
        message_id=message_id,
        text="<b>Hi</b>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    expect_refusal(
        same,
        400,
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message",
    )
    # Same text without the keyboard is a change: the keyboard goes away.
    changed = await call(
        http,
        "editMessageText",
        chat_id=USER,
        message_id=message_id,
        text="<b>Hi</b>",
        parse_mode="HTML",
    )
    assert changed["ok"] is True
    assert "reply_markup" not in changed["result"]
    again = await call(http, "editMessageReplyMarkup", chat_id=USER, message_id=message_id)
    assert again["error_code"] == 400
    assert again["description"].startswith("Bad Request: message is not modified")


async def test_edit_and_delete_targets_must_exist(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    user = await started_user(server)
    body = await call(http, "editMessageText", chat_id=USER, message_id=999, text="x")
    expect_refusal(body, 400, "Bad Request: message to edit not found")
    body = await call(http, "deleteMessage", chat_id=USER, message_id=999)
    expect_refusal(body, 400, "Bad Request: message to delete not found")
    users_message = await user.send("my own words")
    body = await call(
        http, "editMessageText", chat_id=USER, message_id=users_message["message_id"], text="x"
    )
    expect_refusal(body, 400, "Bad Request: message can't be edited")


async def test_edits_and_deletes_are_visible_to_the_user(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    user = await started_user(server)
    sent = await call(
        http, "sendMessage", chat_id=USER, text="one", reply_markup=inline(("A", "a"))
    )
    message_id = sent["result"]["message_id"]
    await call(http, "editMessageText", chat_id=USER, message_id=message_id, text="two")
    assert (await user.next_reply()).text == "one"
    edited = await user.next_reply()
    assert (edited.text, edited.edit_count, edited.buttons) == ("two", 1, [])
    await call(http, "sendChatAction", chat_id=USER, action="typing")
    await call(http, "deleteMessage", chat_id=USER, message_id=message_id)
    action = await user.next_event()
    assert (action.kind, action.data) == ("chat_action", {"action": "typing"})
    deleted = await user.next_event()
    assert deleted.kind == "delete"
    assert user.messages == []
    body = await call(http, "sendChatAction", chat_id=USER, action="dancing")
    expect_refusal(body, 400, "Bad Request: wrong parameter action in request")


# -- chats and users ------------------------------------------------------------


async def test_unknown_chat(server: StandinServer, http: httpx.AsyncClient) -> None:
    body = await call(http, "sendMessage", chat_id=424242, text="hello?")
    expect_refusal(body, 400, "Bad Request: chat not found")
    body = await call(http, "sendMessage", chat_id="@nobody", text="hello?")
    expect_refusal(body, 400, "Bad Request: chat not found")


async def test_bot_cannot_write_first(server: StandinServer, http: httpx.AsyncClient) -> None:
    server.user(77)
    body = await call(http, "sendMessage", chat_id=77, text="hello?")
    expect_refusal(body, 403, "Forbidden: bot can't initiate conversation with a user")


async def test_blocked_user_gives_403_which_is_not_a_violation(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    user = await started_user(server)
    sent = await call(http, "sendMessage", chat_id=USER, text="hi")
    await user.block()
    body = await call(http, "sendMessage", chat_id=USER, text="nudge")
    expect_refusal(body, 403, "Forbidden: bot was blocked by the user")
    body = await call(
        http, "editMessageText", chat_id=USER, message_id=sent["result"]["message_id"], text="x"
    )
    assert body["error_code"] == 403
    assert server.violations == []
    updates = (await call(http, "getUpdates"))["result"]
    member = updates[-1]["my_chat_member"]
    assert member["new_chat_member"]["status"] == "kicked"
    await user.unblock()
    assert (await call(http, "sendMessage", chat_id=USER, text="welcome back"))["ok"] is True


async def test_user_messages_carry_bot_command_entities(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    user = server.user(USER, first_name="Maya", username="maya", language_code="de")
    assert server.user(USER) is user
    await user.send("/start@between_bot hello")
    update = (await call(http, "getUpdates"))["result"][0]
    message = update["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 18}]
    assert message["chat"] == {
        "id": USER,
        "type": "private",
        "first_name": "Maya",
        "username": "maya",
    }
    assert message["from"]["language_code"] == "de"


async def test_groups(server: StandinServer, http: httpx.AsyncClient) -> None:
    group = server.group(-500, title="Friends")
    user = server.user(USER)
    await group.send(user, "/checkin")
    update = (await call(http, "getUpdates"))["result"][0]
    assert update["message"]["chat"] == {"id": -500, "type": "group", "title": "Friends"}
    assert (await call(http, "sendMessage", chat_id=-500, text="I work in private"))["ok"]
    assert (await group.next_reply()).text == "I work in private"


# -- updates ------------------------------------------------------------------


async def test_long_polling_wakes_on_a_new_update_and_offset_confirms(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    user = server.user(USER)
    started = time.monotonic()
    poll = asyncio.create_task(call(http, "getUpdates", timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await user.send("hello")
    body = await poll
    assert time.monotonic() - started < 3
    [update] = body["result"]
    assert update["message"]["text"] == "hello"
    again = await call(http, "getUpdates")
    assert [u["update_id"] for u in again["result"]] == [update["update_id"]]
    confirmed = await call(http, "getUpdates", offset=update["update_id"] + 1)
    assert confirmed["result"] == []
    await user.send("one")
    await user.send("two")
    limited = await call(http, "getUpdates", limit=1)
    assert [u["message"]["text"] for u in limited["result"]] == ["one"]


async def test_short_poll_timeout_returns_empty(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    started = time.monotonic()
    body = await call(http, "getUpdates", timeout=1)
    assert body["result"] == []
    assert 0.9 < time.monotonic() - started < 3


async def test_allowed_updates_filter_new_updates(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    user = server.user(USER)
    await call(http, "getUpdates", allowed_updates=["callback_query"])
    await user.send("ignored")
    assert (await call(http, "getUpdates"))["result"] == []
    await call(http, "getUpdates", allowed_updates=[])
    await user.send("seen")
    assert len((await call(http, "getUpdates"))["result"]) == 1


async def test_a_second_poller_terminates_the_first(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    first = asyncio.create_task(call(http, "getUpdates", timeout=10))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(call(http, "getUpdates", timeout=1))
    body = await first
    expect_refusal(
        body,
        409,
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )
    assert (await second)["ok"] is True


# -- callback queries -----------------------------------------------------------


async def test_tap_creates_a_callback_query_the_bot_answers(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    user = await started_user(server)
    await call(http, "getUpdates", offset=-1)
    offset = (await call(http, "getUpdates"))["result"][-1]["update_id"] + 1
    await call(
        http,
        "sendMessage",
        chat_id=USER,
        text="Feeling?",
        reply_markup=inline(("Calm", "feel:calm"), ("Tense", "feel:tense")),
    )
    message = await user.next_reply()
    assert message.buttons == [["Calm", "Tense"]]
    assert message.callback_data == [["feel:calm", "feel:tense"]]
    query_id = await user.tap(message, "Tense")
    assert user.callback_answers == {query_id: None}
    [update] = (await call(http, "getUpdates", offset=offset))["result"]
    query = update["callback_query"]
    assert (query["id"], query["data"]) == (query_id, "feel:tense")
    assert query["message"]["message_id"] == message.message_id
    assert query["from"]["id"] == USER
    body = await call(http, "answerCallbackQuery", callback_query_id=query_id, text="Noted")
    assert body["ok"] is True
    assert user.callback_answers[query_id] == {
        "text": "Noted",
        "show_alert": False,
        "url": None,
        "cache_time": None,
    }
    twice = await call(http, "answerCallbackQuery", callback_query_id=query_id)
    expect_refusal(
        twice,
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    # tapping by callback_data and by index works too; a missing button raises
    assert isinstance(await user.tap(message.message_id, "feel:calm"), str)
    assert isinstance(await user.tap(message, 1), str)
    with pytest.raises(LookupError):
        await user.tap(message, "Angry")


async def test_tap_sees_the_current_message(server: StandinServer, http: httpx.AsyncClient) -> None:
    user = await started_user(server)
    sent = await call(
        http, "sendMessage", chat_id=USER, text="a", reply_markup=inline(("Go", "go"))
    )
    message_id = sent["result"]["message_id"]
    seen = await user.next_reply()
    await call(http, "editMessageText", chat_id=USER, message_id=message_id, text="b")
    with pytest.raises(LookupError):
        await user.tap(message_id, "Go")  # the keyboard is gone now
    with pytest.raises(LookupError):
        await user.tap(seen, "Go", current_only=True)
    with pytest.raises(LookupError):
        await user.tap_inline(seen, "Go")
    # A double tap: the screen still showed the button; the query carries the new state.
    query_id = await user.tap(seen, "Go")
    update = (await call(http, "getUpdates"))["result"][-1]
    assert update["callback_query"]["id"] == query_id
    assert update["callback_query"]["message"]["text"] == "b"
    assert "reply_markup" not in update["callback_query"]["message"]


async def test_callback_answer_text_limit(server: StandinServer, http: httpx.AsyncClient) -> None:
    body = await call(http, "answerCallbackQuery", callback_query_id="nope")
    assert body["description"].startswith("Bad Request: query is too old")
    user = await started_user(server)
    await call(http, "sendMessage", chat_id=USER, text="a", reply_markup=inline(("Go", "go")))
    query_id = await user.tap(await user.next_reply(), "Go")
    body = await call(http, "answerCallbackQuery", callback_query_id=query_id, text="x" * 201)
    assert body["ok"] is False


# -- faults ---------------------------------------------------------------------


async def test_injected_429(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    server.inject_fault("sendMessage", "429", retry_after=3)
    body = await call(http, "sendMessage", chat_id=USER, text="hi")
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert (await call(http, "sendMessage", chat_id=USER, text="hi"))["ok"] is True
    assert server.violations == []
    assert server.requests[-2].fault == "429"


async def test_injected_5xx_and_403(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    server.inject_fault(None, "5xx", times=2)
    assert (await call(http, "getUpdates"))["ok"] is True  # polling is not hit by method=None
    for _ in range(2):
        body = await call(http, "sendMessage", chat_id=USER, text="hi")
        assert (body["error_code"], body["description"]) == (502, "Bad Gateway")
    server.inject_fault("sendMessage", "403", chat_id=USER)
    body = await call(http, "sendMessage", chat_id=USER, text="hi")
    expect_refusal(body, 403, "Forbidden: bot was blocked by the user")
    assert (await call(http, "sendMessage", chat_id=USER, text="hi"))["ok"] is True
    assert server.violations == []


async def test_injected_slowness(server: StandinServer, http: httpx.AsyncClient) -> None:
    await started_user(server)
    server.inject_fault("sendmessage", "slow", delay=0.5)
    started = time.monotonic()
    assert (await call(http, "sendMessage", chat_id=USER, text="hi"))["ok"] is True
    assert time.monotonic() - started >= 0.5


# -- webhook ----------------------------------------------------------------------


class _Receiver(tornado.web.RequestHandler):
    def initialize(
        self, received: list[tuple[dict[str, Any], str | None]], fail: list[int]
    ) -> None:
        self.received = received
        self.fail = fail

    def post(self) -> None:
        if self.fail and self.fail[0] > 0:
            self.fail[0] -= 1
            self.set_status(500)
            return
        secret = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((json.loads(self.request.body), secret))


async def test_webhook_delivery_with_secret_and_retries(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []
    fail = [2]
    app = tornado.web.Application([(r"/hook", _Receiver, {"received": received, "fail": fail})])
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    receiver = tornado.httpserver.HTTPServer(app)
    receiver.add_sockets(sockets)
    url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
    try:
        user = server.user(USER)
        body = await call(http, "setWebhook", url=url, secret_token="s3cr3t_-")
        assert body == {"ok": True, "result": True}
        polled = await call(http, "getUpdates")
        expect_refusal(
            polled,
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
        server.clear_violations()
        await user.send("via webhook")
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.05)
        [(update, secret)] = received
        assert update["message"]["text"] == "via webhook"
        assert secret == "s3cr3t_-"
        info = (await call(http, "getWebhookInfo"))["result"]
        assert info["url"] == url
        assert info["pending_update_count"] == 0
        assert "Wrong response from the webhook: 500" in info["last_error_message"]
        assert (await call(http, "deleteWebhook", drop_pending_updates=True))["ok"] is True
        assert (await call(http, "getWebhookInfo"))["result"]["url"] == ""
        body = await call(http, "setWebhook", url="http://example.org/hook")
        expect_refusal(
            body, 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
        )
    finally:
        receiver.stop()
        await receiver.close_all_connections()


# -- files --------------------------------------------------------------------------

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154"
    "789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def test_send_document_stores_bytes(server: StandinServer, http: httpx.AsyncClient) -> None:
    user = await started_user(server)
    pdf = b"%PDF-1.4\n% a week of practice\n"
    response = await http.post(
        f"/bot{TOKEN}/sendDocument",
        data={"chat_id": str(USER), "caption": "Your <b>week</b>", "parse_mode": "HTML"},
        files={"document": ("week.pdf", pdf, "application/pdf")},
    )
    body = response.json()
    assert body["ok"] is True
    document = body["result"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "week.pdf",
        "application/pdf",
        len(pdf),
    )
    assert body["result"]["caption"] == "Your week"
    message = await user.next_reply()
    assert message.document is not None
    assert (message.document.file_name, message.document.data) == ("week.pdf", pdf)
    assert message.text == "Your week"
    file_info = (await call(http, "getFile", file_id=document["file_id"]))["result"]
    download = await http.get(f"/file/bot{TOKEN}/{file_info['file_path']}")
    assert download.content == pdf
    resent = await call(http, "sendDocument", chat_id=USER, document=document["file_id"])
    assert resent["result"]["document"]["file_id"] == document["file_id"]


async def test_send_photo_needs_an_image(server: StandinServer, http: httpx.AsyncClient) -> None:
    user = await started_user(server)
    ok = await http.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(USER), "photo": "attach://chart"},
        files={"chart": ("chart.png", PNG_1X1, "image/png")},
    )
    photo = ok.json()["result"]["photo"][0]
    assert (photo["width"], photo["height"]) == (1, 1)
    assert (await user.next_reply()).photo == PNG_1X1
    bad = await http.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(USER)},
        files={"photo": ("x.png", b"not an image", "image/png")},
    )
    expect_refusal(bad.json(), 400, "Bad Request: IMAGE_PROCESS_FAILED")


# -- commands and descriptions ----------------------------------------------------


async def test_commands_per_scope_and_language(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    commands = [
        {"command": "start", "description": "Begin"},
        {"command": "sos", "description": "Help"},
    ]
    assert (await call(http, "setMyCommands", commands=commands))["ok"] is True
    german = [{"command": "start", "description": "Los"}]
    scope = {"type": "all_private_chats"}
    await call(http, "setMyCommands", commands=german, scope=scope, language_code="de")
    assert (await call(http, "getMyCommands"))["result"] == commands
    got = await call(http, "getMyCommands", scope=scope, language_code="de")
    assert got["result"] == german
    await call(http, "deleteMyCommands", scope=scope, language_code="de")
    assert (await call(http, "getMyCommands", scope=scope, language_code="de"))["result"] == []


@pytest.mark.parametrize(
    ("commands", "description"),
    [
        ([{"command": "Start", "description": "x"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "a" * 33, "description": "x"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "ok", "description": ""}], "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
        (
            [{"command": "ok", "description": "d" * 257}],
            "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
        ),
        (
            [{"command": f"c{i}", "description": "x"} for i in range(101)],
            "Bad Request: BOT_COMMANDS_TOO_MUCH",
        ),
    ],
)
async def test_invalid_commands(
    http: httpx.AsyncClient, commands: list[dict[str, str]], description: str
) -> None:
    expect_refusal(await call(http, "setMyCommands", commands=commands), 400, description)


async def test_descriptions_and_menu_button(server: StandinServer, http: httpx.AsyncClient) -> None:
    assert (await call(http, "setMyDescription", description="d" * 512, language_code="en"))["ok"]
    body = await call(http, "setMyDescription", description="d" * 513)
    assert body["error_code"] == 400
    assert (await call(http, "setMyShortDescription", short_description="s" * 120))["ok"]
    body = await call(http, "setMyShortDescription", short_description="s" * 121)
    assert body["error_code"] == 400
    got = await call(http, "getMyDescription", language_code="en")
    assert got["result"] == {"description": "d" * 512}
    short = await call(http, "getMyShortDescription")
    assert short["result"] == {"short_description": "s" * 120}
    assert (await call(http, "setChatMenuButton", menu_button={"type": "commands"}))["ok"]
    server.clear_violations()
    assert server.violations == []


# -- with python-telegram-bot itself -------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_bot_round_trip(server: StandinServer) -> None:
    user = await started_user(server)
    bot = telegram.Bot(
        TOKEN, base_url=server.base_url + "/bot", base_file_url=server.base_url + "/file/bot"
    )
    async with bot:
        me = await bot.get_me()
        assert me.is_bot
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message is not None
        assert updates[0].message.text == "/start"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Check in", callback_data="ci")]])
        sent = await bot.send_message(USER, "<b>Hello</b>", parse_mode="HTML", reply_markup=markup)
        assert sent.text == "Hello"
        reply: BotMessage = await user.next_reply()
        query_id = await user.tap(reply, "Check in")
        [update] = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1)
        assert update.callback_query is not None
        assert update.callback_query.id == query_id
        await update.callback_query.answer("Done")
        with pytest.raises(telegram.error.BadRequest, match="Message is not modified"):
            await bot.edit_message_text(
                "<b>Hello</b>", USER, sent.message_id, parse_mode="HTML", reply_markup=markup
            )
        server.clear_violations()
        document = await bot.send_document(USER, b"%PDF-1.4", filename="week.pdf")
        assert document.document is not None
        file = await bot.get_file(document.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4"
        keyboard = ReplyKeyboardMarkup([[KeyboardButton("Share", request_location=True)]])
        await bot.send_message(USER, "Where?", reply_markup=keyboard)
        await bot.set_my_commands([("start", "Begin")], language_code="en")
        await bot.send_chat_action(USER, "typing")
        await bot.delete_message(USER, sent.message_id)
        await bot.delete_webhook(drop_pending_updates=True)
        with pytest.raises(telegram.error.BadRequest, match="Chat not found"):
            await bot.send_message(999, "who?")
        server.clear_violations()
        server.inject_fault("sendMessage", "429", retry_after=2)
        with pytest.raises(telegram.error.RetryAfter):
            await bot.send_message(USER, "hi")
    assert server.violations == []


async def test_next_reply_times_out_with_what_arrived(server: StandinServer) -> None:
    user = server.user(USER)
    with pytest.raises(TimeoutError, match="arrived meanwhile: nothing"):
        await user.next_reply(timeout=0.1)


# -- smaller rules ------------------------------------------------------------------


def test_trimming_moves_entities_along() -> None:
    from bot.standin.checks import format_text

    text, entities = format_text("\n  <b>Hi</b> there  \n", "HTML")
    assert text == "Hi there"
    assert entities == [{"offset": 0, "length": 2, "type": "bold"}]
    text, entities = format_text("😀 hi", None, [{"type": "bold", "offset": 3, "length": 2}])
    assert (text, entities) == ("😀 hi", [{"type": "bold", "offset": 3, "length": 2}])


async def test_explicit_entities_must_fit_the_text(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    await started_user(server)
    entities = [{"type": "bold", "offset": 0, "length": 10}]
    body = await call(http, "sendMessage", chat_id=USER, text="short", entities=entities)
    expect_refusal(body, 400, "Bad Request: entity ends after the end of the text")


async def test_replies_locations_and_menu(server: StandinServer, http: httpx.AsyncClient) -> None:
    user = await started_user(server)
    first = user.messages  # the bot has said nothing yet
    assert first == []
    body = await call(
        http, "sendMessage", chat_id=USER, text="x", reply_parameters={"message_id": 999}
    )
    expect_refusal(body, 400, "Bad Request: message to be replied not found")
    body = await call(
        http, "sendMessage", chat_id=USER, text="x", reply_parameters={"message_id": 1}
    )
    assert body["result"]["reply_to_message"]["text"] == "/start"
    body = await call(http, "sendLocation", chat_id=USER, latitude=52.5, longitude=13.4)
    assert body["result"]["location"] == {"latitude": 52.5, "longitude": 13.4}
    await call(http, "setChatMenuButton", chat_id=USER, menu_button={"type": "commands"})
    got = await call(http, "getChatMenuButton", chat_id=USER)
    assert got["result"] == {"type": "commands"}
    assert [m.text for m in user.messages] == ["x", ""]
    assert user.last_message is not None
    assert user.last_message.raw["location"]["latitude"] == 52.5
    # the bot may delete what the user wrote in a private chat
    assert (await call(http, "deleteMessage", chat_id=USER, message_id=1))["ok"] is True
    assert len(server.violations) == 1


async def test_webhook_settings_are_checked(server: StandinServer, http: httpx.AsyncClient) -> None:
    body = await call(http, "setWebhook", url="https://example.org/hook", secret_token="no spaces")
    expect_refusal(body, 400, "Bad Request: secret token contains unallowed characters")
    body = await call(http, "setWebhook", url="https://example.org:5000/hook")
    expect_refusal(
        body,
        400,
        "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
    )
    assert (await call(http, "setWebhook", url="https://example.org/hook"))["ok"] is True
    assert (await call(http, "setWebhook", url=""))["ok"] is True
    assert (await call(http, "getWebhookInfo"))["result"]["url"] == ""


async def test_records_of_requests_and_violations(
    server: StandinServer, http: httpx.AsyncClient
) -> None:
    await call(http, "sendMessage", chat_id=5, text="to nobody")
    [violation] = server.violations
    assert violation.method == "sendMessage"
    assert violation.params == {"chat_id": 5, "text": "to nobody"}
    assert (violation.error_code, violation.description) == (400, "Bad Request: chat not found")
    assert server.requests[-1].ok is False
    server.clear_violations()
    assert server.violations == []
    await call(http, "getMe")
    assert server.requests[-1].ok is True

"""/week, /report and /prep over real HTTP, on a seeded fortnight: the chart is a real
picture, the PDF holds the check-ins, the pattern and the homework (read back with pypdf),
in Russian too, and /prep says it in a few honest lines."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.image import imread
from pypdf import PdfReader

from bot.app import BetweenApplication, services_of
from bot.standin import BotMessage, FakeUser, StandinServer
from bot.store import checkins, homework, users
from bot.store import plans as plan_store

from .conftest import FixedClock
from .flows import onboarded

pytestmark = pytest.mark.usefixtures("private_log")

NEW_YORK = ZoneInfo("America/New_York")
MOSCOW = ZoneInfo("Europe/Moscow")
# The fixed clock is Monday 2026-11-23 09:30 UTC: 04:30 that Monday in New York.
MONDAYS = (datetime(2026, 11, 16, 8, 0), datetime(2026, 11, 9, 8, 15))


async def seed(bot: BetweenApplication, user_id: int, where: ZoneInfo, note: str) -> None:
    """Two weeks of check-ins: five high ones on the last two Monday mornings (with a note
    naming the meeting), calmer afternoons from Tuesday to Friday; a homework done three
    days and skipped two; a plan used once. The last two weeks (10–23 November) hold the
    Monday of the 16th and eight afternoons; the last seven days, four afternoons."""
    db = services_of(bot).db
    message = 1000
    moments: list[tuple[datetime, str, int, str | None]] = []
    for week in (0, 1):
        monday = datetime(2026, 11, 16, tzinfo=where) - timedelta(weeks=week)
        for minutes in (0, 10, 20, 30, 40):  # five high check-ins each Monday morning
            moments.append((monday.replace(hour=8, minute=minutes), "fearful/anxious", 8, note))
        for day in (1, 2, 3, 4):  # calmer afternoons
            moments.append(
                (monday.replace(hour=15) + timedelta(days=day), "bad/tired", 3, "long day")
            )
    for local, place, intensity, text in moments:
        message += 1
        ident = await checkins.start(
            db, user_id=user_id, message_id=message, now=local.astimezone(UTC), local=local,
            timezone=str(where), place=place, intensity=intensity, source="command",
        )  # fmt: skip
        await checkins.answer(
            db, user_id, ident, local.astimezone(UTC), note=text, technique="box_breathing",
            intensity_after=max(1, intensity - 3),
        )  # fmt: skip
    now = services_of(bot).clock()
    item = await homework.create(db, user_id, "Thought record", now)
    days = [(1, "done", None), (2, "done", None), (3, "done", None), (4, "not_done", "too_big"),
            (5, "not_done", "no_time")]  # fmt: skip
    for days_back, status, barrier in days:
        when = (now - timedelta(days=days_back)).astimezone(where).date()
        await homework.mark_day(db, item, user_id, when, status, now, barrier)
    await homework.add_question(db, user_id, "Why are Mondays so hard?", "prep", now)
    plan = await plan_store.draft(
        db, user_id, cue="I feel anxious", response="I will breathe", locale="en",
        feeling="fearful", now=now,
    )  # fmt: skip
    await plan_store.save(db, plan, user_id, now)
    use = await plan_store.shown(db, plan, user_id, source="checkin", now=now - timedelta(days=1))
    await plan_store.answer(db, use, user_id, "used", now)


def pdf_text(message: BotMessage) -> str:
    assert message.document is not None
    assert message.document.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(message.document.data))
    assert 1 <= len(reader.pages) <= 2
    return "\n".join(page.extract_text() for page in reader.pages)


async def make_report(person: FakeUser, period: str, *, name: str | None = None) -> BotMessage:
    await person.send("/report")
    ask = await person.next_reply()
    await person.tap(ask, period)
    step = await person.next_reply()
    if name is not None:
        await person.send(name)
        step = await person.next_reply()
    await person.tap(step, "rp:make")
    while True:
        reply = await person.next_reply()
        if reply.document is not None:
            return reply


async def test_week_sends_a_real_chart_and_what_stood_out(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = await onboarded(standin, 9801, "en")
    await seed(bot, 9801, NEW_YORK, "meeting with my manager")
    await maya.send("/week")
    week = await maya.next_reply()
    assert week.photo is not None and week.photo.startswith(b"\x89PNG")
    image = imread(io.BytesIO(week.photo))
    height, width = image.shape[:2]
    assert width >= 800 and height >= 400
    background = image[0, 0]
    differing = (abs(image[..., :3] - background[:3]).sum(axis=2) > 0.05).mean()
    assert differing > 0.05, "the chart is not blank"
    text = week.text
    assert "Your last seven days" in text
    assert "4 check-ins." in text  # 17–23 November, before this Monday's: four afternoons
    assert "Most often: Tired (4)." in text
    assert "Homework “Thought record”: done on 3 days, not done on 2 days." in text
    assert "What got in the way:" in text and "Too big (1)" in text and "No time today (1)" in text
    assert "Plans: came back 1 time, used 1." in text


async def test_report_pdf_holds_the_check_ins_the_pattern_and_the_homework(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ann = await onboarded(standin, 9802, "en")
    await seed(bot, 9802, NEW_YORK, "meeting with my manager")
    await ann.send("/report")
    ask = await ann.next_reply()
    await ann.tap(ask, "The last two weeks")
    name_step = await ann.next_reply()
    assert "Whose summary is it?" in name_step.text
    await ann.send("Ann K.")
    preview = await ann.next_reply()
    assert "Your report will contain" in preview.text and "Ann K." in preview.text
    assert "13 check-ins" in preview.text
    assert "What was happening, in your words" in preview.text
    await ann.tap(preview, "Make the PDF")
    document = await ann.next_reply()
    while document.document is None:
        document = await ann.next_reply()
    assert document.document.file_name.endswith(".pdf")
    actions = [r.params.get("action") for r in standin.requests if r.method == "sendChatAction"]
    assert "upload_document" in actions  # an indicator while it renders
    text = pdf_text(document)
    assert "From: Ann K." in text and "Shared by the client" in text
    assert "Higher intensity on Monday, in the morning: 5 of 5 check-ins at 7 or more." in text
    assert "Fearful › Anxious" in text and "meeting with my manager" in text
    assert "Thought record" in text and "Why are Mondays so hard?" in text
    assert (await users.get(services_of(bot).db, 9802)).report_name == "Ann K."  # type: ignore[union-attr]

    # Next time the name is remembered, and notes and triggers can be left out.
    assert "Your report is ready" in (await ann.next_reply()).text  # the preview, edited
    await ann.send("/report")
    await ann.tap(await ann.next_reply(), "The last two weeks")
    preview = await ann.next_reply()
    assert "Ann K." in preview.text
    await ann.tap(preview, "Leave out notes and triggers")
    preview = await ann.next_reply()
    assert "Without your notes and triggers" in preview.text
    await ann.tap(preview, "Make the PDF")
    document = await ann.next_reply()
    while document.document is None:
        document = await ann.next_reply()
    text = pdf_text(document)
    assert "meeting with my manager" not in text and "Fearful › Anxious" in text


async def test_report_in_russian_has_cyrillic_text(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    ivan = await onboarded(standin, 9803, "ru")
    await seed(bot, 9803, MOSCOW, "совещание с начальником")
    document = await make_report(ivan, "rp:p:two", name="Иван")
    text = pdf_text(document)
    assert "Иван" in text and "совещание с начальником" in text
    assert any("\u0400" <= ch <= "\u04ff" for ch in text.replace("Иван", ""))


async def test_prep_says_it_in_a_few_honest_lines(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    pat = await onboarded(standin, 9804, "en")
    await seed(bot, 9804, NEW_YORK, "meeting with my manager")
    await pat.send("/prep")
    prep = await pat.next_reply()
    lines = prep.text.split("\n")
    assert lines[0].startswith("For my next session")
    assert (
        "What I did: checked in 13 times, did “Thought record” on 3 days, used a plan 1 time."
        in prep.text
    )
    assert "What got in the way: No time today, Too big." in prep.text
    assert "A pattern I noticed: Higher intensity on Monday, in the morning" in prep.text
    assert "Why are Mondays so hard?" in prep.text
    assert len(lines) <= 6


async def test_week_with_nothing_yet_is_kind_and_still_a_picture(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    new = await onboarded(standin, 9805, "en")
    await new.send("/week")
    week = await new.next_reply()
    assert week.photo is not None and week.photo.startswith(b"\x89PNG")
    assert "0 check-ins." in week.text and "/checkin" in week.text
    assert "Higher intensity" not in week.text  # no pattern from nothing


async def test_a_long_period_with_many_questions_stays_at_two_pages_and_logs_no_words(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    """45 check-ins with long notes, 12 questions and 6 homework items: the table gives way
    so the PDF stays at two pages; a name the font lacks (李明) never reaches the logs."""
    kim = await onboarded(standin, 9806, "en")
    await seed(bot, 9806, NEW_YORK, "meeting with my manager " + "and more " * 30)
    db = services_of(bot).db
    now = services_of(bot).clock()
    for n in range(12):
        await homework.add_question(db, 9806, f"Question {n}: " + "why " * 40, "prep", now)
    for n in range(6):
        item = await homework.create(db, 9806, f"Homework {n} " + "long " * 60, now)
        await homework.mark_day(db, item, 9806, now.astimezone(NEW_YORK).date(), "done", now)
    for n in range(31):
        local = datetime(2026, 11, 21, 9, 0, tzinfo=NEW_YORK) + timedelta(minutes=n)
        await checkins.start(
            db, user_id=9806, message_id=5000 + n, now=local.astimezone(UTC), local=local,
            timezone="America/New_York", place="sad/lonely", intensity=4, source="command",
        )  # fmt: skip
    document = await make_report(kim, "rp:p:two", name="李明 Kim")
    text = pdf_text(document)  # asserts one or two pages
    assert "Question 11" in text and "Question 6" not in text  # the latest five questions
    assert "Kim" in text
    assert "李" not in private_log.text and "Question 11" not in private_log.text


async def test_forget_ends_a_flow_in_progress_so_nothing_comes_back(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ela = await onboarded(standin, 9807, "en")
    await ela.send("/report")
    await ela.tap(await ela.next_reply(), "This week")
    assert "Whose summary is it?" in (await ela.next_reply()).text
    await ela.send("/forget")
    await ela.tap(await ela.next_reply(), "Erase everything")
    sure = await ela.next_reply()
    await ela.tap(sure, "Yes, erase it all")
    assert "Erased." in (await ela.next_reply()).text
    await ela.send("Secret Name")  # the report's old question must not take it
    reply = await ela.next_reply()
    assert "Your report will contain" not in reply.text
    await bot.update_persistence()
    db = services_of(bot).db
    person = await users.get(db, 9807)
    assert person is None or person.report_name is None
    for table in ("conversation_states", "user_data"):
        rows = await db.fetchall(f"SELECT * FROM {table}")  # noqa: S608 - a constant
        assert not any("9807" in str(tuple(row)) for row in rows), table


async def test_the_report_name_is_the_latest_question_even_when_homework_waits_for_words(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    """/homework waits for what the therapist suggested; /report then asks for a name:
    the typed name is the report's. Asked again later, /homework gets the words."""
    uli = await onboarded(standin, 9808, "en")
    await uli.send("/homework")
    assert "What did your therapist suggest" in (await uli.next_reply()).text
    await uli.send("/report")
    await uli.tap(await uli.next_reply(), "This week")
    assert "Whose summary is it?" in (await uli.next_reply()).text
    await uli.send("Uli <3")
    preview = await uli.next_reply()
    assert "Your report will contain" in preview.text and "Uli &lt;3" in preview.html
    db = services_of(bot).db
    assert (await homework.of_person(db, 9808)) == []
    person = await users.get(db, 9808)
    assert person is not None and person.report_name == "Uli <3"
    await uli.send("/homework")
    assert "What did your therapist suggest" in (await uli.next_reply()).text
    await uli.send("Breathing every morning")
    await uli.next_reply()
    assert [item.text for item in await homework.of_person(db, 9808)] == ["Breathing every morning"]


async def test_words_where_the_report_awaits_a_tap_get_a_hint_and_the_buttons_still_work(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    vi = await onboarded(standin, 9809, "en")
    await vi.send("/report")
    ask = await vi.next_reply()
    await vi.send("hello")
    hint = await vi.next_reply()
    assert "Please tap one of the buttons above" in hint.text
    await vi.tap(ask, "Cancel")
    assert "Okay, no report." in (await vi.next_reply()).text
    await vi.send("hello")  # the report is over: the words are no longer its
    assert "Here is what I can do:" in (await vi.next_reply()).text


async def test_a_plan_typed_while_the_report_awaits_a_tap_is_still_a_plan(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    wes = await onboarded(standin, 9810, "en")
    await wes.send("/report")
    ask = await wes.next_reply()
    await wes.send("If I wake up at 3am, I'll read for ten minutes")
    card = await wes.next_reply()
    assert "Here is your plan:" in card.text
    await wes.tap(ask, "This week")  # the report goes on too
    assert "Whose summary is it?" in (await wes.next_reply()).text


async def test_without_consent_the_report_asks_no_name_and_keeps_none(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    xan = standin.user(9811, first_name="Xan", language_code="en")
    await xan.send("/start")
    await xan.tap(await xan.next_reply(), 0)
    await xan.tap(await xan.next_reply(), 0)
    await xan.tap(await xan.next_reply(), "Not now")
    await xan.next_reply()
    await xan.send("/report")
    await xan.tap(await xan.next_reply(), "This week")
    preview = await xan.next_reply()
    assert "Your report will contain" in preview.text
    assert ["Cancel"] in preview.buttons and "Change the name" not in str(preview.buttons)
    person = await users.get(services_of(bot).db, 9811)
    assert person is not None and person.report_name is None

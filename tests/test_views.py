"""What each audience sees: the room and the clock see no personal details; the moderator sees
everything needed to run the floor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from app.floor import commands as c
from app.floor.model import Constituency, TurnKind
from app.views import Audience, own_turns, requestable, segment_summary, view
from tests.floor.kit import Floor, delegate

NOT_A_BREAK = {
    "code": "not_a_break",
    "message": "segment 'Thematic discussion I' is no break: only a break says when the meeting "
    "resumes; to move a segment's start, change its time in the programme",
}
NO_RECORD = {"code": "no_record", "message": "nobody has spoken in this segment yet"}
PRIVATE_KEYS = {"participant_id", "request_id", "note"}
MODERATOR_ONLY = {"requests", "undo", "actions", "stats", "notes", "last_speaker"}


def _keys(document: Any) -> Iterator[str]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from _keys(value)
    elif isinstance(document, list):
        for item in document:
            yield from _keys(item)


@pytest.fixture
def busy(floor: Floor) -> Floor:
    """p3 speaks (timer running), p1 and a guest are queued, p2 waits for approval."""
    floor.queued("p3", note="private: about my organisation's funding")
    floor.queued("p1", TurnKind.POINT_OF_ORDER, note="private: rule 12")
    floor.send(c.MoveEntry(entry_id=floor.seg.queue[1].id, position=0))  # Chen Wei first
    floor.add("Guest", organisation="IOM", constituency=Constituency.UN_SYSTEM, note="private")
    floor.request("p2", note="private: please call me early")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.send(c.SetMessage(text="please conclude"))
    floor.send(c.SetNotes(text="private: the mayor leaves at noon"))
    return floor


@pytest.mark.parametrize("audience", [Audience.PUBLIC, Audience.DELEGATE])
def test_the_room_sees_no_personal_details(busy: Floor, audience: Audience) -> None:
    document = busy.view(audience)
    assert not PRIVATE_KEYS & set(_keys(document))
    assert not MODERATOR_ONLY & set(document)
    text = json.dumps(document)
    assert "private" not in text
    for request_id in busy.seg.requests:
        assert request_id not in text


def test_the_public_view_shows_the_floor(busy: Floor) -> None:
    document = busy.view(Audience.PUBLIC)
    assert set(document) == {
        "segment",
        "settings",
        "current",
        "paused",
        "message",
        "message_preset",
        "queue",
        "signals",
        "can_signal",
    }
    assert document["can_signal"] is None  # someone speaks: the booth may signal
    assert busy.seg.current is not None
    assert document["current"] == {
        "id": busy.seg.current.entry.id,
        "name": "Chen Wei",
        "name_lang": "",  # written in Latin letters here
        "organisation": "Fudan University",
        "organisation_lang": "",
        "constituency": "academia",
        "language": None,  # not known (registered without a floor language)
        "attendance": "in_room",
        "kind": "intervention",
        "allotted_ms": 180_000,
        "timer": {
            "state": "running",
            "allotted_ms": 180_000,
            "added_ms": 0,
            "deadline_at": busy.now + 180_000,
            "remaining_ms": None,
            "started_at": busy.now,
        },
    }
    assert [(e["name"], e["kind"]) for e in document["queue"]] == [
        ("Amina Diallo", "point_of_order"),
        ("Guest", "panellist"),
    ]
    assert document["message"] == "please conclude"
    assert document["paused"] is None  # nobody interposed
    assert document["segment"]["status"] == "live"
    assert document["segment"]["title"] == "Thematic discussion I"


def test_a_paused_timer_shows_the_time_left(busy: Floor) -> None:
    busy.tick(50_000)
    busy.send(c.PauseTimer())
    timer = busy.view(Audience.PUBLIC)["current"]["timer"]
    assert (timer["state"], timer["deadline_at"], timer["remaining_ms"]) == (
        "paused",
        None,
        130_000,
    )


def test_an_idle_timer_shows_the_full_time(floor: Floor) -> None:
    floor.add("A", allotted_ms=90_000)
    floor.send(c.CallNext())
    floor.send(c.AdjustTime(delta_ms=10_000))
    timer = floor.view(Audience.PUBLIC)["current"]["timer"]
    assert (timer["state"], timer["remaining_ms"], timer["added_ms"]) == ("idle", 100_000, 10_000)


def test_the_delegate_view_counts_pending_requests(busy: Floor) -> None:
    assert busy.view(Audience.DELEGATE)["pending_count"] == 1
    busy.request("p4")
    assert busy.view(Audience.DELEGATE)["pending_count"] == 2


def test_the_moderator_sees_pending_requests(busy: Floor) -> None:
    (request,) = busy.view()["requests"]
    assert request == {
        "id": request["id"],
        "participant_id": "p2",
        "name": "Bruno Silva",
        "name_lang": "",  # Latin letters: the page's language
        "organisation": "City of São Paulo",
        "organisation_lang": "",
        "constituency": "local_and_regional_authorities",
        "region": "",
        "gender": None,
        "language": None,
        "attendance": "in_room",
        "kind": "intervention",
        "note": "private: please call me early",
        "requested_at": busy.seg.requests[request["id"]].requested_at,
    }


def test_the_moderator_sees_who_is_queued_and_why(busy: Floor) -> None:
    document = busy.view()
    first = document["queue"][0]
    assert (first["participant_id"], first["note"]) == ("p1", "private: rule 12")
    assert first["request_id"] in busy.seg.requests
    assert document["queue"][1]["participant_id"] is None
    assert document["current"]["note"] == "private: about my organisation's funding"


def test_the_moderator_sees_what_undo_would_do(scheduled: Floor) -> None:
    floor = scheduled
    assert floor.view()["undo"] is None
    floor.add("A")
    assert floor.view()["undo"] == {
        "label": "adding A",
        "command": "add_speaker",
        "subject": "A",
        "available": True,
        "refusal": None,
        "brings_back": None,
    }
    floor.send(c.StartSegment())
    floor.send(c.CallNext())
    assert floor.view()["undo"] == {
        "label": "calling A",
        "command": "call_next",
        "subject": "A",
        "available": True,
        "refusal": None,
        "brings_back": None,
    }
    second = floor.create_segment("Thematic discussion II")
    floor.send(c.StartSegment(), segment_id=second)  # the first ends: nobody at its console did it
    assert floor.view()["undo"] == {
        "label": "calling A",
        "command": "call_next",
        "subject": "A",
        "available": False,
        "refusal": "the segment has ended",
        "brings_back": None,
    }
    assert floor.view()["actions"]["undo"] == {
        "code": "cannot_undo",
        "message": "cannot undo “calling A”: the segment has ended",
        "reason": "ended",
        "name": "",
    }


def test_undoing_a_start_names_the_segment_it_brings_back(scheduled: Floor) -> None:
    """The console says which segment undoing a start makes live again (outside probe D5)."""
    first = scheduled.segment_id
    scheduled.send(c.StartSegment())
    second = scheduled.create_segment("Lunch", kind="break")
    scheduled.send(c.StartSegment(), segment_id=second)
    undo = view(scheduled.segment(second), Audience.MODERATOR)["undo"]
    assert (undo["command"], undo["brings_back"]) == ("start_segment", first)
    assert scheduled.view()["undo"]["brings_back"] is None  # the first's start ended none


def test_the_moderator_sees_time_used(floor: Floor) -> None:
    assert floor.view()["stats"] == {
        "speeches": 0,
        "skipped": 0,
        "spoken_ms": 0,
        "held_ms": 0,
        "overrun_ms": 0,
        "spoken_ms_by_constituency": {},
    }
    floor.queued("p2")
    floor.add("No-show")
    floor.add("Untimed", constituency=Constituency.ACADEMIA)
    floor.send(c.CallNext())
    floor.tick(5_000)
    floor.send(c.StartTimer())
    floor.tick(200_000)
    floor.send(c.CallNext())
    floor.tick(3_000)
    floor.send(c.CallNext(skipped=True))  # the guest was not in the room
    floor.tick(50_000)
    floor.send(c.EndTurn())  # spoke, the timer never started
    assert floor.view()["stats"] == {
        "speeches": 2,
        "skipped": 1,
        "spoken_ms": 200_000,
        "held_ms": 255_000,
        "overrun_ms": 20_000,
        "spoken_ms_by_constituency": {"local_and_regional_authorities": 200_000, "academia": 0},
    }


def test_a_delegate_sees_their_own_requests_only(busy: Floor) -> None:
    mine = busy.mine("p1")
    assert [(r["kind"], r["status"]) for r in mine] == [("point_of_order", "queued")]
    assert mine[0]["entry_id"] == busy.seg.queue[0].id
    assert busy.mine("p4") == []


def test_a_request_dropped_when_its_segment_ended_says_so(floor: Floor) -> None:
    """Outside probe A: a delegate whose request was dropped at the segment's end was never
    told; their phone is (``dropped``), and only for that: not for a request withdrawn or
    carried on."""
    queued = floor.approve(floor.request("p1"))
    waiting = floor.request("p2")
    gone = floor.request("p3")
    floor.send(c.WithdrawRequest(request_id=gone), delegate("p3"))
    floor.send(c.EndSegment())
    floor.send(c.CarryQueue(to_segment_id=None))
    for participant in ("p1", "p2"):
        (request,) = floor.mine(participant)
        assert (request["status"], request["dropped"]) == ("removed", True), participant
    assert [r["dropped"] for r in floor.mine("p3")] == [False]
    assert queued and waiting


def test_a_delegate_queued_without_a_request_sees_their_turn(floor: Floor) -> None:
    """A panellist the secretariat queued (no request of theirs) is told of the turn, queued,
    on the floor, paused by a question; a turn with a request is in ``mine``, not here."""
    floor.add("Chair's guest")
    floor.send(c.AddSpeaker(participant_id="p1", kind=TurnKind.PANELLIST))
    asked = floor.request("p2")
    floor.approve(asked)
    (entry,) = [x for x in floor.seg.queue if x.speaker.participant_id == "p1"]
    assert own_turns(floor.seg, "p1") == [
        {"entry_id": entry.id, "kind": "panellist", "status": "queued"}
    ]
    assert own_turns(floor.seg, "p2") == []  # their request stands for it
    floor.send(c.CallNext())  # the guest
    floor.send(c.CallNext())  # p1
    assert own_turns(floor.seg, "p1")[0]["status"] == "speaking"
    floor.send(c.Interpose(participant_id="p3"))
    assert own_turns(floor.seg, "p1")[0]["status"] == "paused"
    assert own_turns(floor.seg, "p3")[0]["status"] == "speaking"  # the question is theirs
    floor.send(c.EndTurn())  # the question ends: the floor goes back to p1
    floor.send(c.EndTurn())
    assert own_turns(floor.seg, "p1") == []


@pytest.mark.parametrize("audience", list(Audience))
def test_views_are_plain_json(busy: Floor, audience: Audience) -> None:
    document = view(busy.seg, audience)
    assert json.loads(json.dumps(document)) == document


def test_the_segment_summary_carries_the_version(busy: Floor) -> None:
    summary = segment_summary(busy.seg)
    assert summary["version"] == busy.version
    assert summary["title"] == "Thematic discussion I"


NOT_ENDED = {
    "code": "not_ended",
    "message": "segment 'Thematic discussion I' has not ended: its speakers are still in play",
}


def test_the_console_is_told_what_it_may_do_now(busy: Floor) -> None:
    """Chen Wei speaks with the timer running; adding the guest, still queued, can be undone."""
    assert busy.view()["actions"] == {
        "toggle_timer": None,
        "call_next": None,
        "call_next_skipped": None,
        "end_turn": None,
        "add_time": None,
        "remove_time": None,
        "reset_timer": None,
        "undo": None,
        "readd_last_speaker": NO_RECORD,
        "interpose_question": None,
        "interpose_answer": None,
        "apply_request_order": None,
        "apply_queue_order": None,
        "set_queue_times": None,
        "carry_queue": NOT_ENDED,
        "announce_resumption": NOT_A_BREAK,
    }
    busy.send(c.RemoveEntry(entry_id=busy.seg.queue[0].id))  # Amina's point of order
    busy.request("p1", TurnKind.POINT_OF_ORDER)
    assert busy.view()["actions"]["undo"] == {
        "code": "cannot_undo",
        "message": "cannot undo “removing Amina Diallo”: Amina Diallo has another open request or "
        "place in the queue now",
        "reason": "has_place",
        "name": "Amina Diallo",
    }


def test_the_console_is_told_why_not(floor: Floor) -> None:
    nobody = {"code": "no_speaker", "message": "nobody has the floor: call the next speaker first"}
    assert floor.view()["actions"] == {
        "toggle_timer": nobody,
        "call_next": {"code": "queue_empty", "message": "nobody to call: the queue is empty"},
        "call_next_skipped": {
            "code": "queue_empty",
            "message": "nobody to call: the queue is empty",
        },
        "end_turn": nobody,
        "add_time": nobody,
        "remove_time": nobody,
        "reset_timer": nobody,
        "undo": None,  # the segment's start can be taken back
        "readd_last_speaker": NO_RECORD,
        "interpose_question": nobody,
        "interpose_answer": nobody,
        "apply_request_order": {"code": "nobody_waiting", "message": "no floor request is waiting"},
        "apply_queue_order": {
            "code": "nothing_to_order",
            "message": "the queue has fewer than two speakers",
        },
        "set_queue_times": {"code": "nobody_waiting", "message": "nobody is waiting in the queue"},
        "carry_queue": NOT_ENDED,
        "announce_resumption": NOT_A_BREAK,
    }


def test_the_delegates_are_told_which_requests_the_segment_takes(busy: Floor) -> None:
    assert busy.view(Audience.DELEGATE)["can_request"] == {
        "intervention": None,
        "point_of_order": None,
        "right_of_reply": None,
    }
    busy.send(c.CloseList())
    assert busy.view(Audience.DELEGATE)["can_request"] == {
        "intervention": "list_closed",
        "point_of_order": None,
        "right_of_reply": "list_closed",
    }
    busy.send(c.EndSegment())
    assert set(busy.view(Audience.DELEGATE)["can_request"].values()) == {"segment_ended"}


def test_each_delegate_is_told_what_they_may_ask_for(busy: Floor) -> None:
    """p2 waits for approval, p1 holds a point of order, p3 speaks, p4 holds nothing."""
    aq = "already_queued"
    assert requestable(busy.seg, "p2") == {
        "intervention": aq,
        "point_of_order": None,
        "right_of_reply": aq,
    }
    assert requestable(busy.seg, "p1") == {
        "intervention": None,
        "point_of_order": aq,
        "right_of_reply": None,
    }
    nothing = {"intervention": None, "point_of_order": None, "right_of_reply": None}
    assert requestable(busy.seg, "p3") == nothing
    assert requestable(busy.seg, "p4") == nothing


def test_the_room_display_is_told_neither(busy: Floor) -> None:
    document = busy.view(Audience.PUBLIC)
    assert "actions" not in document and "can_request" not in document
    assert "actions" not in busy.view(Audience.DELEGATE)
    assert "can_request" not in busy.view(Audience.MODERATOR)


def test_the_moderator_sees_the_notes_and_who_waits_for_the_floor(busy: Floor) -> None:
    console = busy.view()
    assert console["notes"] == "private: the mayor leaves at noon"
    assert (console["paused"], console["last_speaker"]) == (None, None)
    assert console["settings"]["points_of_order"] is True
    chen = console["current"]
    assert (chen["interposed_in"], chen["answers"]) == (None, None)
    busy.send(c.Interpose(name="Panellist", kind=TurnKind.ANSWER))
    console = busy.view()
    assert console["paused"]["name"] == "Chen Wei"
    assert console["paused"]["timer"]["state"] == "paused"
    assert console["current"]["interposed_in"] == chen["id"]
    room = busy.view(Audience.PUBLIC)
    assert (room["current"]["name"], room["paused"]["name"]) == ("Panellist", "Chen Wei")
    assert [e["name"] for e in room["queue"]] == ["Amina Diallo", "Guest"]


@pytest.mark.parametrize("audience", [Audience.PUBLIC, Audience.DELEGATE])
def test_the_room_is_told_whether_points_of_order_are_on(busy: Floor, audience: Audience) -> None:
    busy.send(c.SetPointsOfOrder(enabled=False))
    assert busy.view(audience)["settings"]["points_of_order"] is False

"""A phone in two rooms keeps in mind, for each room's delegate, the places the moderator carried
on or dropped (delegate/carried.js, dropped.js): leaving one room forgets that room's, not the
other's (outside probe S: leaving one of a phone's two rooms forgot the places kept for both)."""

from __future__ import annotations

from playwright.sync_api import Page

from .test_phone_segments import phone

__all__ = ["phone"]  # the fixture, used by name

#: Two rooms' connections as the modules read them: each follows its live segment, and a place
#: of its delegate was carried to (room A) or dropped in (room B) another segment.
SCRIPT = """async () => {
  localStorage.clear();
  const carried = await import("/static/js/delegate/carried.js");
  const dropped = await import("/static/js/delegate/dropped.js");
  const { forget } = await import("/static/js/delegate/remember.js");
  const connection = (segment, mine) => ({
    state: { segment: { id: segment } },
    programme: [
      { id: segment, status: "live", title: "Now" },
      { id: "later", status: "scheduled", title: "Later" },
    ],
    mine,
  });
  const kind = "intervention";
  const roomA = connection("a1", [{ id: "rA", kind, status: "removed", carried_to: "later" }]);
  const roomB = connection("b1", [{ id: "rB", kind, status: "removed", dropped: true }]);
  const seen = () => ({
    a: carried.carriedPlaces(roomA, "pA", "eventA").map((place) => place.id),
    aDropped: dropped.droppedPlaces(roomA, "pA", "eventA").map((place) => place.id),
    b: dropped.droppedPlaces(roomB, "pB", "eventB").map((place) => place.id),
  });
  const before = seen();
  roomA.mine = []; roomB.mine = []; // the phone no longer sees them itself: only kept in mind
  forget("eventB"); // the delegate leaves room B on this phone
  const after = { a: carried.carriedPlaces(roomA, "pA", "eventA").map((place) => place.id),
    b: dropped.droppedPlaces(roomB, "pB", "eventB").map((place) => place.id) };
  forget(); // signed out of every room
  const gone = { a: carried.carriedPlaces(roomA, "pA", "eventA").length };
  return { before, after, gone, stored: localStorage.getItem("floorkeeper.carried") };
}"""


def test_leaving_one_room_keeps_the_places_kept_for_the_other(phone: Page) -> None:
    result = phone.evaluate(SCRIPT)
    # room A's place is on its own card while the followed segment lists it: kept in mind only
    assert result["before"] == {"a": [], "aDropped": [], "b": ["rB"]}
    assert result["after"] == {"a": ["rA"], "b": []}  # room A's carried place kept
    assert result["gone"] == {"a": 0}
    assert result["stored"] is None

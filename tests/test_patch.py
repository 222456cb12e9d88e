"""JSON Patch updates: they rebuild the new view exactly, and their size follows the change."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.floor import commands as c
from app.patch import apply_patch, diff
from app.views import Audience
from tests.floor.kit import Floor, actions, assert_patches_replay, live_floor, perform


def _roundtrip(before: Any, after: Any) -> list[dict[str, Any]]:
    ops = diff(before, after)
    assert apply_patch(copy.deepcopy(before), ops) == after
    return ops


def _size(ops: list[dict[str, Any]]) -> int:
    return len(json.dumps(ops).encode())


# --- patches of the views, driven by commands ---------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.lists(actions, max_size=30), st.lists(st.integers(0, 200_000), min_size=30, max_size=30))
def test_the_patch_of_each_view_rebuilds_the_new_view(steps: list[Any], ticks: list[int]) -> None:
    floor = live_floor()
    segment_ids = [floor.segment_id, floor.create_segment("Thematic discussion II")]
    for action, tick in zip(steps, ticks, strict=False):
        before = floor.state
        floor.tick(tick)
        perform(floor, action, segment_ids)
        for segment_id in segment_ids:
            assert_patches_replay(before.segments[segment_id], floor.segment(segment_id))


def test_a_first_patch_from_nothing_is_the_whole_view(floor: Floor) -> None:
    floor.add("A")
    assert_patches_replay(None, floor.seg)


def _long_queue(length: int) -> Floor:
    floor = live_floor()
    for number in range(length):
        floor.add(f"Speaker {number:03}", organisation="Civil society organisation")
    return floor


def test_moving_one_of_500_speakers_is_one_small_operation() -> None:
    floor = _long_queue(500)
    for entry_index, position in ((10, 400), (499, 0), (0, 499), (250, 251)):
        before = {a: floor.view(a) for a in Audience}
        floor.send(c.MoveEntry(entry_id=floor.seg.queue[entry_index].id, position=position))
        for audience in (Audience.PUBLIC, Audience.DELEGATE):
            ops = _roundtrip(before[audience], floor.view(audience))
            assert len(ops) == 1, ops
            assert ops[0]["op"] == "move"
            assert _size(ops) < 200
        ops = _roundtrip(before[Audience.MODERATOR], floor.view())
        queue_ops = [op for op in ops if op["path"].startswith("/queue")]
        assert len(queue_ops) == 1  # and the undo label changes
        assert _size(ops) < 400


def test_adding_or_removing_one_of_500_speakers_is_one_operation() -> None:
    floor = _long_queue(500)
    before = floor.view(Audience.PUBLIC)
    floor.add("Late speaker", position=200)
    (added,) = _roundtrip(before, floor.view(Audience.PUBLIC))
    assert (added["op"], added["path"], added["value"]["name"]) == (
        "add",
        "/queue/200",
        "Late speaker",
    )
    before = floor.view(Audience.PUBLIC)
    floor.send(c.RemoveEntry(entry_id=floor.seg.queue[37].id))
    assert _roundtrip(before, floor.view(Audience.PUBLIC)) == [
        {"op": "remove", "path": "/queue/37"}
    ]


def test_calling_the_next_of_500_speakers_stays_small() -> None:
    floor = _long_queue(500)
    before = floor.view(Audience.PUBLIC)
    floor.send(c.CallNext())
    ops = _roundtrip(before, floor.view(Audience.PUBLIC))
    assert {"op": "remove", "path": "/queue/0"} in ops
    assert _size(ops) < 600


def test_a_timer_change_touches_only_the_timer(floor: Floor) -> None:
    floor.add("A")
    floor.send(c.CallNext())
    before = floor.view(Audience.PUBLIC)
    floor.send(c.StartTimer())
    ops = _roundtrip(before, floor.view(Audience.PUBLIC))
    assert {op["path"] for op in ops} == {
        "/current/timer/state",
        "/current/timer/deadline_at",
        "/current/timer/remaining_ms",
        "/current/timer/started_at",
    }


# --- the diff itself ----------------------------------------------------------------------------


def test_equal_documents_need_no_patch() -> None:
    assert diff({"a": [1, {"id": "x"}]}, {"a": [1, {"id": "x"}]}) == []


def test_a_changed_scalar_is_one_replace() -> None:
    assert _roundtrip({"a": {"b": 1}}, {"a": {"b": 2}}) == [
        {"op": "replace", "path": "/a/b", "value": 2}
    ]


def test_keys_are_escaped() -> None:
    ops = _roundtrip({"a/b": 1, "c~d": 1}, {"a/b": 2, "c~d": 2})
    assert [op["path"] for op in ops] == ["/a~1b", "/c~0d"]


def test_keys_added_and_removed() -> None:
    ops = _roundtrip({"gone": 1, "kept": 1}, {"kept": 1, "new": {"x": 1}})
    assert ops == [
        {"op": "remove", "path": "/gone"},
        {"op": "add", "path": "/new", "value": {"x": 1}},
    ]


def test_the_whole_document_can_be_replaced() -> None:
    assert _roundtrip({"a": 1}, [1, 2]) == [{"op": "replace", "path": "", "value": [1, 2]}]
    assert _roundtrip(None, {"a": 1}) == [{"op": "replace", "path": "", "value": {"a": 1}}]


def test_lists_without_ids_are_replaced_whole_unless_only_added_to_or_removed_from() -> None:
    assert _roundtrip({"a": [1, 2, 3]}, {"a": [3, 1, 2]}) == [
        {"op": "replace", "path": "/a", "value": [3, 1, 2]}
    ]
    assert _roundtrip({"a": [1, 2, 3]}, {"a": [1, 3]}) == [{"op": "remove", "path": "/a/1"}]
    assert _roundtrip({"a": ["x"]}, {"a": ["x", "y"]}) == [
        {"op": "add", "path": "/a/1", "value": "y"}
    ]


def test_an_item_that_moved_and_changed_is_moved_then_patched() -> None:
    before = {"q": [{"id": "a", "n": 1}, {"id": "b", "n": 1}, {"id": "c", "n": 1}]}
    after = {"q": [{"id": "c", "n": 2}, {"id": "a", "n": 1}, {"id": "b", "n": 1}]}
    assert _roundtrip(before, after) == [
        {"op": "move", "from": "/q/2", "path": "/q/0"},
        {"op": "replace", "path": "/q/0/n", "value": 2},
    ]


items = st.lists(st.integers(0, 15), unique=True).map(
    lambda ids: [{"id": f"i{n}", "v": n % 3} for n in ids]
)


@given(before=items, after=items, flips=st.sets(st.integers(0, 15)))
def test_keyed_lists_roundtrip(before: list[Any], after: list[Any], flips: set[int]) -> None:
    after = [{**item, "v": -1} if int(item["id"][1:]) in flips else item for item in after]
    ops = _roundtrip({"q": before}, {"q": after})
    before_ids = {item["id"] for item in before}
    after_ids = {item["id"] for item in after}
    structural = [op for op in ops if op["path"].count("/") == 2]
    assert sum(op["op"] == "remove" for op in structural) == len(before_ids - after_ids)
    assert sum(op["op"] == "add" for op in structural) == len(after_ids - before_ids)


@given(length=st.integers(2, 60), data=st.data())
def test_moving_any_one_item_is_one_move(length: int, data: st.DataObject) -> None:
    before = [{"id": f"e{n}"} for n in range(length)]
    source = data.draw(st.integers(0, length - 1))
    target = data.draw(st.integers(0, length - 1).filter(lambda t: t != source))
    after = list(before)
    after.insert(target, after.pop(source))
    (op,) = _roundtrip(before, after)  # (swapping neighbours may move the other one)
    assert op["op"] == "move"


@given(st.permutations([f"e{n}" for n in range(12)]))
def test_a_reordering_moves_only_the_items_out_of_order(order: list[str]) -> None:
    before = [{"id": f"e{n}"} for n in range(12)]
    after = [{"id": item_id} for item_id in order]
    ops = _roundtrip(before, after)
    assert all(op["op"] == "move" for op in ops)
    assert len(ops) <= 12 - _longest_increasing_length([int(i[1:]) for i in order])


def _longest_increasing_length(values: list[int]) -> int:
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


def test_a_long_list_that_grew_or_shrank_in_one_place_is_one_op_per_item() -> None:
    """The views of unchanged items are the same objects: what changed is found at the ends."""
    pending = [{"id": f"r{n}", "name": f"Delegate {n}"} for n in range(1000)]
    new = {"id": "r-new", "name": "One more"}
    grown = [*pending[:500], new, *pending[500:]]
    assert diff({"requests": pending}, {"requests": grown}) == [
        {"op": "add", "path": "/requests/500", "value": new}
    ]
    shrunk = pending[:10] + pending[12:]
    ops = diff({"requests": pending}, {"requests": shrunk})
    assert ops == [{"op": "remove", "path": "/requests/10"}] * 2
    assert apply_patch({"requests": list(pending)}, ops) == {"requests": shrunk}

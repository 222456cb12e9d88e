"""The smallest JSON Patch (RFC 6902: add, remove, replace, move) from one view to the next.

Lists of objects with an ``id`` are diffed by id, so moving one speaker in a queue of 500 is one
``move`` operation, not a new queue: an update's size grows with the change, not the queue.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

Op = dict[str, Any]


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def diff(before: Any, after: Any, path: str = "") -> list[Op]:
    if before is after or before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        return _diff_dicts(before, after, path)
    if isinstance(before, list) and isinstance(after, list):
        return _diff_lists(before, after, path)
    return [{"op": "replace", "path": path, "value": after}]


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and "id" in item for item in value
    )


def _diff_dicts(before: dict[str, Any], after: dict[str, Any], path: str) -> list[Op]:
    ops: list[Op] = []
    for key in before:
        if key not in after:
            ops.append({"op": "remove", "path": f"{path}/{_escape(key)}"})
    for key, value in after.items():
        child = f"{path}/{_escape(key)}"
        if key not in before:
            ops.append({"op": "add", "path": child, "value": value})
        else:
            ops.extend(diff(before[key], value, child))
    return ops


def _longest_increasing(indexes: list[int]) -> set[int]:
    """The values of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_at: list[int] = []
    parent: list[int] = [-1] * len(indexes)
    for position, value in enumerate(indexes):
        slot = bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_at.append(position)
        else:
            tails[slot] = value
            tail_at[slot] = position
        parent[position] = tail_at[slot - 1] if slot else -1
    out: set[int] = set()
    position = tail_at[-1] if tail_at else -1
    while position != -1:
        out.add(indexes[position])
        position = parent[position]
    return out


def _diff_lists(before: list[Any], after: list[Any], path: str) -> list[Op]:
    # The items both ends share are the very same views (unchanged entries and requests keep
    # theirs): a request added behind 1,000 pending ones is one ``add``, found without looking
    # at the 1,000 (lists of any items: adding or removing between shared ends is always that).
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] is after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] is after[-1 - end]:
        end += 1
    if start + end == len(before):  # only added between them
        return [
            {"op": "add", "path": f"{path}/{index}", "value": after[index]}
            for index in range(start, len(after) - end)
        ]
    if start + end == len(after):  # only removed between them
        return [
            {"op": "remove", "path": f"{path}/{start}"} for _ in range(len(before) - len(after))
        ]
    if _keyed(before) and _keyed(after):
        return _diff_keyed_lists(before, after, path)
    return [{"op": "replace", "path": path, "value": after}]


def _diff_keyed_lists(
    before: list[dict[str, Any]], after: list[dict[str, Any]], path: str
) -> list[Op]:
    ops: list[Op] = []
    after_ids = {item["id"] for item in after}
    old = {item["id"]: item for item in before}
    working = [item["id"] for item in before]
    # 1. remove what is gone, from the back so indexes stay valid
    for index in range(len(working) - 1, -1, -1):
        if working[index] not in after_ids:
            ops.append({"op": "remove", "path": f"{path}/{index}"})
            del working[index]
    # 2. items that keep their relative order stay; each other one moves (or is added) once,
    #    straight behind the item that precedes it in the new order
    old_index = {item_id: index for index, item_id in enumerate(working)}
    common = [item["id"] for item in after if item["id"] in old_index]
    stable_indexes = _longest_increasing([old_index[item_id] for item_id in common])
    stable = {working[index] for index in stable_indexes}
    previous: str | None = None
    for item in after:
        item_id = item["id"]
        if item_id not in stable:
            target = 0 if previous is None else working.index(previous) + 1
            if item_id not in old:
                ops.append({"op": "add", "path": f"{path}/{target}", "value": item})
                working.insert(target, item_id)
            else:
                current = working.index(item_id)
                if current < target:
                    target -= 1
                if current != target:
                    ops.append(
                        {"op": "move", "from": f"{path}/{current}", "path": f"{path}/{target}"}
                    )
                    working.insert(target, working.pop(current))
        previous = item_id
    # 3. every item is in place now: diff what stayed
    for index, item in enumerate(after):
        previous_item = old.get(item["id"])
        if previous_item is not None and previous_item is not item:  # the same view: unchanged
            ops.extend(diff(previous_item, item, f"{path}/{index}"))
    return ops


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def apply_patch(document: Any, ops: list[Op]) -> Any:
    """Apply ops in place (the reference for the JavaScript client; used by tests)."""
    for op in ops:
        if op["op"] == "move":
            value = _remove(document, op["from"])
            document = _add(document, op["path"], value)
        elif op["op"] == "remove":
            _remove(document, op["path"])
        elif op["op"] == "add":
            document = _add(document, op["path"], op["value"])
        elif op["op"] == "replace":
            if op["path"] == "":
                document = op["value"]
            else:
                parent, key = _parent(document, op["path"])
                parent[key] = op["value"]
    return document


def _parent(document: Any, path: str) -> tuple[Any, Any]:
    tokens = [_unescape(token) for token in path.split("/")[1:]]
    node = document
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    last = tokens[-1]
    return node, int(last) if isinstance(node, list) else last


def _remove(document: Any, path: str) -> Any:
    parent, key = _parent(document, path)
    return parent.pop(key)


def _add(document: Any, path: str, value: Any) -> Any:
    if path == "":
        return value
    parent, key = _parent(document, path)
    if isinstance(parent, list):
        parent.insert(key, value)
    else:
        parent[key] = value
    return document

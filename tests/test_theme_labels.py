"""The themes' labels reach the faces (``theme_labels``): grouped as the outcome documents group
them, and sent again when the programme renames the segment a theme names."""

from __future__ import annotations

from typing import Any

from tests.security.conftest import AppFactory, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def test_a_renamed_segment_relabels_the_themes_on_the_screens(make_client: AppFactory) -> None:
    world = build_world(make_client())  # its one segment: "Discussion I"
    body: dict[str, Any] = {
        "command_id": "r1",
        "kind": "recommendation",
        "language": "en",
        "text": "Regular pathways for workers",
    }
    path = f"/events/{world.event['id']}/contributions"
    cid = world.call("delegate", "POST", path, json=body).json()["contribution_id"]
    curate = {"command_id": "t1", "status": "accepted", "themes": ["discussion i", "Decent work"]}
    assert world.call("organiser", "PATCH", f"/contributions/{cid}", json=curate).is_success
    (seen,) = world.call("organiser", "GET", path).json()["contributions"]
    assert seen["theme_labels"] == ["Discussion I", "Decent work"]

    with world.client.websocket_connect(f"/ws/events/{world.event['id']}") as display:
        display.send_json({"type": "hello", "token": world.tokens["display"]})
        snapshot = display.receive_json()
        (shown,) = snapshot["outcome"]["state"]["contributions"]
        assert shown["theme_labels"] == ["Discussion I", "Decent work"]
        rename = {
            "command_id": "u1",
            "command": {"type": "update_segment", "title": "Discussion I: Pathways"},
        }
        answer = world.call(
            "organiser", "POST", f"/segments/{world.segment_id}/commands", json=rename
        )
        assert answer.is_success, answer.text
        while (frame := display.receive_json())["type"] != "outcome":
            pass
        (relabelled,) = frame["state"]["contributions"]
        assert relabelled["theme_labels"] == ["Discussion I: Pathways", "Decent work"]
        assert frame["version"] == snapshot["outcome"]["version"]


def test_a_translation_over_rest_is_marked_with_its_original_in_the_summary(
    make_client: AppFactory,
) -> None:
    """Outside probe K: the rapporteur renders an Arabic recommendation in English; the English
    summary prints the English wording marked "[Original: Arabic]"."""
    world = build_world(make_client())
    body: dict[str, Any] = {
        "command_id": "r1",
        "kind": "recommendation",
        "language": "ar",
        "text": "\u0636\u0645\u0627\u0646 \u0627\u0644\u0639\u0645\u0644",
    }
    path = f"/events/{world.event['id']}/contributions"
    cid = world.call("delegate", "POST", path, json=body).json()["contribution_id"]
    curate = {
        "command_id": "t1",
        "text": "Ensure access to decent work",
        "language": "en",
        "status": "accepted",
    }
    answer = world.call("organiser", "PATCH", f"/contributions/{cid}", json=curate)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["language"], answer.json()["original_language"]) == ("en", "ar")
    summary = world.call("organiser", "GET", f"/events/{world.event['id']}/outcome?lang=en").text
    line = next(line for line in summary.splitlines() if "Ensure access to decent work" in line)
    block = summary[summary.index(line) :][:400]
    assert "Original: Arabic" in block, block  # "\\[Original: Arabic\\]" in Markdown


def test_the_reflection_steps_through_the_contributions_as_the_summary_numbers_them(
    make_client: AppFactory,
) -> None:
    """Outside probe H's gap: the faces counted "2 of 4" in an order of their own (a pledge before
    a recommendation, another label's theme first); the server now sends the documents' order."""
    world = build_world(make_client())  # its one segment: "Discussion I"
    path = f"/events/{world.event['id']}/contributions"
    given = [  # (kind, text, themes), in the order submitted
        ("pledge", "Pledge on decent work", ["Decent work"]),
        ("recommendation", "Untagged recommendation", []),
        ("pledge", "Pledge on the discussion", ["discussion i"]),
        ("recommendation", "Recommendation on decent work", ["Decent work", "Discussion I"]),
        ("recommendation", "Recommendation on the discussion", ["Discussion I"]),
    ]
    ids: dict[str, str] = {}
    for n, (kind, text, themes) in enumerate(given):
        body = {"command_id": f"c{n}", "kind": kind, "language": "en", "text": text}
        ids[text] = world.call("delegate", "POST", path, json=body).json()["contribution_id"]
        curate = {"command_id": f"a{n}", "status": "accepted", "themes": themes}
        answer = world.call("organiser", "PATCH", f"/contributions/{ids[text]}", json=curate)
        assert answer.is_success, answer.text
    texts = {cid: text for text, cid in ids.items()}
    expected = [
        ("Discussion I", ["Recommendation on the discussion", "Pledge on the discussion"]),
        ("Decent work", ["Recommendation on decent work", "Pledge on decent work"]),
        (None, ["Untagged recommendation"]),
    ]
    reflection = world.call("organiser", "GET", path).json()["reflection"]
    assert [(g["theme"], [texts[i] for i in g["ids"]]) for g in reflection] == expected

    summary = world.call("organiser", "GET", f"/events/{world.event['id']}/outcome?lang=en").text
    printed = sorted(texts.values(), key=summary.index)
    assert printed == [text for _, group in expected for text in group]

    with world.client.websocket_connect(f"/ws/events/{world.event['id']}") as display:
        display.send_json({"type": "hello", "token": world.tokens["display"]})
        state = display.receive_json()["outcome"]["state"]
        assert state["reflection"] == reflection

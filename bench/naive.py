"""The naive server: what a first FastAPI version of a live floor usually looks like.

One WebSocket endpoint; on every change the whole state is sent to every client with
``await ws.send_json(state)`` in a plain loop, with uvicorn's defaults (``ws="auto"``,
per-message deflate on, pings every 20 s). No patches, no history, no outboxes: a reconnecting
client gets the whole state again, and a slow client slows the loop for everyone behind it.

It speaks the subset of Floorkeeper's protocol the bench uses. The state is shaped like
Floorkeeper's public view (segment, settings, current speaker and timer, message, queue).
Run: ``python -m bench.naive --port 8766``.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()
clients: set[WebSocket] = set()
state: dict[str, Any] = {
    "type": "state",
    "version": 1,
    "state": {
        "segment": {
            "id": "naive",
            "event_id": "naive",
            "title": "Thematic discussion I",
            "kind": "thematic",
            "aim": "Recommendations on labour pathways",
            "moderator": "H.E. Ms. Example",
            "position": 1,
            "scheduled_start_at": 1652711400000,
            "scheduled_end_at": 1652720400000,
            "status": "live",
            "actual_start_at": 1652711400000,
            "actual_end_at": None,
        },
        "settings": {
            "floor_mode": "moderated",
            "list_open": True,
            "queue_cap": None,
            "warning_ms": 30000,
            "danger_ms": 10000,
            "default_times_ms": {
                "intervention": 180000,
                "point_of_order": 60000,
                "right_of_reply": 60000,
            },
        },
        "current": None,
        "message": "",
        "queue": [],
        "requests": [],
    },
}


def apply(frame: dict[str, Any]) -> dict[str, Any]:
    command = frame.get("command") or {}
    kind = command.get("type")
    view = state["state"]
    extra: dict[str, Any] = {}
    if kind == "set_message":
        view["message"] = command.get("text", "")
    elif kind == "add_speaker":
        n = len(view["queue"])
        view["queue"].append(
            {
                "id": f"e{n:011d}",
                "name": command.get("name", f"Speaker {n}"),
                "organisation": "Organisation",
                "constituency": "member_state",
                "kind": "intervention",
                "allotted_ms": 180000,
            }
        )
    elif kind == "request_floor":
        delegate = str(frame.get("delegate"))
        if any(r["participant_id"] == delegate for r in view["requests"]):
            return {"type": "error", "code": "already_queued"}
        extra["request_id"] = f"r{len(view['requests'])}"
        view["requests"].append(
            {"id": extra["request_id"], "participant_id": delegate, "kind": "intervention"}
        )
    state["version"] += 1
    return {"type": "ack", "version": state["version"], "events": [kind], **extra}


@app.websocket("/ws")
async def socket(ws: WebSocket) -> None:
    await ws.accept()
    try:
        while True:
            frame = await ws.receive_json()
            if frame.get("type") == "hello":
                await ws.send_json(state)
                clients.add(ws)
            elif frame.get("type") == "command":
                answer = apply(frame)
                for client in list(clients):  # the naive broadcast
                    try:
                        await client.send_json(state)
                    except Exception:
                        clients.discard(client)
                await ws.send_json({**answer, "command_id": frame.get("command_id")})
            elif frame.get("type") == "dump":
                requests = {r["participant_id"]: r["id"] for r in state["state"]["requests"]}
                await ws.send_json({"type": "dump", "requests": requests})
    except WebSocketDisconnect:
        pass
    finally:
        clients.discard(ws)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvicorn.run(app, host="127.0.0.1", port=parser.parse_args().port, log_level="warning")

// The delegate's own requests in the followed segment, and where they stand in the queue.

export const OPEN = new Set(["pending", "queued"]);
export const ACTIVE = new Set(["pending", "queued", "speaking"]);

export function segmentOf(connection) {
  const state = connection && connection.state;
  return state ? state.segment : null;
}

/** Whether the followed segment is a break, as the server says it: its kind ("break", as the
 * server reads any client's "Lunch break"), or its `can_request` refusing every kind for that. */
export function isBreak(connection) {
  const segment = segmentOf(connection);
  if (!segment) return false;
  const refused = Object.values(connection.state.can_request || {});
  return segment.kind === "break" || refused.includes("segment_is_break");
}

/**
 * The delegate's places left waiting in segments that ended (the next one, or a break, is live
 * now, and the phone follows it): their requests there still pending or queued, and their turns
 * still in that queue, as the server says them (a snapshot's `elsewhere`, or that segment's
 * `mine`); the moderator has not yet carried that list on nor dropped it. Each `{id, kind, note,
 * segmentId, title}`, the title from the programme.
 */
export function leftPlaces(connection) {
  const followed = segmentOf(connection);
  if (!followed) return [];
  const programme = connection.programme || [];
  const places = [];
  const ended = (segmentId) => programme.find((item) => item.id === segmentId && item.status === "ended");
  for (const [segmentId, requests] of Object.entries(connection.mineElsewhere || {})) {
    const segment = segmentId !== followed.id && ended(segmentId);
    if (!segment) continue;
    for (const request of requests) {
      if (!OPEN.has(request.status)) continue;
      places.push({ id: request.id, kind: request.kind, note: request.note || "", segmentId, title: segment.title });
    }
  }
  for (const [segmentId, turns] of Object.entries(connection.turnsElsewhere || {})) {
    const segment = segmentId !== followed.id && ended(segmentId);
    if (!segment) continue;
    for (const turn of turns) {
      if (turn.status !== "queued") continue;
      places.push({ id: `turn:${turn.entry_id}`, kind: turn.kind, note: "", segmentId, title: segment.title });
    }
  }
  return places;
}

/** Oldest first. */
export function myRequests(connection) {
  if (!connection || !connection.state) return [];
  return [...connection.mine].sort((a, b) => a.requested_at - b.requested_at);
}

/**
 * The delegate's turns that no request of theirs stands for, as the server lists them (`turns`:
 * the moderator or the secretariat queued them directly, or gave them an interposed question),
 * in a request's shape for the cards: nothing to withdraw (`turn`), and a turn the server calls
 * `paused` is a turn `speaking` whose floor an interposed one holds, as for a request.
 */
export function myTurns(connection) {
  if (!connection || !connection.state) return [];
  return (connection.turns || []).map((turn) => ({
    id: `turn:${turn.entry_id}`,
    turn: true,
    kind: turn.kind,
    status: turn.status === "paused" ? "speaking" : turn.status,
    entry_id: turn.entry_id,
    note: "",
    reason: "",
  }));
}

/** Whether a queue entry or a turn on the floor is the delegate's own (a request's or not). */
export function isMine(connection, entryId) {
  return [...myRequests(connection), ...myTurns(connection)].some((request) => request.entry_id === entryId);
}

/**
 * The list of speakers as the room display shows it (speakers.js renderNext): while an
 * interposed question or answer has the floor, the turn it paused first (`returns`: the floor
 * goes back to it after the interposed turn, as the server's `paused` says), then the queue; each
 * `{entry, returns}`. Once the segment has ended, the paused turn returns to nobody's floor.
 */
export function speakersList(connection) {
  const state = connection && connection.state;
  if (!state) return [];
  const ended = state.segment && state.segment.status === "ended";
  const paused = state.paused && !ended ? [{ entry: state.paused, returns: true }] : [];
  return [...paused, ...(state.queue || []).map((entry) => ({ entry, returns: false }))];
}

/** Where a queued request stands: its index in the list of speakers (a paused turn, which
 * speaks again first, counted before the queue), or -1. */
export function placeOf(connection, request) {
  return speakersList(connection).findIndex(({ entry, returns }) => !returns && entry.id === request.entry_id);
}

/**
 * The turn whose entry is `entryId`, as the server sent it: the one on the floor (`current`), or
 * the one an interposed question or answer paused (`paused`, which has the floor again after
 * it); null when neither is. The phone reads which turn is whose, and works no rule out.
 */
export function turnOf(connection, entryId) {
  const state = connection && connection.state;
  if (!state || !entryId) return null;
  return [state.current, state.paused].find((turn) => turn && turn.id === entryId) || null;
}

/** A request's phase as the phone shows it: its status; for one speaking, "paused" while an
 * interposed question or answer has the floor (the server's `paused` is its turn); for one on
 * the list, "next" when first in the list of speakers (never while a paused turn is to have the
 * floor back first: outside probe, "You are next" during an interposed question), or
 * "ended_waiting" once the segment ended before its turn; "carried" for one removed because the
 * moderator carried it on to another segment (`carried_to`: the place goes on there, under the
 * same request); "dropped" for one the moderator dropped when the segment ended before its turn. */
export function phaseFor(connection, request) {
  if (request.status === "removed" && request.carried_to) return "carried";
  if (request.status === "removed" && request.dropped) return "dropped";
  if (request.status === "speaking") {
    const paused = connection.state && connection.state.paused;
    return paused && paused.id === request.entry_id ? "paused" : "speaking";
  }
  if (request.status !== "queued") return request.status;
  // its turn already on the floor (the queue said so before the server's word on the request)
  const current = connection.state && connection.state.current;
  if (current && request.entry_id && current.id === request.entry_id) return "speaking";
  const segment = segmentOf(connection);
  if (segment && segment.status === "ended") return "ended_waiting";
  return placeOf(connection, request) === 0 ? "next" : "queued";
}

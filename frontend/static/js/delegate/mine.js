// The delegate's own requests in the followed segment, and where they stand in the queue.

export const OPEN = new Set(["pending", "queued"]);
export const ACTIVE = new Set(["pending", "queued", "speaking"]);

export function segmentOf(connection) {
  const state = connection && connection.state;
  return state ? state.segment : null;
}

/** Oldest first. */
export function myRequests(connection) {
  if (!connection || !connection.state) return [];
  return [...connection.mine].sort((a, b) => a.requested_at - b.requested_at);
}

export function isMine(connection, entryId) {
  return myRequests(connection).some((request) => request.entry_id === entryId);
}

/** Where a queued request stands: its index in the public queue, or -1. */
export function placeOf(connection, request) {
  const queue = connection.state.queue || [];
  return queue.findIndex((entry) => entry.id === request.entry_id);
}

/** A request's phase as the phone shows it: its status, and for one on the list, "next" when
 * first in the queue, or "ended_waiting" once the segment ended before its turn. */
export function phaseFor(connection, request) {
  if (request.status !== "queued") return request.status;
  const segment = segmentOf(connection);
  if (segment && segment.status === "ended") return "ended_waiting";
  return placeOf(connection, request) === 0 ? "next" : "queued";
}

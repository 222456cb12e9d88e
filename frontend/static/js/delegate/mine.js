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

export function phaseFor(connection, request) {
  if (request.status !== "queued") return request.status;
  return placeOf(connection, request) === 0 ? "next" : "queued";
}

// A request of this delegate's that the moderator dropped when its segment ended before their
// turn (`carry_queue` to nowhere: the server marks it `dropped`), kept in mind on this phone
// until the delegate dismisses it. The phone follows one segment (the live one, else the next):
// once the next segment is live it no longer sees the ended one, so without this the request
// just vanished, after the phone had said "if the moderator carries the list over, your place
// goes with it" (outside probe A). A drop made once the phone follows another segment reaches it
// as that ended segment's `mine` (client.js `mineElsewhere`). Display memory only: the server
// decides.

import { segmentOf } from "./mine.js";

const KEPT = "floorkeeper.dropped";

function read() {
  try {
    return JSON.parse(localStorage.getItem(KEPT) || "null");
  } catch {
    return null;
  }
}

function write(value) {
  try {
    if (value && (value.places.length || value.dismissed.length)) localStorage.setItem(KEPT, JSON.stringify(value));
    else localStorage.removeItem(KEPT);
  } catch {
    // not kept across a reload: still shown while the page is open
  }
}

let held = null; // {participant, places: [{id, kind, title}], dismissed: [id]}

function holding(participantId) {
  if (!held) held = read();
  if (!held || held.participant !== participantId) held = { participant: participantId, places: [], dismissed: [] };
  return held;
}

/** Forget every kept drop (the delegate leaves this phone, or is signed out). */
export function forgetDropped() {
  held = null;
  write(null);
}

/**
 * The delegate's requests dropped when their segment ended, not yet dismissed: learnt from the
 * followed segment's `mine` and the ended segments' (`mineElsewhere`), each `{id, kind, title}`
 * (the segment's title, from the programme when it was learnt).
 */
export function droppedPlaces(connection, participantId) {
  if (!participantId || !connection) return [];
  const kept = holding(participantId);
  const before = JSON.stringify(kept);
  const followed = segmentOf(connection);
  const sources = [[followed ? followed.id : null, connection.mine || []], ...Object.entries(connection.mineElsewhere || {})];
  for (const [segmentId, requests] of sources) {
    for (const request of requests) {
      if (!request.dropped || kept.dismissed.includes(request.id) || kept.places.some((place) => place.id === request.id)) continue;
      const segment = (connection.programme || []).find((item) => item.id === segmentId);
      kept.places.push({ id: request.id, kind: request.kind, title: segment ? segment.title : "" });
    }
  }
  if (JSON.stringify(kept) !== before) write(kept);
  return kept.places;
}

/** The delegate has read it: not shown again on this phone. */
export function dismissDropped(id) {
  if (!held) return;
  held.places = held.places.filter((place) => place.id !== id);
  held.dismissed = [...held.dismissed, id].slice(-50);
  write(held);
}

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

/** What storage holds: per participant (a phone in two rooms is a participant in each), the room
 * (`event`), the drops kept and those dismissed. An older page kept one participant's: read as
 * theirs, its room unknown. */
function read() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEPT) || "null");
    if (stored && stored.participant) {
      return { [stored.participant]: { event: null, places: stored.places || [], dismissed: stored.dismissed || [] } };
    }
    return (stored && stored.rooms) || {};
  } catch {
    return {};
  }
}

function write(rooms) {
  try {
    const kept = Object.fromEntries(Object.entries(rooms).filter(([, room]) => room.places.length || room.dismissed.length));
    if (Object.keys(kept).length) localStorage.setItem(KEPT, JSON.stringify({ rooms: kept }));
    else localStorage.removeItem(KEPT);
  } catch {
    // not kept across a reload: still shown while the page is open
  }
}

let held = null; // {[participantId]: {event, places: [{id, kind, title}], dismissed: [id]}}

function holding(participantId, eventId) {
  if (!held) held = read();
  if (!held[participantId]) held[participantId] = { event: eventId, places: [], dismissed: [] };
  if (eventId && !held[participantId].event) held[participantId].event = eventId;
  return held[participantId];
}

/** Forget the drops kept for the room `eventId` (the delegate leaves it, or is signed out of it):
 * the other room's stay. Every room's when `eventId` is not given. */
export function forgetDropped(eventId = null) {
  const rooms = eventId ? held || read() : {};
  for (const [participant, kept] of Object.entries(rooms)) {
    if (kept.event === eventId || kept.event === null) delete rooms[participant];
  }
  held = rooms;
  write(rooms);
}

/**
 * The delegate's requests dropped when their segment ended, not yet dismissed: learnt from the
 * followed segment's `mine` and the ended segments' (`mineElsewhere`), each `{id, kind, title}`
 * (the segment's title, from the programme when it was learnt).
 */
export function droppedPlaces(connection, participantId, eventId = null) {
  if (!participantId || !connection) return [];
  const kept = holding(participantId, eventId);
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
  if (JSON.stringify(kept) !== before) write(held);
  return kept.places;
}

/** The delegate has read it: not shown again on this phone. */
export function dismissDropped(id) {
  if (!held) return;
  for (const kept of Object.values(held)) {
    if (!kept.places.some((place) => place.id === id)) continue;
    kept.places = kept.places.filter((place) => place.id !== id);
    kept.dismissed = [...kept.dismissed, id].slice(-50);
  }
  write(held);
}

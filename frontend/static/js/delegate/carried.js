// A place the moderator carried to another segment, kept in mind on this phone. When a segment
// ends, the moderator may carry its waiting speakers on (`carry_queue`): the request there becomes
// `removed` with `carried_to`, and the same request lives on in that segment. The phone follows one
// segment (the live one, else the next): once another is live (the lunch break) it no longer sees
// the ended segment, nor the carried one until that one is live. So it remembers what it saw,
// to say where the place goes on, until it follows that segment and sees the request there itself
// (or the segment has ended, or left the programme). A carry made once the phone follows another
// segment reaches it as that ended segment's `mine` all the same (client.js `mineElsewhere`); a
// turn queued directly (a panellist's, no request) as the receiving segment's (`turnsElsewhere`).
// Display memory only: the server decides.

import { segmentOf } from "./mine.js";

const KEPT = "floorkeeper.carried";

/** What storage holds: per participant (a phone in two rooms is a participant in each), the room
 * (`event`) and the places kept. An older page kept one participant's: read as theirs, its room
 * unknown. */
function read() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEPT) || "null");
    if (stored && stored.participant) return { [stored.participant]: { event: null, places: stored.places || [] } };
    return (stored && stored.rooms) || {};
  } catch {
    return {};
  }
}

function write(rooms) {
  try {
    if (Object.keys(rooms).length) localStorage.setItem(KEPT, JSON.stringify({ rooms }));
    else localStorage.removeItem(KEPT);
  } catch {
    // not kept across a reload: still shown while the page is open
  }
}

let held = null; // {[participantId]: {event, places}}: what storage holds, or would if it could

/** Forget the places kept for the room `eventId` (the delegate leaves it, or is signed out of
 * it): the other room's stay. Every room's when `eventId` is not given. */
export function forgetCarried(eventId = null) {
  if (!eventId) {
    held = {};
    write(held);
    return;
  }
  const rooms = held || read();
  for (const [participant, kept] of Object.entries(rooms)) {
    if (kept.event === eventId || kept.event === null) delete rooms[participant];
  }
  held = rooms;
  write(rooms);
}

/**
 * The delegate's places carried to a segment this phone does not follow now: learnt from their
 * requests in the followed segment (`removed`, `carried_to`), kept until the phone follows that
 * segment (its own cards take over), or it has ended or is no longer in the programme. Each is
 * `{id, kind, note, to}`; one the followed segment still lists itself (its `mine`) is left out.
 */
export function carriedPlaces(connection, participantId, eventId = null) {
  const segment = segmentOf(connection);
  if (!segment || !participantId) return [];
  if (!held) held = read();
  let places = held[participantId] ? [...held[participantId].places] : [];
  const mine = connection.mine || [];
  const elsewhere = Object.values(connection.mineElsewhere || {}).flat();
  for (const request of [...mine, ...elsewhere]) {
    if (request.status !== "removed" || !request.carried_to) continue;
    if (places.some((place) => place.id === request.id)) continue;
    places.push({ id: request.id, kind: request.kind, note: request.note || "", to: request.carried_to });
  }
  // a turn the moderator queued directly (a panellist's: no request stands for it) carried on:
  // the receiving segment's `mine` lists it among its turns while the phone follows another
  for (const [to, turns] of Object.entries(connection.turnsElsewhere || {})) {
    for (const turn of turns) {
      if (turn.status !== "queued" || places.some((place) => place.id === turn.entry_id)) continue;
      places.push({ id: turn.entry_id, kind: turn.kind, note: "", to });
    }
  }
  const programme = connection.programme || [];
  places = places.filter((place) => {
    if (place.to === segment.id) return false; // followed now: the server's cards say it
    if (!programme.length) return true; // nothing to check against yet
    const target = programme.find((item) => item.id === place.to);
    return Boolean(target) && target.status !== "ended";
  });
  const before = JSON.stringify(held[participantId] || null);
  const now = places.length ? { event: eventId, places } : null;
  if (JSON.stringify(now) !== before) {
    if (now) held[participantId] = now;
    else delete held[participantId];
    write(held);
  }
  return places.filter((place) => !mine.some((request) => request.id === place.id));
}

// What this phone remembers of its delegate: the name shown at the top, and the join link it
// last came in by. The HttpOnly cookie is what signs them in; this says only that the page has
// reason to ask (see mayHaveSession), and the name until the server says it again, and the link
// (see delegate.js: a phone that came in by this very link goes on with its session without
// looking the code up).

import { forgetCarried } from "./carried.js";
import { forgetDropped } from "./dropped.js";

const REMEMBERED = "floorkeeper.delegate";
// The rooms (meeting days) this phone joined, each by the join code it came in by: a phone in two
// rooms holds a sign-in for each (app/auth.py), and leaving one keeps the other.
const ROOMS = "floorkeeper.delegate.rooms";

function rooms() {
  try {
    return JSON.parse(localStorage.getItem(ROOMS) || "{}") || {};
  } catch {
    return {};
  }
}

function keepRooms(joined) {
  try {
    if (Object.keys(joined).length) localStorage.setItem(ROOMS, JSON.stringify(joined));
    else localStorage.removeItem(ROOMS);
  } catch {
    // the cookie still signs them in
  }
}

/** Remember who holds this phone, the join code of the link they came in by, and the room
 * (`eventId`) that link is for. */
export function remember(participant, joinCode, eventId = null) {
  try {
    localStorage.setItem(REMEMBERED, JSON.stringify({ participant, join_code: joinCode, event_id: eventId }));
  } catch {
    // the cookie still signs them in; only the name shown is lost
  }
  if (eventId) keepRooms({ ...rooms(), [eventId]: joinCode });
}

/** The room this phone joined by this join code, or null. */
export function roomOf(joinCode) {
  const found = Object.entries(rooms()).find(([, code]) => code === joinCode);
  return found ? found[0] : null;
}

/** {participant, joinCode} for this participant, or null. */
export function remembered(participantId) {
  try {
    const stored = JSON.parse(localStorage.getItem(REMEMBERED) || "null");
    const participant = stored && (stored.participant || stored); // older pages kept the participant only
    if (!participant || participant.id !== participantId) return null;
    return { participant, joinCode: stored.join_code || null };
  } catch {
    return null;
  }
}

/** Whether this phone has reason to think it holds a session: it remembers a delegate or a room
 * (written at join and at every resume, forgotten at leave and sign-out). A fresh phone does
 * not, and need not ask the server (the cookie is HttpOnly: no script can see it). Storage that
 * cannot be read says "maybe": the server is asked, as before. */
export function mayHaveSession() {
  try {
    return localStorage.getItem(REMEMBERED) !== null || localStorage.getItem(ROOMS) !== null;
  } catch {
    return true;
  }
}

/** Forget the delegate of this room (`eventId`; every room when not given), and the places this
 * phone kept in mind for them there (carried.js, dropped.js). */
export function forget(eventId = null) {
  forgetCarried(eventId); // this room's places: a phone in two rooms keeps the other's
  forgetDropped(eventId);
  const left = eventId ? rooms() : {};
  if (eventId) delete left[eventId];
  keepRooms(left);
  try {
    const stored = JSON.parse(localStorage.getItem(REMEMBERED) || "null");
    if (!eventId || !stored || !stored.event_id || stored.event_id === eventId) localStorage.removeItem(REMEMBERED);
  } catch {
    // nothing to forget
  }
}

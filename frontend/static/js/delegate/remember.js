// What this phone remembers of its delegate: the name shown at the top, and the join link it
// last came in by. The HttpOnly cookie is what signs them in; this says only that the page has
// reason to ask (see mayHaveSession), and the name until the server says it again, and the link
// (see delegate.js: a phone that came in by this very link goes on with its session without
// looking the code up).

import { forgetCarried } from "./carried.js";

const REMEMBERED = "floorkeeper.delegate";

/** Remember who holds this phone and the join code of the link they came in by. */
export function remember(participant, joinCode) {
  try {
    localStorage.setItem(REMEMBERED, JSON.stringify({ participant, join_code: joinCode }));
  } catch {
    // the cookie still signs them in; only the name shown is lost
  }
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

/** Whether this phone has reason to think it holds a session: it remembers a delegate (written
 * at join and at every resume, forgotten at leave and sign-out). A fresh phone does not, and need
 * not ask the server (the cookie is HttpOnly: no script can see it). Storage that cannot be read
 * says "maybe": the server is asked, as before. */
export function mayHaveSession() {
  try {
    return localStorage.getItem(REMEMBERED) !== null;
  } catch {
    return true;
  }
}

/** Forget the delegate, and the places this phone kept in mind for them (carried.js). */
export function forget() {
  forgetCarried();
  try {
    localStorage.removeItem(REMEMBERED);
  } catch {
    // nothing to forget
  }
}

// What this phone remembers of its delegate: the name shown at the top, and the join link it
// last came in by. The HttpOnly cookie is what signs them in; losing this loses only the name
// until the server says it again, and the link (see delegate.js: a phone that came in by this
// very link goes on with its session without looking the code up).

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

export function forget() {
  try {
    localStorage.removeItem(REMEMBERED);
  } catch {
    // nothing to forget
  }
}

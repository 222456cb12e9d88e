// What this phone remembers of its delegate (the name shown at the top): the HttpOnly cookie is
// what signs them in, so losing this loses only the name until the server says it again.

const REMEMBERED = "floorkeeper.delegate";

export function remember(participant) {
  try {
    localStorage.setItem(REMEMBERED, JSON.stringify(participant));
  } catch (error) {
    // the cookie still signs them in; only the name shown is lost
  }
}

export function remembered(participantId) {
  try {
    const stored = JSON.parse(localStorage.getItem(REMEMBERED) || "null");
    return stored && stored.id === participantId ? stored : null;
  } catch (error) {
    return null;
  }
}

export function forget() {
  try {
    localStorage.removeItem(REMEMBERED);
  } catch (error) {
    // nothing to forget
  }
}

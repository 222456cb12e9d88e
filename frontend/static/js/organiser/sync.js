// Two organisers at once: what one of them changes reaches the other's desk within seconds. The
// desk asks the server every few seconds, while its tab is visible (and at once when it is shown
// again), for a token per read (GET /events/{id}/revisions: the event with its join code and live
// page, the programme, the participants, the access links), and reads again only the part whose
// token changed. A section draws what it is told without destroying a form someone is typing in
// (programme.js, event.js and participants.js say in the form what changed under it). The day
// deleted meanwhile (by another organiser: its poll answers 404) is said, and another one shown.

import { api } from "../client.js";
import { t } from "../i18n.js";

const EVERY_MS = 2500;

/** The parts of the desk each token stands for (what `desk.refresh` reads again). */
const PARTS = { event: "event", programme: "event", participants: "participants", access_links: "links" };

export function createSync(desk) {
  let seen = null; // the tokens of what this desk has read, or null before the first answer
  let eventId = null;
  let asking = null; // the question under way, if any

  const path = () => `/events/${encodeURIComponent(desk.event.id)}/revisions`;

  /** The tokens as they are now, read BEFORE this desk reads the event's parts (a change made in
   * between changes a token again: it is read at the next poll). */
  async function prime() {
    seen = null;
    eventId = desk.event ? desk.event.id : null;
    if (!eventId) return;
    try {
      seen = await api("GET", path());
    } catch {
      seen = {}; // read again at the first answer
    }
  }

  async function ask() {
    if (!desk.event || desk.event.id !== eventId || seen === null) return;
    if (document.visibilityState !== "visible") return;
    const id = eventId;
    let now;
    try {
      now = await api("GET", path());
    } catch (error) {
      if (error.status === 401) desk.call("GET", "/session").catch(() => {}); // says signed out
      // the day itself is gone (another organiser deleted it): said, and the desk shows another
      if (error.status === 404 && desk.event && desk.event.id === id && eventId === id) {
        eventId = null;
        seen = null;
        await desk.eventGone(id);
        desk.notices.show(t("desk.delete.gone"), "warning");
      }
      return;
    }
    if (!desk.event || desk.event.id !== id || eventId !== id) return; // another event meanwhile
    // the event chosen again meanwhile (prime() reads the tokens anew): its answer is the one kept
    if (seen === null) return;
    const before = seen;
    seen = { ...now };
    const parts = new Set(Object.keys(PARTS).filter((token) => now[token] !== before[token]).map((token) => PARTS[token]));
    await Promise.all(
      [...parts].map(async (part) => {
        try {
          await desk.refresh(part);
        } catch {
          // read again at the next poll
          for (const [token, of] of Object.entries(PARTS)) if (of === part && seen) seen[token] = null;
        }
      }),
    );
  }

  /** Ask now (one question at a time: a second call waits for the one under way). */
  function poll() {
    asking ||= ask().finally(() => {
      asking = null;
    });
    return asking;
  }

  setInterval(poll, EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll();
  });
  window.addEventListener("focus", () => poll());

  /** Signed out: nothing more is asked. */
  function stop() {
    eventId = null;
    seen = null;
  }

  return { prime, poll, stop };
}

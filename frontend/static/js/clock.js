// Speaker clock: huge remaining time, green → amber → red, overtime counting up and flashing,
// the moderator's message large, the next speaker small. Faces the podium.
import { FloorConnection, actAs, formatClock, keepAwake, phaseOf, remainingMs, signIn } from "./client.js";
import { setText } from "./dom.js";

const $ = (id) => document.getElementById(id);
actAs("display");
const eventId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());

function render(connection) {
  const state = connection.state;
  const current = state && state.current;
  setText($("speaker"), current ? current.name : "");
  // an interposed question or answer: whose turn waits for the floor back
  const paused = state && state.paused;
  $("paused").hidden = !paused;
  setText($("paused"), paused ? `${paused.name} — paused` : "");
  setText($("message"), (state && state.message) || "");
  const next = state && state.queue[0];
  setText($("next"), next ? `Next: ${next.name}` : "");
  tick(connection);
}

function tick(connection) {
  const state = connection.state;
  const current = state && state.current;
  const time = $("time");
  let phase = "idle";
  if (current) {
    const ms = remainingMs(current.timer, connection.clock.now());
    phase = phaseOf(ms, state.settings);
    setText(time, formatClock(ms));
    if (current.timer.state !== "running") phase += " stopped";
  } else {
    setText(time, "–:––");
  }
  const className = `clock phase-${phase}${state && state.message ? " has-message" : ""}`;
  if (document.body.className !== className) document.body.className = className;
}

async function main() {
  let session;
  try {
    session = await signIn();
  } catch {
    session = null;
  }
  if (!session) {
    setText($("message"), "This clock link is not valid any more — ask the organiser for a new one.");
    return;
  }
  keepAwake();
  const connection = new FloorConnection(`/ws/events/${encodeURIComponent(eventId)}`);
  connection.addEventListener("change", () => render(connection));
  connection.addEventListener("status", (event) => {
    $("connection").hidden = event.detail !== "reconnecting";
  });
  connection.start();
  setInterval(() => tick(connection), 100);
  window.floorConnection = connection; // for the browser tests and for debugging in the room
}

main();

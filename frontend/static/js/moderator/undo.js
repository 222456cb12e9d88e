// Undo: the button (and U) says what the next undo takes back, in the server's words (the view's
// `undo`: its label and command), and why it cannot when it cannot (the state's `actions.undo`).
// Taking back a segment's start or end changes which segment is live: that one asks twice.

import { setText } from "../dom.js";
import { refusalFor, setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);
const CONFIRM_MS = 4000;
/** Commands whose undo moves the live segment: the button asks "are you sure?" first. */
const ASK_FIRST = new Set(["start_segment", "end_segment"]);

export function createUndo(ctx) {
  const button = $("btn-undo");
  const label = $("btn-undo-label");
  const reasonLine = $("undo-reason");
  let armed = null; // {label, timer} while the button waits for a second press
  let lastState = null;

  function disarm() {
    if (!armed) return;
    clearTimeout(armed.timer);
    armed = null;
    button.dataset.armed = "false";
    if (lastState) render(lastState);
  }

  function perform() {
    const state = ctx.state();
    const reason = refusalFor("undo", state);
    if (reason) {
      ctx.notices.show(reason, "warning");
      return null;
    }
    // read now: updates patch the state in place, so by the ack `state.undo` names the one after
    const { label: undoing, command } = state.undo;
    if (ASK_FIRST.has(command) && !(armed && armed.label === undoing)) {
      disarm();
      armed = { label: undoing, timer: setTimeout(disarm, CONFIRM_MS) };
      button.dataset.armed = "true";
      setText(label, `Confirm: undo ${undoing}`);
      ctx.notices.show(`Undoing ${undoing} changes which segment is live. Press U or the button again to confirm.`, "warning");
      return null;
    }
    disarm();
    return ctx.run({ type: "undo" }, { versioned: true }).then((ack) => {
      if (ack) ctx.notices.show(`Undone: ${undoing}.`, "info");
      return ack;
    });
  }

  button.addEventListener("click", () => perform());

  function render(state) {
    lastState = state;
    const next = state.undo;
    if (armed && (!next || next.label !== armed.label)) {
      clearTimeout(armed.timer); // the floor moved on: what was armed is no longer next
      armed = null;
      button.dataset.armed = "false";
    }
    if (!armed) setText(label, next ? `Undo ${next.label}` : "Undo");
    button.dataset.command = next ? next.command : "";
    const reason = refusalFor("undo", state);
    setAvailable(button, reason);
    if (!reason && next) button.title = `Undo ${next.label} (U)`;
    // visible: why not (the server's refusal, naming the command), or that there is nothing yet
    setText(reasonLine, reason || "");
    reasonLine.dataset.tone = !reason ? "none" : next ? "refused" : "empty";
    reasonLine.hidden = !reason;
  }

  function reset() {
    disarm();
    lastState = null;
  }

  return { render, perform, reset };
}

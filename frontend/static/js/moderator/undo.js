// Undo: the button (and U) says what the next undo takes back, in the server's words (the view's
// `undo`: its label and command), and why it cannot when it cannot (the state's `actions.undo`).
// Taking back a segment's start or end changes which segment is live: that one asks twice, and a
// double tap does not confirm it (presses.js tooSoonToConfirm, the programme's rule).
// A notice of something undo takes back has a copy of this button (offer: Notices.undoable): it
// says what this one says (the server's view: what the next undo takes back, or why it cannot)
// and its press is this one's, asking twice where this one does.

import { h, setText } from "../dom.js";
import { currentLanguage, t } from "../i18n.js";
import { markArmed, onePressPerTap, tooSoonToConfirm } from "./presses.js";
import { confirmHint, titleWithKey } from "./shortcuts.js";
import { refusalFor, setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);
const CONFIRM_MS = 4000;
/** Commands whose undo moves the live segment: the button asks "are you sure?" first, saying what
 * the undo leaves live. Undoing a start makes the segment that start ended live again, as it was
 * (none if it ended none: docs/protocol.md, undo); undoing an end makes the segment live again,
 * ending one live since. */
const ASK_FIRST = {
  start_segment: { asking: "console.undo.asking_start", done: "console.undo.done_start", tone: "warning" },
  end_segment: { asking: "console.undo.asking", done: "console.undo.done", tone: "info" },
};

/** What undo takes back, by the command it undoes, in words for a page not in English. */
const COMMANDS = {
  start_segment: "console.undo.what.start_segment",
  end_segment: "console.undo.what.end_segment",
  approve_request: "console.undo.what.approve_request",
  decline_request: "console.undo.what.decline_request",
  add_speaker: "console.undo.what.add_speaker",
  move_entry: "console.undo.what.move_entry",
  remove_entry: "console.undo.what.remove_entry",
  readd_last_speaker: "console.undo.what.readd_last_speaker",
  edit_entry: "console.undo.what.edit_entry",
  apply_order: "console.undo.what.apply_order",
  set_queue_times: "console.undo.what.set_queue_times",
  set_floor_mode: "console.undo.what.set_floor_mode",
  close_list: "console.undo.what.close_list",
  reopen_list: "console.undo.what.reopen_list",
  set_queue_cap: "console.undo.what.set_queue_cap",
  set_default_time: "console.undo.what.set_default_time",
  set_thresholds: "console.undo.what.set_thresholds",
  set_budget: "console.undo.what.set_budget",
  set_points_of_order: "console.undo.what.set_points_of_order",
  set_start_timer_on_call: "console.undo.what.set_start_timer_on_call",
  call_next: "console.undo.what.call_next",
  end_turn: "console.undo.what.end_turn",
  interpose: "console.undo.what.interpose",
  start_timer: "console.undo.what.start_timer",
  pause_timer: "console.undo.what.pause_timer",
  resume_timer: "console.undo.what.resume_timer",
  adjust_time: "console.undo.what.adjust_time",
  reset_timer: "console.undo.what.reset_timer",
  set_message: "console.undo.what.set_message",
  clear_message: "console.undo.what.clear_message",
  set_notes: "console.undo.what.set_notes",
};

/** A command in the page's words ("adding a speaker"), by its type: what undo would take back
 * of it, and what the console keeps to send while its line is down (moderator.js). */
export const commandWhat = (type) =>
  t(Object.hasOwn(COMMANDS, type) ? COMMANDS[type] : "console.undo.what.other");

/**
 * What the next undo takes back. The server names it in English, with whom it concerns ("calling
 * Panellist 1"): an English page shows that; another language names the command in its own words
 * and whom it concerns beside them (the view's `subject`), isolated from the sentence around it.
 */
function undoWhat(undo) {
  if (currentLanguage() === "en" && undo.label) return undo.label;
  const what = commandWhat(undo.command);
  return undo.subject ? t("console.undo.what_of", { what, name: `\u2068${undo.subject}\u2069` }) : what;
}

/** Undoing a start that ended another segment: that one is live again, named. */
const BRINGS_BACK = { asking: "console.undo.asking_start_back", done: "console.undo.done_start_back", tone: "warning" };

export function createUndo(ctx) {
  /** The title of the segment an undone start brings back (isolated in the sentence), or null. */
  const broughtBack = (id) => {
    if (!id) return null;
    const segment = (ctx.conn.programme || []).find((entry) => entry.id === id);
    return segment ? `\u2068${segment.title}\u2069` : null;
  };

  const button = $("btn-undo");
  const label = $("btn-undo-label");
  const reasonLine = $("undo-reason");
  let armed = null; // {label, at, timer} while the button waits for a second press
  const repeated = onePressPerTap(); // the button and its copies in the notices alike
  let lastState = null;
  let refused = null; // why undo cannot be taken now (the server's), as the button shows it
  const copies = new Set(); // the notices' Undo buttons (offer)
  const placed = new WeakSet(); // those that were in their notice (gone from it: forgotten)

  function disarm() {
    if (!armed) return;
    clearTimeout(armed.timer);
    armed = null;
    button.dataset.armed = "false";
    if (lastState) render(lastState);
    else mirror();
  }

  /** Each notice's Undo button as this one is now: its words, armed or not, available or not. */
  function mirror() {
    for (const copy of copies) {
      if (copy.isConnected) placed.add(copy);
      else if (placed.has(copy)) {
        copies.delete(copy); // its notice is gone
        continue;
      }
      setText(copy.querySelector(".notice-undo-label"), label.textContent);
      copy.dataset.armed = button.dataset.armed || "false";
      setAvailable(copy, refused);
    }
  }

  /** A new copy of this button for a notice (Notices.undoable): pressed, it does what this one
   * does; done, its notice goes (what it offered is taken back). */
  function offer() {
    const copy = h(
      "button",
      { type: "button", class: "btn btn-small btn-undo notice-undo" },
      h("span", { "aria-hidden": "true", class: "undo-icon" }, "↶"),
      " ",
      h("span", { class: "notice-undo-label" }),
    );
    copy.addEventListener("click", (event) => {
      const sent = perform(event);
      if (sent) sent.then((ack) => ack && copy.closest(".notice")?.remove());
    });
    copies.add(copy);
    mirror();
    return copy;
  }

  /** Undo, as the button, the U key or a notice's copy asks it (`event`: a press's, null for a
   * key: a double tap does not confirm what its first tap armed). */
  function perform(event = null) {
    const state = ctx.state();
    const reason = refusalFor("undo", state);
    if (reason) {
      ctx.notices.show(reason, "warning");
      return null;
    }
    // read now: updates patch the state in place, so by the ack `state.undo` names the one after
    const { label: undoing, command } = state.undo;
    const what = undoWhat(state.undo);
    let ask = Object.hasOwn(ASK_FIRST, command) ? ASK_FIRST[command] : null;
    // a start: the segment it ended, which the undo makes live again, by name (the server says
    // which; the programme gives its title), or that none will be live
    const back = command === "start_segment" ? broughtBack(state.undo.brings_back) : null;
    if (command === "start_segment") ask = back ? BRINGS_BACK : ask;
    const confirming = !!ask && !!armed && armed.label === undoing;
    if (confirming && tooSoonToConfirm(event, armed.at)) return null; // a double tap: still armed
    // a double tap on an Undo that does not ask first takes back one change, not two
    if (!confirming && event && repeated(event)) return null;
    if (ask && !confirming) {
      disarm();
      armed = { label: undoing, at: markArmed(button, event), timer: setTimeout(disarm, CONFIRM_MS) };
      button.dataset.armed = "true";
      setText(label, t("console.undo.confirm", { what }));
      mirror();
      ctx.notices.undoable(confirmHint(t(ask.asking, { what, title: back })), "warning");
      return null;
    }
    disarm();
    // named for its segment: undoing a start makes another segment live, which the console
    // follows at once, maybe before the ack; sent again from there, it is still this one's
    return ctx.run({ type: "undo" }, { versioned: true, segmentId: ctx.viewingId() }).then((ack) => {
      if (ack) ctx.notices.show(t(ask ? ask.done : "console.undo.done", { what, title: back }), ask ? ask.tone : "info");
      return ack;
    });
  }

  button.addEventListener("click", (event) => perform(event));

  function render(state) {
    lastState = state;
    const next = state.undo;
    if (armed && (!next || next.label !== armed.label)) {
      clearTimeout(armed.timer); // the floor moved on: what was armed is no longer next
      armed = null;
      button.dataset.armed = "false";
    }
    if (!armed) setText(label, next ? t("console.undo.label", { what: undoWhat(next) }) : t("console.undo.button"));
    button.dataset.command = next ? next.command : "";
    const reason = refusalFor("undo", state);
    refused = reason;
    setAvailable(button, reason);
    if (!reason && next) button.title = titleWithKey(t("console.undo.title", { what: undoWhat(next) }), "U");
    // visible: why not (the server's refusal, naming the command), or that there is nothing yet
    setText(reasonLine, reason || "");
    reasonLine.dataset.tone = !reason ? "none" : next ? "refused" : "empty";
    reasonLine.hidden = !reason;
    mirror();
  }

  function reset() {
    disarm();
    lastState = null;
  }

  return { render, perform, reset, offer };
}

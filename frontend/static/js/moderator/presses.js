// A double tap (two taps 120–150 ms apart, a nervous finger's) is one gesture, never two
// decisions. The console's two guards against it are written here, once, with one pause
// (GUARD_MS), read from the presses' own event.timeStamp (performance.now()'s clock), not from a
// timer:
// - a button that asks "are you sure?" by a second press (armOnFirstPress: End segment, Make
//   live, the banner's Make live, Drop them; the Undo button where it asks first: undo.js): a
//   confirming press this soon after the arming one is ignored, and the button stays armed, so a
//   deliberate second press still confirms (tooSoonToConfirm);
// - a button that a second press undoes or repeats and that does not ask twice (Start/Pause,
//   Undo where it does not ask first): a pointer press this soon after the last one it took is
//   ignored (onePressPerTap);
// - a list whose rows a press removes or moves (the queue's ✕ ↑ ↓, the floor requests' Approve
//   and Decline, the notices' Undo and ×): after such a press, the next press, on that list's
//   buttons this soon and where the finger was (NEAR_PX: the row below slid up under it), is
//   ignored and nothing is sent; a press this soon elsewhere (the mouse moved to another row),
//   or after a press outside the list, is the moderator's next one (guardRows).
// Only presses made with a pointer (a mouse, a finger, a pen: a click whose `detail` is not 0)
// are held back. A key pressed twice is two presses: the focus stays where the moderator put it
// and nothing slides under a key (a key held down repeats nothing: shortcuts.js).

import { h, setText } from "../dom.js";

/** A press this soon (ms) after the one before is the same gesture (a double tap's second). */
export const GUARD_MS = 500;

/** A press this close (CSS px) to the one before is where that finger was: a double tap lands
 * within a fingertip of its first tap; another row's or another control's button is further. */
export const NEAR_PX = 40;

/** How long a button that asks twice stays armed (ms). */
const ARMED_MS = 4000;

/** Whether `event` is a press made with a pointer (a click from a key has detail 0). */
export const byPointer = (event) => !!event && typeof event.detail === "number" && event.detail > 0;

/** When a press happened, on performance.now()'s clock: its event's time, else now (a key). */
const pressedAt = (event) => (event && typeof event.timeStamp === "number" ? event.timeStamp : performance.now());

/**
 * Whether `event`, a press on a button armed by a press at `armedAt` (pressedAt), comes too soon
 * to confirm: a double tap's second tap, ignored (the button stays armed).
 */
export function tooSoonToConfirm(event, armedAt) {
  return byPointer(event) && pressedAt(event) - armedAt < GUARD_MS;
}

/** The time of a press that arms a button, kept on it (`data-armed-at`: also what a test waits
 * on before a deliberate second press). */
export function markArmed(button, event) {
  const at = pressedAt(event);
  button.dataset.armedAt = String(at);
  return at;
}

/**
 * For a button whose press is not asked twice and that a second press would undo or repeat
 * (Start/Pause: a double tap started and paused the timer; Undo: it took back two changes):
 * returns `repeated(event)`, true for a pointer press less than GUARD_MS after the last press it
 * let through (a double tap's second: ignore it). A press it ignores does not restart the pause;
 * a key pressed twice is two presses.
 */
export function onePressPerTap() {
  let last = -Infinity;
  return (event) => {
    if (!byPointer(event)) return false;
    const at = pressedAt(event);
    if (at - last < GUARD_MS) return true;
    last = at;
    return false;
  };
}

/**
 * After a press on a button of `list` that matches `acting` (one that removes or moves a row),
 * the next press, if it is on one of the list's buttons within GUARD_MS and NEAR_PX of it, is
 * ignored before it reaches its handlers: nothing is sent (a press elsewhere in between: no
 * double tap). Installed once per list, on the list itself (its rows come and go).
 */
export function guardRows(list, acting) {
  let acted = null; // {at, x, y}: the last press, if it removed or moved a row
  document.addEventListener(
    "click",
    (event) => {
      if (!(event.target instanceof Node && list.contains(event.target))) acted = null;
    },
    true,
  );
  list.addEventListener(
    "click",
    (event) => {
      if (!byPointer(event)) return;
      const button = event.target instanceof Element ? event.target.closest("button") : null;
      if (!button || !list.contains(button)) return;
      const at = pressedAt(event);
      const again =
        acted !== null &&
        at - acted.at < GUARD_MS &&
        Math.hypot(event.clientX - acted.x, event.clientY - acted.y) < NEAR_PX;
      if (again) {
        event.stopImmediatePropagation();
        event.preventDefault();
        return;
      }
      acted = button.matches(acting) ? { at, x: event.clientX, y: event.clientY } : null;
    },
    true,
  );
}

/**
 * Make `button` ask "are you sure?" by changing its own label for a few seconds: the first press
 * arms it, the second (while armed, and not a double tap's: tooSoonToConfirm) does
 * `onConfirm(event)`. `label` and `confirmLabel` are its text at rest and armed (strings, or
 * functions read when it changes); `needsConfirm()` false: one press.
 *
 * Optional, for a button whose accessible name is not its text: `name` is that name at rest and
 * `armedName` the name while it waits for the second press (so a screen reader hears that the
 * next press confirms); `onArm` runs when it arms (to announce it: armedNotice) and may return a
 * function that runs when it disarms (on the second press or when the few seconds are up).
 * Returns `disarm` (to call when what the button is about changes under it).
 */
export function armOnFirstPress(
  button,
  { label, confirmLabel, onConfirm, needsConfirm = () => true, name = null, armedName = null, onArm = null },
) {
  const read = (value) => (typeof value === "function" ? value() : value);
  let timer = null;
  let onDisarm = null;
  let armedAt = -Infinity;
  const nameAs = (text) => {
    if (text) button.setAttribute("aria-label", text);
    else button.removeAttribute("aria-label");
  };
  const disarm = () => {
    clearTimeout(timer);
    if (button.dataset.armed !== "true") return;
    button.dataset.armed = "false";
    setText(button, read(label));
    if (armedName) nameAs(read(name));
    if (onDisarm) onDisarm();
    onDisarm = null;
  };
  button.addEventListener("click", (event) => {
    const armed = button.dataset.armed === "true";
    if (armed && tooSoonToConfirm(event, armedAt)) return; // a double tap: still armed
    if (!needsConfirm() || armed) {
      disarm();
      onConfirm(event);
      return;
    }
    armedAt = markArmed(button, event);
    button.dataset.armed = "true";
    setText(button, read(confirmLabel));
    if (armedName) nameAs(read(armedName));
    const undo = onArm ? onArm() : null;
    onDisarm = typeof undo === "function" ? undo : null;
    timer = setTimeout(disarm, ARMED_MS);
  });
  return disarm;
}

/** A new button that asks "are you sure?" (armOnFirstPress), with its label and class. */
export function confirmingButton(
  label,
  confirmLabel,
  className,
  onConfirm,
  needsConfirm = () => true,
  { name = null, armedName = null, onArm = null } = {},
) {
  const button = h("button", { type: "button", class: className, "aria-label": name }, label);
  armOnFirstPress(button, { label, confirmLabel, onConfirm, needsConfirm, name, armedName, onArm });
  return button;
}

/** An `onArm` that says what the armed button will do in a notice, gone again when it disarms. */
export const armedNotice = (notices, text) => () => {
  const notice = notices.show(text, "warning");
  return () => notice.remove();
};

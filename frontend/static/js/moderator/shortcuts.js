// Keyboard shortcuts for the moments the moderator's eyes are on the room, and their help dialog.
// They never fire while typing in a field, and never with Ctrl, Cmd or Alt held. Shift with N or E
// records the turn as not spoken (skipped); Caps Lock alone does not. I and A interpose a question
// or an answer, R re-adds the last speaker. The letters are the keys where a Latin layout has
// them, whatever layout is on (an Arabic or Russian keyboard's N key is N here). F goes to the
// floor requests (the second skip link's key). Space and Enter on a focused control (a button, a
// link, a field, a list, a checkbox…) are that control's: Space runs the timer only when the focus
// is on none (the page, the floor, a heading), as the help says. A button pressed with the pointer
// lets go of the focus, as a checkbox or a list changed with it does: after a click on "Call next"
// Space is the timer's again, not a second call (a keyboard user's focus stays where they put it).
// "Typing" is a text field, a text area or a list. A letter that comes within a moment of another
// key is a word being typed (a dialog that did not open), not a shortcut.
// The single-key shortcuts can be turned off in their help dialog (WCAG 2.1.4: speech input
// says words, whose letters would act), kept in this browser (localStorage): then no key without
// Ctrl, Cmd or Alt acts, and the buttons no longer offer theirs; Alt+↑/↓ on a queue entry stays.
// Nor do the console's words: a notice of something undo takes back says "Press U to undo." only
// while U acts, else it points at the Undo button (undoHint); the same for a confirmation
// (confirmHint) and a button's title (titleWithKey). A moderator working by touch has no U key
// (an iPad, a phone, a touchscreen laptop's screen): while their last press was a finger's (or a
// pen's) the notice says "Tap Undo", the notice's own Undo button (Notices.undoable); before any
// press, a screen with a coarse pointer and nothing that hovers is taken for one (byTouch). No
// other string names a key: each of these is a template key around the sentence before it
// ({done}, {asking}, {title}), so each language joins the two its own way (Chinese writes no
// space between sentences).

import { t } from "../i18n.js";

/** Where a key is text (or a choice in a list), never a shortcut. A checkbox, a radio button or
 * a button is not: letters are shortcuts there, but Space stays theirs (OWN_SPACE). */
const TYPING = 'textarea, select, [contenteditable=""], [contenteditable="true"]';
const NOT_TEXT = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"]);
/** Controls whose own Space (and Enter) a keyboard user needs: press a button, follow a link, tick
 * a box, open a disclosure, scroll a list that takes the focus. Space is the timer's elsewhere:
 * the page, the floor (#floor, the skip link's target) and the headings the focus is moved to
 * (tabindex="-1"), which have no Space of their own. */
const OWN_SPACE =
  'button, a[href], input, select, textarea, summary, [contenteditable=""], [contenteditable="true"], ' +
  '[role="button"], [role="link"], [role="checkbox"], [role="radio"], [role="switch"], [role="tab"], ' +
  '[role="menuitem"], [role="option"], [role="combobox"], [role="slider"], [tabindex]:not([tabindex^="-"])';
/** A checkbox or radio button changed with the pointer lets go of the focus (blurAfterPointer). */
const NON_TEXT_SPACE = new Set(["checkbox", "radio"]);
/** A control pressed with the pointer that lets go of the focus after its press. */
const PRESSED = 'button, [role="button"], summary';
/** A letter this soon after another printable key is part of a word being typed, not a shortcut
 * (a dialog that did not open, a field that lost focus): ignored, so is Space after text. */
const BURST_MS = 300;
/** A change this soon after a click, or on a control focused by one, was made with the pointer. */
const POINTER_MS = 1000;

function typingIn(target) {
  if (!target) return false;
  if (target.closest(TYPING)) return true;
  const input = target.closest("input");
  return !!input && !NOT_TEXT.has(input.type);
}

/** The key as the shortcuts name it: a letter typed on a non-Latin layout is its key's letter
 * (not a sign the key gives on a Latin layout: AZERTY's "?" is on the key where QWERTY has M). */
function keyOf(event) {
  const letter = /^Key[A-Z]$/.test(event.code) && /^\p{L}$/u.test(event.key) && !/^[a-z]$/i.test(event.key);
  return letter ? event.code.slice(3).toLowerCase() : event.key;
}

/** The help's key: "?" on any layout (Arabic's Shift+/ is "؟"; a layout whose Shift on that key
 * gives another sign, "_" on a German one, keeps that sign's shortcut). */
const isHelp = (event, key) =>
  key === "?" || key === "\u061F" || (event.code === "Slash" && event.shiftKey && !/^[-_+=−]$/.test(key));

/**
 * A checkbox, radio button or list changed with the pointer lets go of the focus, so that Space
 * and the letters are the shortcuts again (Space would tick the box once more), and so does a
 * button pressed with it (Space would press it again: a second "Call next"); one reached with the
 * keyboard keeps it, and its Space. A button whose press moved the focus elsewhere (a dialog, a
 * form's first field) is left alone.
 */
function blurAfterPointer() {
  let pointerAt = -Infinity;
  const byPointer = new WeakSet();
  document.addEventListener("pointerdown", () => (pointerAt = performance.now()), true);
  document.addEventListener(
    "focusin",
    (event) => {
      if (performance.now() - pointerAt < POINTER_MS) byPointer.add(event.target);
      else byPointer.delete(event.target);
    },
    true,
  );
  document.addEventListener(
    "change",
    (event) => {
      const control = event.target;
      const choice =
        control instanceof HTMLSelectElement || (control instanceof HTMLInputElement && NON_TEXT_SPACE.has(control.type));
      if (!choice || control.id === "language") return; // the language picker reloads the page
      if (performance.now() - pointerAt < POINTER_MS || byPointer.has(control)) control.blur();
    },
    true,
  );
  // after the button's own click handlers (bubbling, on the document): still focused, let go;
  // one that opened a dialog gets the focus back when it closes: let go of it then
  let opener = null;
  document.addEventListener("click", (event) => {
    const pressed = event.target instanceof Element ? event.target.closest(PRESSED) : null;
    if (!pressed || event.detail === 0 || performance.now() - pointerAt >= POINTER_MS) return;
    if (pressed.closest("dialog")) return;
    if (document.activeElement === pressed) pressed.blur();
    else if (document.activeElement && document.activeElement.closest("dialog[open]")) opener = pressed;
  });
  document.addEventListener(
    "close",
    (event) => {
      if (!(event.target instanceof HTMLDialogElement) || !opener) return;
      const button = opener;
      opener = null;
      setTimeout(() => document.activeElement === button && button.blur());
    },
    true,
  );
}

/** How the moderator's last press was made: "touch" (a finger, a pen), "other" (a mouse, a key
 * outside a text field: a touch screen's own keyboard types only in fields), null before any. */
let lastInput = null;

function watchInput() {
  document.addEventListener(
    "pointerdown",
    (event) => (lastInput = event.pointerType === "touch" || event.pointerType === "pen" ? "touch" : "other"),
    true,
  );
  document.addEventListener(
    "keydown",
    (event) => {
      if (!typingIn(event.target instanceof Element ? event.target : null)) lastInput = "other";
    },
    true,
  );
}

/** Whether the moderator works by touch now: their last press, else the screen (a coarse
 * pointer and no hover: no mouse, and most likely no keyboard). */
export function byTouch() {
  if (lastInput !== null) return lastInput === "touch";
  return matchMedia("(any-pointer: coarse)").matches && !matchMedia("(any-hover: hover)").matches;
}

/** Where this browser keeps whether the single-key shortcuts are on ("off": they are not). */
const SETTING = "floorkeeper.console.shortcuts";

function shortcutsOn() {
  try {
    return localStorage.getItem(SETTING) !== "off";
  } catch {
    return true; // storage refused: the default
  }
}

/** Whether the single-key shortcuts act on this page now (null: not installed yet, as stored). */
let active = null;

export function singleKeysOn() {
  return active === null ? shortcutsOn() : active;
}

/** `done` (a notice of something undo takes back) with how to take it back: by touch, tap Undo
 * (the notice's own); else U while the single keys act, else the Undo button (speech input says
 * its name). */
export function undoHint(done) {
  if (byTouch()) return t("console.undo.tap", { done });
  const keys = singleKeysOn();
  return t(keys ? "console.undo.press_u" : "console.undo.press_button", { done });
}

/** `asking` (an undo that asks twice) with how to confirm: by touch, tap the button again; else U
 * or the button, else the button. */
export function confirmHint(asking) {
  if (byTouch()) return t("console.undo.again_tap", { asking });
  const keys = singleKeysOn();
  return t(keys ? "console.undo.again_u" : "console.undo.again_button", { asking });
}

/** A button's title with its key beside it ("Undo removing X (U)") only while that key acts. */
export function titleWithKey(title, key) {
  return singleKeysOn() ? t("console.title_key", { title, key }) : title;
}

/** The page as the setting has it: the buttons name their key (aria-keyshortcuts, the <kbd>
 * hint) only while it acts; Alt+↑/↓ is no single key and is always named. */
function showSetting(on) {
  document.body.dataset.shortcuts = on ? "on" : "off";
  for (const element of document.querySelectorAll("[aria-keyshortcuts], [data-keyshortcuts]")) {
    const keys = element.getAttribute("aria-keyshortcuts") || element.dataset.keyshortcuts;
    if (/^Alt\+/.test(keys)) continue;
    element.dataset.keyshortcuts = keys;
    if (on) element.setAttribute("aria-keyshortcuts", keys);
    else element.removeAttribute("aria-keyshortcuts");
  }
  const box = document.getElementById("shortcuts-on");
  if (box) box.checked = on;
}

/** `changed`: called after the setting changes, to redraw what names a key (the titles). */
export function installShortcuts({
  speaker,
  undo,
  message,
  interpose,
  requests = () => {},
  tooFast = () => {},
  changed = () => {},
}) {
  const dialog = document.getElementById("help-dialog");
  const openHelp = () => {
    if (!dialog.open) dialog.showModal();
  };
  document.getElementById("help-open").addEventListener("click", openHelp);
  blurAfterPointer();
  watchInput();
  let on = shortcutsOn();
  active = on;
  showSetting(on);
  document.getElementById("shortcuts-on").addEventListener("change", (event) => {
    on = event.target.checked;
    active = on;
    try {
      if (on) localStorage.removeItem(SETTING);
      else localStorage.setItem(SETTING, "off");
    } catch {
      // not kept past this page: it still holds here
    }
    showSetting(on);
    changed();
  });
  let textAt = -Infinity; // the last printable key that did not act as a shortcut (text)
  let letterAt = -Infinity; // the last letter that acted as a shortcut
  let letter = null; // which letter that was

  document.addEventListener("keydown", (event) => {
    if (!on || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const printable = event.key.length === 1 || event.key === "Spacebar";
    const now = performance.now();
    const sinceText = now - textAt;
    const sinceLetter = now - letterAt;
    if (printable) textAt = now; // unless it acts (below)
    if (event.defaultPrevented) return;
    const target = event.target instanceof Element ? event.target : null;
    if (typingIn(target)) return;
    if (document.querySelector("dialog[open]")) return; // a dialog has the keyboard (Esc closes it)
    const key = keyOf(event);
    const space = key === " " || key === "Spacebar";
    // a focused control keeps its own Space: a button is pressed, a box ticked, a link followed
    if (space && target && target.closest(OWN_SPACE)) return;
    const isLetter = /^\p{L}$/u.test(key);
    // a word being typed: a letter or a space straight after text, or a letter straight after
    // another letter that acted ("Amina": A, then m, i, n, a); the same letter again still acts
    // (U, U to confirm an undo), and so does a letter after Space or +
    if ((isLetter || space) && sinceText < BURST_MS) return;
    if (isLetter && sinceLetter < BURST_MS && letter !== key.toLowerCase()) {
      // not silent: E then N pressed fast is a moderator's, not a word's (a word's next letters
      // come after text, above)
      tooFast(key.toUpperCase(), letter.toUpperCase());
      return;
    }
    const act = (fn) => {
      event.preventDefault();
      textAt = -Infinity;
      if (isLetter) {
        letterAt = now;
        letter = key.toLowerCase();
      }
      if (!event.repeat) fn();
    };
    if (isHelp(event, key)) {
      act(openHelp);
      return;
    }
    switch (key) {
      case " ":
      case "Spacebar":
        act(() => speaker.perform("toggle"));
        break;
      case "n":
      case "N":
        act(() => speaker.perform(event.shiftKey ? "skipNext" : "next"));
        break;
      case "e":
      case "E":
        act(() => speaker.perform(event.shiftKey ? "skipEnd" : "end"));
        break;
      case "+":
      case "=":
        act(() => speaker.perform("plus"));
        break;
      case "-":
      case "−":
      case "_":
        act(() => speaker.perform("minus"));
        break;
      case "u":
      case "U":
        act(() => undo.perform());
        break;
      case "i":
      case "I":
        act(() => interpose.perform("question"));
        break;
      case "a":
      case "A":
        act(() => interpose.perform("answer"));
        break;
      case "r":
      case "R":
        act(() => interpose.perform("readd"));
        break;
      case "m":
      case "M":
        act(() => message.focus());
        break;
      case "f":
      case "F":
        act(() => requests());
        break;
      default:
    }
  });
}

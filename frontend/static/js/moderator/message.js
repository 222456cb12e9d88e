// The message shown on the speaker's clock: presets in one press, free text, clear.

import { setText } from "../dom.js";
import { t } from "../i18n.js";
import { setAvailable } from "./speaker.js";

/** The moderator's presets (app/floor/presets.py), in the words the speaker's clock shows them. */
const PRESETS = { conclude: "clock.preset.conclude", time: "clock.preset.time", slow: "clock.preset.slow" };

const $ = (id) => document.getElementById(id);
/** Keys closer together than this came faster than a person types (a word typed at the page
 * in one roll, a script, a key held down): ordinary typing is 100 ms a key or more, quick typing
 * rarely under 60 ms. */
const FAST_MS = 40;
/** The console's shortcut keys (shortcuts.js), a letter by the key it is on whatever the layout
 * (an Arabic layout's N key types "ى"): a field that received only these, one or two presses,
 * was meant for the shortcuts ("n" for Call next), not for the speaker. Space is the timer's. */
const SHORTCUT_LETTERS = new Set(["n", "e", "u", "i", "a", "r", "m", "f"]);
const SHORTCUT_SIGNS = new Set(["+", "=", "-", "−", "_"]);
const MOST_SHORTCUT_KEYS = 2;

/** The shortcut a key press would be, or null (a letter by its key: shortcuts.js keyOf). */
function shortcutOf(event) {
  if (SHORTCUT_SIGNS.has(event.key)) return event.key;
  const letter = /^Key[A-Z]$/.test(event.code) ? event.code.slice(3).toLowerCase() : event.key.toLowerCase();
  return SHORTCUT_LETTERS.has(letter) && /^\p{L}$/u.test(event.key) ? letter : null;
}

export function createMessage(ctx) {
  const form = $("message-form");
  const input = $("message-text");
  const clear = $("message-clear");

  // a preset goes by its id: the server writes its words, the clock shows it in its language
  const send = async (message, shown) => {
    const ack = await ctx.run({ type: "set_message", ...message }, { forTurn: true });
    if (ack) ctx.notices.show(t("console.message.sent", { message: shown }), "info");
    return ack;
  };

  for (const preset of document.querySelectorAll("[data-preset]")) {
    preset.addEventListener("click", () => send({ preset: preset.dataset.preset }, preset.textContent.trim()));
  }
  // Focused by M and then given keys no person types as a message: keys faster than a person
  // types, the name typed at the page for a dialog that did not open (whose "m" was taken for the
  // shortcut) in one roll, say; or only shortcut keys ("n", meant for Call next). Not sent until
  // Enter again. Ordinary typing after M, however quick, is sent at once.
  let guarded = false; // focused by M, and nothing has shown it meant since
  let fast = false; // every key since M (Enter included) came under FAST_MS after the one before
  let keyAt = 0; // the last key's time (M's, to begin with)
  let shortcutKeys = 0; // the shortcut keys pressed since M (other than Space)
  let otherKeys = false; // a key since M that is no shortcut (a word's letter, Backspace)
  let before = ""; // the field's text when M focused it (kept from a message not sent)
  let back = null; // where the focus was before M: it goes back there
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      // out of the field, to where the shortcuts work; the text stays for later
      event.preventDefault();
      event.stopPropagation();
      leave();
      return;
    }
    if (event.key === "Backspace" || event.key === "Delete") otherKeys = true;
    if (event.key.length !== 1 && event.key !== "Enter") return; // Shift, arrows: no keys typed
    if (event.key.length === 1 && event.key !== " ") {
      if (shortcutOf(event)) shortcutKeys += 1;
      else otherKeys = true;
    }
    const now = performance.now();
    if (now - keyAt >= FAST_MS) fast = false; // a person's typing
    keyAt = now;
  });
  input.addEventListener("blur", () => {
    guarded = false;
    back = null;
  });
  form.addEventListener("pointerdown", () => (guarded = false)); // Send clicked: meant

  /** Why the text was refused as not meant for the speaker, or null. */
  function unmeant() {
    if (!guarded) return null;
    guarded = false;
    if (fast) return t("console.message.burst");
    const value = input.value;
    const typed = (value.startsWith(before) ? value.slice(before.length) : value).trim();
    const keysOnly = !otherKeys && shortcutKeys > 0 && shortcutKeys <= MOST_SHORTCUT_KEYS;
    if (keysOnly && typed) return t("console.message.shortcut_keys", { text: typed });
    return null;
  }

  /** The focus leaves the field for where the shortcuts work: back where it was when M was
   * pressed (a dialog closing does the same), else the page (the field let go of). */
  function leave() {
    if (document.activeElement !== input) return;
    const to = back && back.isConnected && !back.closest("[hidden], [inert]") ? back : null;
    if (to) to.focus({ preventScroll: true });
    if (document.activeElement === input) input.blur();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const refused = unmeant();
    if (refused) {
      ctx.notices.show(refused, "warning");
      return;
    }
    const text = input.value.trim();
    if (!text) {
      ctx.notices.show(t("console.message.required"), "warning");
      return;
    }
    // sent: the keys typed next are shortcuts again (N calls the next speaker), not more text
    leave();
    if ((await send({ text }, text)) && input.value.trim() === text) input.value = "";
  });
  // no message: the button stays, and its focus, greyed (aria-disabled) with the reason
  clear.addEventListener("click", () => {
    const state = ctx.state();
    if (!state || !state.message) {
      ctx.notices.show(t("console.message.none"), "warning");
      return;
    }
    ctx.run({ type: "clear_message" }, { forTurn: true }).then((ack) => {
      if (ack) ctx.notices.show(t("console.message.cleared"), "info");
    });
  });

  function render(state) {
    const shown = $("message-current");
    shown.dataset.active = state.message ? "true" : "false";
    // a preset in the console's language (the server keeps its English words); typed text as typed
    const words = PRESETS[state.message_preset] ? t(PRESETS[state.message_preset]) : state.message;
    setText(shown, state.message ? t("console.message.current", { message: words }) : t("console.message.none"));
    setAvailable(clear, state.message ? null : t("console.message.none"));
    for (const preset of document.querySelectorAll("[data-preset]")) {
      preset.setAttribute("aria-pressed", String(preset.dataset.preset === state.message_preset));
    }
  }

  function focus() {
    const from = document.activeElement;
    if (from !== input) back = from instanceof HTMLElement && from !== document.body ? from : null;
    input.focus();
    guarded = true;
    fast = true;
    keyAt = performance.now();
    shortcutKeys = 0;
    otherKeys = false;
    before = input.value;
  }

  return { render, focus };
}

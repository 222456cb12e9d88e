// The message shown on the speaker's clock: presets in one press, free text, clear.

import { setText } from "../dom.js";
import { t } from "../i18n.js";
import { setAvailable } from "./speaker.js";

/** The moderator's presets (app/floor/presets.py), in the words the speaker's clock shows them. */
const PRESETS = { conclude: "clock.preset.conclude", time: "clock.preset.time", slow: "clock.preset.slow" };

const $ = (id) => document.getElementById(id);
/** Keys this close together are one burst of typing (shortcuts.js: BURST_MS). */
const BURST_MS = 300;

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
  // Focused by M and then typed into without a pause up to Enter: the name typed into a dialog
  // that did not open, say, whose "m" was taken for the shortcut. Not sent until Enter again.
  let burst = false;
  let keyAt = -Infinity;
  input.addEventListener("keydown", () => {
    const now = performance.now();
    if (now - keyAt > BURST_MS) burst = false;
    keyAt = now;
  });
  input.addEventListener("blur", () => (burst = false));
  form.addEventListener("pointerdown", () => (burst = false)); // Send clicked: meant

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (burst) {
      burst = false;
      ctx.notices.show(t("console.message.burst"), "warning");
      return;
    }
    const text = input.value.trim();
    if (!text) {
      ctx.notices.show(t("console.message.required"), "warning");
      return;
    }
    if (await send({ text }, text)) input.value = "";
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
    input.focus();
    burst = true;
    keyAt = performance.now();
  }

  return { render, focus };
}

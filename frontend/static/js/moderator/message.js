// The message shown on the speaker's clock: presets in one press, free text, clear.

import { setText } from "../dom.js";

const $ = (id) => document.getElementById(id);

export function createMessage(ctx) {
  const form = $("message-form");
  const input = $("message-text");
  const clear = $("message-clear");

  // a preset goes by its id: the server writes its words, the clock shows it in its language
  const send = async (message, shown) => {
    const ack = await ctx.run({ type: "set_message", ...message });
    if (ack) ctx.notices.show(`Message sent to the speaker: “${shown}”`, "info");
    return ack;
  };

  for (const preset of document.querySelectorAll("[data-preset]")) {
    preset.addEventListener("click", () => send({ preset: preset.dataset.preset }, preset.textContent.trim()));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      ctx.notices.show("Type a message first, or pick a preset.", "warning");
      return;
    }
    if (await send({ text }, text)) input.value = "";
  });
  clear.addEventListener("click", () => ctx.run({ type: "clear_message" }));

  function render(state) {
    const shown = $("message-current");
    shown.dataset.active = state.message ? "true" : "false";
    setText(shown, state.message ? `On the speaker's clock: “${state.message}”` : "No message on the speaker's clock.");
    clear.disabled = !state.message;
    for (const preset of document.querySelectorAll("[data-preset]")) {
      preset.setAttribute("aria-pressed", String(preset.dataset.preset === state.message_preset));
    }
  }

  return { render, focus: () => input.focus() };
}

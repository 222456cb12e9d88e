// The message shown on the speaker's clock: presets in one press, free text, clear.

import { setText } from "../dom.js";

const $ = (id) => document.getElementById(id);

export function createMessage(ctx) {
  const form = $("message-form");
  const input = $("message-text");
  const clear = $("message-clear");

  const send = async (text) => {
    const ack = await ctx.run({ type: "set_message", text });
    if (ack) ctx.notices.show(`Message sent to the speaker: “${text}”`, "info");
    return ack;
  };

  for (const preset of document.querySelectorAll("[data-preset]")) {
    preset.addEventListener("click", () => send(preset.dataset.preset));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      ctx.notices.show("Type a message first, or pick a preset.", "warning");
      return;
    }
    if (await send(text)) input.value = "";
  });
  clear.addEventListener("click", () => ctx.run({ type: "clear_message" }));

  function render(state) {
    const shown = $("message-current");
    shown.dataset.active = state.message ? "true" : "false";
    setText(shown, state.message ? `On the speaker's clock: “${state.message}”` : "No message on the speaker's clock.");
    clear.disabled = !state.message;
    for (const preset of document.querySelectorAll("[data-preset]")) {
      preset.setAttribute("aria-pressed", String(preset.dataset.preset === state.message));
    }
  }

  return { render, focus: () => input.focus() };
}

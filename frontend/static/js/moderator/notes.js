// The moderator's private notes for the segment (the view's `notes`, in no other audience's view):
// saved with the button or when the box loses focus, and shown as the server has them otherwise.

import { setText } from "../dom.js";
import { t } from "../i18n.js";

const $ = (id) => document.getElementById(id);

export function createNotes(ctx) {
  const form = $("notes-form");
  const text = $("notes-text");
  const status = $("notes-status");
  let saved = null; // the notes as the server has them
  let sending = null; // the text being saved

  async function save() {
    const value = text.value;
    if (saved === null || value === saved || value === sending) return;
    sending = value;
    setText(status, t("console.notes.saving"));
    const ack = await ctx.run({ type: "set_notes", text: value });
    sending = null;
    setText(status, t(ack ? "console.notes.saved" : "console.notes.not_saved"));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  text.addEventListener("blur", save);
  text.addEventListener("input", () => setText(status, text.value === saved ? "" : t("console.notes.unsaved")));

  function render(state) {
    const notes = state.notes || "";
    const dirty = saved !== null && text.value !== saved;
    saved = notes;
    // what is being typed stays; otherwise the box shows the server's notes (another console's too)
    if (!dirty && document.activeElement !== text) text.value = notes;
    else if (text.value === notes) setText(status, t("console.notes.saved"));
  }

  function reset() {
    saved = null;
    text.value = "";
    setText(status, "");
  }

  return { render, reset };
}

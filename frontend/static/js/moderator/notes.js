// The moderator's private notes for the segment (the view's `notes`, in no other audience's view):
// saved with the button or when the box loses focus, and shown as the server has them otherwise.

import { setText } from "../dom.js";

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
    setText(status, "Saving…");
    const ack = await ctx.run({ type: "set_notes", text: value });
    sending = null;
    setText(status, ack ? "Saved" : "Not saved");
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  text.addEventListener("blur", save);
  text.addEventListener("input", () => setText(status, text.value === saved ? "" : "Not saved yet"));

  function render(state) {
    const notes = state.notes || "";
    const dirty = saved !== null && text.value !== saved;
    saved = notes;
    // what is being typed stays; otherwise the box shows the server's notes (another console's too)
    if (!dirty && document.activeElement !== text) text.value = notes;
    else if (text.value === notes) setText(status, "Saved");
  }

  function reset() {
    saved = null;
    text.value = "";
    setText(status, "");
  }

  return { render, reset };
}

// The moderator's private notes for the segment (the view's `notes`, in no other audience's view):
// saved with the button or when the box loses focus, and shown as the server has them otherwise.
// Notes are saved to the segment they were typed in, whichever segment the console shows when
// they are sent: when the console moves to another segment (it follows the live one, or the one
// shown was removed) with notes not yet saved, they are saved to theirs first; if that fails,
// they are kept, unsaved, and shown again in the box when that segment is shown again.

import { setText } from "../dom.js";
import { t } from "../i18n.js";
import { typed } from "./format.js";

const $ = (id) => document.getElementById(id);

export function createNotes(ctx) {
  const form = $("notes-form");
  const text = $("notes-text");
  const status = $("notes-status");
  let saved = null; // the notes as the server has them
  let sending = null; // the text being saved
  let segmentId = null; // the segment whose notes the box holds
  const drafts = new Map(); // segment id -> notes typed there that could not be saved
  const here = []; // notes of a segment removed before they were saved: for the box shown

  /** Notes that had nowhere else to go, added to the box's text, not saved yet. */
  function addHere() {
    if (!here.length) return;
    text.value = [text.value, ...here.splice(0)].filter(Boolean).join("\n\n");
    setText(status, t("console.notes.unsaved"));
  }

  const titleOf = (id) => {
    const segment = (ctx.conn.programme || []).find((s) => s.id === id);
    return segment ? typed(segment.title) : "";
  };

  /** Send `value` as the notes of segment `id`; resolves to the ack, or null. */
  function send(id, value) {
    return ctx.run({ type: "set_notes", text: value }, { segmentId: id });
  }

  async function save() {
    const value = text.value;
    if (saved === null || value === saved || value === sending) return;
    sending = value;
    setText(status, t("console.notes.saving"));
    const ack = await send(segmentId, value);
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
    const first = saved === null; // the first view of this segment since the box was emptied
    const dirty = !first && text.value !== saved;
    saved = notes;
    segmentId = state.segment.id;
    if (first && drafts.has(segmentId)) {
      // typed here before, and not saved then: back in the box, to be saved
      text.value = drafts.get(segmentId);
      drafts.delete(segmentId);
      setText(status, text.value === notes ? t("console.notes.saved") : t("console.notes.unsaved"));
      return;
    }
    // what is being typed stays; otherwise the box shows the server's notes (another console's too)
    if (first || (!dirty && document.activeElement !== text)) text.value = notes;
    else if (text.value === notes) setText(status, t("console.notes.saved"));
    if (first) addHere();
  }

  /** The console moves to another segment: notes typed here and not saved go to this segment. */
  function reset() {
    const leaving = segmentId;
    const value = text.value;
    const unsaved = leaving !== null && saved !== null && value !== saved && value !== sending;
    saved = null;
    text.value = "";
    setText(status, "");
    if (!unsaved) return;
    const title = titleOf(leaving);
    send(leaving, value).then((ack) => {
      if (ack) {
        ctx.notices.show(t("console.notes.saved_to", { title }), "info");
        return;
      }
      if ((ctx.conn.programme || []).some((s) => s.id === leaving)) {
        drafts.set(leaving, value);
        ctx.notices.show(t("console.notes.kept_for", { title }), "warning");
        return;
      }
      // that segment is gone (removed at the desk): the notes come to the box shown, unsaved
      here.push(value);
      if (saved !== null) addHere();
      ctx.notices.show(t("console.notes.moved_here"), "warning");
    });
  }

  return { render, reset };
}

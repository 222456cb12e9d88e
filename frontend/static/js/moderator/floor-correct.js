// The speaker card's floor language and attendance, and their correction while the turn is under
// way: the speaker on the floor (or the turn an interposed one paused) heard in another language,
// or found to speak from elsewhere. One edit_entry on that turn's entry (the server takes only
// these there, and refuses the rest); the booths and every screen follow. The change is said once,
// from the state, by floor-said.js (whoever made it), not by a notice as well.

import { setText } from "../dom.js";
import { t } from "../i18n.js";
import { fillLanguages, floorChanges, floorLine, showFloor } from "./floor-language.js";

const $ = (id) => document.getElementById(id);

export function createFloorCorrection(ctx) {
  const form = $("floor-form");
  const select = $("floor-language");
  const remote = $("floor-remote");
  const places = {
    current: { line: $("speaker-floor"), text: $("speaker-floor-text"), button: $("speaker-floor-change"), extra: $("speaker-floor-extra") },
    paused: { line: $("paused-floor"), text: $("paused-floor-text"), button: $("paused-floor-change"), extra: $("paused-floor-extra") },
  };
  let open = null; // {which: "current" | "paused", id: the turn's entry id}

  const turnOf = (state, which) => (state ? state[which] : null);

  function openFor(which) {
    const turn = turnOf(ctx.state(), which);
    if (!turn) return;
    if (open && open.which === which && open.id === turn.id) {
      close();
      return;
    }
    if (open) places[open.which].button.setAttribute("aria-expanded", "false");
    open = { which, id: turn.id };
    // "Not known" only while it is so: edit_entry cannot take a known language back to none
    fillLanguages(select, turn.language);
    showFloor(turn, select, remote);
    form.setAttribute("aria-label", t("console.floor.form", { name: turn.name }));
    places[which].line.after(form); // under the line it corrects (the speaker's, or the paused turn's)
    form.hidden = false;
    places[which].button.setAttribute("aria-expanded", "true");
    select.focus();
  }

  /** Close the form; the focus, if it was in it, back on the Change that opened it (or the floor). */
  function close() {
    if (!open) return;
    const hadFocus = form.contains(document.activeElement);
    const place = places[open.which];
    place.button.setAttribute("aria-expanded", "false");
    open = null;
    form.hidden = true;
    if (hadFocus) (place.line.hidden || place.line.closest("[hidden]") ? $("floor") : place.button).focus();
  }

  for (const [which, place] of Object.entries(places)) place.button.addEventListener("click", () => openFor(which));
  $("floor-cancel").addEventListener("click", close);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!open) return;
    const turn = turnOf(ctx.state(), open.which);
    if (!turn || turn.id !== open.id) {
      close();
      return;
    }
    const changes = floorChanges(turn, select, remote);
    if (!Object.keys(changes).length) {
      close();
      return;
    }
    const ack = await ctx.run({ type: "edit_entry", entry_id: turn.id, ...changes });
    if (ack) close();
  });

  function render(state) {
    for (const [which, place] of Object.entries(places)) {
      const turn = turnOf(state, which);
      place.line.hidden = !turn;
      if (!turn) continue;
      setText(place.text, floorLine(turn));
      setText(place.extra, ` ${t("console.floor.change_extra", { name: turn.name })}`);
    }
    // the turn it was opened for has left the floor: nothing left to correct there
    if (open && (turnOf(state, open.which) || {}).id !== open.id) close();
  }

  return { render };
}

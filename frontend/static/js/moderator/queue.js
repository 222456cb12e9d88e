// The speaking queue: one row per entry, kept by id so focus and a drag survive updates.
// Reorder by dragging the grip (mouse, touch or pen: pointer events), by the arrow buttons, or
// with Alt+↑ / Alt+↓ on a focused entry. Every move is sent with the version it was based on.
// Each row's ✎ opens a form to change the turn's kind, time and note, and the speaker's floor
// language and attendance (edit_entry): the row keeps its place, unless the server moves it (a
// point of order goes to the top).
// A participant corrected in the registry (PATCH /participants/{id}) is drawn again in their row's
// "who" part only, in place: the row, its open edit form, what is typed there and the focus stay.
//
// By keyboard the whole queue is ONE tab stop: a roving tabindex over the rows' controls (grip,
// ↑, ↓, ✎, ✕). The control last focused keeps tabindex="0", every other one -1. Left/Right (in
// the order the eye sees them: in a right-to-left page Right goes back) and Home/End move within
// a row; Up/Down go to the same control of the row above/below (Ctrl+Home/End: the first/last
// row); Tab leaves the queue. Alt+↑/↓ still moves the entry; Space and Enter stay the focused
// button's (shortcuts.js OWN_SPACE). An open edit form's fields are ordinary tab stops after
// their row's ✎, which takes the stop while the form has the focus.
// Why this and not role="grid": the queue stays a numbered list of buttons, which a screen reader
// reads in its browse mode as it did (every control in it, by its name: tabindex -1 hides nothing);
// a grid would turn it into a table of cells that needs focus mode, and the edit form inside a
// row would need the grid's Enter/F2 "interaction" mode for its fields to be reached by Tab.
// How to move is told once, as the queue is entered (aria-describedby="queue-keys" on the control
// the focus lands on from outside it, taken away when it leaves: not repeated at every arrow).

import { fill, h, nameLang, setText } from "../dom.js";
import { t } from "../i18n.js";
import { fillLanguages, floorChanges } from "./floor-language.js";
import { KINDS, TIME_INPUT_MODE, island, kindLabel, minutes, minutesSeconds, parseMinutesSeconds, speakers } from "./format.js";
import { guardRows } from "./presses.js";
import { undoHint } from "./shortcuts.js";
import { setAvailable } from "./speaker.js";
import { whoDetails, whoKey, whoTags } from "./who.js";

const $ = (id) => document.getElementById(id);

export function createQueue(ctx) {
  const list = $("queue");
  const rows = new Map(); // entry id -> {li, parts}
  let drag = null;
  let deferred = null; // a state that arrived during a drag, rendered when it ends
  let stop = null; // the control that is the queue's one tab stop (tabindex 0)
  let quiet = false; // the console itself moves the focus (a row gone or moved): not described
  // a row removed (✕) or moved (↑ ↓): the row below or above slides under the finger, so a
  // double tap's second tap, on whichever row's button is there now, is not taken
  guardRows(list, ".btn-remove, .entry-up, .entry-down");

  /** Move an entry; `say`: tell a screen reader where it went (a keyboard move, whose grip keeps
   * the focus: its name says the place only when read again). */
  const move = (entryId, position, { say = false } = {}) =>
    ctx.run({ type: "move_entry", entry_id: entryId, position }, { versioned: true }).then((ack) => {
      if (!ack || !say) return;
      const queue = ctx.state()?.queue || [];
      const index = queue.findIndex((entry) => entry.id === entryId);
      const row = rows.get(entryId);
      if (index >= 0 && row) {
        ctx.notices.show(t("console.queue.moved", { name: island(row.name), n: index + 1, count: queue.length }), "info");
      }
    });

  function indexOf(entryId) {
    const state = ctx.state();
    return state ? state.queue.findIndex((entry) => entry.id === entryId) : -1;
  }

  function build(entry) {
    const grip = h(
      "button",
      { type: "button", class: "grip", dataset: { focus: `${entry.id}:grip` } },
      h("span", { "aria-hidden": "true" }, "⠿"),
    );
    const up = h("button", { type: "button", class: "btn btn-icon entry-up", dataset: { focus: `${entry.id}:up` } }, "↑");
    const down = h("button", { type: "button", class: "btn btn-icon entry-down", dataset: { focus: `${entry.id}:down` } }, "↓");
    const edit = h(
      "button",
      { type: "button", class: "btn btn-icon", "aria-expanded": "false", dataset: { focus: `${entry.id}:edit` } },
      h("span", { "aria-hidden": "true" }, "✎"),
    );
    const remove = h(
      "button",
      { type: "button", class: "btn btn-icon btn-remove", dataset: { focus: `${entry.id}:remove` } },
      "✕",
    );
    const number = h("span", { class: "entry-number" });
    const line = h("span", { class: "entry-line" });
    const details = h("span", { class: "entry-details" });
    const note = h("span", { class: "entry-note" });
    const kindTag = h("span", { class: "tag tag-kind" });
    const time = h("span", { class: "entry-time" });
    for (const control of [grip, up, down, edit, remove]) control.tabIndex = -1; // one stop: rove()
    const li = h(
      "li",
      { class: "entry", dataset: { entryId: entry.id, kind: entry.kind } },
      grip,
      number,
      h(
        "div",
        { class: "entry-who" },
        line,
        details,
        note,
      ),
      kindTag,
      time,
      h("span", { class: "entry-actions" }, up, down, edit, remove),
    );
    // said as Alt+↑/↓ says it: the button keeps the focus, and its name has no place in it
    up.addEventListener("click", () => {
      const index = indexOf(entry.id);
      if (index > 0) move(entry.id, index - 1, { say: true });
      else if (index === 0) ctx.notices.show(t("console.queue.first"), "warning");
    });
    down.addEventListener("click", () => {
      const index = indexOf(entry.id);
      const state = ctx.state();
      if (index >= 0 && index < state.queue.length - 1) move(entry.id, index + 1, { say: true });
      else if (index >= 0) ctx.notices.show(t("console.queue.last"), "warning");
    });
    remove.addEventListener("click", () =>
      ctx.run({ type: "remove_entry", entry_id: entry.id }, { versioned: true }).then((ack) => {
        if (ack) ctx.notices.undoable(undoHint(t("console.queue.removed", { name: row.name })));
      }),
    );
    li.addEventListener("keydown", (event) => onKey(event, entry.id, row));
    grip.addEventListener("pointerdown", (event) => startDrag(event, entry.id, li, grip));
    const row = { li, number, grip, up, down, edit, remove, line, details, note, kindTag, time, form: null };
    drawWho(row, entry);
    edit.addEventListener("click", () => (row.form ? closeEdit(row) : openEdit(row, entry.id)));
    return row;
  }

  /** Who the turn is for, as the server has them now: name, tags and details, drawn in place (a
   * correction in the registry changes only these nodes; nothing focusable is among them). */
  function drawWho(row, entry) {
    row.name = entry.name;
    row.who = whoKey(entry);
    // the whole name in its tooltip too: a very long one is cut with an ellipsis
    fill(row.line, h("bdi", { class: "entry-name", lang: nameLang(entry), title: entry.name }, entry.name), whoTags(entry));
    const details = whoDetails(entry);
    setText(row.details, details.text);
    row.details.title = details.title;
    if (row.form) row.form.setAttribute("aria-label", t("console.queue.edit", { name: row.name }));
  }

  // --- editing a waiting turn: kind, time (minutes:seconds), note, floor language, attendance -----

  function openEdit(row, entryId) {
    const state = ctx.state();
    const entry = state && state.queue.find((e) => e.id === entryId);
    if (!entry) return;
    const focusKey = (part) => ({ focus: `${entryId}:${part}` });
    const kind = h(
      "select",
      { dataset: focusKey("kind") },
      Object.entries(KINDS).map(([value, label]) => h("option", { value }, label)),
    );
    kind.value = entry.kind;
    // what the time field takes, said under the form (a phone's keypad may have no ":")
    const timeHint = h("p", { id: `edit-time-hint-${entryId}`, class: "hint edit-time-hint" }, t("console.time_accepts"));
    const time = h("input", {
      type: "text",
      inputmode: TIME_INPUT_MODE,
      maxlength: "6",
      dir: "ltr",
      class: "edit-time",
      value: minutesSeconds(entry.allotted_ms),
      "aria-describedby": timeHint.id,
      dataset: focusKey("time"),
    });
    const note = h("input", { type: "text", maxlength: "280", value: entry.note || "", dataset: focusKey("note") });
    // "Not known" only while it is so: edit_entry cannot take a known language back to none
    const language = h("select", { dataset: focusKey("language") });
    fillLanguages(language, entry.language);
    const remote = h("input", { type: "checkbox", dataset: focusKey("remote") });
    remote.checked = entry.attendance === "remote";
    const cancel = h(
      "button",
      { type: "button", class: "btn btn-small btn-quiet", dataset: focusKey("cancel") },
      t("console.common.cancel"),
    );
    const save = h(
      "button",
      { type: "submit", class: "btn btn-small btn-primary", dataset: focusKey("save") },
      t("console.queue.edit_save"),
    );
    const form = h(
      "form",
      { class: "entry-edit", "aria-label": t("console.queue.edit", { name: row.name }) },
      h("label", { class: "edit-field" }, t("console.queue.edit_kind"), kind),
      h("label", { class: "edit-field" }, t("console.queue.edit_time"), time),
      h("label", { class: "edit-field edit-note" }, t("console.queue.edit_note"), note),
      h("label", { class: "edit-field" }, t("console.floor.language"), language),
      h("label", { class: "edit-field edit-check" }, remote, t("console.floor.remote")),
      h("span", { class: "edit-actions" }, save, cancel),
      timeHint,
    );
    cancel.addEventListener("click", () => closeEdit(row));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closeEdit(row);
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const now = ctx.state();
      const current = now && now.queue.find((e) => e.id === entryId);
      if (!current) {
        closeEdit(row);
        return;
      }
      const ms = parseMinutesSeconds(time.value);
      if (ms === null || Number.isNaN(ms) || ms === 0) {
        ctx.notices.show(t("console.queue.bad_time"), "warning");
        time.focus();
        return;
      }
      const command = { type: "edit_entry", entry_id: entryId };
      if (kind.value !== current.kind) command.kind = kind.value;
      if (ms !== current.allotted_ms) command.duration_ms = ms;
      if (note.value.trim() !== (current.note || "")) command.note = note.value.trim();
      Object.assign(command, floorChanges(current, language, remote));
      if (Object.keys(command).length === 2) {
        closeEdit(row);
        return;
      }
      const ack = await ctx.run(command);
      if (!ack) return;
      closeEdit(row);
      ctx.notices.undoable(undoHint(t("console.queue.changed", { name: row.name })));
    });
    row.form = form;
    row.li.append(form);
    row.li.dataset.editing = "true";
    row.edit.setAttribute("aria-expanded", "true");
    kind.focus();
  }

  function closeEdit(row) {
    if (!row.form) return;
    const hadFocus = row.form.contains(document.activeElement);
    row.form.remove();
    row.form = null;
    row.li.dataset.editing = "false";
    row.edit.setAttribute("aria-expanded", "false");
    if (hadFocus) row.edit.focus();
  }

  function onKey(event, entryId, row) {
    if (!event.altKey) {
      rove(event, row);
      return;
    }
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    const index = indexOf(entryId);
    const state = ctx.state();
    const target = event.key === "ArrowUp" ? index - 1 : index + 1;
    if (index < 0 || target < 0 || target >= state.queue.length) return;
    move(entryId, target, { say: true });
  }

  // --- one tab stop: the roving tabindex over the rows' controls ---------------------------------

  /** A row's controls in reading order (the DOM's): the columns Up/Down keep. */
  const controlsOf = (row) => [row.grip, row.up, row.down, row.edit, row.remove];

  const rowOf = (li) => (li ? rows.get(li.dataset.entryId) : undefined);

  /** `control` is the queue's tab stop now, and the only one. */
  function setStop(control) {
    if (stop === control) return;
    if (stop) stop.tabIndex = -1;
    stop = control;
    control.tabIndex = 0;
  }

  /** After a render: the stop stays where it was; its row gone, the row now at its place (or
   * the last) has it, on its grip (the name that says who and where). */
  function keepStop(at) {
    if (stop && list.contains(stop)) return;
    stop = null;
    const row = rowOf(list.children[Math.min(Math.max(at, 0), list.children.length - 1)]);
    if (row) setStop(row.grip);
  }

  /** Arrows, Home and End on a row's control (not in its edit form: a field keeps its keys). */
  function rove(event, row) {
    const controls = controlsOf(row);
    const at = controls.indexOf(event.target);
    if (at < 0 || event.shiftKey || event.metaKey) return;
    let target;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      if (event.ctrlKey) return;
      // as the eye sees the row: right to left, Right is the previous control in reading order
      const rtl = getComputedStyle(row.li).direction === "rtl";
      target = controls[at + ((event.key === "ArrowRight") !== rtl ? 1 : -1)];
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      if (event.ctrlKey) return;
      const li = event.key === "ArrowUp" ? row.li.previousElementSibling : row.li.nextElementSibling;
      target = rowOf(li) && controlsOf(rowOf(li))[at];
    } else if (event.key === "Home" || event.key === "End") {
      const first = event.key === "Home";
      if (event.ctrlKey) {
        const other = rowOf(first ? list.firstElementChild : list.lastElementChild);
        target = other && controlsOf(other)[at];
      } else target = first ? controls[0] : controls[controls.length - 1];
    } else return;
    event.preventDefault(); // at an edge too: the page does not scroll under the focus
    if (target && target !== event.target) target.focus();
  }

  list.addEventListener("focusin", (event) => {
    const control = event.target;
    const row = rowOf(control.closest?.(".entry"));
    if (!row) return;
    if (row.form && row.form.contains(control)) {
      // in the edit form: its ✎ is the stop, so Shift+Tab from the form comes back to its row
      setStop(row.edit);
      return;
    }
    if (!controlsOf(row).includes(control)) return;
    setStop(control);
    const from = event.relatedTarget;
    const entering = !quiet && !(from instanceof Node && list.contains(from));
    for (const described of list.querySelectorAll('[aria-describedby="queue-keys"]')) {
      if (described !== control || !entering) described.removeAttribute("aria-describedby");
    }
    if (entering) control.setAttribute("aria-describedby", "queue-keys");
  });
  list.addEventListener("focusout", (event) => {
    if (event.target.getAttribute?.("aria-describedby") === "queue-keys") {
      event.target.removeAttribute("aria-describedby");
    }
  });

  /** The console moves the focus to `element` (a row gone or moved): not an entry into the
   * queue, so how to move is not said again. */
  function refocus(element) {
    quiet = true;
    try {
      element.focus();
    } finally {
      quiet = false;
    }
  }

  // --- drag and drop, with pointer events so it works the same with a finger ---------------------

  function startDrag(event, entryId, li, grip) {
    if (event.button !== 0 || drag) return;
    event.preventDefault();
    grip.setPointerCapture(event.pointerId);
    const from = indexOf(entryId);
    drag = { entryId, li, grip, from, to: from, startY: event.clientY, pointerId: event.pointerId };
    li.classList.add("dragging");
    grip.addEventListener("pointermove", onDragMove);
    grip.addEventListener("pointerup", endDrag);
    grip.addEventListener("pointercancel", endDrag);
  }

  function onDragMove(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    drag.li.style.transform = `translateY(${event.clientY - drag.startY}px)`;
    const others = [...list.children].filter((li) => li !== drag.li);
    let to = 0;
    for (const other of others) {
      const box = other.getBoundingClientRect();
      if (event.clientY > box.top + box.height / 2) to += 1;
      other.classList.remove("drop-before", "drop-after");
    }
    drag.to = to;
    if (to !== drag.from) {
      if (to < others.length) others[to].classList.add("drop-before");
      else if (others.length) others[others.length - 1].classList.add("drop-after");
    }
    // near an edge, scroll the column (laptop) or the page (tablet) to reach further rows
    const column = list.closest(".col");
    const scroller = column && column.scrollHeight > column.clientHeight + 1 ? column : document.scrollingElement;
    const bounds =
      scroller === document.scrollingElement ? { top: 0, bottom: window.innerHeight } : scroller.getBoundingClientRect();
    if (event.clientY < bounds.top + 40) scroller.scrollBy(0, -12);
    else if (event.clientY > bounds.bottom - 40) scroller.scrollBy(0, 12);
  }

  function endDrag(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const { entryId, li, grip, from, to } = drag;
    grip.removeEventListener("pointermove", onDragMove);
    grip.removeEventListener("pointerup", endDrag);
    grip.removeEventListener("pointercancel", endDrag);
    li.classList.remove("dragging");
    li.style.transform = "";
    for (const other of list.children) other.classList.remove("drop-before", "drop-after");
    drag = null;
    if (deferred) {
      const state = deferred;
      deferred = null;
      render(state);
    }
    if (event.type === "pointerup" && to !== from && from >= 0) move(entryId, to);
  }

  // --- rendering ------------------------------------------------------------------------------------

  function render(state) {
    if (drag) {
      deferred = state;
      return;
    }
    const active = document.activeElement;
    const focusKey = active && list.contains(active) ? active.dataset.focus : null;
    // the place of the focused row: if it leaves (removed, called), the focus goes to the row
    // now there, or the last, or the queue's heading, never to the page's start
    const focusedAt = focusKey ? [...list.children].findIndex((li) => li.contains(active)) : -1;
    const stopAt = stop ? [...list.children].findIndex((li) => li.contains(stop)) : 0;
    const queue = state.queue;
    const queueMs = state.queue_ms;
    const seen = new Set();
    queue.forEach((entry, index) => {
      let row = rows.get(entry.id);
      if (!row) {
        row = build(entry);
        rows.set(entry.id, row);
      } else if (row.who !== whoKey(entry)) {
        // the person was corrected: who they are is drawn again in the row, at once, even while
        // its edit form is open (the form, what is typed there and the focus are left alone)
        drawWho(row, entry);
      }
      seen.add(entry.id);
      setText(row.number, String(index + 1));
      // what edit_entry may change: shown as the server has it
      row.li.dataset.kind = entry.kind;
      row.kindTag.dataset.kind = entry.kind;
      setText(row.kindTag, kindLabel(entry.kind));
      setText(row.time, minutes(entry.allotted_ms));
      setText(row.note, entry.note ? `“${entry.note}”` : "");
      row.grip.setAttribute(
        "aria-label",
        t("console.queue.grip", { name: row.name, n: index + 1, count: queue.length }),
      );
      row.up.setAttribute("aria-label", t("console.queue.up", { name: row.name }));
      row.down.setAttribute("aria-label", t("console.queue.down", { name: row.name }));
      row.remove.setAttribute("aria-label", t("console.queue.remove", { name: row.name }));
      row.edit.setAttribute("aria-label", t("console.queue.edit", { name: row.name }));
      setAvailable(row.up, index === 0 ? t("console.queue.first") : null);
      setAvailable(row.down, index === queue.length - 1 ? t("console.queue.last") : null);
    });
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.li.remove();
        rows.delete(id);
      }
    }
    const wanted = queue.map((entry) => rows.get(entry.id).li);
    const inOrder = wanted.length === list.children.length && wanted.every((li, i) => list.children[i] === li);
    if (!inOrder) list.replaceChildren(...wanted);
    if (focusKey && document.activeElement !== active) {
      const again = list.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`);
      if (again) refocus(again);
      else {
        const li = list.children[Math.min(focusedAt, list.children.length - 1)];
        if (li) refocus(li.querySelector(".grip"));
        else $("queue-heading").focus();
      }
    }
    keepStop(stopAt);

    $("queue-empty").hidden = queue.length > 0;
    // the total is the server's (state.queue_ms): the console adds up nothing itself
    setText(
      $("queue-summary"),
      queue.length ? `${speakers(queue.length)} · ${minutes(queueMs)}` : "",
    );
  }

  /** Forget every row (another segment is shown now). */
  function reset() {
    rows.clear();
    list.replaceChildren();
    stop = null;
    drag = null;
    deferred = null;
  }

  return { render, reset };
}

// The speaking queue: one row per entry, kept by id so focus and a drag survive updates.
// Reorder by dragging the grip (mouse, touch or pen: pointer events), by the arrow buttons, or
// with Alt+↑ / Alt+↓ on a focused entry. Every move is sent with the version it was based on.

import { h, setText } from "../dom.js";
import { constituencyLabel, kindLabel, minutes } from "./format.js";
import { setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);

export function createQueue(ctx) {
  const list = $("queue");
  const rows = new Map(); // entry id -> {li, parts}
  let drag = null;
  let deferred = null; // a state that arrived during a drag, rendered when it ends

  const move = (entryId, position) =>
    ctx.run({ type: "move_entry", entry_id: entryId, position }, { versioned: true });

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
    const up = h("button", { type: "button", class: "btn btn-icon", dataset: { focus: `${entry.id}:up` } }, "↑");
    const down = h("button", { type: "button", class: "btn btn-icon", dataset: { focus: `${entry.id}:down` } }, "↓");
    const remove = h(
      "button",
      { type: "button", class: "btn btn-icon btn-remove", dataset: { focus: `${entry.id}:remove` } },
      "✕",
    );
    const number = h("span", { class: "entry-number" });
    const details = [entry.organisation, constituencyLabel(entry.constituency)].filter(Boolean).join(" · ");
    const li = h(
      "li",
      { class: "entry", dataset: { entryId: entry.id, kind: entry.kind } },
      grip,
      number,
      h(
        "div",
        { class: "entry-who" },
        h("span", { class: "entry-name" }, entry.name),
        h("span", { class: "entry-details" }, details),
        entry.note ? h("span", { class: "entry-note" }, `“${entry.note}”`) : null,
      ),
      h("span", { class: "tag tag-kind", dataset: { kind: entry.kind } }, kindLabel(entry.kind)),
      h("span", { class: "entry-time" }, minutes(entry.allotted_ms)),
      h("span", { class: "entry-actions" }, up, down, remove),
    );
    up.addEventListener("click", () => {
      const index = indexOf(entry.id);
      if (index > 0) move(entry.id, index - 1);
    });
    down.addEventListener("click", () => {
      const index = indexOf(entry.id);
      const state = ctx.state();
      if (index >= 0 && index < state.queue.length - 1) move(entry.id, index + 1);
    });
    remove.addEventListener("click", () =>
      ctx.run({ type: "remove_entry", entry_id: entry.id }, { versioned: true }).then((ack) => {
        if (ack) ctx.notices.show(`Removed ${entry.name} from the queue. Press U to undo.`, "info");
      }),
    );
    li.addEventListener("keydown", (event) => onKey(event, entry.id));
    grip.addEventListener("pointerdown", (event) => startDrag(event, entry.id, li, grip));
    return { li, number, grip, up, down, remove, name: entry.name };
  }

  function onKey(event, entryId) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    const index = indexOf(entryId);
    const state = ctx.state();
    const target = event.key === "ArrowUp" ? index - 1 : index + 1;
    if (index < 0 || target < 0 || target >= state.queue.length) return;
    move(entryId, target);
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
    const queue = state.queue;
    const seen = new Set();
    queue.forEach((entry, index) => {
      let row = rows.get(entry.id);
      if (!row) {
        row = build(entry);
        rows.set(entry.id, row);
      }
      seen.add(entry.id);
      const place = `${index + 1} of ${queue.length}`;
      setText(row.number, String(index + 1));
      row.grip.setAttribute("aria-label", `${row.name}, place ${place}. Drag to reorder, or Alt+Up / Alt+Down`);
      row.up.setAttribute("aria-label", `Move ${row.name} up`);
      row.down.setAttribute("aria-label", `Move ${row.name} down`);
      row.remove.setAttribute("aria-label", `Remove ${row.name} from the queue`);
      setAvailable(row.up, index === 0 ? "Already first" : null);
      setAvailable(row.down, index === queue.length - 1 ? "Already last" : null);
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
      if (again) again.focus();
    }

    $("queue-empty").hidden = queue.length > 0;
    const total = queue.reduce((sum, entry) => sum + entry.allotted_ms, 0);
    setText(
      $("queue-summary"),
      queue.length ? `${queue.length} ${queue.length === 1 ? "speaker" : "speakers"} · ${minutes(total)}` : "",
    );
  }

  /** Forget every row (another segment is shown now). */
  function reset() {
    rows.clear();
    list.replaceChildren();
    drag = null;
    deferred = null;
  }

  return { render, reset };
}

// How the floor takes requests: moderated or open, the list open or closed, the queue's cap,
// whether delegates may raise points of order; and whether calling a speaker starts their timer.
// Each shows the segment's settings as the server has them.

import { setText } from "../dom.js";

const $ = (id) => document.getElementById(id);

export function createSettings(ctx) {
  const modes = [...document.querySelectorAll('input[name="floor-mode"]')];
  const listToggle = $("list-toggle");
  const capForm = $("cap-form");
  const capInput = $("cap-input");
  const startOnCall = $("start-on-call");
  const pointsOfOrder = $("points-of-order");

  for (const radio of modes) {
    radio.addEventListener("change", () => {
      if (radio.checked) ctx.run({ type: "set_floor_mode", mode: radio.value });
    });
  }
  listToggle.addEventListener("click", () => {
    const open = ctx.state().settings.list_open;
    ctx.run({ type: open ? "close_list" : "reopen_list" }).then((ack) => {
      if (ack) ctx.notices.show(open ? "The list of speakers is closed." : "The list of speakers is open again.", "info");
    });
  });
  startOnCall.addEventListener("change", () => {
    const enabled = startOnCall.checked;
    ctx.run({ type: "set_start_timer_on_call", enabled }).then((ack) => {
      if (ack) {
        ctx.notices.show(
          enabled ? "“Call next” now starts the speaker's timer in this segment." : "“Call next” no longer starts the timer: press Start when the speaker begins.",
          "info",
        );
      } else {
        const state = ctx.state();
        if (state) render(state); // refused: show the setting as the server has it
      }
    });
  });
  pointsOfOrder.addEventListener("change", () => {
    const enabled = pointsOfOrder.checked;
    ctx.run({ type: "set_points_of_order", enabled }).then((ack) => {
      if (ack) {
        ctx.notices.show(
          enabled ? "Delegates may raise points of order again." : "Delegates can no longer raise points of order in this segment; you can still add one.",
          "info",
        );
      } else {
        const state = ctx.state();
        if (state) render(state);
      }
    });
  });
  capForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const cap = Number.parseInt(capInput.value, 10);
    if (!(cap >= 1)) {
      ctx.notices.show("The cap must be a whole number of at least 1 (or choose “No limit”).", "warning");
      return;
    }
    ctx.run({ type: "set_queue_cap", cap });
  });
  $("cap-clear").addEventListener("click", () => {
    capInput.value = "";
    ctx.run({ type: "set_queue_cap", cap: null });
  });

  function render(state) {
    const settings = state.settings;
    for (const radio of modes) radio.checked = radio.value === settings.floor_mode;
    const list = $("list-state");
    list.dataset.open = String(settings.list_open);
    setText(list, settings.list_open ? "The list is open to requests." : "The list is closed (points of order still come).");
    setText(listToggle, settings.list_open ? "Close the list" : "Reopen the list");
    if (document.activeElement !== capInput) capInput.value = settings.queue_cap ?? "";
    startOnCall.checked = Boolean(settings.start_timer_on_call);
    pointsOfOrder.checked = settings.points_of_order !== false;
  }

  return { render };
}

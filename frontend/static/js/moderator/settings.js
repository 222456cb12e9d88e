// How the floor takes requests: moderated or open, the list open or closed, the queue's cap,
// whether delegates may raise points of order; and whether calling a speaker starts their timer.
// Each shows the segment's settings as the server has them.

import { setText } from "../dom.js";
import { t } from "../i18n.js";
import { undoHint } from "./shortcuts.js";

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
      if (ack) ctx.notices.show(t(open ? "console.settings.list_closed" : "console.settings.list_reopened"), "info");
    });
  });
  startOnCall.addEventListener("change", () => {
    const enabled = startOnCall.checked;
    ctx.run({ type: "set_start_timer_on_call", enabled }).then((ack) => {
      if (ack) {
        ctx.notices.show(
          t(enabled ? "console.settings.start_on_call_on" : "console.settings.start_on_call_off"),
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
          t(enabled ? "console.settings.points_of_order_on" : "console.settings.points_of_order_off"),
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
      ctx.notices.show(t("console.settings.bad_cap"), "warning");
      return;
    }
    ctx.run({ type: "set_queue_cap", cap }).then((ack) => {
      if (ack) ctx.notices.undoable(undoHint(t("console.settings.cap_done", { n: cap })));
    });
  });
  $("cap-clear").addEventListener("click", () => {
    capInput.value = "";
    ctx.run({ type: "set_queue_cap", cap: null }).then((ack) => {
      if (ack) ctx.notices.undoable(undoHint(t("console.settings.cap_removed")));
    });
  });

  function render(state) {
    const settings = state.settings;
    for (const radio of modes) radio.checked = radio.value === settings.floor_mode;
    const list = $("list-state");
    list.dataset.open = String(settings.list_open);
    setText(list, t(settings.list_open ? "console.settings.list_open" : "console.settings.list_shut"));
    setText(listToggle, t(settings.list_open ? "console.settings.close_list" : "console.settings.reopen_list"));
    if (document.activeElement !== capInput) capInput.value = settings.queue_cap ?? "";
    startOnCall.checked = Boolean(settings.start_timer_on_call);
    pointsOfOrder.checked = settings.points_of_order !== false;
  }

  return { render };
}

// The clocks on the page (the delegate's own turn, the current speaker), refreshed from the
// server's time as estimated here; nothing is counted locally.

import { formatClock, phaseOf, remainingMs } from "../client.js";
import { setText } from "../dom.js";
import { t } from "../i18n.js";
import { turnOf } from "./mine.js";

export class Clocks {
  constructor() {
    this.items = []; // {scope, node, base, label?, entryId?, timer?}
  }

  /** Forget the clocks of one part of the page (it is being rebuilt). */
  clear(scope) {
    this.items = this.items.filter((clock) => clock.scope !== scope);
  }

  /** `entryId`: follows the timer of that turn (the delegate's own), on the floor or paused by
   * an interposed question or answer, as each new state has it; else the `timer` given. */
  add(clock) {
    this.items.push(clock);
  }

  tick(connection) {
    if (!connection || !connection.state) return;
    const now = connection.clock.now();
    const settings = connection.state.settings || { warning_ms: 30000, danger_ms: 10000 };
    for (const clock of this.items) {
      const timer = clock.entryId ? turnOf(connection, clock.entryId)?.timer : clock.timer;
      if (!timer) continue;
      const ms = remainingMs(timer, now);
      setText(clock.node, formatClock(ms));
      const className = `${clock.base} phase-${phaseOf(ms, settings)}`;
      if (clock.node.className !== className) clock.node.className = className;
      if (clock.label) {
        let label = t("status.time_left");
        if (ms < 0) label = t("status.overtime");
        else if (timer.state === "idle") label = t("status.time_allotted");
        else if (timer.state === "paused") label = t("status.paused");
        setText(clock.label, label);
      }
    }
  }
}

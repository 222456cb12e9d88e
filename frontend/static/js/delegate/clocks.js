// The clocks on the page (the delegate's own turn, the current speaker), refreshed from the
// server's time as estimated here; nothing is counted locally.

import { formatClock, spokenClock, timeShown } from "../client.js";
import { h, setText } from "../dom.js";
import { currentLanguage, t } from "../i18n.js";
import { turnOf } from "./mine.js";

export class Clocks {
  constructor() {
    this.items = []; // {scope, node, base, label?, entryId?, timer?}
    // the delegate's own turn: its phase when last seen, and what was said of it ("low", "up"),
    // by its entry (a card drawn again says nothing again); told through onPhase(news)
    this.seen = new Map();
    this.onPhase = null;
  }

  /** The delegate's own running clock reached its warning (or danger) or ran out: say it once,
   * as it happens (not when the page comes in on a clock already low). */
  follow(entryId, timer, phase) {
    const was = this.seen.get(entryId);
    const said = was ? was.said : new Set();
    this.seen.set(entryId, { phase, said });
    if (!was || was.phase === phase || timer.state !== "running") return;
    const news = phase === "overtime" ? "up" : phase === "warning" || phase === "danger" ? "low" : null;
    if (!news || said.has(news) || (news === "low" && said.has("up"))) return;
    said.add(news);
    if (this.onPhase) this.onPhase(news);
  }

  /** Forget the clocks of one part of the page (it is being rebuilt). */
  clear(scope) {
    this.items = this.items.filter((clock) => clock.scope !== scope);
  }

  /** `entryId`: follows the timer of that turn (the delegate's own), on the floor or paused by
   * an interposed question or answer, as each new state has it; else the `timer` given. The
   * digits are hidden from a screen reader, which reads `words` (returned: the caller puts it
   * beside the clock), "2 minutes, 30 seconds", and on the speaker's own clock its phase. */
  add(clock) {
    clock.node.setAttribute("aria-hidden", "true");
    clock.words = h("span", { class: "visually-hidden clock-words" }, "");
    this.items.push(clock);
    return clock.words;
  }

  tick(connection) {
    if (!connection || !connection.state) return;
    const now = connection.clock.now();
    const settings = connection.state.settings || { warning_ms: 30000, danger_ms: 10000 };
    const language = currentLanguage();
    for (const clock of this.items) {
      const timer = clock.entryId ? turnOf(connection, clock.entryId)?.timer : clock.timer;
      if (!timer) continue;
      // the line lost: the time as last known, with no phase the server has not said (no
      // "your time is up" for a turn the chair may have paused or given time), as on every face
      const { ms, phase, lost } = timeShown(timer, settings, now, connection.lostAt);
      setText(clock.node, formatClock(ms));
      if (clock.entryId && clock.scope === "status" && !lost) this.follow(clock.entryId, timer, phase);
      const className = `${clock.base} phase-${phase}`;
      if (clock.node.className !== className) clock.node.className = className;
      const spoken = spokenClock(ms, language);
      if (clock.label) {
        let label = t("status.time_left");
        if (lost) label = t("booth.not_live");
        else if (ms < 0) label = t("status.overtime");
        else if (timer.state === "idle") label = t("status.time_allotted");
        else if (timer.state === "paused") label = t("status.paused");
        else if (phase === "warning" || phase === "danger") label = t("status.time_left_low");
        setText(clock.label, label);
      }
      setText(clock.words, spoken);
    }
  }
}

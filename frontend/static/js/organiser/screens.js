// The screens connected now: consoles, room displays, speaker clocks, booths and rapporteur
// pages (delegates' phones are counted), since when and last seen, refreshed every few seconds
// while the page is visible; Identify makes one show its name, large, for a few seconds.

import { api } from "../client.js";
import { h, setText } from "../dom.js";
import { plural, t } from "../i18n.js";
import { ago, dayAndTime, faceLabel, isolate, keepFocus } from "./util.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 4000;
const STALE_MS = 45_000; // pages ping every 15 s: three missed pings
/** The pages that show their name when identified (identify.js); the rapporteur's does not yet. */
const SHOWS_ITS_NAME = new Set(["console", "display", "clock", "booth"]);

/** 10:31:05 at an instant, in the event's zone (the room's clock). */
function clockTime(at, timeZone) {
  try {
    return new Intl.DateTimeFormat("en-GB", { timeStyle: "medium", timeZone }).format(at);
  } catch {
    return new Intl.DateTimeFormat("en-GB", { timeStyle: "medium" }).format(at);
  }
}

export function createScreens(desk) {
  let timer = null;
  let loading = false;

  async function load() {
    if (!desk.event || loading) return;
    loading = true;
    try {
      desk.screens = await api("GET", `/events/${encodeURIComponent(desk.event.id)}/screens`);
      desk.changed("screens");
    } catch (error) {
      if (error.status === 401) desk.call("GET", "/session").catch(() => {}); // says signed out
    } finally {
      loading = false;
    }
  }

  function segmentTitle(id) {
    const segment = desk.event && desk.event.segments.find((s) => s.id === id);
    return segment ? segment.title : "";
  }

  function render() {
    const answer = desk.screens;
    if (!answer || !desk.event) return;
    const now = answer.server_time;
    $("screens-empty").hidden = answer.screens.length > 0;
    setText($("screens-updated"), t("desk.screens.updated", { time: isolate(clockTime(now, desk.event.timezone), { ltr: true }) }));
    setText($("screens-phones"), plural("desk.screens.phones", answer.phones));
    // drawn again every few seconds: an Identify with the focus keeps it (util.keepFocus)
    const rows = $("screens-rows");
    keepFocus(rows, () => rows.replaceChildren(
      ...answer.screens.map((screen) => {
        const stale = now - screen.last_seen_at > STALE_MS;
        const face = faceLabel(screen.face);
        const what = screen.label ? t("desk.screens.face_and_label", { face, label: screen.label }) : face;
        return h(
          "tr",
          { dataset: { screenId: screen.id, face: screen.face, stale: String(stale) } },
          // each cell names its column (data-label): a narrow panel shows the screens as cards
          h("td", {}, h("span", { class: "face-name" }, face), h("span", { class: "screen-id", dir: "ltr" }, `#${screen.id}`)),
          h("td", { dataset: { label: t("desk.screens.link") } }, screen.label ? h("bdi", {}, screen.label) : t(screen.link_id ? "desk.screens.no_label" : "desk.status.key")),
          h("td", { dataset: { label: t("desk.screens.connected") } }, dayAndTime(screen.connected_at_local, desk.event.date)),
          h("td", { class: "last-seen", dataset: { label: t("desk.screens.last_seen") } }, ago(now - screen.last_seen_at)),
          h("td", { class: "address", dataset: { label: t("desk.screens.address") } }, h("bdi", { dir: "ltr" }, screen.address)),
          h("td", { dataset: { label: t("desk.screens.showing") } }, h("bdi", {}, segmentTitle(screen.segment_id))),
          h(
            "td",
            { class: "actions" },
            SHOWS_ITS_NAME.has(screen.face)
              ? h("button", { type: "button", class: "btn btn-small", "aria-label": t("desk.screens.identify_label", { what }), onclick: () => identify(screen, face) }, t("desk.screens.identify"))
              : null,
          ),
        );
      }),
    ), { fallback: $("screens-heading") });
  }

  async function identify(screen, face) {
    try {
      const answer = await desk.call("POST", `/events/${encodeURIComponent(desk.event.id)}/screens/${encodeURIComponent(screen.id)}/identify`);
      desk.notices.show(plural("desk.screens.identified", Math.round(answer.duration_ms / 1000), { what: isolate(screen.label || face) }));
    } catch {
      load(); // it has gone: the list says so
    }
  }

  function start() {
    clearInterval(timer);
    timer = setInterval(() => {
      if (document.visibilityState === "visible") load();
    }, REFRESH_MS);
  }

  $("screens-refresh").addEventListener("click", load);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") load();
  });
  start();

  return {
    load,
    shown: load,
    stop: () => clearInterval(timer),
    changed(what) {
      if (what === "screens" || what === "event") render();
    },
  };
}

// "Which screen is this?": when the organiser's desk asks (its list of connected screens,
// Identify), this screen shows its name, large, over everything, for a few seconds. The name is
// the label of its access link, else what the screen is; the words are for the secretariat.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** What each face is called on the overlay (identify.<face> in ./i18n.js). */
const FACES = new Set(["console", "display", "clock", "booth", "rapporteur", "organiser"]);
const faceName = (face) => t(`identify.${FACES.has(face) ? face : "other"}`);

let styled = false;

/** The overlay's style sheet, added once (the faces' policy allows this server's sheets only). */
function style() {
  if (styled) return;
  styled = true;
  document.head.append(h("link", { rel: "stylesheet", href: "/static/css/identify.css" }));
}

/** Show the name of this screen on every `identify` message of `connection`. */
export function identifyOnRequest(connection) {
  let shown = null;
  let timer = null;
  connection.addEventListener("identify", (event) => {
    style();
    const message = event.detail || {};
    const face = faceName(message.face);
    if (shown) shown.remove();
    clearTimeout(timer);
    shown = h(
      "div",
      { class: "identify", role: "status", "aria-live": "assertive", dataset: { face: message.face || "other" } },
      h("p", { class: "identify-name", dir: "auto" }, message.label || face),
      h("p", { class: "identify-face" }, message.label ? `${face} · ${message.screen_id}` : String(message.screen_id || "")),
    );
    document.body.append(shown);
    timer = setTimeout(() => {
      shown.remove();
      shown = null;
    }, Math.min(Math.max(Number(message.duration_ms) || 5000, 1000), 30000));
  });
}

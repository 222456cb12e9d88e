// The language of a staff face (moderator console, organiser's desk, rapporteur's page). Staff
// read their face in the language they choose, whatever the event offers its delegates: the link's
// ?lang=, else what this browser chose before, else the browser's languages, else English.
// Switching reloads the page: the floor's state is on the server and the sign-in is a cookie, so a
// reload costs a second and nothing else, and no face has to redraw every word it has drawn.
// The reload comes only when the choice is made (WCAG 3.2.2): an option chosen from the open list
// (pointer, or Enter in it), or Enter on the picker. An arrow key (or a letter) on the closed
// picker only moves the choice, which waits for Enter and is taken back when the focus leaves or
// on Escape; after the reload the picker has the focus again when the choice was made with the
// keyboard, and not when it was made with the pointer (a moderator who clicked a language expects
// the console's keys to work at once, not to land in the picker). Escape on a picker with no
// choice waiting lets go of its focus: the page's keys are the shortcuts again. A face may describe this with
// aria-describedby on its picker (the console: #language-hint, shown while a choice waits).
// While the line is down the reload would not load the page again (and a console would lose the
// commands it keeps to send): a choice made then is not taken, and the hint says why and when to
// choose again (the page's connection, given with `watch`, or the browser being offline).

import "./i18n/staff.js";
import { h } from "./dom.js";
import { LANGUAGES, apply, currentLanguage, pickLanguage, setLanguage, t } from "./i18n.js";

/** Where the picker that reloaded the page is remembered, to have the focus back after it. */
const REFOCUS = "floorkeeper.language.refocus";
/** Keys that move a closed picker's choice (a change that follows one is not yet a choice made). */
const MOVES = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

/** Pick the language and translate the static markup; call first in a staff face's module. */
export function startLanguage() {
  const explicit = new URLSearchParams(location.search).get("lang");
  setLanguage(pickLanguage(explicit));
  apply();
  return currentLanguage();
}

/** Fill `select` with the six languages, each named in itself; switch when one is chosen.
 * `remember: false`: the choice is not kept as the staff faces' (a room face keeps its own).
 * Returns `{ watch(connection) }`: the page's FloorConnection, whose line must be up to switch. */
export function languagePicker(select, { remember = true } = {}) {
  select.replaceChildren(...LANGUAGES.map(({ code, name }) => h("option", { value: code, lang: code }, name)));
  select.value = currentLanguage();
  let moving = false; // a key that moves the closed picker's choice is being handled
  let byPointer = false; // the picker was last used with the pointer (opened by a click or a tap)
  let connection = null;
  const hint = document.getElementById(select.getAttribute("aria-describedby") || "");
  hint?.setAttribute("aria-live", "polite"); // the reason a choice was not taken is heard
  const usual = hint?.textContent ?? "";

  const pending = () => select.value !== currentLanguage();
  const lineDown = () => !navigator.onLine || (connection !== null && connection.status !== "live");
  const showPending = () => {
    if (pending()) select.dataset.pending = "true";
    else if (select.dataset.pending !== "held") delete select.dataset.pending;
  };
  const release = () => {
    if (select.dataset.pending !== "held") return;
    delete select.dataset.pending;
    if (hint) hint.textContent = usual;
  };
  const takeBack = () => {
    select.value = currentLanguage();
    showPending();
  };
  const switchTo = (code) => {
    if (lineDown()) {
      // not taken: the page would not load again; said under the picker until the line is back
      select.value = currentLanguage();
      select.dataset.pending = "held";
      if (hint) hint.textContent = t("staff.language.line_down");
      return;
    }
    setLanguage(code, { remember });
    // a ?lang= in the address would win over the choice just made: take it out, then reload
    const url = new URL(location.href);
    if (url.searchParams.has("lang")) {
      url.searchParams.delete("lang");
      history.replaceState(history.state, "", url.href);
    }
    try {
      if (byPointer) sessionStorage.removeItem(REFOCUS);
      else sessionStorage.setItem(REFOCUS, select.id);
    } catch {
      // the focus is not given back: the page still changes language
    }
    location.reload();
  };

  select.addEventListener("pointerdown", () => (byPointer = true));
  select.addEventListener("keydown", (event) => {
    byPointer = false;
    if (event.key === "Escape" && !pending()) {
      select.blur(); // nothing to take back: Escape leaves the picker, the shortcuts act again
      return;
    }
    if (event.key === "Enter") {
      if (pending()) {
        event.preventDefault();
        switchTo(select.value);
      }
      return;
    }
    if (event.key === "Escape" && pending()) {
      event.preventDefault();
      takeBack();
      return;
    }
    const letter = event.key.length === 1 && !event.ctrlKey && !event.metaKey;
    if (event.altKey || !(MOVES.has(event.key) || letter)) return;
    moving = true;
    setTimeout(() => (moving = false)); // the change it makes comes before this
  });
  select.addEventListener("change", () => {
    if (moving) {
      showPending(); // moved with a key: waits for Enter
      return;
    }
    if (pending()) switchTo(select.value); // chosen from the open list
  });
  select.addEventListener("blur", () => {
    if (pending()) takeBack();
    release();
  });
  addEventListener("online", () => {
    if (!lineDown()) release();
  });

  let again = null;
  try {
    again = sessionStorage.getItem(REFOCUS);
    sessionStorage.removeItem(REFOCUS);
  } catch {
    // nothing to give back
  }
  if (again && again === select.id) select.focus();

  return {
    /** Hold the switch while `floorConnection`'s line is down (and say so until it is back). */
    watch(floorConnection) {
      connection = floorConnection;
      connection.addEventListener("status", () => {
        if (!lineDown()) release();
      });
    },
  };
}

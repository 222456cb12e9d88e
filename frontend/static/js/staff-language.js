// The language of a staff face (moderator console, organiser's desk, rapporteur's page). Staff
// read their face in the language they choose, whatever the event offers its delegates: the link's
// ?lang=, else what this browser chose before, else the browser's languages, else English.
// Switching reloads the page: the floor's state is on the server and the sign-in is a cookie, so a
// reload costs a second and nothing else, and no face has to redraw every word it has drawn.

import "./i18n/staff.js";
import { h } from "./dom.js";
import { LANGUAGES, apply, currentLanguage, pickLanguage, setLanguage } from "./i18n.js";

/** Pick the language and translate the static markup; call first in a staff face's module. */
export function startLanguage() {
  const explicit = new URLSearchParams(location.search).get("lang");
  setLanguage(pickLanguage(explicit));
  apply();
  return currentLanguage();
}

/** Fill `select` with the six languages, each named in itself, and switch on change. */
export function languagePicker(select) {
  select.replaceChildren(...LANGUAGES.map(({ code, name }) => h("option", { value: code, lang: code }, name)));
  select.value = currentLanguage();
  select.addEventListener("change", () => {
    setLanguage(select.value);
    // a ?lang= in the address would win over the choice just made: take it out, then reload
    const url = new URL(location.href);
    if (url.searchParams.has("lang")) {
      url.searchParams.delete("lang");
      history.replaceState(history.state, "", url.href);
    }
    location.reload();
  });
}

// The 23 objectives of the Global Compact for Safe, Orderly and Regular Migration: a contribution
// is tagged with their numbers (1–23, protocol.md tag_contribution). Their titles, in the six
// languages, come from the server (GET /api/v1/gcm-objectives, app/gcm.py: the one copy, which
// the outcome documents print too), fetched once per page; each face shows them in its language.

import { currentLanguage } from "./i18n.js";

/** The objectives' numbers, in order: what a contribution may be tagged with. */
export const OBJECTIVE_NUMBERS = Array.from({ length: 23 }, (_, index) => index + 1);

let loading = null; // the request's promise, kept: asked once per page
let titles = null; // language -> number -> title, once it has come

/**
 * The titles, once: a promise of `{language: {number: title}}`. A failed request is forgotten,
 * so that the next call asks again (the numbers are shown meanwhile).
 */
export function loadObjectives() {
  if (!loading) {
    loading = fetch("/api/v1/gcm-objectives", { headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error(`gcm-objectives: ${response.status}`);
        return response.json();
      })
      .then((body) => {
        titles = (body && body.titles) || {};
        return titles;
      })
      .catch((error) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

/** Whether the titles have come. */
export const objectivesLoaded = () => titles !== null;

/** An objective's title in `language` (the page's by default); "" until the titles have come. */
export function objectiveTitle(number, language = currentLanguage()) {
  if (!titles) return "";
  const table = titles[language] || titles.en || {};
  return table[String(number)] || "";
}

// A speaker's floor language and attendance, as the console's forms ask for them (the add form,
// a queue row's ✎, the interposed question's dialog, the speaker card's correction): what the
// interpreters' booths need to know whether to work from the floor or take relay. The codes are
// the server's (`ar zh en fr ru es other`, or null: not known; `in_room` / `remote`); which
// changes it takes, and where, is the server's to say (edit_entry refuses what it refuses).

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { LANGUAGES } from "./format.js";

/** "Not known": the select's value for a language nobody gave (null on the server). */
const UNKNOWN = "";

/**
 * Fill `select` with the six languages, "Another language" and "Not known", and choose `value`
 * (null: not known). A known language given in error goes back to "Not known" (the commands take
 * `"unknown"` for it: `floorChanges`).
 */
export function fillLanguages(select, value) {
  const options = Object.entries(LANGUAGES).map(([code, label]) => h("option", { value: code }, label));
  options.push(h("option", { value: UNKNOWN }, t("console.floor.not_known")));
  select.replaceChildren(...options);
  select.value = value || UNKNOWN;
}

/** The fields an add_speaker or interpose names a guest with. */
export function floorFields(select, remote) {
  return { language: select.value || null, attendance: remote.checked ? "remote" : "in_room" };
}

/** What an edit_entry changes of `person` (as the server has them now): only what differs. */
export function floorChanges(person, select, remote) {
  const changes = {};
  // "Not known" for someone whose language is known: "unknown" (null would leave it as it is)
  if (select.value !== (person.language || UNKNOWN)) changes.language = select.value || "unknown";
  const attendance = remote.checked ? "remote" : "in_room";
  if (attendance !== (person.attendance || "in_room")) changes.attendance = attendance;
  return changes;
}

/** Show `person`'s floor language and attendance in the fields (a registered person chosen). */
export function showFloor(person, select, remote) {
  select.value = person.language || UNKNOWN;
  remote.checked = person.attendance === "remote";
}

/** "Arabic · Remote", "French", "Language not known": what the card shows beside its Change (the
 * remote marker as the rows show it: only for someone taking part from elsewhere). */
export function floorLine(person) {
  const language = person.language ? LANGUAGES[person.language] || person.language : t("console.floor.unknown");
  return person.attendance === "remote" ? `${language} · ${t("who.remote")}` : language;
}

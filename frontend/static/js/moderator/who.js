// Who speaks, fully described, as the server's view says: the floor language as a tag ("FR"),
// a remote marker, the organisation, constituency and region; gender (self-declared, optional)
// only in the tooltip, never in the row's text.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { GENDER_OF_ONE, constituencyLabel, languageName, languageTag } from "./format.js";

/** The floor language tag and, for someone taking part from elsewhere, the remote marker. */
export function whoTags(person) {
  const tags = [];
  if (person.language) {
    const name = languageName(person.language);
    tags.push(
      h(
        "span",
        { class: "lang-tag", title: t("who.floor_language", { language: name }), dataset: { language: person.language } },
        h("span", { "aria-hidden": "true" }, languageTag(person.language)),
        h("span", { class: "visually-hidden" }, t("console.who.speaks", { language: name })),
      ),
    );
  }
  if (person.attendance === "remote") {
    tags.push(h("span", { class: "remote-tag", title: t("console.who.remote_title") }, t("who.remote")));
  }
  return tags;
}

/** "Organisation · Constituency · Region", and the tooltip that also gives the gender. */
export function whoDetails(person) {
  const region = (person.region || "").trim();
  const text = [person.organisation, constituencyLabel(person.constituency), region].filter(Boolean).join(" · ");
  const facts = [
    region ? t("console.who.region", { region }) : t("console.who.no_region"),
    person.gender
      ? t("console.who.gender", { gender: GENDER_OF_ONE[person.gender] || person.gender })
      : t("console.who.no_gender"),
  ];
  return { text, title: facts.join(" · ") };
}

/** Everything a row draws of a person: a row whose person's key changed (a correction by the
 * secretariat, PATCH /participants/{id}) is drawn again. */
export function whoKey(person) {
  const { name, organisation, constituency, region, gender, language, attendance } = person;
  return JSON.stringify([name, organisation, constituency, region, gender, language, attendance]);
}

// Who speaks, fully described, as the server's view says: the floor language as a tag ("FR"),
// a remote marker, the organisation, constituency and region; gender (self-declared, optional)
// only in the tooltip, never in the row's text.

import { h } from "../dom.js";
import { GENDER_OF_ONE, constituencyLabel, languageName, languageTag } from "./format.js";

/** The floor language tag and, for someone taking part from elsewhere, the remote marker. */
export function whoTags(person) {
  const tags = [];
  if (person.language) {
    const name = languageName(person.language);
    tags.push(
      h(
        "span",
        { class: "lang-tag", title: `Floor language: ${name}`, dataset: { language: person.language } },
        h("span", { "aria-hidden": "true" }, languageTag(person.language)),
        h("span", { class: "visually-hidden" }, `speaks ${name}`),
      ),
    );
  }
  if (person.attendance === "remote") {
    tags.push(h("span", { class: "remote-tag", title: "Takes the floor remotely" }, "Remote"));
  }
  return tags;
}

/** "Organisation · Constituency · Region", and the tooltip that also gives the gender. */
export function whoDetails(person) {
  const region = (person.region || "").trim();
  const text = [person.organisation, constituencyLabel(person.constituency), region].filter(Boolean).join(" · ");
  const facts = [
    region ? `Region: ${region}` : "Region not stated",
    person.gender ? `Gender: ${GENDER_OF_ONE[person.gender] || person.gender}` : "Gender not stated",
  ];
  return { text, title: facts.join(" · ") };
}

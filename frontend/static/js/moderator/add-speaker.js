// Add a speaker straight to the queue: pick a registered participant (filtered as you type, a
// combobox you can drive with the arrow keys) or type a guest's name, organisation, constituency;
// and, for the interpreters' booths, the floor language and whether they speak remotely (a
// registered participant's registration fills them in; changed here, their new entry is edited
// once it is in the queue: add_speaker takes a registered person's particulars from the registry).

import { api } from "../client.js";
import { h, setText } from "../dom.js";
import { t } from "../i18n.js";
import { refusalText } from "../refusal.js";
import { fillLanguages, floorChanges, floorFields, showFloor } from "./floor-language.js";
import { CONSTITUENCIES, KINDS, constituencyLabel } from "./format.js";

const $ = (id) => document.getElementById(id);
const SHOWN = 8;
const STALE_MS = 10000;

export function createAddSpeaker(ctx) {
  const form = $("add-form");
  const search = $("add-search");
  const suggestions = $("add-suggestions");
  const organisation = $("add-organisation");
  const constituency = $("add-constituency");
  const kind = $("add-kind");
  const minutesInput = $("add-minutes");
  const language = $("add-language");
  const remote = $("add-remote");
  let participants = [];
  let loadedAt = 0;
  let chosen = null;
  let options = [];
  let active = -1;

  for (const [value, label] of Object.entries(CONSTITUENCIES)) {
    constituency.append(h("option", { value }, label));
  }
  constituency.value = "other";
  for (const [value, label] of Object.entries(KINDS)) kind.append(h("option", { value }, label));
  kind.value = "intervention";
  fillLanguages(language, null);

  async function load() {
    if (Date.now() - loadedAt < STALE_MS) return;
    loadedAt = Date.now();
    try {
      participants = await api("GET", `/events/${ctx.eventId}/participants`);
      if (document.activeElement === search && search.value) showSuggestions();
    } catch (error) {
      loadedAt = 0;
      ctx.notices.show(t("console.add.load_failed", { message: refusalText(error, { clause: true }) }), "error");
    }
  }

  function matches(query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    return participants
      .filter((p) => {
        const text = `${p.name} ${p.title} ${p.organisation} ${constituencyLabel(p.constituency)} ${p.region}`.toLowerCase();
        return words.every((word) => text.includes(word));
      })
      .slice(0, SHOWN);
  }

  function showSuggestions() {
    const found = chosen ? [] : matches(search.value);
    active = -1;
    options = found.map((participant, index) => {
      const option = h(
        "li",
        { role: "option", id: `add-option-${index}`, class: "suggestion", "aria-selected": "false" },
        h("span", { class: "suggestion-name", dir: "auto" }, participant.name),
        h(
          "span",
          { class: "suggestion-details" },
          [participant.organisation, constituencyLabel(participant.constituency)].filter(Boolean).join(" · "),
        ),
      );
      option.addEventListener("pointerdown", (event) => event.preventDefault()); // keep focus in the box
      option.addEventListener("click", () => choose(participant));
      return option;
    });
    suggestions.replaceChildren(...options);
    const open = options.length > 0;
    suggestions.hidden = !open;
    if (open) suggestions.scrollIntoView({ block: "nearest" });
    search.setAttribute("aria-expanded", String(open));
    search.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      search.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else search.removeAttribute("aria-activedescendant");
  }

  function choose(participant) {
    chosen = participant;
    search.value = participant.name;
    const who = participant.organisation ? `${participant.name}, ${participant.organisation}` : participant.name;
    setText(
      $("add-chosen-text"),
      t("console.add.chosen", { who, constituency: constituencyLabel(participant.constituency) }),
    );
    $("add-chosen").hidden = false;
    $("add-guest").hidden = true;
    showFloor(participant, language, remote);
    showSuggestions();
    kind.focus();
  }

  function unchoose() {
    if (chosen) showFloor({}, language, remote); // what their registration said: not a guest's
    chosen = null;
    $("add-chosen").hidden = true;
    $("add-guest").hidden = false;
  }

  search.addEventListener("focus", load);
  search.addEventListener("input", () => {
    if (chosen && search.value !== chosen.name) unchoose();
    showSuggestions();
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      options[active].click();
    } else if (event.key === "Escape" && !suggestions.hidden) {
      event.preventDefault();
      suggestions.hidden = true;
      search.setAttribute("aria-expanded", "false");
    }
  });
  search.addEventListener("blur", () => {
    suggestions.hidden = true;
    search.setAttribute("aria-expanded", "false");
  });
  $("add-chosen-clear").addEventListener("click", () => {
    unchoose();
    search.value = "";
    search.focus();
  });

  // the default time of the chosen kind, as the placeholder of the minutes box
  const showDefault = () => {
    const state = ctx.state();
    const ms = state && state.settings.default_times_ms[kind.value];
    minutesInput.placeholder = ms ? String(ms / 60000) : "";
  };
  kind.addEventListener("change", showDefault);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const command = { type: "add_speaker", kind: kind.value };
    if (chosen) {
      // their floor language and attendance, if changed in the form, stand for this turn
      command.participant_id = chosen.id;
      Object.assign(command, floorChanges(chosen, language, remote));
    } else {
      const name = search.value.trim();
      if (!name) {
        ctx.notices.show(t("console.add.name_required"), "warning");
        search.focus();
        return;
      }
      command.name = name;
      command.organisation = organisation.value.trim();
      command.constituency = constituency.value;
      Object.assign(command, floorFields(language, remote));
    }
    if (minutesInput.value) {
      const ms = Math.round(Number(minutesInput.value) * 60000);
      if (!(ms > 0 && ms <= 3600000)) {
        ctx.notices.show(t("console.add.bad_minutes"), "warning");
        minutesInput.focus();
        return;
      }
      command.allotted_ms = ms;
    }
    const person = chosen;
    const ack = await ctx.run(command);
    if (!ack) return;
    ctx.notices.show(t("console.add.added", { name: person ? person.name : command.name }), "info");
    unchoose();
    form.reset();
    fillLanguages(language, null);
    constituency.value = "other";
    kind.value = "intervention";
    showDefault();
    search.focus();
  });

  return { render: showDefault };
}

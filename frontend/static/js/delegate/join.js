// The join form: who the delegate is (name, organisation, constituency, the language they will
// speak — one of the six or another —, in the room or online, and, if they wish, their gender),
// checked here for what is required, then registered with the event's join code and exchanged for
// the HttpOnly cookie that keeps this phone signed in. The registration carries an id made here
// (`registration_id`), kept until the form changes: sent again after an answer that never came
// (a lost connection), the server answers the first registration instead of making a second.

import { api, newId } from "../client.js";
import { fill, h, setText } from "../dom.js";
import { CONSTITUENCIES, LANGUAGES, constituencyLabel, currentLanguage, floorLanguageName, t } from "../i18n.js";
import { remember } from "./remember.js";
import { showError } from "./text.js";

const $ = (id) => document.getElementById(id);

function fieldError(input, errorNode, message) {
  if (message) {
    input.setAttribute("aria-invalid", "true");
    setText(errorNode, message);
    errorNode.hidden = false;
  } else {
    input.removeAttribute("aria-invalid");
    errorNode.hidden = true;
  }
}

export function createJoin(ctx) {
  const form = $("join-form");
  const spoken = $("join-language");
  let registrationId = newId(); // a new one as soon as what the form says changes

  function buildConstituencies() {
    const select = $("join-constituency");
    const chosen = select.value;
    fill(
      select,
      h("option", { value: "" }, t("join.constituency_choose")),
      CONSTITUENCIES.map((code) => h("option", { value: code }, constituencyLabel(code))),
    );
    select.value = chosen;
  }

  async function submit(event) {
    event.preventDefault();
    const name = $("join-name");
    const constituency = $("join-constituency");
    const nameMissing = !name.value.trim();
    const constituencyMissing = !constituency.value;
    fieldError(name, $("join-name-error"), nameMissing ? t("join.name_required") : null);
    fieldError(
      constituency,
      $("join-constituency-error"),
      constituencyMissing ? t("join.constituency_required") : null,
    );
    if (nameMissing) return name.focus();
    if (constituencyMissing) return constituency.focus();

    const button = $("join-submit");
    button.disabled = true;
    button.textContent = t("join.joining");
    showError($("join-error"), null);
    try {
      const joined = await api("POST", `/events/${ctx.info.event_id}/participants`, {
        join_code: ctx.code,
        name: name.value.trim(),
        organisation: $("join-organisation").value.trim(),
        constituency: constituency.value,
        language: spoken.value,
        attendance: form.elements.attendance.value,
        // self-declared and optional: "prefer not to say" sends nothing
        ...($("join-gender").value ? { gender: $("join-gender").value } : {}),
        registration_id: registrationId,
      });
      await api("POST", "/session", { token: joined.token }); // the HttpOnly cookie keeps them here
      remember(joined.participant, ctx.code, ctx.info.event_id);
      ctx.enterFloor(joined.participant, ctx.info.event_id, { joined: true });
    } catch (error) {
      // the registration this id made is gone (removed at the desk): the next tap is a new one
      if (error.code === "registration_id_reused") registrationId = newId();
      showError($("join-error"), error);
    } finally {
      button.disabled = false;
      button.textContent = t("join.submit");
    }
  }

  /** The six by their own names, then another language (a relay for the booth), in the page's. */
  function buildSpoken() {
    const chosen = spoken.value;
    fill(
      spoken,
      LANGUAGES.map(({ code, name }) => h("option", { value: code, lang: code }, name)),
      h("option", { value: "other" }, floorLanguageName("other")),
    );
    spoken.value = chosen || currentLanguage();
  }

  buildSpoken();
  spoken.addEventListener("change", () => (spoken.dataset.touched = "1"));
  buildConstituencies();
  form.addEventListener("submit", submit);
  form.addEventListener("input", () => (registrationId = newId()));
  form.addEventListener("change", () => (registrationId = newId()));

  return {
    /** The page's language changed: the constituencies follow, and so does an untouched choice. */
    translate() {
      buildSpoken();
      if (!spoken.dataset.touched) spoken.value = currentLanguage();
      buildConstituencies();
    },
    /** Empty the form for the next delegate on this phone. */
    reset() {
      form.reset();
      registrationId = newId();
      spoken.value = currentLanguage();
      delete spoken.dataset.touched;
    },
    focus: () => $("join-name").focus(),
  };
}

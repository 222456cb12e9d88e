// A recommendation or a pledge for the hearing's outcome, from the phone: during or after one's
// turn, in any of the six languages (POST /events/{event_id}/contributions, sent again with the
// same command id until the server answers, as the floor request is). Below the form, the
// delegate's own contributions and where each stands, live from the connection's `outcome`.

import { api, newId } from "../client.js";
import { fill, h, setText } from "../dom.js";
import { blank, refusesField } from "../fields.js";
import { LANGUAGES, contributionKindLabel, contributionStatusLabel, currentLanguage, t } from "../i18n.js";
import { isMine, segmentOf } from "./mine.js";
import { Stopped, retryAfterMs, sendUntilAnswered } from "./send.js";
import { showError, waitingText } from "./text.js";

const $ = (id) => document.getElementById(id);

/** The longest text the server takes (protocol.md, Outcome commands). */
export const MAX_TEXT = 2000;

/** The delegate's own contributions, newest first (the server lists the earliest first). */
export function myContributions(connection) {
  return [...(connection?.outcome?.contributions || [])].reverse();
}

export function createContribute(ctx) {
  const form = $("contribute-form");
  const opener = $("contribute-open");
  const text = $("contribute-text");
  const language = $("contribute-language");
  const button = $("contribute-submit");
  const errorBox = $("contribute-error");
  const sent = $("contribute-sent");
  let retry = null; // {id, key, body}: kept until the server answers, so a retry is applied once
  let quietUntil = 0; // a rate limit met again after waiting: nothing is sent before this
  let sending = false;
  let shownKey = null; // what the list shows, to rebuild it only on a change

  function setOpen(on) {
    form.hidden = !on;
    opener.hidden = on;
    opener.setAttribute("aria-expanded", String(on));
    if (on) {
      showError(sent, null);
      text.focus();
    }
  }

  function count() {
    setText($("contribute-count"), t("contribute.count", { count: text.value.length, max: MAX_TEXT }));
  }

  /** Say what is wrong with the text by its field (`reason`: "required" or "invalid"), or nothing. */
  function textError(message, reason = "required") {
    const node = $("contribute-text-error");
    node.dataset.reason = reason;
    if (message) {
      text.setAttribute("aria-invalid", "true");
      setText(node, message);
      node.hidden = false;
    } else {
      text.removeAttribute("aria-invalid");
      node.hidden = true;
    }
  }

  function item(contribution) {
    const edited = contribution.text !== contribution.original_text;
    return h(
      "li",
      { class: "contribution", dataset: { status: contribution.status } },
      h(
        "p",
        { class: "contribution-head" },
        h("span", { class: "contribution-kind" }, contributionKindLabel(contribution.kind)),
        h(
          "span",
          { class: `contribution-status contribution-${contribution.status}` },
          contributionStatusLabel(contribution.status),
        ),
      ),
      h("p", { class: "contribution-text", dir: "auto" }, contribution.text),
      edited ? h("p", { class: "contribution-edited" }, t("contribution.edited")) : null,
    );
  }

  function render() {
    const mine = myContributions(ctx.connection);
    const key = JSON.stringify([
      currentLanguage(),
      mine.map((c) => [c.id, c.kind, c.status, c.text, c.original_text]),
    ]);
    if (key === shownKey) return;
    shownKey = key;
    $("contributions").hidden = mine.length === 0;
    fill($("contributions-list"), mine.map(item));
  }

  /** Say why (or what is going on) by the button they pressed. */
  function tell(error, tone = "error") {
    showError(errorBox, error, tone);
    errorBox.scrollIntoView({ block: "nearest" });
  }

  function busy(on) {
    sending = on;
    button.disabled = on;
    setText(button, t(on ? "contribute.sending" : "contribute.submit"));
  }

  async function submit(event) {
    event.preventDefault();
    const connection = ctx.connection;
    if (!connection || !ctx.eventId || sending) return;
    const wording = text.value.trim();
    const empty = blank(wording);
    textError(empty ? t("contribute.text_required") : null);
    if (empty) return text.focus();
    const quiet = quietUntil - performance.now();
    if (quiet > 0) {
      tell({ code: "rate_limited", seconds: Math.ceil(quiet / 1000) });
      return;
    }
    const kind = form.elements.kind.value;
    const key = JSON.stringify([kind, wording, language.value]);
    if (!retry || retry.key !== key) {
      // a new intention: where it was made is where the floor is now (and the turn, if theirs)
      const id = newId();
      const body = { command_id: id, kind, text: wording, language: language.value };
      const segment = segmentOf(connection);
      if (segment) body.segment_id = segment.id;
      const current = connection.state?.current;
      if (current && isMine(connection, current.id)) body.entry_id = current.id;
      retry = { id, key, body };
    }
    const attempt = retry;
    const eventId = ctx.eventId;
    busy(true);
    showError(errorBox, null);
    try {
      await sendUntilAnswered(() => api("POST", `/events/${encodeURIComponent(eventId)}/contributions`, attempt.body), {
        onRetry: (error, ms) => tell(waitingText(error, ms), "wait"),
        still: () => ctx.connection === connection,
      });
      retry = null;
      showError(errorBox, null);
      form.reset();
      resetLanguage();
      count();
      // the form (and the Send button the focus is on) goes away: back to the button that opens it
      const hadFocus = form.contains(document.activeElement) || document.activeElement === document.body;
      setOpen(false);
      if (hadFocus) opener.focus();
      showError(sent, t("contribute.sent"), "ok");
      sent.scrollIntoView({ block: "nearest" });
    } catch (error) {
      if (error instanceof Stopped) return;
      retry = null; // answered for good: a new try is a new contribution
      if (error.code === "unauthenticated") return ctx.signedOut();
      if (error.status === 429) quietUntil = performance.now() + retryAfterMs(error, 60000);
      if (refusesField(error, "text")) {
        // said by the field it is about, in the phone's language
        textError(t("contribute.text_invalid", { field: t("contribute.text"), max: MAX_TEXT }), "invalid");
        text.focus();
        return;
      }
      tell(error);
    } finally {
      busy(false);
    }
  }

  function resetLanguage() {
    language.value = currentLanguage();
    delete language.dataset.touched;
  }

  fill(
    language,
    LANGUAGES.map(({ code, name }) => h("option", { value: code, lang: code }, name)),
  );
  resetLanguage();
  language.addEventListener("change", () => (language.dataset.touched = "1"));
  text.addEventListener("input", () => {
    count();
    if (!blank(text.value)) textError(null);
  });
  opener.addEventListener("click", () => setOpen(true));
  $("contribute-cancel").addEventListener("click", () => {
    setOpen(false);
    textError(null);
    showError(errorBox, null);
    opener.focus();
  });
  form.addEventListener("submit", submit);
  count();

  return {
    render,
    /** The page's language changed: the counter and the list follow, so does an untouched choice. */
    translate() {
      if (!language.dataset.touched) language.value = currentLanguage();
      count();
      shownKey = null;
      const shown = $("contribute-text-error");
      if (!shown.hidden) {
        const reason = shown.dataset.reason;
        const words = reason === "invalid" ? t("contribute.text_invalid", { field: t("contribute.text"), max: MAX_TEXT }) : t("contribute.text_required");
        textError(words, reason);
      }
      if (!sent.hidden) showError(sent, t("contribute.sent"), "ok");
    },
    /** Empty the form and the list for the next delegate on this phone. */
    reset() {
      retry = null;
      form.reset();
      resetLanguage();
      count();
      setOpen(false);
      textError(null);
      showError(errorBox, null);
      showError(sent, null);
      shownKey = null;
      fill($("contributions-list"));
      $("contributions").hidden = true;
    },
  };
}

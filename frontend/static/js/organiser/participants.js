// The participants: the list with a search, and the secretariat's spreadsheet in and out. An
// import is previewed first (the server's dry run: every row checked, nothing written), with each
// refused row's problems by row, as the spreadsheet numbers it, and column; it is imported only
// when no row is refused, all rows at once. Exports are the same columns, CSV or XLSX.

import { ApiError, api } from "../client.js";
import { h, setText } from "../dom.js";
import { constituencyLabel, languageName } from "../moderator/format.js";
import { sentence } from "./util.js";

const $ = (id) => document.getElementById(id);
const SHOWN = 200; // rows drawn at once; the search finds the rest
const STATUS = { new: "New", registered: "Already registered", refused: "Refused" };

export function createParticipants(desk) {
  let chosen = null; // the file being previewed
  let report = null;

  const path = () => `/events/${encodeURIComponent(desk.event.id)}/participants`;

  async function load() {
    if (!desk.event) return;
    desk.participants = await api("GET", path());
    desk.changed("participants");
  }

  function render() {
    const event = desk.event;
    if (!event) return;
    $("export-csv").href = `/api/v1${path()}?format=csv`;
    $("export-xlsx").href = `/api/v1${path()}?format=xlsx`;
    const query = $("participants-search").value.trim().toLocaleLowerCase();
    const people = desk.participants;
    const matching = query
      ? people.filter((p) =>
          [p.name, p.title, p.organisation, constituencyLabel(p.constituency), p.region]
            .join(" ")
            .toLocaleLowerCase()
            .includes(query),
        )
      : people;
    setText(
      $("participants-count"),
      query ? `${matching.length} of ${people.length}` : `${people.length} registered`,
    );
    $("participants-empty").hidden = people.length > 0;
    $("participants-rows").replaceChildren(
      ...matching.slice(0, SHOWN).map((p) =>
        h(
          "tr",
          { dataset: { participantId: p.id } },
          h("td", {}, h("span", { class: "person-name", dir: "auto" }, p.name), p.title ? h("span", { class: "person-title", dir: "auto" }, p.title) : null),
          h("td", { dir: "auto" }, p.organisation),
          h("td", {}, constituencyLabel(p.constituency)),
          h("td", { dir: "auto" }, p.region),
          h("td", {}, languageName(p.language)),
          h("td", {}, p.attendance === "remote" ? "Remote" : "In the room"),
        ),
      ),
    );
    const more = $("participants-more");
    more.hidden = matching.length <= SHOWN;
    setText(more, `Showing the first ${SHOWN} of ${matching.length}: search to find the others.`);
  }

  // --- the import ------------------------------------------------------------------------------

  async function send(dryRun) {
    const form = new FormData();
    form.append("file", chosen);
    try {
      return { report: await api("POST", `${path()}/import${dryRun ? "?dry_run=1" : ""}`, form) };
    } catch (error) {
      if (error instanceof ApiError && error.body && error.body.report) return { report: error.body.report, refused: error.message };
      return { failed: error };
    }
  }

  async function preview(file) {
    chosen = file;
    report = null;
    $("import-preview").hidden = false;
    setText($("import-file-name"), file.name);
    setText($("import-summary"), "");
    setText($("import-verdict"), "Checking every row…");
    $("import-verdict").dataset.tone = "info";
    $("import-rows").replaceChildren();
    $("import-file-errors").replaceChildren();
    $("import-confirm").hidden = true;
    const answer = await send(true);
    showReport(answer, false);
    $("import-preview").focus();
  }

  function showReport(answer, done) {
    const verdict = $("import-verdict");
    $("import-confirm").hidden = true;
    if (answer.failed) {
      verdict.dataset.tone = "error";
      setText(verdict, `${sentence(answer.failed.message)}.`);
      return;
    }
    report = answer.report;
    const counts = report.counts;
    setText(
      $("import-summary"),
      `${counts.rows} rows: ${counts.new} new, ${counts.registered} already registered, ${counts.refused} refused` +
        (counts.panellists ? `; ${counts.panellists} panellists` : ""),
    );
    const fileErrors = report.errors.filter((e) => !report.rows.some((row) => row.row === e.row && row.errors.length));
    $("import-file-errors").replaceChildren(
      ...fileErrors.map((e) => h("li", {}, e.row ? `Row ${e.row}: ` : "", `${sentence(e.message)}.`)),
    );
    if (answer.refused) {
      verdict.dataset.tone = "error";
      const refused = counts.refused;
      setText(
        verdict,
        refused
          ? `Nothing can be imported: ${refused === 1 ? "1 row is" : `${refused} rows are`} refused. Correct ${refused === 1 ? "it" : "them"} in the spreadsheet and choose the file again.`
          : "Nothing can be imported: see below.",
      );
    } else if (done) {
      verdict.dataset.tone = "ok";
      setText(
        verdict,
        `Imported: ${report.imported} registered` +
          (report.queued ? `, ${report.queued} panellists put in their segments' queues` : "") +
          (counts.registered ? `; ${counts.registered} were registered already and left as they were` : "") +
          ".",
      );
      for (const problem of report.not_queued || []) desk.notices.show(`Row ${problem.row}: ${sentence(problem.message)}`, "warning");
    } else {
      verdict.dataset.tone = "ok";
      setText(verdict, counts.new ? `Every row can be imported: ${counts.new} new participants.` : "Everyone in this file is registered already: nothing to import.");
      $("import-confirm").hidden = counts.new === 0;
      setText($("import-confirm"), `Import ${counts.new} participant${counts.new === 1 ? "" : "s"}`);
    }
    // refused rows first, then the rest in the spreadsheet's order
    const rows = [...report.rows].sort((a, b) => (a.status === "refused" ? 0 : 1) - (b.status === "refused" ? 0 : 1) || a.row - b.row);
    $("import-rows").replaceChildren(
      ...rows.slice(0, 500).map((row) =>
        h(
          "tr",
          { dataset: { status: row.status, row: String(row.row) } },
          h("td", { class: "num" }, String(row.row)),
          h("td", {}, h("span", { class: "state-tag", dataset: { state: row.status } }, STATUS[row.status] || row.status)),
          h("td", { dir: "auto" }, row.name),
          h("td", {}, row.panel ? h("span", { class: "panel-cell", dir: "auto", title: row.panel }, row.panel) : ""),
          h(
            "td",
            { class: "problems" },
            row.errors.length
              ? h("ul", {}, row.errors.map((e) => h("li", {}, h("strong", {}, e.column ? `${e.column}: ` : ""), `${sentence(e.message)}`)))
              : "",
          ),
        ),
      ),
    );
  }

  async function confirm() {
    const button = $("import-confirm");
    button.disabled = true;
    try {
      const answer = await send(false);
      showReport(answer, !answer.refused && !answer.failed);
      if (!answer.refused && !answer.failed) {
        desk.notices.show(`${answer.report.imported} participants imported.`);
        await load();
        await desk.reloadEvent(); // panellists joined their segments' queues
      }
    } finally {
      button.disabled = false;
    }
  }

  function close() {
    $("import-preview").hidden = true;
    chosen = null;
    report = null;
    $("import-choose").focus();
  }

  $("import-choose").addEventListener("click", () => $("import-file").click());
  $("import-again").addEventListener("click", () => $("import-file").click());
  $("import-file").addEventListener("change", (event) => {
    const [file] = event.target.files;
    event.target.value = ""; // the same file again, corrected, is a new choice
    if (file) preview(file);
  });
  $("import-confirm").addEventListener("click", confirm);
  $("import-cancel").addEventListener("click", close);
  $("participants-search").addEventListener("input", render);

  return {
    load,
    changed(what) {
      if (what === "event" || what === "participants") render();
    },
  };
}

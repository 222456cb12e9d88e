// Who has been heard, and the time budgets per constituency: the server's figures (the
// instruments' `balance`, `day` and `budgets`, app/floor/balance.py), shown as they come. The
// moderator picks what to look at: this segment or the day, all turns, the panellists' or the
// floor's, per constituency, region, gender or group. Budgets are set and removed with set_budget.

import { fill, h, setText } from "../dom.js";
import { t } from "../i18n.js";
import { CONSTITUENCIES, GENDERS, GROUPS, constituencyLabel, minutes, regionLabel, turns } from "./format.js";

const $ = (id) => document.getElementById(id);

const KEY_LABELS = {
  by_constituency: constituencyLabel,
  by_region: regionLabel,
  by_gender: (key) => GENDERS[key] || key,
  by_group: (key) => GROUPS[key] || key,
};
/** Whose turns the figures count, in the total's words. */
const WHO = {
  all: "console.balance.total_all",
  panellists: "console.balance.total_panellists",
  floor: "console.balance.total_floor",
};

/** A group of toggle buttons (aria-pressed), one of which is chosen. */
function toggles(attribute, initial, onChange) {
  const buttons = [...document.querySelectorAll(`[data-${attribute}]`)];
  const key = attribute.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  let value = initial;
  for (const button of buttons) {
    button.addEventListener("click", () => {
      value = button.dataset[key];
      for (const other of buttons) other.setAttribute("aria-pressed", String(other === button));
      onChange();
    });
  }
  return () => value;
}

export function createBalance(ctx) {
  const rerender = () => render();
  const span = toggles("balance-span", "segment", rerender);
  const who = toggles("balance-who", "all", rerender);
  const perSelect = $("balance-by");
  perSelect.value = "by_constituency";
  perSelect.addEventListener("change", rerender);
  const by = () => perSelect.value;
  const budgetList = $("budgets");
  const budgetForm = $("budget-form");
  const budgetConstituency = $("budget-constituency");
  const budgetMinutes = $("budget-minutes");
  let budgetSignature = "";

  fill(
    budgetConstituency,
    Object.entries(CONSTITUENCIES).map(([value, label]) => h("option", { value }, label)),
  );
  budgetConstituency.value = "civil_society";

  budgetForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = Number(budgetMinutes.value);
    if (!(value > 0)) {
      ctx.notices.show(t("console.budgets.bad_minutes"), "warning");
      budgetMinutes.focus();
      return;
    }
    const constituency = budgetConstituency.value;
    const budgetMs = Math.round(value * 60000);
    ctx.run({ type: "set_budget", constituency, budget_ms: budgetMs }).then((ack) => {
      if (!ack) return;
      budgetMinutes.value = "";
      ctx.notices.show(
        t("console.budgets.set_notice", { constituency: constituencyLabel(constituency), time: minutes(budgetMs) }),
        "info",
      );
    });
  });

  function removeBudget(constituency) {
    ctx.run({ type: "set_budget", constituency, budget_ms: null }).then((ack) => {
      if (ack) ctx.notices.show(t("console.budgets.removed", { constituency: constituencyLabel(constituency) }), "info");
    });
  }

  const segmentInstruments = () => {
    const all = ctx.conn.instruments;
    return (all && all.segments && all.segments[ctx.viewingId()]) || null;
  };

  function renderBalance() {
    const all = ctx.conn.instruments;
    const balance = span() === "day" ? all && all.day : (segmentInstruments() || {}).balance;
    const breakdown = balance ? balance[who()] : null;
    const list = $("balance-list");
    if (!breakdown) {
      setText($("balance-total"), "");
      fill(list, h("li", { class: "empty" }, t(all ? "console.balance.no_figures" : "console.balance.loading")));
      return;
    }
    const today = span() === "day";
    setText(
      $("balance-total"),
      t(today ? "console.balance.total_today" : "console.balance.total_segment", {
        turns: turns(breakdown.turns),
        time: minutes(breakdown.held_ms),
        who: t(WHO[who()]),
      }),
    );
    const rows = breakdown[by()] || [];
    const most = rows.reduce((top, row) => Math.max(top, row.held_ms), 0);
    const label = KEY_LABELS[by()];
    fill(
      list,
      rows.length
        ? rows.map((row) => {
            const bar = h("span", { class: "stat-bar" });
            bar.style.width = `${most ? Math.max(2, (row.held_ms / most) * 100) : 0}%`;
            return h(
              "li",
              { class: "stat balance-row", dataset: { key: row.key, turns: String(row.turns) } },
              h("span", { class: "stat-name" }, label(row.key)),
              h("span", { class: "stat-time" }, `${turns(row.turns)} · ${minutes(row.held_ms)}`),
              h("span", { class: "stat-track", "aria-hidden": "true" }, bar),
            );
          })
        : h("li", { class: "empty" }, t(today ? "console.balance.nobody_today" : "console.balance.nobody_segment")),
    );
  }

  function budgetRow(budget) {
    const name = constituencyLabel(budget.constituency);
    const left =
      budget.left_ms > 0
        ? t("console.budgets.left", { time: minutes(budget.left_ms) })
        : budget.left_ms === 0
          ? t("console.budgets.none_left")
          : t("console.budgets.over", { time: minutes(-budget.left_ms) });
    const bar = h("span", { class: "budget-bar" });
    bar.style.width = `${budget.budget_ms ? Math.min(100, (budget.used_ms / budget.budget_ms) * 100) : 0}%`;
    const remove = h(
      "button",
      {
        type: "button",
        class: "btn btn-icon btn-quiet budget-remove",
        title: t("console.budgets.remove_title"),
        "aria-label": t("console.budgets.remove", { constituency: name }),
        dataset: { focus: `budget:${budget.constituency}` },
      },
      h("span", { "aria-hidden": "true" }, "✕"),
    );
    remove.addEventListener("click", () => removeBudget(budget.constituency));
    const state = { low: t("console.budgets.low"), out: t("console.budgets.out") }[budget.state] || "";
    return h(
      "li",
      { class: "budget", dataset: { constituency: budget.constituency, state: budget.state, speaking: String(budget.speaking) } },
      h(
        "div",
        { class: "budget-head" },
        h("span", { class: "budget-name", title: name }, name),
        h("span", { class: "budget-left" }, left),
        remove,
      ),
      h(
        "p",
        { class: "budget-figures" },
        budget.speaking ? h("span", { class: "tag budget-speaking" }, t("console.budgets.speaking")) : null,
        state ? h("span", { class: "budget-state" }, state) : null,
        h(
          "span",
          { class: "budget-used" },
          t("console.budgets.used", { used: minutes(budget.used_ms), budget: minutes(budget.budget_ms) }),
        ),
      ),
      h("span", { class: "budget-track", "aria-hidden": "true" }, bar),
    );
  }

  function renderBudgets() {
    const budgets = (segmentInstruments() || {}).budgets || [];
    const signature = JSON.stringify(budgets);
    if (signature !== budgetSignature) {
      budgetSignature = signature;
      const focused = budgetList.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
      fill(
        budgetList,
        budgets.length ? budgets.map(budgetRow) : h("li", { class: "empty" }, t("console.budgets.none")),
      );
      if (focused) (budgetList.querySelector(`[data-focus="${CSS.escape(focused)}"]`) || $("budgets-heading")).focus?.();
    }
  }

  function render() {
    renderBalance();
    renderBudgets();
  }

  function reset() {
    budgetSignature = "";
  }

  return { render, reset };
}

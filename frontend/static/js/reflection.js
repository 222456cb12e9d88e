// The group reflection's order, shared by the console, the rapporteur page and the room display:
// the accepted contributions grouped by their first theme — themes in the programme's order when
// a theme is (or begins) a segment's title, else in order of first appearance, "Other" (no theme)
// last — and within a theme in the order the outcome lists them.

export const OTHER = "Other";

const accepted = (item) => item.status === undefined || item.status === "accepted";

/** `[{theme, items}]`: the accepted `contributions` (the outcome view's), grouped for the reflection. */
export function reflectionOrder(contributions, programmeTitles = []) {
  const titles = programmeTitles.map((title) => String(title || "").toLowerCase());
  const rank = (theme) => {
    const lower = theme.toLowerCase();
    const index = titles.findIndex((title) => title === lower || title.startsWith(lower));
    return index < 0 ? Infinity : index;
  };
  const groups = new Map(); // theme -> {theme, items, first}
  (contributions || []).filter(accepted).forEach((item) => {
    const theme = (item.themes && item.themes[0]) || null;
    const key = theme === null ? null : theme;
    if (!groups.has(key)) groups.set(key, { theme: theme === null ? OTHER : theme, items: [], first: groups.size, other: theme === null });
    groups.get(key).items.push(item);
  });
  return [...groups.values()]
    .sort((a, b) => a.other - b.other || rank(a.theme) - rank(b.theme) || a.first - b.first)
    .map(({ theme, items }) => ({ theme, items }));
}

/** Around `shownId` in `order`: the previous and next contributions (or null), its place overall
 * and in its theme (1-based; 0 when nothing in the order is shown), and the counts. */
export function neighbours(order, shownId) {
  const flat = order.flatMap((group) => group.items.map((item) => ({ item, group })));
  const index = flat.findIndex((entry) => entry.item.id === shownId);
  const here = index >= 0 ? flat[index] : null;
  return {
    previous: index > 0 ? flat[index - 1].item : null,
    next: index < 0 ? (flat[0] || {}).item || null : (flat[index + 1] || {}).item || null,
    position: index + 1,
    count: flat.length,
    theme: here ? here.group.theme : null,
    themePosition: here ? here.group.items.indexOf(here.item) + 1 : 0,
    themeCount: here ? here.group.items.length : 0,
  };
}

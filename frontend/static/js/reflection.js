// The group reflection's order, shared by the console, the rapporteur page and the room display:
// the accepted contributions grouped by their first theme — themes in the programme's order when
// a theme is a segment's title, else in order of first appearance, "Other" (no theme) last — and
// within a theme in the order the outcome lists them. A theme is grouped under the label the
// outcome documents print it under, as the server says it (`theme_labels`, one per theme: a
// segment named by its short title or in another case is that segment's title); a view without
// that field (an older server) groups by the themes as typed.

export const OTHER = "Other";

const accepted = (item) => item.status === undefined || item.status === "accepted";

/** The label a contribution's first theme is grouped under, or null when it has none. */
export function themeLabel(item) {
  const labels = Array.isArray(item.theme_labels) ? item.theme_labels : null;
  const theme = (labels && labels[0]) || (item.themes && item.themes[0]) || null;
  return theme || null;
}

/** `[{theme, items}]`: the accepted `contributions` (the outcome view's), grouped for the reflection. */
export function reflectionOrder(contributions, programmeTitles = []) {
  const items = (contributions || []).filter(accepted);
  const canonical = items.some((item) => Array.isArray(item.theme_labels));
  const titles = programmeTitles.map((title) => String(title || ""));
  const lowerTitles = titles.map((title) => title.toLowerCase());
  const rank = (theme) => {
    // the server's labels name a segment by its whole title; the themes as typed, by its beginning
    const index = canonical
      ? titles.indexOf(theme)
      : lowerTitles.findIndex((title) => title === theme.toLowerCase() || title.startsWith(theme.toLowerCase()));
    return index < 0 ? Infinity : index;
  };
  const groups = new Map(); // theme -> {theme, items, first}
  items.forEach((item) => {
    const theme = themeLabel(item);
    if (!groups.has(theme)) groups.set(theme, { theme: theme === null ? OTHER : theme, items: [], first: groups.size, other: theme === null });
    groups.get(theme).items.push(item);
  });
  return [...groups.values()]
    .sort((a, b) => a.other - b.other || rank(a.theme) - rank(b.theme) || a.first - b.first)
    .map(({ theme, items: members }) => ({ theme, items: members }));
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

// Keyboard shortcuts for the moments the moderator's eyes are on the room, and their help dialog.
// They never fire while typing in a field, and never with Ctrl, Cmd or Alt held. Shift with N or E
// records the turn as not spoken (skipped); Caps Lock alone does not. I and A interpose a question
// or an answer, R re-adds the last speaker. The letters are the keys where a Latin layout has
// them, whatever layout is on (an Arabic or Russian keyboard's N key is N here). Space runs the
// timer even on a focused button: after a click on "Call next" the focus stays there, and Space
// pressing it again would call the speaker after next; Enter uses a focused button (the help says so).

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';

/** The key as the shortcuts name it: a letter typed on a non-Latin layout is its key's letter. */
function keyOf(event) {
  const letter = /^Key[A-Z]$/.test(event.code) && !/^[a-z]$/i.test(event.key);
  return letter ? event.code.slice(3).toLowerCase() : event.key;
}

export function installShortcuts({ speaker, undo, message, interpose }) {
  const dialog = document.getElementById("help-dialog");
  const openHelp = () => {
    if (!dialog.open) dialog.showModal();
  };
  document.getElementById("help-open").addEventListener("click", openHelp);

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target && target.closest(TYPING)) return;
    if (document.querySelector("dialog[open]")) return; // a dialog has the keyboard (Esc closes it)
    const key = keyOf(event);
    const act = (fn) => {
      event.preventDefault();
      if (!event.repeat) fn();
    };
    switch (key) {
      case " ":
      case "Spacebar":
        act(() => speaker.perform("toggle"));
        break;
      case "n":
      case "N":
        act(() => speaker.perform(event.shiftKey ? "skipNext" : "next"));
        break;
      case "e":
      case "E":
        act(() => speaker.perform(event.shiftKey ? "skipEnd" : "end"));
        break;
      case "+":
      case "=":
        act(() => speaker.perform("plus"));
        break;
      case "-":
      case "−":
      case "_":
        act(() => speaker.perform("minus"));
        break;
      case "u":
      case "U":
        act(() => undo.perform());
        break;
      case "i":
      case "I":
        act(() => interpose.perform("question"));
        break;
      case "a":
      case "A":
        act(() => interpose.perform("answer"));
        break;
      case "r":
      case "R":
        act(() => interpose.perform("readd"));
        break;
      case "m":
      case "M":
        act(() => message.focus());
        break;
      case "?":
        act(openHelp);
        break;
      default:
    }
  });
}

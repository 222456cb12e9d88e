// Keyboard shortcuts for the moments the moderator's eyes are on the room, and their help dialog.
// They never fire while typing in a field, and never with Ctrl, Cmd or Alt held. Shift with N or E
// records the turn as not spoken (skipped); Caps Lock alone does not. I and A interpose a question
// or an answer, R re-adds the last speaker.

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';

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
    const key = event.key;
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

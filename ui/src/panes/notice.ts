// The notice line at the bottom right: one short sentence, optionally with Undo, that goes away.
import type { Notice } from "./context";

export function mountNotice(toast: HTMLElement): Notice {
  let timer = 0;
  return (html, undo) => {
    toast.innerHTML = html + (undo ? ` <button class="link" data-act="undo">Undo</button>` : "");
    toast.hidden = false;
    const button = toast.querySelector<HTMLButtonElement>("[data-act=undo]");
    if (button && undo)
      button.onclick = () => {
        undo();
        toast.hidden = true;
      };
    clearTimeout(timer);
    timer = window.setTimeout(() => (toast.hidden = true), undo ? 8000 : 4000);
  };
}

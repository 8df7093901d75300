// What every pane is given: the store it draws from and updates, the shell's commands, and the
// notice line. Tests give a fresh store and mocked commands.
import type { Api } from "../api";
import type { AppStore } from "../state";

export type Notice = (html: string, undo?: () => void) => void;

export type Context = {
  store: AppStore;
  api: Api;
  notice: Notice;
};

/** `document.querySelector` typed, for elements a pane knows are there. */
export function $<T extends HTMLElement = HTMLElement>(root: ParentNode, selector: string): T {
  return root.querySelector(selector) as T;
}

/** Today as YYYY-MM-DD (validity badges). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

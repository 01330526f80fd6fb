/*
 * Keeps the address bar and local storage on the current spec: ~300 ms after the last analysed edit the
 * hash is rewritten (history.replaceState, so no history entry per keystroke) and the spec saved locally.
 */
import { saveLocal, specToHash, type SharedSpec } from "./share.js";

export const SYNC_DELAY_MS = 300;

export interface SpecSync {
  /** The spec changed: write it out after the delay (a later edit restarts it). */
  edited(spec: SharedSpec): void;
  /** Write now and return the page's URL, which then carries the spec. */
  linkNow(spec: SharedSpec): Promise<string>;
  /** Save what is pending at once (the page is going away; the hash may not make it). */
  flush(): void;
  /** The page wrote this hash itself (a hashchange to it is not a new spec to load). */
  wrote(hash: string): boolean;
}

export function createSpecSync(): SpecSync {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiting: SharedSpec | undefined;
  let sequence = 0;
  let written = location.hash;

  const write = async (spec: SharedSpec): Promise<void> => {
    const mine = ++sequence;
    saveLocal(spec);
    const hash = await specToHash(spec);
    // A later edit started its own write while this one compressed: let that one win.
    if (mine !== sequence) return;
    history.replaceState(history.state, "", hash || location.pathname + location.search);
    written = hash;
  };
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    waiting = undefined;
  };

  return {
    edited(spec) {
      cancel();
      waiting = spec;
      timer = setTimeout(() => {
        cancel();
        write(spec).catch(() => {});
      }, SYNC_DELAY_MS);
    },
    async linkNow(spec) {
      cancel();
      await write(spec);
      return location.href;
    },
    flush() {
      if (waiting) saveLocal(waiting);
      cancel();
    },
    wrote: (hash) => hash === written,
  };
}

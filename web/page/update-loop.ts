/*
 * Edits to views, one analysis per frame: every change marks the text pending, and the next animation frame
 * analyses and renders the latest text once, however many keystrokes came before it.  After each render the
 * page publishes its instrumentation (the bench and the browser tests read it):
 *
 *   document.body.dataset.revision  an integer, +1 per completed render
 *   document.body.dataset.state     "ok" (the spec loaded) or "errors" (it did not; the views are stale)
 *   window.uapiLastUpdate           { revision, inputToViewMs, analyseMs, renderMs }
 *
 * inputToViewMs runs from the first change the render took in (performance.now() when it arrived) to the
 * first task after that frame: a task queued inside requestAnimationFrame runs once the browser has done the
 * frame's style, layout and paint, so the figure includes them (not the compositor's raster on its thread).
 */
export interface UpdateTimings {
  revision: number;
  inputToViewMs: number;
  analyseMs: number;
  renderMs: number;
}

export interface RenderOutcome {
  state: "ok" | "errors";
  analyseMs: number;
  renderMs: number;
}

declare global {
  interface Window {
    uapiLastUpdate?: UpdateTimings;
  }
}

export interface UpdateLoop {
  /** The editor's text changed (or was replaced): analyse it on the next frame. */
  changed(text: string): void;
}

export function createUpdateLoop(update: (text: string) => RenderOutcome): UpdateLoop {
  let pending: { text: string; since: number } | undefined;
  let frameRequested = false;
  let revision = 0;
  const afterPaint = afterPaintQueue();

  const frame = () => {
    frameRequested = false;
    const p = pending;
    pending = undefined;
    if (!p) return;
    const outcome = update(p.text);
    afterPaint(() => {
      revision++;
      window.uapiLastUpdate = {
        revision,
        inputToViewMs: performance.now() - p.since,
        analyseMs: outcome.analyseMs,
        renderMs: outcome.renderMs,
      };
      document.body.dataset.state = outcome.state;
      document.body.dataset.revision = String(revision);
    });
  };

  return {
    changed(text) {
      pending = { text, since: pending?.since ?? performance.now() };
      if (!frameRequested) {
        frameRequested = true;
        requestAnimationFrame(frame);
      }
    },
  };
}

/** Run callbacks in the first task after the current frame's rendering (a MessageChannel task, not a timer). */
function afterPaintQueue(): (callback: () => void) => void {
  const queue: (() => void)[] = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => queue.shift()?.();
  return (callback) => {
    queue.push(callback);
    channel.port2.postMessage(null);
  };
}

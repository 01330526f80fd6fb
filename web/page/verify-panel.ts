/* PLACEHOLDER (to be replaced): the verify panel, running the WebAssembly clang in a Web Worker. */
export function mountVerifyPanel(container: HTMLElement, _current: () => { file: string; text: string }): void {
  container.textContent = "verify: not built yet";
}

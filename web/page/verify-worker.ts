/* PLACEHOLDER (to be replaced): the verify worker. */
export {};

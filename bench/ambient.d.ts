/* The benchmark's library anchors ship no TypeScript types usable under NodeNext resolution. */
declare module "restructure";
declare module "binary-parser";

/* The second thread (threads.ts): load the same spec files, do the share asked for, post the result. */
import { parentPort, workerData } from "node:worker_threads";
import { GENERATORS } from "../generators/index.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecFiles } from "../spec/load.js";
import { checkShare, shareInterfaces } from "./check-threads.js";
import { produceShare } from "./generate-threads.js";
import type { WorkerReply, WorkerRequest } from "./threads.js";

function answer(request: WorkerRequest): WorkerReply {
  const models = loadSpecFiles(request.files);
  if (request.kind === "check") {
    const abis = request.abis.map((id) => ABIS.find((a) => a.id === id)!);
    return { kind: "check", parts: checkShare(models, abis, shareInterfaces(models, request.shares)[request.share]!) };
  }
  const generators = GENERATORS.filter((g) => request.generators.includes(g.name));
  return { kind: "generate", produced: [...produceShare(models, generators, request.options)] };
}

let reply: WorkerReply;
try {
  reply = answer(workerData as WorkerRequest);
} catch (e) {
  reply = { kind: "failed", error: (e as Error).message };
}
parentPort!.postMessage(reply);

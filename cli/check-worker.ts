/* The second thread of `uapi check` (check-threads.ts): load the same files, check its share, post the parts. */
import { parentPort, workerData } from "node:worker_threads";
import { ABIS } from "../spec/abis.js";
import { loadSpecFiles } from "../spec/load.js";
import { checkShare, shareInterfaces, type CheckShareReply, type CheckShareRequest } from "./check-threads.js";

const request = workerData as CheckShareRequest;
let reply: CheckShareReply;
try {
  const models = loadSpecFiles(request.files);
  const abis = request.abis.map((id) => ABIS.find((a) => a.id === id)!);
  reply = { parts: checkShare(models, abis, shareInterfaces(models, request.shares)[request.share]!) };
} catch (e) {
  reply = { error: (e as Error).message };
}
parentPort!.postMessage(reply);

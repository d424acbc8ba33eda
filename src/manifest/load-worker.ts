// A worker thread of loadFleetAsync: builds the groups of the blocks of manifests it claims, with the
// same rules and a context rebuilt from the configuration and people the main thread loaded.
import { parentPort, workerData } from "node:worker_threads";
import {
  BLOCK,
  type Built,
  buildFiles,
  groupContext,
  type WorkerInput,
  type WorkerMessage,
  yamlReader,
} from "./load.js";
import type { WorkerData } from "./workers.js";

const data = workerData as WorkerData;
const port = parentPort!;
// started ahead of the loader, it waits here for what the main thread loads meanwhile
const input = await new Promise<WorkerInput>((resolve) => port.once("message", resolve));
const ctx = groupContext(input.config, input.people, data.root);
const read = yamlReader(data.root, data.cwd);
const counter = new Int32Array(data.next);
const blocks = Math.ceil(data.files.length / BLOCK);
for (;;) {
  const block = Atomics.add(counter, 0, 1);
  if (block >= blocks) break;
  const built = buildFiles(
    data.files,
    block * BLOCK,
    Math.min((block + 1) * BLOCK, data.files.length),
    read,
    ctx,
  );
  port.postMessage({ block, built } satisfies WorkerMessage, transferable(built));
}
port.postMessage({ done: true } satisfies WorkerMessage);

/** Typed arrays that own their whole buffer move to the main thread instead of being copied. */
function transferable(built: Built): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const g of built.groups)
    for (const v of Object.values(g))
      if (
        ArrayBuffer.isView(v) &&
        v.buffer instanceof ArrayBuffer &&
        v.byteOffset === 0 &&
        v.byteLength === v.buffer.byteLength
      )
        out.add(v.buffer);
  return [...out];
}

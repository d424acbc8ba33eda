// The sandbox in-process: the same requests the HTTP client sends, answered without a socket.
import { realSleep } from "../clock.js";
import { type Transport, TransportError } from "../wawp/transport.js";
import type { Sandbox } from "./sandbox.js";

export function inProcessTransport(
  sandbox: Sandbox,
  sleep: (ms: number) => Promise<void> = realSleep,
): Transport {
  return {
    label: "the built-in sandbox",
    async send(req) {
      // a JSON round trip, so nothing is shared by reference with the sandbox's state
      const wire = {
        ...req,
        query: { ...req.query, instance_id: sandbox.instanceId, access_token: sandbox.token },
        ...(req.body !== undefined ? { body: JSON.parse(JSON.stringify(req.body)) } : {}),
      };
      const out = sandbox.handle(wire);
      if (out.delayMs) await sleep(out.delayMs);
      if (out.kind === "drop")
        throw new TransportError("connection reset by the sandbox (injected fault)", true);
      return {
        ...out.res,
        body: out.res.body === undefined ? null : JSON.parse(JSON.stringify(out.res.body)),
      };
    },
    async download(url) {
      const path = url.replace(/^sandbox:/, "");
      const out = sandbox.handle({ method: "GET", path });
      if (out.kind === "drop" || out.res.status !== 200)
        throw new TransportError(`picture ${url} not found`, true);
      const file = out.res.body as { __file: string };
      return new Uint8Array(Buffer.from(file.__file, "base64"));
    },
  };
}

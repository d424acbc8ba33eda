// A Transport that answers from a routing function and records every request, for client tests
// that need no HTTP (the MockAgent tests prove the real transport path).
import type { Transport, WawpRequest } from "../../src/wawp/transport.js";

export type Reply = [status: number, body: unknown];

export function fakeTransport(route: (req: WawpRequest) => Reply | undefined) {
  const requests: WawpRequest[] = [];
  const transport: Transport = {
    label: "fake",
    async send(req) {
      requests.push(req);
      const reply = route(req) ?? [404, { message: `Cannot ${req.method} ${req.path}`, statusCode: 404 }];
      return { status: reply[0], headers: {}, body: reply[1] };
    },
    async download() {
      return new Uint8Array();
    },
  };
  const seen = (method: string, path: string) =>
    requests.filter((r) => r.method === method && r.path === path).length;
  return { transport, requests, seen };
}

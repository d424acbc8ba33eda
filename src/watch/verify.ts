// Who may knock: WAHA signs each delivery with hex HMAC-SHA512 of the raw body (X-Webhook-Hmac). The
// comparison is constant-time so the signature cannot be guessed byte by byte from response timing.
import { createHmac, timingSafeEqual } from "node:crypto";

const HEX_SHA512 = /^[0-9a-f]{128}$/i;

export function signBody(body: Buffer | string, secret: string): string {
  return createHmac("sha512", secret).update(body).digest("hex");
}

/** Whether `header` is the body's signature under `secret`; a missing or malformed header is not. */
export function verifySignature(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !HEX_SHA512.test(header.trim())) return false;
  const want = createHmac("sha512", secret).update(body).digest();
  return timingSafeEqual(want, Buffer.from(header.trim(), "hex"));
}

/** Request IDs seen lately: a redelivery is accepted and ignored. Bounded: the oldest are forgotten. */
export class SeenIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 10_000) {}

  /** true the first time an id is seen */
  first(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    // a Set iterates in insertion order: the first entry is the oldest
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}

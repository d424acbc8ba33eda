// Redaction of the Wawp token and the WAHA key in every form a URL or a header dump gives them.
import { describe, expect, it } from "vitest";
import { addSecret, redact } from "../../../src/redact.js";

describe("redact", () => {
  const token = "tok en/+!'()~*é";
  addSecret(token);

  it("masks a secret raw, URL-encoded, form-encoded (as URLSearchParams writes it), lower-case or twice encoded", () => {
    const query = new URLSearchParams({ instance_id: "1", other: token }).toString();
    const forms = [
      token,
      encodeURIComponent(token),
      query,
      encodeURIComponent(token).toLowerCase(),
      encodeURIComponent(encodeURIComponent(token)),
    ];
    for (const form of forms) {
      const out = redact(`GET https://api.example/v2/groups?x=${form} failed`);
      expect(out).not.toContain(form.replace(/^instance_id=1&other=/, ""));
      expect(out).toContain("***");
    }
    expect(redact(`?${query}`)).toBe("?instance_id=1&other=***");
  });

  it("masks the longer of two overlapping secrets whole", () => {
    addSecret("abcd");
    addSecret("abcd-efgh-ijkl");
    expect(redact("key abcd-efgh-ijkl and abcd")).toBe("key *** and ***");
  });

  it("masks any access_token query value and any X-Api-Key header value, registered or not", () => {
    expect(redact("GET /v2/groups?instance_id=1&access_token=unknown-one&limit=5")).toBe(
      "GET /v2/groups?instance_id=1&access_token=***&limit=5",
    );
    expect(redact("X-Api-Key: unregistered-key\nhost: x")).toBe("X-Api-Key: ***\nhost: x");
    const json = JSON.stringify({ headers: { "x-api-key": "has spaces, and commas", host: "h" } });
    expect(JSON.parse(redact(json))).toEqual({ headers: { "x-api-key": "***", host: "h" } });
  });

  it("ignores secrets too short to mask without mangling ordinary text", () => {
    addSecret("abc");
    addSecret(undefined);
    expect(redact("abc is fine")).toBe("abc is fine");
  });
});

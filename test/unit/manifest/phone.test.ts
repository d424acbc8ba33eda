import fc from "fast-check";
import { isValidPhoneNumber, parsePhoneNumber } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { parsePhone, readNumberingPlans } from "../../../src/manifest/phone.js";

describe("parsePhone", () => {
  it("checks numbers against plans the build can store as JSON without losing anything", () => {
    const plans = readNumberingPlans();
    expect(JSON.parse(JSON.stringify(plans))).toEqual(plans);
    // every calling code's countries have a plan, the main country first (+1: the US)
    expect(plans.codes["1"]![0]).toBe("US");
    for (const countries of Object.values(plans.codes))
      for (const c of countries) expect(plans.plans[c]?.national).toEqual(expect.any(String));
  });

  it.each([
    ["+1 415 555 0102", "14155550102@c.us"],
    ["+1 (415) 555-0102", "14155550102@c.us"],
    ["14155550102", "14155550102@c.us"],
    ["0014155550102", "14155550102@c.us"],
    ["14155550102@s.whatsapp.net", "14155550102@c.us"],
    ["+44 20 7946 0958", "442079460958@c.us"],
    ["+49 30 901820", "4930901820@c.us"],
    ["+971 50 123 4567", "971501234567@c.us"],
    ["+55 11 91234 5678", "5511912345678@c.us"],
    ["+44 (0)20 7946 0958", "442079460958@c.us"],
    // a national number may start with 0 once the calling code is read
    ["+39 06 6988 4857", "390669884857@c.us"],
    // any white space String#trim removes, around the number
    ["\u2028\v +1 415 555 0102\u00a0\t", "14155550102@c.us"],
  ])("%s -> %s", (raw, jid) => expect(parsePhone(raw)).toEqual({ ok: true, jid }));

  it.each([
    ["+1 415 555 01", /not a valid phone number for country code \+1/],
    ["+44 7700 900123", /not a valid phone number for country code \+44/],
    ["call me", /characters a phone number cannot have/],
    ["+999 1234567", /known country calling code/],
    ["12345", /not an international phone number/],
    ["123@g.us", /not a person's ID/],
    // zeros after the "+" are not a calling code; written without it they are the "00" prefix
    ["+0014155550102", /known country calling code/],
    ["014155550102", /has no country code/],
    ["+1 415 555 0102 0102 01", /not an international phone number/],
  ])("%s is refused", (raw, why) => {
    const r = parsePhone(raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(why);
  });

  it("agrees with libphonenumber-js on random numbers in every calling code", () => {
    const codes = [
      "1",
      "7",
      "20",
      "27",
      "30",
      "31",
      "33",
      "34",
      "39",
      "44",
      "49",
      "52",
      "55",
      "61",
      "81",
      "86",
      "90",
      "91",
      "234",
      "254",
      "351",
      "353",
      "380",
      "852",
      "880",
      "961",
      "966",
      "971",
      "972",
      "998",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.stringMatching(/^[0-9]{5,12}$/), (cc, rest) => {
        const text = `+${cc}${rest}`;
        const r = parsePhone(text);
        expect(r.ok).toBe(isValidPhoneNumber(text));
        // the digits read as one number print back as libphonenumber's E.164 digits
        if (r.ok) expect(r.jid).toBe(`${parsePhoneNumber(text).number.slice(1)}@c.us`);
      }),
      { numRuns: 20_000, seed: 42 },
    );
  });

  it("agrees with libphonenumber-js on the valid-looking NANP and European numbers fleets list", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          "1212",
          "1415",
          "1646",
          "1905",
          "1876",
          "1787",
          "4420",
          "447",
          "4915",
          "336",
          "3460",
          "393",
        ),
        fc.stringMatching(/^[2-9][0-9]{6,8}$/),
        (p, rest) => {
          const text = `+${p}${rest}`;
          expect(parsePhone(text).ok).toBe(isValidPhoneNumber(text));
        },
      ),
      { numRuns: 20_000, seed: 7 },
    );
  });
});

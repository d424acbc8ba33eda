import { describe, expect, it } from "vitest";
import { maskJid, personJid } from "../../src/jid.js";

describe("personJid", () => {
  it.each([
    ["14155550101@s.whatsapp.net", "14155550101@c.us"],
    ["14155550101@c.us", "14155550101@c.us"],
    ["14155550101:12@s.whatsapp.net", "14155550101@c.us"],
    ["218349920563321@lid", "218349920563321@lid"],
    ["+1 415 555 0101", "14155550101@c.us"],
  ])("%s -> %s", (input, want) => expect(personJid(input)).toBe(want));
});

describe("maskJid", () => {
  it.each([
    ["14155550102@c.us", "+1 415 ••• ••02"],
    ["442079460958@c.us", "+44 207 ••• ••58"],
    ["4930901820@c.us", "+49 309 •••20"],
    ["971501234567@c.us", "+971 501 ••• •67"],
  ])("%s -> %s", (input, want) => expect(maskJid(input)).toBe(want));
});

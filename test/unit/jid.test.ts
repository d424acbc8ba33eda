import { describe, expect, it } from "vitest";
import { engineId, maskJid, personJid } from "../../src/jid.js";

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

describe("engineId: strict reading of an engine's person ID", () => {
  it.each([
    ["14155550101@s.whatsapp.net", { kind: "pn", jid: "14155550101@c.us" }],
    ["14155550101:12@s.whatsapp.net", { kind: "pn", jid: "14155550101@c.us" }],
    ["14155550101@c.us", { kind: "pn", jid: "14155550101@c.us" }],
    ["205487112233445@lid", { kind: "lid", lid: "205487112233445@lid" }],
    ["205487112233445:3@lid", { kind: "lid", lid: "205487112233445@lid" }],
    // Niue: a real 7-digit number is checked in full and kept
    ["6834002@c.us", { kind: "pn", jid: "6834002@c.us" }],
  ])("%s", (input, want) => expect(engineId(input)).toEqual(want));

  it.each([
    "@c.us",
    "120363025550000001@g.us",
    "1415555@c.us",
    "04155550101@c.us",
    "1415555010199999@c.us",
    "1415abc5550101@c.us",
    "+14155550101@c.us",
    "14155550101",
    "14155550101:@c.us",
    "14155550101@example.com",
    "@lid",
  ])("%s names no person", (input) => expect(engineId(input)).toBeUndefined());
});

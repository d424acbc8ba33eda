// Build step: compile schemas/*.schema.json into standalone validators in dist/validators/, so the
// CLI validates without loading and compiling ajv at every start; store the phone numbering plans
// beside them, so it checks numbers without loading libphonenumber-js's modules; and make the bin
// executable.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import standalone from "ajv/dist/standalone/index.js";

const standaloneCode = standalone.default;

import { PHONE_PLANS_FILE, readNumberingPlans } from "./phone.js";
import { AJV_OPTIONS, quickLengths, readSchema, SCHEMA_NAMES } from "./schema.js";

const out = fileURLToPath(new URL("../validators/", import.meta.url));
mkdirSync(out, { recursive: true });
for (const name of SCHEMA_NAMES) {
  const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
  const validate = ajv.compile(readSchema(name));
  writeFileSync(`${out}${name}.cjs`, quickLengths(standaloneCode(ajv, validate)));
}
writeFileSync(`${out}${PHONE_PLANS_FILE}`, JSON.stringify(readNumberingPlans()));

// The bin is executable whatever npm did: npm marks a bin executable when it links it, but `npx
// wagroups` in a clone reuses the link an earlier clone at the same path left in its cache, and tsc
// writes a fresh dist/cli/main.js without the mode ("sh: wagroups: Permission denied").
chmodSync(fileURLToPath(new URL("../cli/main.js", import.meta.url)), 0o755);

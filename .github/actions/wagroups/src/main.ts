// One bundled file, two roles: the action (what the runner starts) and, given CLI_FLAG, the wagroups CLI
// itself, which the action runs as a child so the user's repository needs neither npm nor node_modules.
import { fileURLToPath } from "node:url";
import { main as cli } from "../../../../src/cli/run.js";
import { CLI_FLAG, runAction } from "./action.js";

// the bundle's own path; the build points the bundled modules' import.meta.url elsewhere
declare const __wagroups_bundle_url: string;

if (process.argv[2] === CLI_FLAG)
  process.exitCode = await cli([process.argv[0]!, process.argv[1]!, ...process.argv.slice(3)]);
else await runAction(fileURLToPath(__wagroups_bundle_url));

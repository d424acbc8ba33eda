// Runs a script as `node SCRIPT ARGS...` would and prints the process's peak RSS (every thread's
// memory counted) to stderr when it exits, process.exit included. A file, not `node -e`: a worker
// thread inherits its parent's node flags, and `--input-type` (which `-e` with ESM needs) makes
// every worker fail to start, so a fleet that wagroups loads on two cores was measured on one.
// Usage: node test/bench/peak.mjs SCRIPT [ARGS...]
import path from "node:path";
import { pathToFileURL } from "node:url";

process.on("exit", () => process.stderr.write(`maxrss ${process.resourceUsage().maxRSS}\n`));
const [script, ...args] = process.argv.slice(2);
if (!script) throw new Error("usage: node test/bench/peak.mjs SCRIPT [ARGS...]");
process.argv = [process.argv[0], path.resolve(script), ...args];
await import(pathToFileURL(path.resolve(script)).href);

#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// A short run must not wait for a compiler. undici parses HTTP with llhttp in WebAssembly; once a
// run has parsed a few responses, V8 re-compiles that code with its optimising tier on a background
// thread, and Node joins those threads before the process may exit: 60-100 ms after the last line
// on two cores (gone with --liftoff-only, unchanged by an early process.exit). The baseline tier
// parses the few megabytes of a listing's HTTP framing just as fast for us, so the tier-up is
// deferred past any run's length. Set before undici loads: the flag is read when code is compiled.
setFlagsFromString("--wasm-tiering-budget=2000000000");
const { main } = await import("./run.js");
const code = await main();
// Then exit as soon as the output is out, whatever else (a kept-alive socket, a timer) lingers.
// Nothing of ours is pending: logs are synchronous and `sandbox serve` returns once it stopped.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

/** Resolves once everything written to `stream` so far has been handed to the OS (or the stream
 * is gone: a closed pipe has nobody left to read it). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    // writes complete in order, so an empty write's callback follows every earlier one
    stream.write("", () => resolve());
  });
}

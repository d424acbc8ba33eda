// wagroups as a library: the same stages the CLI runs, for scripts and other tools. No side effects.
export { type ApplyReport, type ExecutePorts, execute, type GroupResult } from "./apply/execute.js";
export { CreateBudget, TokenBucket } from "./apply/throttle.js";
export { connect } from "./cli/connect.js";
export {
  ApiError,
  ConfigError,
  ExitError,
  UnsafePlanError,
  UsageError,
  WagroupsError,
} from "./errors.js";
export { initFleet, schemaLine } from "./init/init.js";
export { readLive } from "./live/read.js";
export type {
  AddOutcome,
  Live,
  LiveGroup,
  LiveParticipant,
  LiveReader,
  Mutator,
  Wawp,
} from "./live/types.js";
export { type LoadResult, loadFleet, loadFleetAsync } from "./manifest/load.js";
export { jidOf, jidsOf, personOf } from "./manifest/persons.js";
export type { Config, Desired, DesiredGroup, People, Person, Settings } from "./manifest/types.js";
export {
  type Change,
  countPlan,
  type GroupPlan,
  hasChanges,
  type Plan,
  type Warning,
} from "./plan/change.js";
export { type PlanOptions, plan } from "./plan/plan.js";
export { renderJson } from "./plan/render/json.js";
export { maskText, renderMarkdown } from "./plan/render/markdown.js";
export { renderText } from "./plan/render/text.js";
export { type Scope, scopeFleet } from "./plan/scope.js";
export {
  type Instance,
  observe,
  type Planned,
  type PlanRequest,
  planFleet,
  recheckSaved,
  resolveInstance,
} from "./reconcile/index.js";
export { parseFaults } from "./sandbox/faults.js";
export { Sandbox } from "./sandbox/sandbox.js";
export { seedState } from "./sandbox/seed.js";
export { serveSandbox } from "./sandbox/server.js";
export { inProcessTransport } from "./sandbox/transport.js";
export { startWatch, type Watch, type WatchOptions } from "./watch/watch.js";
export { WawpClient } from "./wawp/client.js";
export { httpTransport } from "./wawp/transport.js";

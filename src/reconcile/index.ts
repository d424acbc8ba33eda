// The reconcile core: the stages and the pipeline that joins them.
export { resolveInstance } from "./instance.js";
export {
  type Instance,
  observe,
  type Planned,
  type PlanRequest,
  planFleet,
  planStreaming,
  recheckSaved,
} from "./pipeline.js";

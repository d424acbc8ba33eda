import type { Plan } from "../change.js";

/** The saved-plan form: versioned, described by schemas/plan.schema.json. */
export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

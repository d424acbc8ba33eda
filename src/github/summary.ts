import { appendFileSync } from "node:fs";

/** Append Markdown to the job summary when GitHub Actions offers one. */
export function writeStepSummary(
  markdown: string,
  env: Record<string, string | undefined> = process.env,
): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  return true;
}

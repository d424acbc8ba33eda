// groups/wagroups.yaml -> Config: the defaults overlaid with what the file sets, every value checked.
import type { Located } from "../errors.js";
import { loadLabels } from "./labels.js";
import { parsePhone } from "./phone.js";
import { regexProblem } from "./regex.js";
import { checkSchema } from "./schema.js";
import { subjectFormatProblem } from "./subject.js";
import { type Config, DEFAULT_CONFIG } from "./types.js";
import { locate, type ParsedYaml } from "./yaml.js";

/** wagroups.yaml as the schema allows it */
interface RawConfig {
  self?: string;
  subjectFormat?: string;
  serialPattern?: string;
  defaults?: { settings?: Partial<Config["defaults"]["settings"]>; removeUnlisted?: boolean };
  limits?: Partial<Config["limits"]>;
  safety?: Partial<Config["safety"]>;
  policy?: Partial<Config["policy"]>;
  invites?: Partial<Config["invites"]>;
  labels?: Record<string, { color: number | string }>;
}

/**
 * The configuration from the parsed wagroups.yaml (undefined when there is none) and the
 * environment (WAWP_SELF wins over `self`). Problems go to `problems`; what is wrong keeps its
 * default, so the manifests are still checked against something sensible.
 */
export function loadConfig(
  parsed: ParsedYaml | undefined,
  env: Record<string, string | undefined>,
  problems: Located[],
): Config {
  const config = structuredClone(DEFAULT_CONFIG);
  let selfRaw = env.WAWP_SELF;
  // where a bad `self` is pointed at; a file's position is looked up only then (positions cost a parse)
  let selfAt = (): Omit<Located, "message"> => ({ file: "WAWP_SELF", line: 0, column: 0 });
  if (parsed) {
    const found = parsed.problems.length ? parsed.problems : checkSchema("config", parsed);
    problems.push(...found);
    if (!found.length && parsed.value && typeof parsed.value === "object") {
      const v = parsed.value as RawConfig;
      if (v.subjectFormat) {
        const why = subjectFormatProblem(v.subjectFormat);
        if (why) problems.push(locate(parsed, ["subjectFormat"], why));
        else config.subjectFormat = v.subjectFormat;
      }
      if (v.serialPattern) {
        const why = regexProblem(v.serialPattern);
        if (why) problems.push(locate(parsed, ["serialPattern"], `serialPattern is refused: ${why}`));
        else config.serialPattern = v.serialPattern;
      }
      Object.assign(config.defaults.settings, v.defaults?.settings ?? {});
      if (typeof v.defaults?.removeUnlisted === "boolean")
        config.defaults.removeUnlisted = v.defaults.removeUnlisted;
      Object.assign(config.limits, v.limits ?? {});
      Object.assign(config.safety, v.safety ?? {});
      Object.assign(config.invites, v.invites ?? {});
      config.labels = loadLabels(parsed, v.labels, problems);
      const policy = v.policy?.descriptionMustMatch;
      if (policy !== undefined) {
        const why = regexProblem(policy);
        if (why)
          problems.push(
            locate(parsed, ["policy", "descriptionMustMatch"], `descriptionMustMatch is refused: ${why}`),
          );
        else config.policy.descriptionMustMatch = policy;
      }
      if (v.self && !selfRaw) {
        selfRaw = v.self;
        selfAt = () => {
          const at = locate(parsed, ["self"], "");
          return { file: at.file, line: at.line, column: at.column };
        };
      }
    }
  }
  if (selfRaw) {
    const r = parsePhone(selfRaw);
    if (r.ok) config.self = r.jid;
    else problems.push({ ...selfAt(), message: `self "${selfRaw}" ${r.reason}` });
  }
  return config;
}

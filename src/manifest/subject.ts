import { userRegex } from "./regex.js";

export function renderSubject(format: string, serial: string, subject: string): string {
  return format.replace("{serial}", serial).replace("{subject}", subject);
}

/**
 * A parser for live subjects: given "VIP-789 | Cloud Migration Team" and the configured format and
 * serial pattern, returns the serial, or undefined when the subject carries none.
 */
export function subjectParser(
  format: string,
  serialPattern: string,
): (subject: string) => string | undefined {
  const serialSrc = userRegex(serialPattern).source.replace(/^\^/, "").replace(/\$$/, "");
  const parts = format.split(/(\{serial\}|\{subject\})/);
  const src = parts
    .map((part) => {
      if (part === "{serial}") return `(?<serial>${serialSrc})`;
      if (part === "{subject}") return "(?<subject>[\\s\\S]*)";
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  const re = new RegExp(`^${src}$`, "u");
  return (subject: string) => re.exec(subject.trim())?.groups?.serial;
}

// Where the commands write: results to stdout, notices to stderr. Tests swap these.
export interface Output {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  color: boolean;
}

export function processOutput(noColor = false): Output {
  const isTTY = !!process.stdout.isTTY;
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY,
    color: isTTY && !noColor && !process.env.NO_COLOR,
  };
}

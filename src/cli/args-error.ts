/**
 * One short line for an error thrown by `node:util` `parseArgs` (its own messages run to several
 * sentences): `unknown option --x`, `--state needs a value` (also for `--state --json`, which
 * parseArgs calls ambiguous), `--json takes no value`. Pure.
 * @example
 * describeArgsError(parseArgsError); // '--state needs a value'
 */
export function describeArgsError(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  // parseArgs quotes the option with its short form and value placeholder when it has them
  // ('-h, --help', '--state <value>'): name it by its long form.
  const quoted = /'([^']+)'/.exec(text)?.[1] ?? '';
  const option = quoted
    .split(/[ ,]+/)
    .filter((word) => word.startsWith('-'))
    .pop();
  if (option !== undefined) {
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option}`;
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (/does not take an argument/.test(text)) return `${option} takes no value`;
      return `${option} needs a value`;
    }
  }
  return text.split('\n', 1)[0] as string;
}

/**
 * The width a command's human tables fit (SPEC §1), decided before the
 * renderers load: the terminal's columns when stdout is a terminal, else
 * $COLUMNS when set (a script or a test asking for a width), else undefined —
 * a table piped elsewhere keeps its natural width.
 */
export function stdoutWidth(stdout: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number | undefined {
  if (stdout.isTTY && stdout.columns) return stdout.columns;
  const n = Number.parseInt(env.COLUMNS ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

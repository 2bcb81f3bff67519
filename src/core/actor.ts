/**
 * Who is acting, for receipts and the audit log: `--by`/`--auditor` where a
 * command takes one, else $QA_USER, else the operating-system user.
 */
import os from 'node:os';

export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QA_USER) return env.QA_USER;
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

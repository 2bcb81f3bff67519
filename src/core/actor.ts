/**
 * Who is acting, for receipts and the audit log: `--by`/`--auditor` where a
 * command takes one, else $QA_USER, else the operating-system user. The
 * operating-system user is also recorded on its own (osUser): --by and
 * QA_USER are typed, the login is not.
 */
import os from 'node:os';

/** The login running qa (os.userInfo), else $USER/$USERNAME, else 'unknown'. */
export function osUser(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QA_USER) return env.QA_USER;
  return osUser(env);
}

// Running the afc binary and collecting what it prints. Plain Node, no VS Code API.

import { spawn } from 'node:child_process';

/** What a finished run printed and how it ended. */
export interface RunResult {
  /** Exit code; null when the process was killed (timeout) or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runAfc}. */
export interface RunOptions {
  /** Text written to standard input (which is closed afterwards). */
  input?: string;
  cwd?: string;
  /** Kill the process after this many milliseconds (default 60 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs `command args…` and resolves when it exits; never rejects. */
export function runAfc(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (r: RunResult): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(r);
      }
    };
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      child.kill();
      stderr += `\nafc did not finish within ${options.timeoutMs ?? 60000} ms and was stopped.`;
    }, options.timeoutMs ?? 60000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('error', (err) => finish({ code: null, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => finish({ code, stdout, stderr }));
    // A process that exits before reading its input closes the pipe; that is not our error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

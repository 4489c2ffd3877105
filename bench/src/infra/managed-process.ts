import { ChildProcess, fork, spawn } from 'node:child_process';

export interface StartProcessParams {
  name: string;
  script: string;
  args?: string[];
  nodeFlags?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves start() with the first stdout line that matches. */
  readyPattern: RegExp;
  timeoutMs?: number;
  /** fork() with an IPC channel instead of spawn(). */
  ipc?: boolean;
}

const TAIL_LINES = 40;

/**
 * A child process of the bench: started from a built script, ready once a line of its stdout matches, and stopped
 * with SIGTERM (then SIGKILL). Every started process is registered so cleanup can stop what is left on failure.
 */
export class ManagedProcess {
  private static readonly running = new Set<ManagedProcess>();
  private readonly tail: string[] = [];
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        ManagedProcess.running.delete(this);
        resolve(this.exitCode);
      });
    });
    ManagedProcess.running.add(this);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get isRunning(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines the process printed, for error messages. */
  output(): string {
    return this.tail.join('\n');
  }

  static async start(params: StartProcessParams): Promise<{ process: ManagedProcess; match: RegExpMatchArray }> {
    const { name, script, args = [], nodeFlags = [], env, cwd, readyPattern, timeoutMs = 30_000, ipc = false } = params;
    const child = ipc
      ? fork(script, args, { cwd, env, execArgv: nodeFlags, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
      : spawn(process.execPath, [...nodeFlags, script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const managed = new ManagedProcess(name, child);
    const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => fail(new Error(`${name} not ready within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(new Error(`${error.message}\n--- ${name} output ---\n${managed.output()}`));
      };
      const onLine = (line: string, ready: boolean) => {
        managed.remember(line);
        const found = ready ? line.match(readyPattern) : null;
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          onLine(buffered.slice(0, newline), true);
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() !== '') {
            onLine(line, false);
          }
        }
      });
      child.once('error', fail);
      void managed.exited.then((code) => fail(new Error(`${name} exited with ${code} before it was ready`)));
    });
    return { process: managed, match };
  }

  /**
   * Over the IPC channel (`ipc: true`): sends `message` and resolves with the first message back whose `type` is
   * `answer`; rejects, with the process's last output, when none comes within `timeoutMs`.
   */
  request<T extends { type: string }>(message: object, answer: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onMessage = (reply: T) => {
        if (reply.type !== answer) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(reply);
      };
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        reject(new Error(`${this.name} did not answer ${answer} within ${timeoutMs} ms:\n${this.output()}`));
      }, timeoutMs);
      this.child.on('message', onMessage);
      this.child.send(message);
    });
  }

  /** SIGTERM, then SIGKILL if the process is still alive after `graceMs`. Resolves once it has exited. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.isRunning) {
      return this.exitCode ?? null;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Stops every process the bench started and has not stopped yet. */
  static async stopAll(): Promise<void> {
    await Promise.all([...ManagedProcess.running].map((managed) => managed.stop(5_000)));
  }

  /** Last resort on process exit: no awaiting possible, so just SIGKILL what is left. */
  static killAllNow(): void {
    for (const managed of ManagedProcess.running) {
      managed.child.kill('SIGKILL');
    }
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) {
      this.tail.shift();
    }
  }
}

import { execFile, execFileSync } from 'node:child_process';

const ROOT = `${__dirname}/../../..`;

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command in the repository root, bounded in time; rejects with its output when it fails. */
export function run(command: string, args: string[], { timeoutMs = 60_000, env }: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        } else {
          resolve(stdout.trim());
        }
      },
    );
  });
}

/** Why Docker cannot run here, or null when an engine answers. */
export function dockerUnavailable(): string | null {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20_000 });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/** Compose v2 (`docker compose`) when the plugin is there, else v1.29 (`docker-compose`): the file must suit both. */
export function composeCommand(): [string, ...string[]] {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'pipe', timeout: 20_000 });
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
}

/** One compose project (its own name, so it never touches a user's stack), driven the way a user would. */
export class ComposeProject {
  private readonly command: [string, ...string[]] = composeCommand();

  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get version(): string {
    return this.command.join(' ');
  }

  compose(args: string[], timeoutMs = 180_000): Promise<string> {
    const [command, ...prefix] = this.command;
    // .env.example as the env file: the brief's `cp .env.example .env`, without writing a .env into the checkout.
    return run(command, [...prefix, '-p', this.name, '--env-file', '.env.example', '--profile', 'offline', ...args], {
      timeoutMs,
      env: this.env,
    });
  }

  /** Running (or restarting) containers of a service, oldest first. */
  async containers(service: string): Promise<string[]> {
    const ids = await run('docker', [
      'ps',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${this.name}`,
      '--filter',
      `label=com.docker.compose.service=${service}`,
    ]);
    const list = ids.split('\n').filter(Boolean);
    if (list.length === 0) {
      return [];
    }
    const created = await run('docker', ['inspect', '-f', '{{.Created}} {{.Id}}', ...list]);
    return created
      .split('\n')
      .sort()
      .map((line) => line.split(' ')[1]);
  }

  async health(container: string): Promise<string> {
    return run('docker', ['inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', container]);
  }

  /** Waits until every container of `service` is healthy and there are `count` of them. */
  async waitHealthy(service: string, count: number, timeoutMs = 120_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const containers = await this.containers(service);
      const states = await Promise.all(containers.map((id) => this.health(id)));
      last = states.join(',');
      if (containers.length === count && states.every((state) => state === 'healthy')) {
        return containers;
      }
      await sleep(1_000);
    }
    throw new Error(`${service}: wanted ${count} healthy containers within ${timeoutMs} ms, last seen [${last}]`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

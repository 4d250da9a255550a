import { type AppProcess, eventually, freePort, startProcess } from '@daalu/testing';

/** The compiled entry point of each app (npm run test:faults builds first). */
export const APPS = {
  gateway: 'apps/ingest-gateway/src/main.js',
  timeline: 'apps/timeline-projector/src/main.js',
  rules: 'apps/rule-evaluator/src/main.js',
  dispatcher: 'apps/outbound-dispatcher/src/main.js',
} as const;
export type AppName = keyof typeof APPS;
export const APP_NAMES = Object.keys(APPS) as AppName[];

export const OPERATOR_TOKEN = 'faults-operator-token-0123456789';

/**
 * Settings of a stack under test: limits raised far above the load (the suites measure losses, not the
 * limiter), loopback receivers allowed, retries shortened so that a delivery that failed while a
 * component was down is retried within the test's time.
 */
export function stackEnv(base: Record<string, string>): Record<string, string> {
  return {
    ...base,
    DAALU_OPERATOR_TOKEN: OPERATOR_TOKEN,
    DAALU_SECRET_KEY: 'cd'.repeat(32),
    DAALU_OUTBOUND_ALLOW: '127.0.0.0/8',
    DAALU_OUTBOUND_RATE_PER_URL: '10000',
    DAALU_INGEST_RATE_PER_SECOND: '10000',
    DAALU_INGEST_BURST: '10000',
    DAALU_RETRY_BASE_MS: '200',
    DAALU_RETRY_WINDOW_S: '600',
    // A dispatcher killed mid-attempt is taken over after 3x this.
    DAALU_DELIVERY_TIMEOUT_MS: '1000',
    DAALU_SHUTDOWN_GRACE_MS: '2000',
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL || 'warn',
  };
}

/** A parsed JSON answer, read freely by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Tenant {
  id: string;
  ingestKey: string;
  apiToken: string;
}

/**
 * The four apps as processes, each on a port of its own that it keeps across restarts (a restarted app
 * is found where the killed one was, as behind a Service).
 */
export class Stack {
  readonly apps = {} as Record<AppName, AppProcess>;
  readonly ports = {} as Record<AppName, number>;

  private constructor(private readonly env: Record<string, string>) {}

  static async start(env: Record<string, string>): Promise<Stack> {
    const stack = new Stack(env);
    for (const name of APP_NAMES) stack.ports[name] = await freePort();
    // As the chart's upgrade Job does: each app's migrations once, before any replica starts.
    for (const name of APP_NAMES) {
      const migrate = startProcess(APPS[name], ['migrate'], env);
      const code = await migrate.exited;
      if (code !== 0) throw new Error(`${name} migrate exited ${code}:\n${migrate.lines.slice(-20).join('\n')}`);
    }
    await Promise.all(APP_NAMES.map((name) => stack.startApp(name)));
    return stack;
  }

  base(name: AppName): string {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  /** Starts an app and waits until /health/ready answers 200; resolves to how long that took (ms). */
  async startApp(name: AppName, timeoutMs = 90_000): Promise<number> {
    const started = Date.now();
    const app = startProcess(APPS[name], [], { ...this.env, PORT: String(this.ports[name]) });
    this.apps[name] = app;
    await eventually(
      async () => {
        if (app.child.exitCode !== null) throw new Error(`${name} exited ${app.child.exitCode}:\n${tail(app)}`);
        return fetch(`${this.base(name)}/health/ready`).then(
          (r) => r.status,
          () => 0,
        );
      },
      (status) => status === 200,
      { what: `${name} ready`, timeoutMs, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${tail(app)}`);
    });
    return Date.now() - started;
  }

  /** kill -9: no goodbye, nothing flushed. */
  async kill(name: AppName): Promise<void> {
    await this.apps[name].stop('SIGKILL');
  }

  /** Every app that is not running (a previous case may have left one down) started again. */
  async ensureRunning(): Promise<void> {
    for (const name of APP_NAMES) if (this.apps[name].child.exitCode !== null) await this.startApp(name);
  }

  /** SIGTERM, then SIGKILL for an app that does not stop in time (one stuck in a loop never handles SIGTERM). */
  async stop(): Promise<void> {
    await Promise.all(
      APP_NAMES.filter((name) => this.apps[name]).map(async (name) => {
        const app = this.apps[name];
        if (app.child.exitCode !== null || app.child.signalCode !== null) return;
        app.child.kill('SIGTERM');
        const timer = setTimeout(() => app.child.kill('SIGKILL'), 5000);
        await app.exited;
        clearTimeout(timer);
      }),
    );
  }

  /** A tenant with an ingest key and an API token (operator API of the gateway). */
  async createTenant(name: string): Promise<Tenant> {
    const response = await fetch(`${this.base('gateway')}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (response.status !== 201) throw new Error(`tenant not created: ${response.status} ${await response.text()}`);
    return (await response.json()) as Tenant;
  }

  /**
   * A tenant API call to one app. The apps learn a new tenant's token from the log, so a 401 right after
   * the tenant was created is retried for a while.
   */
  async api(
    app: AppName,
    tenant: Tenant,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> {
    const call = async () => {
      const response = await fetch(`${this.base(app)}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tenant.apiToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: kept as text
      }
      return { status: response.status, body: parsed as Json };
    };
    return eventually(call, (r) => r.status !== 401, { what: `${method} ${path} known to ${app}`, timeoutMs: 10_000 });
  }

  /** POST /api/v1/events with the tenant's ingest key (a 401 for a tenant just created is retried for a while). */
  async ingest(tenant: Tenant, event: unknown): Promise<{ status: number; body: Json }> {
    const post = async () => {
      const response = await fetch(`${this.base('gateway')}/api/v1/events`, {
        method: 'POST',
        headers: { 'x-daalu-key': tenant.ingestKey, 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(15_000),
      });
      return { status: response.status, body: (await response.json().catch(() => undefined)) as Json };
    };
    return eventually(post, (r) => r.status !== 401, { what: 'the ingest key known', timeoutMs: 10_000 });
  }
}

function tail(app: AppProcess): string {
  return app.lines.slice(-15).join('\n');
}

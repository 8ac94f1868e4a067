import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../support/packed-package.js';

/**
 * A throwaway project in os.tmpdir() whose files import the library from this repository's sources, and
 * a way to run `oac` there as a child process (tsx on lib/cli/main.ts), as a user runs it.
 */
export interface CliProject {
  readonly dir: string;
  oac(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  write(path: string, content: string): Promise<void>;
  read(path: string): Promise<string>;
  remove(): Promise<void>;
}

/** `import ... from LIB` in a project file reaches the sources' root entry. */
export const LIB = join(REPO_ROOT, 'lib/index.ts');

const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const MAIN = join(REPO_ROOT, 'lib/cli/main.ts');

export async function cliProject(files: Readonly<Record<string, string>>): Promise<CliProject> {
  const dir = await mkdtemp(join(tmpdir(), 'oac-cli-'));
  const write = async (path: string, content: string): Promise<void> => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content, 'utf8');
  };
  await write('package.json', JSON.stringify({ name: 'platform-repo', private: true, type: 'module' }));
  for (const [path, content] of Object.entries(files)) await write(path, content);
  return {
    dir,
    write,
    read: (path) => readFile(join(dir, path), 'utf8'),
    remove: () => rm(dir, { recursive: true, force: true }),
    oac: (args) => new Promise((resolve) => {
      execFile(TSX, [MAIN, ...args], { cwd: dir, timeout: 240_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
    }),
  };
}

/** One small valid service, defined in `src/shop.ts` of the project. */
export const SHOP_SERVICE = `
import { defineService, SEV1, SEV2_WARNING, type ServiceStack } from '${LIB}';
import { availabilityAlerts, httpGoldenSignalsAlerts } from '${join(REPO_ROOT, 'alerts/index.ts')}';

const service = defineService({
  name: 'shop-api', title: 'Shop API', alertPrefix: 'Shop', team: 'shop',
  workloads: [{ name: 'shop-api', port: 8080, replicas: 2, image: { repository: 'ghcr.io/acme/shop-api', tag: '1.2.3' },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } } }],
});
export const shop: ServiceStack = {
  service,
  alerts: [
    ...availabilityAlerts(service, { workload: 'shop-api', name: 'ShopDown', for: '1m', level: SEV1 }),
    ...httpGoldenSignalsAlerts(service, { workload: 'shop-api',
      latency: { name: 'ShopHighLatency', above: '2.5s', for: '5m', level: SEV2_WARNING },
      errors: { name: 'ShopHighErrorRate', above: '5%', for: '5m', level: SEV1 } }),
  ],
  dashboards: [],
};
`;

export const PLATFORM = `
import { DEFAULT_PLATFORM, type PlatformConfig } from '${LIB}';
export const platform: PlatformConfig = { ...DEFAULT_PLATFORM, runbookBaseUrl: 'https://git.acme.dev/obs/blob/main/dist', grafanaUrl: 'https://grafana.acme.dev' };
`;

/** `stacks/index.ts` exporting the shop and the platform. */
export const INDEX = `
import { shop } from '../src/shop.js';
export const stacks = [shop];
export { platform } from './platform.js';
`;

/** A project with the shop service, the platform and `stacks/index.ts` exporting them, plus `extra` files. */
export function shopProject(extra: Readonly<Record<string, string>> = {}): Promise<CliProject> {
  return cliProject({ 'src/shop.ts': SHOP_SERVICE, 'stacks/platform.ts': PLATFORM, 'stacks/index.ts': INDEX, ...extra });
}

// The feed snapshots shipped in resources/feeds/ (offline first). Found next to the sources when run
// from the tree (tsx, vitest), next to the bundle (out/cli, out/main) or in Electron's resources.
import fs from 'node:fs';
import path from 'node:path';
import type { FeedFormat } from '../../shared/feeds';

export interface BundledSnapshot {
  feedId: string;
  file: string;
  format: FeedFormat;
  date: string;
  sourceUrl: string;
}

export function bundledFeedsDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const here = import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname);
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    env.NETSIFT_BUNDLED_FEEDS,
    path.resolve(here, '../../../resources/feeds'), // src/engine/intel
    path.resolve(here, '../../resources/feeds'), // out/cli, out/main
    resourcesPath ? path.join(resourcesPath, 'feeds') : undefined,
    resourcesPath ? path.join(resourcesPath, 'resources', 'feeds') : undefined,
  ];
  for (const c of candidates) if (c && fs.existsSync(path.join(c, 'bundled.json'))) return c;
  return null;
}

export function bundledSnapshots(
  env: NodeJS.ProcessEnv = process.env,
): (BundledSnapshot & { path: string })[] {
  const dir = bundledFeedsDir(env);
  if (!dir) return [];
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'bundled.json'), 'utf8')) as {
    snapshots: BundledSnapshot[];
  };
  return manifest.snapshots.map((s) => ({ ...s, path: path.join(dir, s.file) }));
}

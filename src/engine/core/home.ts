// The app-wide data directory: feed catalogue and versions, recent cases, app settings, uploads,
// sample cases, GeoIP cache. NETSIFT_HOME wins so tests and portable installs can point it anywhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function netsiftHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.NETSIFT_HOME) return path.resolve(env.NETSIFT_HOME);
  const home = os.homedir();
  if (platform === 'win32')
    return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'netsift');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'netsift');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'netsift');
}

/** The app folder, created when missing. */
export function serviceHome(): string {
  const dir = netsiftHome();
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A folder under the app folder, created when missing. */
export function homeDir(...parts: string[]): string {
  const dir = path.join(serviceHome(), ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/** Write-then-rename so a crash never leaves half a file. */
export function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2));
  fs.renameSync(tmp, file);
}

// Where the service keeps app-wide files: recent cases, app settings, uploads, sample cases.
// The same app-wide folder as the feed catalogue (NETSIFT_HOME wins: tests point it at a temp dir).
import fs from 'node:fs';
import path from 'node:path';
import { netsiftHome } from '../intel/home';

export function serviceHome(): string {
  const dir = netsiftHome();
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

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

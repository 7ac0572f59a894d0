// The app-wide data directory (feed catalogue and versions; others may keep recent cases and config
// here). NETSIFT_HOME wins so tests and portable installs can point it anywhere.
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

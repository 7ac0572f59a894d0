import path from 'node:path';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { netsiftHome } from './home';

describe('netsiftHome', () => {
  it('prefers NETSIFT_HOME, else the platform app-data folder', () => {
    expect(netsiftHome({ NETSIFT_HOME: '/tmp/x' }, 'linux')).toBe(path.resolve('/tmp/x'));
    expect(netsiftHome({}, 'linux')).toBe(path.join(os.homedir(), '.local', 'share', 'netsift'));
    expect(netsiftHome({ XDG_DATA_HOME: '/data' }, 'linux')).toBe(path.join('/data', 'netsift'));
    expect(netsiftHome({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(
      path.join('C:\\Users\\a\\AppData\\Roaming', 'netsift'),
    );
    expect(netsiftHome({}, 'darwin')).toBe(
      path.join(os.homedir(), 'Library', 'Application Support', 'netsift'),
    );
  });
});

// The packaging step's fuse script (scripts/electron-fuses.mjs) on a file laid out like an
// Electron binary's fuse wire (sentinel, version, length, one byte per fuse), read back with
// @electron/fuses itself. The real binary is not downloaded on this machine.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { makeTmpDir } from './helpers/tmp';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ROOT = path.resolve(import.meta.dirname, '..');

describe('scripts/electron-fuses.mjs', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, turns on asar integrity and asar-only loading', async () => {
    const tmp = makeTmpDir();
    try {
      const bin = tmp.file('netsift');
      // an Electron build ships with every fuse at its default: here all on ('1')
      const wire = Buffer.from([1, 9, ...'111111111'.split('').map((c) => c.charCodeAt(0))]);
      fs.writeFileSync(
        bin,
        Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), wire, Buffer.alloc(4096, 9)]),
      );
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/electron-fuses.mjs'), bin], {
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const fuses = await getCurrentFuseWire(bin);
      expect(fuses[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
      expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
      expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
      expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
      expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
      expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
      expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
      // a file without a fuse wire is refused by name
      fs.writeFileSync(tmp.file('not-electron'), 'hello');
      const bad = spawnSync(
        process.execPath,
        [path.join(ROOT, 'scripts/electron-fuses.mjs'), tmp.file('not-electron')],
        { encoding: 'utf8' },
      );
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/not-electron: Could not find sentinel/);
    } finally {
      tmp.cleanup();
    }
  });
});

// A capture cut mid-packet (a copy interrupted, a disk that filled) imports what it holds, and the
// summary says so: "truncated at byte N, K packets read", never "blank lines skipped" (a capture
// has no lines). The CLI warns on stderr and exits 3 (imported, input incomplete).
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../src/engine/store/case-store';
import { runCli } from '../helpers/cli';
import { importPaths } from '../helpers/import-files';
import { pcapBytes, pcapngBytes, tcpSession, udpExchange } from '../helpers/pcap-writer';
import { makeTmpDir } from '../helpers/tmp';

const T = 1_700_000_000;
const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

// many packets with 0x0a bytes in them (addresses 10.x), so a line counter would see "blank lines"
const pkts = Array.from({ length: 20 }, (_, i) =>
  tcpSession(T + i, '10.10.10.10', 40000 + i, '10.0.10.2', 80, 10, 10),
).flat();

describe('a truncated capture', { timeout: 120_000 }, () => {
  for (const kind of ['pcap', 'pcapng'] as const) {
    it(`${kind}: imports the whole packets and says where the file was cut`, async () => {
      const whole = kind === 'pcap' ? pcapBytes(pkts) : pcapngBytes(pkts);
      const cut = whole.subarray(0, whole.length - 7);
      const file = tmp.file(`cut.${kind}`);
      fs.writeFileSync(file, cut);
      const store = await CaseStore.open(tmp.file(`cut-${kind}.duckdb`));
      try {
        const f = (await importPaths(store, [file])).files[0];
        expect(f.record!.rows_read).toBeGreaterThan(0);
        expect(f.blankLines ?? 0).toBe(0);
        expect(f.warnings).toHaveLength(1);
        expect(f.warnings![0]).toMatch(
          new RegExp(
            `^truncated at byte \\d+ of ${cut.length}, ${pkts.length - 1} packets read; the last packet is incomplete$`,
          ),
        );
      } finally {
        store.close();
      }
    });
  }

  it('the CLI warns and exits 3; a whole capture exits 0 without a warning', async () => {
    fs.writeFileSync(
      tmp.file('whole.pcap'),
      pcapBytes(udpExchange(T, '10.0.0.1', 1, '10.0.0.2', 2)),
    );
    const ok = await runCli(['import', tmp.file('whole.pcap'), '--case', tmp.file('cli.duckdb')]);
    expect(ok.stderr).not.toMatch(/warning|blank/);
    expect(ok.code).toBe(0);
    const r = await runCli(['import', tmp.file('cut.pcap'), '--case', tmp.file('cli.duckdb')]);
    expect(r.stdout).not.toMatch(/blank line/);
    expect(r.stderr).toMatch(
      new RegExp(
        `warning: .*cut\\.pcap: truncated at byte \\d+ of \\d+, ${pkts.length - 1} packets read`,
      ),
    );
    expect(r.code).toBe(3);
  });
});

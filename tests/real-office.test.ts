// Issue 13 item 7's real-traffic fixture (fixtures/real-office, recorded in network namespaces:
// real kernels, servers, clients and attack tools) through the whole detection: with the site's
// networks set as its README says, every attacker of the truth table is found and no benign host
// is reported, whichever exporter wrote the flows (Argus, nfcapd, the pcap itself).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../src/engine/analysis/analyze';
import { evaluate, readBenignFile, readIncidentsFile } from '../src/engine/eval/index';
import { makeTmpDir } from './helpers/tmp';

const DIR = path.resolve(import.meta.dirname, '../fixtures/real-office');
const TRUTH = path.join(DIR, 'office.incidents.csv');
const BENIGN = path.join(DIR, 'office.benign.csv');
/** The site's own networks (fixtures/real-office/README.md, "Site model"). */
const SITE = ['192.168.50.0/24', '198.18.10.0/24', '2001:db8:c::/48'];

const present = fs.existsSync(TRUTH) && fs.existsSync(BENIGN);
const nfdump = (() => {
  try {
    execFileSync(process.env.NETSIFT_NFDUMP ?? 'nfdump', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

/** The fixture's file for a flow format, decompressed where netsift wants the plain file. */
function input(name: string): string | null {
  const file = path.join(DIR, name);
  if (!fs.existsSync(file)) return null;
  if (name.endsWith('.pcap.gz')) {
    const out = tmp.file(name.replace(/\.gz$/, ''));
    fs.writeFileSync(out, zlib.gunzipSync(fs.readFileSync(file)));
    return out;
  }
  return file;
}

async function check(file: string) {
  const { report } = await analyzeFiles([file], { internal: SITE, threads: 2 });
  const r = evaluate(report, {
    mode: 'incidents',
    incidents: readIncidentsFile(TRUTH),
    benign: readBenignFile(BENIGN),
  });
  return { report, r };
}

describe.skipIf(!present)(
  'the real-office capture (fixtures/real-office, not there: skipped)',
  () => {
    const cases: [string, string, boolean][] = [
      ['Argus flows', 'office.binetflow.gz', true],
      ['nfcapd flows (read with nfdump)', 'office.nfcapd', nfdump],
      ['the pcap itself', 'office.pcap.gz', true],
    ];
    for (const [what, name, runnable] of cases)
      it.skipIf(!runnable)(
        `${what}: every attacker found, no benign host reported${runnable ? '' : ' (nfdump missing: skipped)'}`,
        { timeout: 300_000 },
        async () => {
          const file = input(name);
          expect(file, `${name} in ${DIR}`).not.toBeNull();
          const { r } = await check(file!);
          expect(r.incidents.filter((m) => !m.found).map((m) => m.id)).toEqual([]);
          expect(r.benign.filter((b) => b.reported).map((b) => `${b.role} ${b.ip}`)).toEqual([]);
          expect(r.hosts.falsePositives).toEqual([]);
        },
      );
  },
);

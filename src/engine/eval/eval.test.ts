import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../shared/model';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { insertFlows } from '../../../tests/helpers/flows';
import { runCli } from '../../../tests/helpers/cli';
import { CaseStore } from '../store/case-store';
import {
  evaluate,
  formatEval,
  isMaliciousLabel,
  readCaseLabels,
  readFlowLabels,
  readIncidentsFile,
  type Truth,
} from './index';

const tmp = makeTmpDir('netsift-eval-');
afterAll(() => tmp.cleanup());

let nextId = 1;
function inc(p: Partial<Incident> & Pick<Incident, 'type' | 'first_seen' | 'last_seen'>): Incident {
  const id = nextId++;
  return {
    id,
    key: `k${id}`,
    severity: 'high',
    score: 0.9,
    attacker: null,
    victims: [],
    ips: [],
    detectors: ['x'],
    alert_count: 1,
    flow_count: 1,
    summary: '',
    evidence: {},
    ...p,
  };
}

const T = (m: number) => new Date(Date.UTC(2017, 0, 27, 16, m, 0)).toISOString();

const truth: Truth = {
  mode: 'incidents',
  incidents: [
    {
      id: 'vertical-scan-1',
      type: 'vertical-scan',
      attacker: '10.0.0.5',
      victims: ['10.0.1.1'],
      start: T(10),
      end: T(15),
    },
    {
      id: 'brute-force-1',
      type: 'brute-force',
      attacker: '203.0.113.9',
      victims: ['10.0.1.22'],
      start: T(20),
      end: T(30),
    },
    {
      id: 'blacklist-1',
      type: 'blacklist',
      attacker: '10.0.0.34',
      victims: ['185.244.25.120'],
      start: T(30),
      end: T(40),
    },
    {
      id: 'syn-flood-1',
      type: 'syn-flood',
      attacker: null,
      victims: ['10.0.1.20'],
      start: T(50),
      end: T(52),
    },
    {
      id: 'beaconing-1',
      type: 'beaconing',
      attacker: '10.0.0.88',
      victims: ['149.28.143.17'],
      start: T(0),
      end: T(70),
    },
  ],
  benign: [
    { role: 'monitoring', ip: '10.0.1.90' },
    { role: 'backup', ip: '10.0.1.80' },
  ],
};

describe('evaluate: background summaries', () => {
  it('counts a summary of outside sources as accusing its sources, not the site hosts they probed', () => {
    const summary = inc({
      type: 'background-scan',
      attacker: null,
      victims: ['10.0.1.1', '10.0.1.22'],
      ips: ['10.0.1.1', '10.0.1.22', '203.0.113.9', '198.51.100.4'],
      first_seen: T(20),
      last_seen: T(30),
    });
    const r = evaluate({ incidents: [summary] }, truth);
    expect(r.hosts.reported).toEqual(['198.51.100.4', '203.0.113.9']);
    expect(r.hosts.truePositives).toEqual(['203.0.113.9']);
    expect(r.hosts.falsePositives).toEqual(['198.51.100.4']);
    expect(r.incidents.find((m) => m.id === 'brute-force-1')).toMatchObject({
      found: true,
      typeMatch: false,
    });
  });
});

describe('evaluate', () => {
  const report = {
    incidents: [
      inc({
        type: 'vertical-scan',
        attacker: '10.0.0.5',
        victims: ['10.0.1.1'],
        first_seen: T(11),
        last_seen: T(13),
      }),
      inc({ type: 'anomaly', attacker: '10.0.0.5', first_seen: T(14), last_seen: T(16) }), // a second piece of the same scan
      inc({
        type: 'blacklist',
        attacker: '185.244.25.120',
        victims: ['10.0.0.34'],
        ips: ['10.0.0.34', '185.244.25.120'],
        first_seen: T(31),
        last_seen: T(35),
      }),
      inc({
        type: 'syn-flood',
        attacker: null,
        victims: ['10.0.1.20'],
        first_seen: T(50),
        last_seen: T(51),
      }),
      inc({ type: 'horizontal-scan', attacker: '10.0.1.90', first_seen: T(0), last_seen: T(60) }), // the monitoring host
      inc({ type: 'anomaly', attacker: '10.0.0.77', first_seen: T(5), last_seen: T(6) }), // an innocent host
      inc({ type: 'brute-force', attacker: '203.0.113.9', first_seen: T(45), last_seen: T(46) }), // right host, wrong time
      inc({
        type: 'exfiltration',
        attacker: '10.0.0.99',
        first_seen: T(1),
        last_seen: T(2),
        score: 0.1,
      }), // below --min-score
    ],
  };
  const r = evaluate(report, truth, { slackSeconds: 120, minScore: 0.2 });

  it('matches by acting host and time, floods by victim, blacklist contact by either side', () => {
    const byId = Object.fromEntries(r.incidents.map((m) => [m.id, m]));
    expect(byId['vertical-scan-1']).toMatchObject({
      found: true,
      typeMatch: true,
      reported: [1, 2],
    });
    expect(byId['blacklist-1']).toMatchObject({ found: true, typeMatch: true, reported: [3] });
    expect(byId['syn-flood-1']).toMatchObject({ found: true, host: '10.0.1.20', reported: [4] });
    // 203.0.113.9 was reported, but 15 minutes after the attack ended: not a match
    expect(byId['brute-force-1'].found).toBe(false);
    expect(byId['beaconing-1'].found).toBe(false);
    expect(r.perType.find((t) => t.type === 'brute-force')).toEqual({
      type: 'brute-force',
      total: 1,
      found: 0,
      missed: ['brute-force-1'],
    });
    expect(r.perType.find((t) => t.type === 'vertical-scan')).toMatchObject({ total: 1, found: 1 });
    expect(r.reportedIncidents).toBe(7);
    expect(r.unmatchedReported).toBe(3); // monitoring, the innocent, the late brute-force one
    expect(r.incidentsPerAttack).toBeCloseTo(4 / 3);
  });

  it('computes host precision and recall', () => {
    // reported: 10.0.0.5, 10.0.0.34 (via the listed address), 10.0.1.20, 10.0.1.90, 10.0.0.77, 203.0.113.9
    expect(r.hosts.reported).toEqual([
      '10.0.0.34',
      '10.0.0.5',
      '10.0.0.77',
      '10.0.1.20',
      '10.0.1.90',
      '203.0.113.9',
    ]);
    expect(r.hosts.truePositives).toEqual(['10.0.0.34', '10.0.0.5', '10.0.1.20', '203.0.113.9']);
    expect(r.hosts.falsePositives).toEqual(['10.0.0.77', '10.0.1.90']);
    expect(r.hosts.falseNegatives).toEqual(['10.0.0.88']);
    expect(r.hosts.precision).toBeCloseTo(4 / 6);
    expect(r.hosts.recall).toBeCloseTo(4 / 5);
    expect(r.hosts.f1).toBeCloseTo((2 * (4 / 6) * (4 / 5)) / (4 / 6 + 4 / 5));
  });

  it('says whether the benign look-alikes were reported', () => {
    expect(r.benign).toEqual([
      { role: 'monitoring', ip: '10.0.1.90', reported: true, incidentIds: [5] },
      { role: 'backup', ip: '10.0.1.80', reported: false, incidentIds: [] },
    ]);
    const text = formatEval(r);
    expect(text).toContain('monitoring 10.0.1.90 REPORTED (#5)');
    expect(text).toContain('backup 10.0.1.80 not reported');
    expect(text).toMatch(/precision 0\.67/);
    expect(text).toMatch(/brute-force\s+0\/1\s+brute-force-1/);
  });

  it('a perfect report scores 1', () => {
    const perfect = {
      incidents: truth.incidents.map((t) =>
        inc({
          type: t.type,
          attacker: t.attacker,
          victims: t.victims,
          first_seen: t.start,
          last_seen: t.end,
        }),
      ),
    };
    const p = evaluate(perfect, truth);
    expect(p.incidents.every((m) => m.found && m.typeMatch)).toBe(true);
    expect(p.hosts.precision).toBe(1);
    expect(p.hosts.recall).toBe(1);
    expect(p.incidentsPerAttack).toBe(1);
  });
});

describe('per-flow labels', () => {
  it('knows benign labels from attack labels', () => {
    for (const l of [
      'benign',
      'Benign',
      'BENIGN',
      '-',
      'normal',
      '',
      '  Benign  ',
      'Normal traffic',
    ])
      expect(isMaliciousLabel(l), l).toBe(false);
    // CTU-13 binetflow: only botnet flows are malicious
    for (const l of [
      'flow=To-Background-UDP-CVUT-DNS-Server',
      'flow=Normal-V42-Stribrny',
      'flow=Background-TCP-Established',
    ])
      expect(isMaliciousLabel(l), l).toBe(false);
    expect(isMaliciousLabel('flow=From-Botnet-V42-TCP-CC6-Plain-HTTP-Encrypted-Data')).toBe(true);
    for (const l of [
      'Malicious',
      'Attack',
      'PortScan',
      'DDoS',
      'vertical-scan-1',
      'Malicious   PartOfAHorizontalPortScan',
    ])
      expect(isMaliciousLabel(l), l).toBe(true);
  });

  it('reads a labels file with its flow file, and scores hosts from it', async () => {
    const flows = tmp.file('x.csv');
    fs.writeFileSync(
      flows,
      [
        '2017-01-27 16:00:00,tcp,reset,10.0.0.5,40000,10.0.1.1,22,44,40',
        '2017-01-27 16:00:01,tcp,closed,10.0.0.7,40001,93.184.216.34,443,500,9000',
        '2017-01-27 16:00:02,tcp,reset,10.0.0.5,40002,10.0.1.1,23,44,40',
        '2017-01-27 16:00:03,udp,established,10.0.0.8,5353,224.0.0.251,5353,80,0',
      ].join('\n') + '\n',
    );
    fs.writeFileSync(tmp.file('x.labels.csv'), '1,PortScan\n2,BENIGN\n3,PortScan\n4,-\n');
    const labels = await readFlowLabels(tmp.file('x.labels.csv'), flows);
    expect([...labels.maliciousHosts!.keys()]).toEqual(['10.0.0.5']);
    expect([...labels.involvedHosts!]).toEqual(['10.0.1.1']);
    const r = evaluate(
      {
        incidents: [
          inc({ type: 'vertical-scan', attacker: '10.0.0.5', first_seen: T(0), last_seen: T(1) }),
          inc({ type: 'syn-flood', victims: ['10.0.1.1'], first_seen: T(0), last_seen: T(1) }), // the victim: not innocent
          inc({ type: 'anomaly', attacker: '10.0.0.7', first_seen: T(0), last_seen: T(1) }),
        ],
      },
      { mode: 'flow-labels', incidents: [], benign: [], ...labels },
    );
    expect(r.hosts.truePositives).toEqual(['10.0.0.5']);
    expect(r.hosts.falsePositives).toEqual(['10.0.0.7']);
    expect(r.hosts.precision).toBeCloseTo(2 / 3);
    expect(r.hosts.recall).toBe(1);
    expect(r.perType).toEqual([{ type: 'PortScan', total: 1, found: 1, missed: [] }]);
  });

  it('reads the label column of a case', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      await insertFlows(store, [
        { ts: '2017-01-27 16:00:00', src_ip: '10.0.0.5', dst_ip: '10.0.1.1', label: 'Attack' },
        { ts: '2017-01-27 16:00:01', src_ip: '10.0.0.7', dst_ip: '10.0.1.1', label: 'Benign' },
        { ts: '2017-01-27 16:00:02', src_ip: '10.0.0.8', dst_ip: '10.0.1.1', label: null },
      ]);
      const labels = await readCaseLabels(store);
      expect([...labels.maliciousHosts!.keys()]).toEqual(['10.0.0.5']);
      expect(labels.maliciousHosts!.get('10.0.0.5')).toEqual(new Set(['Attack']));
    } finally {
      store.close();
    }
  });
});

describe('truth files', () => {
  it('names file, line and field of bad input', () => {
    const f = tmp.file('bad.incidents.csv');
    fs.writeFileSync(
      f,
      'id,type,attacker,victims,start,end\nx,vertical-scan,999.1.1.1,10.0.0.1,2017-01-27T16:00:00Z,2017-01-27T16:01:00Z\n',
    );
    expect(() => readIncidentsFile(f)).toThrow(/bad\.incidents\.csv: line 2: field attacker/);
    fs.writeFileSync(
      f,
      'id,type,attacker,victims,start,end\nx,vertical-scan,10.0.0.1,10.0.0.2,soon,2017-01-27T16:01:00Z\n',
    );
    expect(() => readIncidentsFile(f)).toThrow(/line 2: field start/);
    fs.writeFileSync(f, 'id,kind\n');
    expect(() => readIncidentsFile(f)).toThrow(/line 1: missing column "type"/);
  });
});

describe('netsift eval', () => {
  it('prints the table and exits 0; 2 on usage errors', async () => {
    const reportFile = tmp.file('report.json');
    fs.writeFileSync(
      reportFile,
      JSON.stringify({
        summary: {},
        alerts: [],
        incidents: [
          inc({
            type: 'vertical-scan',
            attacker: '10.0.0.5',
            victims: ['10.0.1.1'],
            first_seen: T(11),
            last_seen: T(13),
          }),
        ],
      }),
    );
    const labels = tmp.file('cap.incidents.csv');
    fs.writeFileSync(
      labels,
      'id,type,attacker,victims,start,end\n' +
        `vertical-scan-1,vertical-scan,10.0.0.5,10.0.1.1,${T(10)},${T(15)}\n` +
        `syn-flood-1,syn-flood,,10.0.1.20,${T(50)},${T(52)}\n`,
    );
    fs.writeFileSync(tmp.file('cap.benign.csv'), 'role,ip\nmonitoring,10.0.1.90\n');
    const ok = await runCli(['eval', reportFile, '--labels', labels]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/vertical-scan\s+1\/1/);
    expect(ok.stdout).toMatch(/syn-flood\s+0\/1\s+syn-flood-1/);
    expect(ok.stdout).toContain('monitoring 10.0.1.90 not reported'); // benign file found next to the labels

    const { main } = await import('../../cli/main');
    expect(await main(['eval', reportFile])).toBe(2);
    expect(await main(['eval', '--labels', labels])).toBe(2);
    expect(await main(['eval', reportFile, '--label-column'])).toBe(2);
    expect(await main(['eval', tmp.file('missing.json'), '--labels', labels])).toBe(1);
  }, 180_000); // a child process through tsx: slow on a busy 2-core machine
});

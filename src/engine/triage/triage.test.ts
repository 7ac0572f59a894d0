import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import type { AlertDraft } from '../detect/types';
import { CaseStore } from '../store/case-store';
import { addAllowRule, listAllowRules, removeAllowRule, suppressAllowed } from './allow-rules';
import { auditTrail, getTriage, updateTriage } from './triage-store';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

function alert(src: string | null, dst: string | null, ports?: number[]): AlertDraft {
  return {
    detector: 'test',
    severity: 'medium',
    score: 0.5,
    src_ip: src,
    dst_ip: dst,
    window_start: '2017-01-27T16:00:00Z',
    window_end: '2017-01-27T16:00:10Z',
    features: [],
    flow_count: 1,
    evidence: { srcIps: src ? [src] : undefined, dstIps: dst ? [dst] : undefined, dstPorts: ports },
    summary: 'x',
  };
}

describe('triage', () => {
  it('survives closing and reopening the case, with an audit trail', async () => {
    const file = tmp.file('triage.duckdb');
    let s = await CaseStore.open(file);
    await updateTriage(s, 'vertical-scan:192.168.100.96', { status: 'investigating', appendNote: 'first look' });
    await updateTriage(s, 'vertical-scan:192.168.100.96', {
      status: 'confirmed',
      appendNote: '**nmap** from a lab box',
      addTags: ['lab', 'nmap'],
    });
    await updateTriage(s, 'vertical-scan:192.168.100.96', { removeTags: ['lab'] });
    s.close();
    s = await CaseStore.open(file);
    const t = await getTriage(s, 'vertical-scan:192.168.100.96');
    expect(t.status).toBe('confirmed');
    expect(t.notes).toBe('first look\n\n**nmap** from a lab box');
    expect(t.tags).toEqual(['nmap']);
    const audit = await auditTrail(s, 'vertical-scan:192.168.100.96');
    expect(audit.map((a) => [a.field, a.old_value, a.new_value])).toEqual([
      ['status', 'new', 'investigating'],
      ['notes', '', 'first look'],
      ['status', 'investigating', 'confirmed'],
      ['notes', 'first look', 'first look\n\n**nmap** from a lab box'],
      ['tags', '', 'lab, nmap'],
      ['tags', 'lab, nmap', 'nmap'],
    ]);
    expect((await getTriage(s, 'other')).status).toBe('new');
    await expect(updateTriage(s, 'k', { status: 'bogus' as never })).rejects.toThrow(/unknown status/);
    s.close();
  });
});

describe('allow rules', () => {
  it('suppress what they should and nothing more', async () => {
    const s = await CaseStore.open(':memory:');
    const alerts = [
      alert('192.168.1.10', '192.168.100.5', [22]), // monitoring host: host rule
      alert('192.168.100.5', '192.168.1.10', [161]), // reply direction still names the host
      alert('192.168.1.20', '10.0.0.9', [873]), // backup pair
      alert('10.0.0.9', '192.168.1.20', [873]), // pair either way
      alert('192.168.1.20', '10.0.0.8', [873]), // same host, other peer: kept
      alert('172.16.5.5', '8.8.8.8', [53]), // network rule, port 53
      alert('172.16.5.5', '8.8.8.8', [53, 80]), // network rule with port: 80 not covered -> kept
      alert('192.168.1.30', '1.2.3.4', [443]), // host-port rule
      alert('192.168.1.30', '1.2.3.4', [8443]), // other port -> kept
      alert('192.168.100.96', '192.168.1.1', [1, 2, 3]), // the scanner: kept
    ];
    expect((await suppressAllowed(s, alerts)).suppressed).toBe(0);
    const host = await addAllowRule(s, { kind: 'host', ip: '192.168.1.10', ip2: null, cidr: null, port: null, reason: 'monitoring' });
    await addAllowRule(s, { kind: 'pair', ip: '192.168.1.20', ip2: '10.0.0.9', cidr: null, port: null, reason: 'backup' });
    await addAllowRule(s, { kind: 'network', ip: null, ip2: null, cidr: '172.16.0.0/12', port: 53, reason: 'resolvers' });
    await addAllowRule(s, { kind: 'host-port', ip: '192.168.1.30', ip2: null, cidr: null, port: 443, reason: 'proxy' });
    const r = await suppressAllowed(s, alerts);
    expect(r.suppressed).toBe(6);
    expect(r.kept.map((a) => `${a.src_ip}>${a.dst_ip}:${a.evidence.dstPorts}`)).toEqual([
      '192.168.1.20>10.0.0.8:873',
      '172.16.5.5>8.8.8.8:53,80',
      '192.168.1.30>1.2.3.4:8443',
      '192.168.100.96>192.168.1.1:1,2,3',
    ]);
    expect(r.byRule[host.id]).toBe(2);
    expect(await removeAllowRule(s, host.id)).toBe(true);
    expect((await listAllowRules(s)).length).toBe(3);
    expect((await suppressAllowed(s, alerts)).suppressed).toBe(4);
    s.close();
  });

  it('refuses malformed rules with a clear message', async () => {
    const s = await CaseStore.open(':memory:');
    await expect(addAllowRule(s, { kind: 'host', ip: '999.1.1.1', ip2: null, cidr: null, port: null, reason: '' })).rejects.toThrow(
      /"999\.1\.1\.1" is not an IP address/,
    );
    await expect(addAllowRule(s, { kind: 'network', ip: null, ip2: null, cidr: '10.0.0.0/33', port: null, reason: '' })).rejects.toThrow(
      /not a network/,
    );
    await expect(addAllowRule(s, { kind: 'host-port', ip: '10.0.0.1', ip2: null, cidr: null, port: 70000, reason: '' })).rejects.toThrow(
      /70000 is not a port/,
    );
    s.close();
  });
});

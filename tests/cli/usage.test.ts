// Usage errors of the real CLI: the nearest subcommand or option is suggested, and a message
// carries its "netsift <command>:" prefix once.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

describe('netsift usage errors', () => {
  it('suggests the nearest subcommand for a typo and for a prefix', async () => {
    const typo = await runCli(['imprt', 'x.csv']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      'netsift: unknown command "imprt" (did you mean "netsift import"?)',
    );
    const prefix = await runCli(['rep']);
    expect(prefix.stderr).toContain('(did you mean "netsift report"?)');
    const far = await runCli(['frobnicate']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('unknown command "frobnicate"');
    expect(far.stderr).not.toContain('did you mean');
  });

  it('prints the prefix once for a bad option and names the nearest option', async () => {
    const r = await runCli(['import', 'x.csv', '--cas', 'c.duckdb']);
    expect(r.code).toBe(2);
    const first = r.stderr.split('\n')[0];
    expect(first).toBe('netsift import: unknown option --cas (did you mean --case?)');
    expect(r.stderr.match(/netsift import:/g)).toHaveLength(1);
    const value = await runCli(['import', 'x.csv', '--case']);
    expect(value.stderr.split('\n')[0]).toBe('netsift import: --case needs a value');
  });

  it('suggests the nearest feeds action', async () => {
    const r = await runCli(['feeds', 'refesh'], {
      env: { NETSIFT_HOME: '/nonexistent-netsift-home', NETSIFT_OFFLINE: '1' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'netsift feeds: unknown action "refesh" (did you mean "refresh"?); use list, add, refresh, remove, enable, disable, allow',
    );
  });
});

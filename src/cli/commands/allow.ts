import { addAllowRule, listAllowRules, NetsiftError, removeAllowRule } from '../../engine/index';
import type { AllowRuleInput } from '../../shared/triage';
import type { Command } from '../command';
import { openCaseToRead, openExistingCase } from '../open-case';

export const allowCommand: Command = {
  name: 'allow',
  synopsis: '--case CASE (--host IP | --pair A,B | --net CIDR) [--port P] [--reason TEXT] | --list | --remove ID',
  summary: 'allow-list known-good behaviour; the next detection run suppresses it',
  flags: {
    case: { type: 'string', description: 'case file' },
    host: { type: 'string', description: 'a trusted host' },
    pair: { type: 'string', description: 'a trusted pair of hosts, A,B' },
    net: { type: 'string', description: 'a trusted network (CIDR)' },
    port: { type: 'number', description: 'only this destination port (with --host or --net)' },
    reason: { type: 'string', description: 'why this is known-good' },
    list: { type: 'boolean', description: 'list the rules' },
    remove: { type: 'number', description: 'remove the rule with this id' },
  },
  async run({ flags }, io) {
    const subjects = ['host', 'pair', 'net'].filter((k) => flags[k] !== undefined);
    if (!flags.list && flags.remove === undefined && subjects.length !== 1)
      throw new NetsiftError('give exactly one of --host, --pair, --net (or --list / --remove)', 'usage');
    const changes = flags.remove !== undefined || subjects.length > 0;
    const store = changes ? await openExistingCase(flags.case) : await openCaseToRead(flags.case);
    try {
      if (flags.remove !== undefined) {
        const ok = await removeAllowRule(store, flags.remove as number);
        if (!ok) throw new NetsiftError(`no allow rule ${flags.remove}`, 'usage');
        io.out(`removed rule ${flags.remove}`);
      } else if (!flags.list) {
        const port = (flags.port as number | undefined) ?? null;
        let input: AllowRuleInput;
        if (flags.host) input = { kind: port == null ? 'host' : 'host-port', ip: flags.host as string, ip2: null, cidr: null, port, reason: '' };
        else if (flags.pair) {
          const [a, b, extra] = String(flags.pair).split(',').map((x) => x.trim());
          if (!a || !b || extra !== undefined) throw new NetsiftError(`--pair takes two addresses A,B (got "${flags.pair}")`, 'usage');
          input = { kind: 'pair', ip: a, ip2: b, cidr: null, port: null, reason: '' };
        } else input = { kind: 'network', ip: null, ip2: null, cidr: flags.net as string, port, reason: '' };
        input.reason = (flags.reason as string | undefined) ?? '';
        const rule = await addAllowRule(store, input);
        io.out(`added rule ${rule.id}: ${rule.kind} ${[rule.ip, rule.ip2, rule.cidr, rule.port].filter((x) => x != null).join(' ')}; re-run detection (netsift detect --case ...) to apply`);
      }
      if (flags.list) {
        const rules = await listAllowRules(store);
        if (rules.length === 0) io.out('no allow rules');
        for (const r of rules)
          io.out(`${r.id}\t${r.kind}\t${[r.ip, r.ip2, r.cidr, r.port].filter((x) => x != null).join(' ')}\t${r.reason}`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

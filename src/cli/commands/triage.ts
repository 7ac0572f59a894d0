import { TRIAGE_STATUSES, type TriageStatus } from '../../shared/triage';
import { auditTrail, findIncident, NetsiftError, updateTriage } from '../../engine/index';
import type { Command } from '../command';
import { openCaseToRead, openExistingCase } from '../open-case';

export const triageCommand: Command = {
  name: 'triage',
  synopsis: '--case CASE --incident ID [--status STATUS] [--note TEXT] [--tag TAG]... [--untag TAG]...',
  summary: 'set an incident’s status, add notes and tags (kept in the case, audited)',
  flags: {
    case: { type: 'string', description: 'case file' },
    incident: { type: 'string', description: 'incident id or key' },
    status: { type: 'string', description: `one of ${TRIAGE_STATUSES.join(', ')}` },
    note: { type: 'string', description: 'Markdown text appended to the notes' },
    tag: { type: 'string[]', description: 'add a tag (repeatable)' },
    untag: { type: 'string[]', description: 'remove a tag (repeatable)' },
    json: { type: 'boolean', description: 'print the triage and audit trail as JSON' },
  },
  async run({ flags }, io) {
    if (!flags.incident) throw new NetsiftError('--incident ID is required', 'usage');
    const status = flags.status as string | undefined;
    if (status && !TRIAGE_STATUSES.includes(status as TriageStatus))
      throw new NetsiftError(`--status must be one of ${TRIAGE_STATUSES.join(', ')} (got "${status}")`, 'usage');
    const changes = ['status', 'note', 'tag', 'untag'].some((k) => flags[k] !== undefined);
    // showing an incident's triage only reads: a case the user cannot write still shows it
    const store = changes ? await openExistingCase(flags.case) : await openCaseToRead(flags.case);
    try {
      const inc = await findIncident(store, String(flags.incident));
      const t = await updateTriage(store, inc.key, {
        status: status as TriageStatus | undefined,
        appendNote: flags.note as string | undefined,
        addTags: flags.tag as string[] | undefined,
        removeTags: flags.untag as string[] | undefined,
      });
      if (flags.json) io.out(JSON.stringify({ incident: inc.id, triage: t, audit: await auditTrail(store, inc.key) }, null, 2));
      else
        io.out(
          `incident ${inc.id} (${inc.type}, ${inc.attacker ?? inc.victims[0] ?? ''}): status ${t.status}` +
            (t.tags.length ? `, tags ${t.tags.join(', ')}` : '') +
            (t.notes ? `, notes ${t.notes.length} chars` : ''),
        );
      return 0;
    } finally {
      store.close();
    }
  },
};

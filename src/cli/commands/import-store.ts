// `netsift import FILE... --store clickhouse://...`: the files through netsift's importers into a
// ClickHouse store (each one whole or not at all); with --case, the case records the store's URL
// (never a password).
import type { ImportSummary } from '../../shared/model';
import { parseMap, describeFile } from './import';
import { CaseStore } from '../../engine/index';
import type { ParsedArgs } from '../args';
import type { CliIO } from '../command';
import { openStoreFromFlags } from '../open-store';

const n = (x: number) => x.toLocaleString('en-US');

export async function importIntoStore(
  { positional, flags }: ParsedArgs,
  io: CliIO,
): Promise<number> {
  const mapping = parseMap((flags.map as string[] | undefined) ?? []);
  const caseStore = flags.case ? await CaseStore.open(flags.case as string) : undefined;
  try {
    const store = await openStoreFromFlags(flags.store as string, { caseStore });
    try {
      io.err(
        `importing into ${store.info.location} (ClickHouse ${store.info.serverVersion}, ${store.info.dialect} dialect)`,
      );
      const job = store.importFiles(positional, {
        format: flags.format as string,
        tz: flags.tz as string,
        mapping,
        allowDuplicate: !!flags['allow-duplicate'],
        keepGoing: true,
        memoryLimit: flags['memory-limit'] as string,
        stageDir: flags['stage-dir'] as string | undefined,
        onNote: (l) => io.err(l),
      });
      job.onProgress((p) => {
        const pct = p.total ? ` ${Math.floor((100 * p.done) / p.total)}%` : '';
        io.progress(`importing ${p.message ?? ''}: ${p.phase}${pct}`);
      });
      const onSigint = () => job.cancel();
      process.once('SIGINT', onSigint);
      let sum: ImportSummary;
      try {
        sum = await job.result;
      } finally {
        process.off('SIGINT', onSigint);
        io.progress('');
      }
      if (flags.json) io.out(JSON.stringify(sum, null, 2));
      else {
        for (const f of sum.files) for (const l of describeFile(f)) (f.record ? io.out : io.err)(l);
        if (sum.files.length > 1)
          io.out(
            `total: ${n(sum.flows)} flows, ${n(sum.rejects)} rejected in ${sum.files.length - sum.failed} file(s)` +
              `${sum.failed ? `, ${sum.failed} failed` : ''}, ${sum.seconds.toFixed(1)} s`,
          );
      }
      return sum.failed ? 1 : 0;
    } finally {
      await store.close();
    }
  } finally {
    caseStore?.close();
  }
}

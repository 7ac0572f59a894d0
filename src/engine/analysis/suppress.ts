// Allow-list suppression step of a detection run: alerts matching the analyst's allow rules
// (src/engine/triage/allow-rules.ts) are dropped before incidents are built; the run records how
// many. Kept as its own step so the runner has one place where suppression happens.
import type { CaseStore } from '../store/case-store';
import { suppressAllowed } from '../triage/allow-rules';
import type { AlertDraft } from '../detect/types';

export interface SuppressResult {
  kept: AlertDraft[];
  suppressed: number;
}

export async function suppress(store: CaseStore, alerts: AlertDraft[]): Promise<SuppressResult> {
  const r = await suppressAllowed(store, alerts);
  return { kept: r.kept, suppressed: r.suppressed };
}

// How following stands, for the workspace: the service's 'follow' events (each batch, each
// detection run, every second), and the revisions the panes reload on: flows (a batch arrived) and
// incidents (a detection run was written). Flows revisions come at most every few seconds, so a
// fast follower does not keep the grid and the timeline reloading.
import { useEffect, useRef, useState } from 'react';
import type { FollowView } from '../../../../shared/follow';
import { api, onServerEvent } from '../../api/client';

/** Least time between two flows revisions (ms). */
const FLOWS_EVERY = 3000;

export interface FollowState {
  view: FollowView | null;
  /** bumped when batches arrived (at most every FLOWS_EVERY) */
  flowsRev: number;
  /** bumped after each detection run */
  incidentsRev: number;
  /** re-reads the status (after starting or stopping) */
  refresh(): void;
}

export function useFollow(casePath: string): FollowState {
  const [view, setView] = useState<FollowView | null>(null);
  const [flowsRev, setFlowsRev] = useState(0);
  const [incidentsRev, setIncidentsRev] = useState(0);
  const seen = useRef({ batches: -1, runs: -1, folder: '' });
  const lastFlows = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const take = (v: FollowView | null) => {
    setView(v);
    if (!v) return;
    const s = seen.current;
    const runs = v.status.detection?.runs ?? 0;
    if (s.folder !== v.folder || s.batches < 0) {
      // a new session (or the first view): its counters are the baseline, nothing to reload
      seen.current = { batches: v.status.batches, runs, folder: v.folder };
      return;
    }
    if (runs !== s.runs) {
      s.runs = runs;
      setIncidentsRev((r) => r + 1);
    }
    if (v.status.batches !== s.batches) {
      s.batches = v.status.batches;
      const wait = lastFlows.current + FLOWS_EVERY - Date.now();
      if (wait <= 0) {
        lastFlows.current = Date.now();
        setFlowsRev((r) => r + 1);
      } else
        timer.current ??= setTimeout(() => {
          timer.current = null;
          lastFlows.current = Date.now();
          setFlowsRev((r) => r + 1);
        }, wait);
    }
  };
  const takeRef = useRef(take);
  takeRef.current = take;

  const refresh = () => {
    api.followStatus().then(
      (v) => takeRef.current(v),
      () => undefined,
    );
  };
  useEffect(() => {
    refresh();
    const off = onServerEvent((e) => {
      if (e.type === 'follow') takeRef.current(e.follow);
    });
    return () => {
      off();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [casePath]);
  return { view, flowsRev, incidentsRev, refresh };
}

// The revisions panes reload on while the case is followed (use-follow.ts): a pane reads them with
// useLive() and reloads what it shows without resetting the analyst's selection, sort or scroll.
import { createContext, useContext } from 'react';

export interface Live {
  /** new flows arrived */
  flowsRev: number;
  /** a detection run was written (incidents and alerts may have grown) */
  incidentsRev: number;
}

export const LiveContext = createContext<Live>({ flowsRev: 0, incidentsRev: 0 });

export function useLive(): Live {
  return useContext(LiveContext);
}

// Small contract answers for renderer tests, and a workspace whose actions are recorded.
import { vi } from 'vitest';
import type { Incident } from '../../../shared/model';
import type { WorkspaceActions } from '../features/workspace/selection';
import { EMPTY_SELECTION } from '../features/workspace/selection';

export function incident(id: number, over: Partial<Incident> = {}): Incident {
  return {
    id,
    key: `scan:10.0.0.${id}`,
    type: 'port-scan',
    severity: 'high',
    score: 0.5,
    attacker: `10.0.0.${id}`,
    victims: ['10.0.1.1'],
    ips: [`10.0.0.${id}`, '10.0.1.1'],
    first_seen: '2024-01-01T00:00:00.000Z',
    last_seen: '2024-01-01T00:10:00.000Z',
    detectors: ['scan'],
    alert_count: 1,
    flow_count: 10,
    summary: '',
    evidence: { srcIps: [`10.0.0.${id}`] },
    ...over,
  };
}

/** A workspace for a pane under test: the selection given, every action a vi.fn. */
export function workspace(over: Partial<WorkspaceActions> = {}): WorkspaceActions {
  return {
    selection: EMPTY_SELECTION,
    alerts: [],
    selectIncident: vi.fn(),
    selectAlert: vi.fn(),
    setDrill: vi.fn(),
    setRange: vi.fn(),
    setFilter: vi.fn(),
    addClause: vi.fn(),
    showHost: vi.fn(),
    openMenu: vi.fn(),
    hiddenColumns: (_grid, fallback) => [...fallback],
    setHiddenColumns: vi.fn(),
    ...over,
  };
}

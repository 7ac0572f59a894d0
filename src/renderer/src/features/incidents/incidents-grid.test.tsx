// @vitest-environment happy-dom
// The incidents list with the contract mocked: what it shows while loading, on an error (chosen
// by the error's code), with no incident, and the incidents with their triage, highest score
// first; the status filter.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useMemo, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../shared/api-error';
import type { TriageStatus } from '../../../../shared/triage';
import { TRIAGE_STATUSES } from '../../../../shared/triage';
import { useAsync } from '../../components/use-async';
import { incident, workspace } from '../../test/fixtures';
import { mockApi, resetMockApi } from '../../test/mock-api';
import { WorkspaceContext, type WorkspaceActions } from '../workspace/selection';
import { IncidentsGrid, type IncidentRow } from './incidents-grid';
import { DEFAULT_STATUSES } from './status-filter';

vi.mock('../../api/client', async () => (await import('../../test/mock-api')).mockClient());

/** The list as the workspace feeds it: incidents and triage from the contract. */
function List({ onOrder }: { onOrder(ids: number[]): void }) {
  const incidents = useAsync(() => mockApi.incidents(), []);
  const triage = useAsync(() => mockApi.triageAll(), []);
  const [statuses, setStatuses] = useState<TriageStatus[]>(DEFAULT_STATUSES);
  const all = useMemo<IncidentRow[]>(
    () =>
      (incidents.value ?? []).map((i) => {
        const t = triage.value?.find((x) => x.key === i.key);
        return { ...i, status: t?.status ?? 'new', tags: t?.tags ?? [] };
      }),
    [incidents.value, triage.value],
  );
  const counts = Object.fromEntries(
    TRIAGE_STATUSES.map((s) => [s, all.filter((r) => r.status === s).length]),
  ) as Record<TriageStatus, number>;
  return (
    <IncidentsGrid
      incidents={incidents}
      rows={all.filter((r) => statuses.includes(r.status))}
      counts={counts}
      statuses={statuses}
      onStatuses={setStatuses}
      onOrder={onOrder}
    />
  );
}

function show(w: WorkspaceActions) {
  return render(
    <WorkspaceContext.Provider value={w}>
      <List onOrder={vi.fn()} />
    </WorkspaceContext.Provider>,
  );
}

const count = () => screen.getByTestId('incidents-count').textContent;

describe('incidents list', () => {
  beforeEach(() => {
    resetMockApi();
    mockApi.triageAll.mockResolvedValue([]);
  });
  afterEach(cleanup);

  it('says it is loading until the contract answers', async () => {
    let answer!: (v: never[]) => void;
    mockApi.incidents.mockReturnValue(new Promise((r) => (answer = r)));
    show(workspace());
    expect(screen.getByRole('status').textContent).toBe('Loading incidents…');
    await act(async () => answer([]));
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByText(/No incidents: detection found nothing/)).toBeTruthy();
  });

  it('shows an error by its code, and Retry asks again', async () => {
    mockApi.incidents.mockRejectedValueOnce(
      new ApiError({ code: 'internal', message: 'internal error; the details are in the log' }),
    );
    show(workspace());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('netsift failed on its side');
    mockApi.incidents.mockResolvedValueOnce([incident(1)]);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(count()).toBe('1'));
    expect(mockApi.incidents).toHaveBeenCalledTimes(2);
  });

  it('lists the open incidents highest score first, and the status filter brings hidden ones back', async () => {
    const low = incident(1, { score: 0.2, attacker: '10.0.0.1' });
    const high = incident(2, { score: 0.9, attacker: '10.0.0.2' });
    const closed = incident(3, { score: 0.95, attacker: '10.0.0.3' });
    mockApi.incidents.mockResolvedValue([low, high, closed]);
    mockApi.triageAll.mockResolvedValue([
      { key: closed.key, status: 'closed', notes: '', tags: [], updated: null },
      { key: high.key, status: 'confirmed', notes: '', tags: ['apt'], updated: null },
    ]);
    show(workspace());
    await waitFor(() => expect(count()).toBe('2')); // the closed one is hidden
    // rows in the order shown (ag-grid places rows by row-index, not by DOM order)
    const attackers = () =>
      Array.from(document.querySelectorAll<HTMLElement>('.ag-row'))
        .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
        .map((r) => r.querySelector('[col-id="attacker"]')?.textContent);
    await waitFor(() => expect(attackers()).toEqual(['10.0.0.2', '10.0.0.1']));
    expect(screen.getByText('Confirmed', { selector: '.ag-row .status' })).toBeTruthy();

    // the status filter: counts per status, "show all" brings the closed one back
    const filter = screen.getByRole('group', { name: 'Status filter' });
    expect(filter.textContent).toContain('Closed 1');
    fireEvent.click(screen.getByRole('button', { name: 'show all (+1)' }));
    await waitFor(() => expect(count()).toBe('3'));
    await waitFor(() => expect(attackers()).toEqual(['10.0.0.3', '10.0.0.2', '10.0.0.1']));
  });
});

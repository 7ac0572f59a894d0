// @vitest-environment happy-dom
// The triage panel with the contract mocked: the selected incident's status, tags and audit
// trail as the engine answers them; a change goes to updateTriage under the incident's stable key,
// the trail is read again and the list is told; a refused change says why.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../shared/api-error';
import type { IncidentTriage, TriageChange } from '../../../../shared/triage';
import { incident, workspace } from '../../test/fixtures';
import { mockApi, resetMockApi } from '../../test/mock-api';
import { EMPTY_SELECTION, WorkspaceContext } from '../workspace/selection';
import { TriagePanel } from './triage-panel';

vi.mock('../../api/client', async () => (await import('../../test/mock-api')).mockClient());

const inc = incident(7, { type: 'port-scan', attacker: '10.0.0.7' });

function panel(selected = true) {
  const onTriageChanged = vi.fn();
  const w = workspace({ selection: { ...EMPTY_SELECTION, incident: selected ? inc : null } });
  render(
    <WorkspaceContext.Provider value={w}>
      <TriagePanel onRulesChanged={vi.fn()} onTriageChanged={onTriageChanged} />
    </WorkspaceContext.Provider>,
  );
  return { onTriageChanged };
}

describe('triage panel', () => {
  let stored: IncidentTriage;
  beforeEach(() => {
    resetMockApi();
    stored = { key: inc.key, status: 'investigating', notes: '', tags: ['vpn'], updated: null };
    mockApi.triage.mockImplementation(async () => stored);
    mockApi.auditTrail.mockResolvedValue([
      {
        ts: '2024-01-01T10:00:00Z',
        key: inc.key,
        field: 'status',
        old_value: 'new',
        new_value: 'investigating',
      },
    ]);
    // the engine's answer to a change: the triage after it
    mockApi.updateTriage.mockImplementation(async (_key: string, c: TriageChange) => {
      stored = {
        ...stored,
        status: c.status ?? stored.status,
        tags: [...stored.tags.filter((t) => !c.removeTags?.includes(t)), ...(c.addTags ?? [])],
      };
      return stored;
    });
  });
  afterEach(cleanup);

  it('asks for an incident when none is selected, and calls nothing', () => {
    panel(false);
    expect(screen.getByText('Select an incident to triage it.')).toBeTruthy();
    expect(mockApi.triage).not.toHaveBeenCalled();
  });

  it("shows the incident's status, tags and audit trail as the engine has them", async () => {
    panel();
    const status = (await screen.findByRole('combobox', { name: 'Status' })) as HTMLSelectElement;
    expect(mockApi.triage).toHaveBeenCalledWith(inc.key);
    expect(status.value).toBe('investigating');
    expect(within(screen.getByLabelText('Tags')).getByText('vpn')).toBeTruthy();
    const trail = await screen.findByTestId('audit-trail');
    expect(trail.textContent).toContain('status new → investigating');
  });

  it('changes the status under the stable key, reads the trail again and tells the list', async () => {
    const { onTriageChanged } = panel();
    const status = (await screen.findByRole('combobox', { name: 'Status' })) as HTMLSelectElement;
    await screen.findByTestId('audit-trail');
    fireEvent.change(status, { target: { value: 'confirmed' } });
    await waitFor(() => expect(status.value).toBe('confirmed'));
    expect(mockApi.updateTriage).toHaveBeenCalledWith(inc.key, { status: 'confirmed' });
    expect(onTriageChanged).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(mockApi.auditTrail).toHaveBeenCalledTimes(2));
  });

  it('adds and removes tags', async () => {
    panel();
    const add = await screen.findByRole('textbox', { name: 'Add tag' });
    fireEvent.change(add, { target: { value: ' c2 ' } });
    fireEvent.submit(add.closest('form')!);
    await waitFor(() => expect(within(screen.getByLabelText('Tags')).getByText('c2')).toBeTruthy());
    expect(mockApi.updateTriage).toHaveBeenLastCalledWith(inc.key, { addTags: ['c2'] });
    await waitFor(() => expect((add as HTMLInputElement).value).toBe(''));
    fireEvent.click(screen.getByRole('button', { name: 'Remove tag vpn' }));
    await waitFor(() =>
      expect(within(screen.getByLabelText('Tags')).queryByText('vpn')).toBeNull(),
    );
    expect(mockApi.updateTriage).toHaveBeenLastCalledWith(inc.key, { removeTags: ['vpn'] });
  });

  it('says why a change was refused and keeps what the engine has', async () => {
    mockApi.updateTriage.mockRejectedValue(
      new ApiError({ code: 'case', message: 'case.duckdb: the case is open read-only' }),
    );
    const { onTriageChanged } = panel();
    const status = (await screen.findByRole('combobox', { name: 'Status' })) as HTMLSelectElement;
    fireEvent.change(status, { target: { value: 'closed' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('case.duckdb: the case is open read-only');
    expect(status.value).toBe('investigating');
    expect(onTriageChanged).not.toHaveBeenCalled();
  });
});

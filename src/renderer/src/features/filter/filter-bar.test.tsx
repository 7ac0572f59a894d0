// @vitest-environment happy-dom
// The filter bar with the contract mocked: the engine's check of the text marks the offending
// token (its offset and length), a valid filter is applied, and a failed check is said by code.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../shared/api-error';
import { mockApi, resetMockApi } from '../../test/mock-api';
import { FilterBar } from './filter-bar';

vi.mock('../../api/client', async () => (await import('../../test/mock-api')).mockClient());

function bar(onApply = vi.fn()) {
  render(<FilterBar value="" history={[]} onApply={onApply} undoTo={null} onUndo={vi.fn()} />);
  const input = screen.getByRole('searchbox', { name: 'Filter' }) as HTMLInputElement;
  const submit = (text: string) => {
    fireEvent.change(input, { target: { value: text } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
  };
  return { input, submit, onApply };
}

describe('filter bar', () => {
  beforeEach(resetMockApi);
  afterEach(cleanup);

  it('marks the token the engine points at, and applies nothing', async () => {
    mockApi.checkFilter.mockResolvedValue({
      ok: false,
      error: { message: 'unknown keyword "port5"', offset: 11, length: 5, token: 'port5' },
    });
    const { input, submit, onApply } = bar();
    submit('src ip 1.2 port5 22');
    const box = await screen.findByTestId('filter-error');
    expect(mockApi.checkFilter).toHaveBeenCalledWith('src ip 1.2 port5 22');
    expect(box.querySelector('mark')?.textContent).toBe('port5');
    expect(box.querySelector('code')?.textContent).toBe('src ip 1.2 port5 22');
    expect(box.textContent).toContain('unknown keyword "port5"');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.className).toBe('invalid');
    expect(onApply).not.toHaveBeenCalled();

    // typing again clears the mark until the next check
    fireEvent.change(input, { target: { value: 'src ip 1.2 port 22' } });
    expect(screen.queryByTestId('filter-error')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('false');
  });

  it('marks the end of the text for an error at its end (an empty token)', async () => {
    mockApi.checkFilter.mockResolvedValue({
      ok: false,
      error: { message: 'expected an address after "ip"', offset: 6, length: 0, token: '' },
    });
    const { submit } = bar();
    submit('src ip');
    const box = await screen.findByTestId('filter-error');
    expect(box.querySelector('mark')?.textContent).toBe(' ');
  });

  it('applies a filter the engine accepts, trimmed', async () => {
    mockApi.checkFilter.mockResolvedValue({ ok: true });
    const { submit, onApply, input } = bar();
    submit('  dst port 22 ');
    await waitFor(() => expect(onApply).toHaveBeenCalledWith('dst port 22'));
    expect(screen.queryByTestId('filter-error')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('false');
  });

  it('says a failed check by its code, not as a filter error', async () => {
    mockApi.checkFilter.mockRejectedValue(
      new ApiError({ code: 'network', message: 'cannot reach netsift serve (Failed to fetch)' }),
    );
    const { submit, onApply } = bar();
    submit('dst port 22');
    const box = await screen.findByTestId('filter-error');
    expect(box.textContent).toMatch(/^netsift cannot be reached \(cannot reach netsift serve/);
    expect(box.querySelector('mark')).toBeNull();
    expect(onApply).not.toHaveBeenCalled();
  });
});

// The flows grid's paging with the contract mocked: one request for the first block (asked at
// once and reused when the grid asks), the count after it, later blocks at the grid's offsets and
// sort, the last row from the count or from a short page, and answers for a selection the grid
// has left dropped.
import type { IGetRowsParams } from 'ag-grid-community';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../shared/api-error';
import type { FlowRow, FlowsRequest } from '../../../../shared/query';
import { FLOWS_BLOCK } from '../../../../shared/query';
import { mockApi, resetMockApi } from '../../test/mock-api';
import { engineSort, flowsDatasource, type FlowsPaging } from './flows-datasource';

const q = { filter: 'dst port 22' };

/** A case of `n` flows, paged as the engine pages. */
function flowsOf(n: number) {
  return async (req: FlowsRequest) => {
    const offset = req.offset ?? 0;
    const end = Math.min(n, offset + (req.limit ?? FLOWS_BLOCK));
    const rows = Array.from({ length: Math.max(0, end - offset) }, (_, i) => ({
      id: offset + i,
    })) as unknown as FlowRow[];
    return { rows, offset };
  };
}

/** What ag-grid passes getRows, and what it got back. */
function ask(startRow: number, endRow: number, sortModel: IGetRowsParams['sortModel'] = []) {
  let done!: (v: { rows?: unknown[]; last?: number; failed?: true }) => void;
  const answered = new Promise<{ rows?: unknown[]; last?: number; failed?: true }>(
    (r) => (done = r),
  );
  const params = {
    startRow,
    endRow,
    sortModel,
    filterModel: {},
    successCallback: (rows: unknown[], last?: number) => done({ rows, last }),
    failCallback: () => done({ failed: true }),
  } as unknown as IGetRowsParams;
  return { params, answered };
}

function paging(over: Partial<FlowsPaging> = {}): FlowsPaging & {
  onCount: ReturnType<typeof vi.fn>;
  onFirstRows: ReturnType<typeof vi.fn>;
  onError: ReturnType<typeof vi.fn>;
} {
  return {
    api: mockApi,
    q,
    firstSort: [],
    isCurrent: () => true,
    onCount: vi.fn(),
    onFirstRows: vi.fn(),
    onError: vi.fn(),
    ...over,
  } as never;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('flows grid paging', () => {
  beforeEach(resetMockApi);

  it('asks for the first block at once, counts after it, and serves the grid from it', async () => {
    mockApi.flows.mockImplementation(flowsOf(1000));
    mockApi.countFlows.mockResolvedValue(1000);
    const p = paging();
    const ds = flowsDatasource(p);
    expect(mockApi.flows).toHaveBeenCalledTimes(1);
    expect(mockApi.flows.mock.calls[0][0]).toMatchObject({
      ...q,
      sort: [],
      offset: 0,
      limit: FLOWS_BLOCK,
    });
    expect(mockApi.countFlows).not.toHaveBeenCalled(); // rows first
    await settle();
    expect(mockApi.countFlows).toHaveBeenCalledWith(expect.objectContaining(q));
    expect(p.onCount).toHaveBeenCalledWith(1000);

    const first = ask(0, FLOWS_BLOCK);
    ds.getRows(first.params);
    const got = await first.answered;
    expect(mockApi.flows).toHaveBeenCalledTimes(1); // the same request, not a second one
    expect(got.rows).toHaveLength(FLOWS_BLOCK);
    expect(got.last).toBe(1000);
    expect(p.onFirstRows).toHaveBeenCalledWith(true);

    // a later block: the grid's offset and limit, the last row from the count
    const fourth = ask(600, 800);
    ds.getRows(fourth.params);
    const page4 = await fourth.answered;
    expect(mockApi.flows).toHaveBeenLastCalledWith({ ...q, sort: [], offset: 600, limit: 200 });
    expect((page4.rows as { id: number }[])[0].id).toBe(600);
    expect(page4.last).toBe(1000);
    expect(p.onFirstRows).toHaveBeenCalledTimes(1);
  });

  it('counts a time range (no filter, no evidence) beside its first page, not after it', async () => {
    mockApi.flows.mockReturnValue(new Promise(() => undefined)); // the page not in yet
    mockApi.countFlows.mockResolvedValue(1000);
    const range = { from: '2024-05-01T08:00:00.000Z', to: '2024-05-01T08:05:00.000Z' };
    const p = paging({ q: { range } });
    flowsDatasource(p);
    expect(mockApi.countFlows).toHaveBeenCalledWith(expect.objectContaining({ range })); // at once
    await settle();
    expect(p.onCount).toHaveBeenCalledWith(1000);
    // with a filter the page still goes first
    resetMockApi();
    mockApi.flows.mockReturnValue(new Promise(() => undefined));
    flowsDatasource(paging({ q: { range, filter: 'dst port 22' } }));
    await settle();
    expect(mockApi.countFlows).not.toHaveBeenCalled();
  });

  it('asks again in the sort the grid has now, and keeps only the columns the engine sorts by', async () => {
    mockApi.flows.mockImplementation(flowsOf(50));
    mockApi.countFlows.mockReturnValue(new Promise(() => undefined)); // still counting
    const ds = flowsDatasource(paging());
    const sorted = ask(0, FLOWS_BLOCK, [
      { colId: 'src_bytes', sort: 'desc' },
      { colId: 'country', sort: 'asc' }, // not a column the engine sorts by
    ]);
    ds.getRows(sorted.params);
    const got = await sorted.answered;
    expect(mockApi.flows).toHaveBeenCalledTimes(2);
    expect(mockApi.flows).toHaveBeenLastCalledWith({
      ...q,
      sort: [{ column: 'src_bytes', dir: 'desc' }],
      offset: 0,
      limit: FLOWS_BLOCK,
    });
    // no count yet: a short page is the end
    expect(got.last).toBe(50);
    expect(engineSort([{ colId: 'label', sort: null }])).toEqual([]); // unsorted
  });

  it('leaves the end open while a full page has come and the count has not', async () => {
    mockApi.flows.mockImplementation(flowsOf(5000));
    mockApi.countFlows.mockReturnValue(new Promise(() => undefined));
    const ds = flowsDatasource(paging());
    const second = ask(200, 400);
    ds.getRows(second.params);
    expect((await second.answered).last).toBe(-1);
  });

  it('drops the count of a selection the grid has left', async () => {
    mockApi.flows.mockImplementation(flowsOf(10));
    mockApi.countFlows.mockResolvedValue(10);
    let current = true;
    const p = paging({ isCurrent: () => current });
    flowsDatasource(p);
    current = false;
    await settle();
    expect(mockApi.countFlows).not.toHaveBeenCalled();
    expect(p.onCount).not.toHaveBeenCalled();
  });

  it('reports a failed page (not a superseded one) and tells the grid', async () => {
    mockApi.flows.mockRejectedValue(
      new ApiError({ code: 'usage', message: 'filter: unknown column' }),
    );
    mockApi.countFlows.mockResolvedValue(0);
    const p = paging();
    const ds = flowsDatasource(p);
    const first = ask(0, FLOWS_BLOCK);
    ds.getRows(first.params);
    expect(await first.answered).toEqual({ failed: true });
    expect(p.onFirstRows).toHaveBeenCalledWith(false);
    expect(p.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'usage' }));

    resetMockApi();
    mockApi.flows.mockRejectedValue(new ApiError({ code: 'cancelled', message: 'superseded' }));
    mockApi.countFlows.mockRejectedValue(
      new ApiError({ code: 'cancelled', message: 'superseded' }),
    );
    const quiet = paging();
    const ds2 = flowsDatasource(quiet);
    const again = ask(0, FLOWS_BLOCK);
    ds2.getRows(again.params);
    expect(await again.answered).toEqual({ failed: true });
    await settle();
    expect(quiet.onError).not.toHaveBeenCalled();
  });
});

// The ag-grid modules the workspace's grids use (incidents, alerts: client-side rows; flows: the
// infinite row model). AllCommunityModule put every editor, filter, export and paging feature in
// the page's script, and each grid's creation set up beans for all of them (issue 16). A feature
// used without its module is an "AG Grid: error #…" on the console (the e2e specs fail on it);
// in development the ValidationModule names the module.
import {
  CellStyleModule,
  ClientSideRowModelApiModule,
  ClientSideRowModelModule,
  ColumnApiModule,
  InfiniteRowModelModule,
  RowApiModule,
  RowSelectionModule,
  ScrollApiModule,
  TooltipModule,
  type Module,
} from 'ag-grid-community';

export const GRID_MODULES: Module[] = [
  ClientSideRowModelModule,
  // forEachNodeAfterFilterAndSort (the incidents' order for j/k)
  ClientSideRowModelApiModule,
  // setRowCount, refreshInfiniteCache
  InfiniteRowModelModule,
  // singleRow/multiRow selection, getSelectedRows
  RowSelectionModule,
  // tooltipValueGetter, headerTooltip
  TooltipModule,
  // cellClass of the built-in 'rightAligned' column type
  CellStyleModule,
  // getColumnState (the flows' sort for the first page)
  ColumnApiModule,
  // getRowNode, forEachNode, getDisplayedRowAtIndex, getDisplayedRowCount
  RowApiModule,
  // ensureIndexVisible
  ScrollApiModule,
];

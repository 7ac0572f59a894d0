// ag-grid's Theming API (v33+): quartz, dense, in the workspace's light or dark colours.
import { colorSchemeDark, colorSchemeLight, themeQuartz, type ColDef } from 'ag-grid-community';
import { useTheme } from './theme';

const DENSE = { fontSize: 12, headerFontSize: 12, rowHeight: 24, headerHeight: 28, spacing: 4 };

const DARK = themeQuartz.withPart(colorSchemeDark).withParams({
  ...DENSE,
  backgroundColor: '#16181d',
  foregroundColor: '#d8dde6',
  headerBackgroundColor: '#1d2027',
  accentColor: '#4ea1ff',
  borderColor: '#2a2e37',
  oddRowBackgroundColor: '#191b21',
  selectedRowBackgroundColor: '#23324a',
});

const LIGHT = themeQuartz.withPart(colorSchemeLight).withParams({
  ...DENSE,
  backgroundColor: '#ffffff',
  foregroundColor: '#1f2430',
  headerBackgroundColor: '#f1f3f6',
  accentColor: '#1f6fd1',
  borderColor: '#dde1e7',
  oddRowBackgroundColor: '#f8f9fb',
  selectedRowBackgroundColor: '#dce9fb',
});

/** The grid theme for the current light/dark theme (one object each: ag-grid compares by reference). */
export function useGridTheme() {
  return useTheme() === 'light' ? LIGHT : DARK;
}

/**
 * Column defaults shared by every grid. One module-level object on purpose: ag-grid compares
 * options by reference, and a fresh `{...}` literal on each render made every grid rebuild its
 * columns (and re-render its rows) whenever the selection changed.
 */
export const gridColDefaults: ColDef = { sortable: true, resizable: true };

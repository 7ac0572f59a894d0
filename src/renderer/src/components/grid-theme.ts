// ag-grid's Theming API (v33+): quartz, dark, dense.
import { colorSchemeDark, themeQuartz, type ColDef } from 'ag-grid-community';

export const gridTheme = themeQuartz.withPart(colorSchemeDark).withParams({
  backgroundColor: '#16181d',
  foregroundColor: '#d8dde6',
  headerBackgroundColor: '#1d2027',
  accentColor: '#4ea1ff',
  fontSize: 12,
  headerFontSize: 12,
  rowHeight: 24,
  headerHeight: 28,
  spacing: 4,
  borderColor: '#2a2e37',
  oddRowBackgroundColor: '#191b21',
});

/**
 * Column defaults shared by every grid. One module-level object on purpose: ag-grid compares
 * options by reference, and a fresh `{...}` literal on each render made every grid rebuild its
 * columns (and re-render its rows) whenever the selection changed.
 */
export const gridColDefaults: ColDef = { sortable: true, resizable: true };

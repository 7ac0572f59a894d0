// ag-grid's Theming API (v33+): quartz, dark, dense.
import { colorSchemeDark, themeQuartz } from 'ag-grid-community';

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

// The theme button: System (follows the operating system's light or dark), Light, Dark.
import { setThemeChoice, useTheme, useThemeChoice, type ThemeChoice } from './theme';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export function ThemeToggle() {
  const choice = useThemeChoice();
  const theme = useTheme();
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-label={`Theme: ${LABEL[choice]}`}
      title={`Theme: ${LABEL[choice]}${choice === 'system' ? ` (${theme} now)` : ''}; click for ${LABEL[NEXT[choice]]}`}
      onClick={() => setThemeChoice(NEXT[choice])}
      data-theme-choice={choice}
    >
      {theme === 'light' ? '☀' : '☾'} {LABEL[choice]}
    </button>
  );
}

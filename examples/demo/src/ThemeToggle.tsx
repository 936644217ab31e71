import { useEffect, useState } from 'react';

type Theme = 'light' | 'dark' | 'system';
const order: Theme[] = ['system', 'light', 'dark'];
const labels: Record<Theme, string> = {
  system: 'Theme: system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};

function initialTheme(): Theme {
  const fromUrl = new URLSearchParams(window.location.search).get('theme');
  return fromUrl === 'light' || fromUrl === 'dark' ? fromUrl : 'system';
}

/** Cycles system → light → dark; the table's theme follows `data-theme` on <html>. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
  return (
    <button
      type="button"
      className="demo-button demo-button-quiet"
      onClick={() => setTheme(order[(order.indexOf(theme) + 1) % order.length]!)}
    >
      {labels[theme]}
    </button>
  );
}

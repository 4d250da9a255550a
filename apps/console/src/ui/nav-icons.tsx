/**
 * The sidebar's icons: small inline SVG strokes (no icon library, so the first load stays small).
 * Decoration only: each sits beside its place's name, hidden from screen readers.
 */
const PATHS = {
  webhooks: 'M6 16a3 3 0 1 1 2.6-4.5L12 5.5M18 16a3 3 0 1 1-2.8 1.9H8.6M12 5.5a3 3 0 1 1 2.6 4.5L18 16',
  timeline: 'M4 6h16M4 12h10M4 18h13M20 12h.01',
  alerts: 'M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zM10 19a2 2 0 0 0 4 0',
  rules: 'M9 6h11M9 12h11M9 18h11M4 6l1 1 2-2M4 12l1 1 2-2M4 18l1 1 2-2',
  proposals: 'M5 4h10l4 4v12H5zM15 4v4h4M8 13l3 3 5-6',
  settings:
    'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19 12l2-1-1-3-2 .3-1.3-1.3L17 5l-3-1-1 2h-2L10 4 7 5l.3 2L6 8.3 4 8l-1 3 2 1v0l-2 1 1 3 2-.3 1.3 1.3L7 19l3 1 1-2h2l1 2 3-1-.3-2 1.3-1.3 2 .3 1-3z',
  menu: 'M4 7h16M4 12h16M4 17h16',
  close: 'M6 6l12 12M18 6L6 18',
} as const;

export type IconName = keyof typeof PATHS;

export function NavIcon({ name }: { name: IconName }) {
  return (
    <svg
      className="nav-icon"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

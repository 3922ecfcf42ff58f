/**
 * The workbench's top-level sections, in navigation order. The layout renders them as the main
 * navigation and registers "g <key>" for each. A section whose page does not exist yet still
 * appears: its route lands when that page is built.
 */
export interface NavItem {
  href: string;
  label: string;
  /** Second key of the "g <key>" shortcut. */
  key: string;
}

export const NAV: readonly NavItem[] = [
  { href: '/datasets', label: 'Datasets', key: 'd' },
  { href: '/sql', label: 'SQL', key: 's' },
  { href: '/pipelines', label: 'Pipelines', key: 'p' },
  { href: '/runs', label: 'Runs', key: 'r' },
  { href: '/compare', label: 'Compare', key: 'c' },
  { href: '/playground', label: 'Playground', key: 'y' },
  { href: '/models', label: 'Models', key: 'm' }
];

/** Whether `pathname` is inside the section at `href`. */
export function isActive(href: string, pathname: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}

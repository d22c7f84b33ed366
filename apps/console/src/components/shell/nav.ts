/** One sidebar link. Only pages that exist are listed; later pages add themselves to a section here. */
export interface NavItem {
  href: string;
  label: string;
  testId: string;
  icon: 'servers' | 'audit';
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

export const NAV: NavSection[] = [
  { title: 'Monitor', items: [{ href: '/', label: 'Servers', testId: 'nav-servers', icon: 'servers' }] },
  {
    title: 'Administration',
    items: [{ href: '/audit', label: 'Audit log', testId: 'nav-audit', icon: 'audit' }],
  },
];

/** Whether `href` is the current page or one of its children. */
export function isActive(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

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
  {
    title: 'Monitor',
    items: [
      { href: '/overview', label: 'Overview', testId: 'nav-overview', icon: 'servers' },
      { href: '/', label: 'Servers', testId: 'nav-servers', icon: 'servers' },
      { href: '/topology', label: 'Topology', testId: 'nav-topology', icon: 'servers' },
      { href: '/connections', label: 'Connections', testId: 'nav-connections', icon: 'servers' },
      { href: '/subjects', label: 'Subjects', testId: 'nav-subjects', icon: 'servers' },
      { href: '/streams', label: 'Streams', testId: 'nav-streams', icon: 'servers' },
      { href: '/consumers', label: 'Consumers', testId: 'nav-consumers', icon: 'servers' },
      { href: '/messages', label: 'Messages', testId: 'nav-messages', icon: 'audit' },
    ],
  },
  {
    title: 'Administration',
    items: [
      { href: '/manage/streams', label: 'Manage streams', testId: 'nav-manage-streams', icon: 'audit' },
      { href: '/manage/kv', label: 'Key/value', testId: 'nav-manage-kv', icon: 'audit' },
      { href: '/manage/objects', label: 'Object stores', testId: 'nav-manage-objects', icon: 'audit' },
      { href: '/manage/config', label: 'Config as code', testId: 'nav-manage-config', icon: 'audit' },
      { href: '/accounts', label: 'Accounts', testId: 'nav-accounts', icon: 'audit' },
      { href: '/audit', label: 'Audit log', testId: 'nav-audit', icon: 'audit' },
      { href: '/admin/users', label: 'Users', testId: 'nav-admin-users', icon: 'audit' },
      { href: '/admin/tokens', label: 'API tokens', testId: 'nav-admin-tokens', icon: 'audit' },
    ],
  },
];

/** Whether `href` is the current page or one of its children. */
export function isActive(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

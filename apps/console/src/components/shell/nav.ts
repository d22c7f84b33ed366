/** One sidebar link. Only pages that exist are listed; later pages add themselves to a section here. */
export interface NavItem {
  href: string;
  label: string;
  testId: string;
  icon:
    | 'overview'
    | 'servers'
    | 'topology'
    | 'connections'
    | 'subjects'
    | 'streams'
    | 'consumers'
    | 'messages'
    | 'manage'
    | 'kv'
    | 'objects'
    | 'config'
    | 'accounts'
    | 'audit'
    | 'users'
    | 'tokens';
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

export const NAV: NavSection[] = [
  {
    title: 'Monitor',
    items: [
      { href: '/overview', label: 'Overview', testId: 'nav-overview', icon: 'overview' },
      { href: '/', label: 'Servers', testId: 'nav-servers', icon: 'servers' },
      { href: '/topology', label: 'Topology', testId: 'nav-topology', icon: 'topology' },
      { href: '/connections', label: 'Connections', testId: 'nav-connections', icon: 'connections' },
      { href: '/subjects', label: 'Subjects', testId: 'nav-subjects', icon: 'subjects' },
      { href: '/streams', label: 'Streams', testId: 'nav-streams', icon: 'streams' },
      { href: '/consumers', label: 'Consumers', testId: 'nav-consumers', icon: 'consumers' },
      { href: '/messages', label: 'Messages', testId: 'nav-messages', icon: 'messages' },
    ],
  },
  {
    title: 'Administration',
    items: [
      { href: '/manage/streams', label: 'Manage streams', testId: 'nav-manage-streams', icon: 'manage' },
      { href: '/manage/kv', label: 'Key/value', testId: 'nav-manage-kv', icon: 'kv' },
      { href: '/manage/objects', label: 'Object stores', testId: 'nav-manage-objects', icon: 'objects' },
      { href: '/manage/config', label: 'Config as code', testId: 'nav-manage-config', icon: 'config' },
      { href: '/accounts', label: 'Accounts', testId: 'nav-accounts', icon: 'accounts' },
      { href: '/audit', label: 'Audit log', testId: 'nav-audit', icon: 'audit' },
      { href: '/admin/users', label: 'Users', testId: 'nav-admin-users', icon: 'users' },
      { href: '/admin/tokens', label: 'API tokens', testId: 'nav-admin-tokens', icon: 'tokens' },
    ],
  },
];

/** Whether `href` is the current page or one of its children. */
export function isActive(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

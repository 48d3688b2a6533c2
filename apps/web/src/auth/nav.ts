import type { Role } from '../api/types';
import { hasRole } from './roles';

export interface NavItem {
  to: string;
  label: string;
  /** The least role that sees the page (viewer < analyst < admin). */
  minRole: Role;
  description: string;
}

/** Every page of the dashboard, in menu order. */
export const NAV: readonly NavItem[] = [
  { to: '/', label: 'Overview', minRole: 'viewer', description: 'What the detectors saw, at a glance' },
  { to: '/live', label: 'Live alerts', minRole: 'viewer', description: 'Alerts as they arrive' },
  { to: '/check', label: 'Check', minRole: 'analyst', description: 'Score one flow or check one URL' },
  { to: '/batches', label: 'Batches', minRole: 'analyst', description: 'Score a file of flows or URLs' },
  {
    to: '/scans',
    label: 'URL scans',
    minRole: 'viewer',
    description: 'Deep scans of links, with screenshots',
  },
  { to: '/history', label: 'History', minRole: 'viewer', description: 'Search every prediction' },
  { to: '/models', label: 'Models', minRole: 'viewer', description: 'Registry, metrics, promotion' },
  { to: '/admin', label: 'Admin', minRole: 'admin', description: 'Users, API keys, audit log' },
];

/** The pages `role` may open, in menu order. */
export function navFor(role: Role): NavItem[] {
  return NAV.filter((item) => hasRole(role, item.minRole));
}

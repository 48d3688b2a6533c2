// @vitest-environment happy-dom
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../api/types';
import { navFor } from '../auth/nav';
import { hasRole } from '../auth/roles';
import { type Rendered, render } from '../test/render';
import { NavMenu } from './layout';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

function links(role: Role, path = '/'): { label: string; href: string; current: boolean }[] {
  view?.unmount();
  view = render(
    <MemoryRouter initialEntries={[path]}>
      <NavMenu role={role} />
    </MemoryRouter>,
  );
  return [...view.container.querySelectorAll('nav[aria-label="Main"] a')].map((a) => ({
    label: a.textContent ?? '',
    href: a.getAttribute('href') ?? '',
    current: a.getAttribute('aria-current') === 'page',
  }));
}

describe('role-aware navigation', () => {
  it('shows a viewer only the pages that read', () => {
    expect(links('viewer').map((l) => l.label)).toEqual([
      'Overview',
      'Live alerts',
      'URL scans',
      'History',
      'Models',
    ]);
  });

  it('adds Check and Batches for analysts', () => {
    expect(links('analyst').map((l) => l.label)).toEqual([
      'Overview',
      'Live alerts',
      'Check',
      'Batches',
      'URL scans',
      'History',
      'Models',
    ]);
  });

  it('shows admins everything, Admin last', () => {
    const admin = links('admin');
    expect(admin.map((l) => l.href)).toEqual([
      '/',
      '/live',
      '/check',
      '/batches',
      '/scans',
      '/history',
      '/models',
      '/admin',
    ]);
  });

  it('marks the current page for screen readers (Overview only on /)', () => {
    expect(
      links('admin', '/models/m-1')
        .filter((l) => l.current)
        .map((l) => l.label),
    ).toEqual(['Models']);
    expect(
      links('admin', '/')
        .filter((l) => l.current)
        .map((l) => l.label),
    ).toEqual(['Overview']);
  });

  it('ranks roles viewer < analyst < admin', () => {
    expect(hasRole('admin', 'analyst')).toBe(true);
    expect(hasRole('analyst', 'admin')).toBe(false);
    expect(hasRole('viewer', 'viewer')).toBe(true);
    expect(navFor('viewer').every((i) => i.minRole === 'viewer')).toBe(true);
  });
});

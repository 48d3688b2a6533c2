import { NavLink, Outlet } from 'react-router';
import { useAuth, useMe } from '../auth/auth-context';
import { navFor } from '../auth/nav';

/** Role-aware navigation only: links for the pages this role may open, in menu order. */
export function NavMenu({ role }: { role: Parameters<typeof navFor>[0] }) {
  return (
    <nav aria-label="Main">
      <ul className="nav-list">
        {navFor(role).map((item) => (
          <li key={item.to}>
            <NavLink to={item.to} end={item.to === '/'} className="nav-link" title={item.description}>
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The signed-in frame: skip link, sidebar with navigation and the user, and the page. */
export function Layout() {
  const me = useMe();
  const { logout } = useAuth();
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Vigil
        </div>
        <NavMenu role={me.role} />
        <div className="sidebar-user">
          <div>
            <span className="user-name">{me.name}</span>
            <span className={`role-badge role-${me.role}`}>{me.role}</span>
          </div>
          <button type="button" className="btn btn-small btn-ghost-dark" onClick={() => void logout()}>
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/** A page's heading row: title, one-line description, and actions on the right. */
export function PageHeader({
  title,
  description,
  children,
}: {
  title: string;
  description?: string;
  children?: React.ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="muted">{description}</p>}
      </div>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}

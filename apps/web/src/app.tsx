import { lazy, Suspense, useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { Role } from './api/types';
import { AuthProvider, useAuth, useMe } from './auth/auth-context';
import { hasRole } from './auth/roles';
import { Layout } from './components/layout';
import { Loading } from './components/states';
import { LoginPage } from './pages/login';
import { OverviewPage } from './pages/overview';

const LivePage = lazy(() => import('./pages/live').then((m) => ({ default: m.LivePage })));
const CheckPage = lazy(() => import('./pages/check').then((m) => ({ default: m.CheckPage })));
const BatchesPage = lazy(() => import('./pages/batches').then((m) => ({ default: m.BatchesPage })));
const HistoryPage = lazy(() => import('./pages/history').then((m) => ({ default: m.HistoryPage })));
const ModelsPage = lazy(() => import('./pages/models').then((m) => ({ default: m.ModelsPage })));
const ModelDetailPage = lazy(() =>
  import('./pages/model-detail').then((m) => ({ default: m.ModelDetailPage })),
);
const ScansPage = lazy(() => import('./pages/scans').then((m) => ({ default: m.ScansPage })));
const ScanDetailPage = lazy(() => import('./pages/scan-detail').then((m) => ({ default: m.ScanDetailPage })));
const AdminPage = lazy(() => import('./pages/admin').then((m) => ({ default: m.AdminPage })));

/** A page only `role` and above may open; others get a message saying so. */
function RequireRole({ min, children }: { min: Role; children: React.ReactNode }) {
  const me = useMe();
  if (hasRole(me.role, min)) return <>{children}</>;
  return (
    <div className="state state-empty" role="alert">
      <strong>This page needs the {min} role.</strong>
      <div className="muted">You are signed in as {me.role}. Ask an admin to change your role.</div>
    </div>
  );
}

/** Sets the window title and moves focus to the page on navigation (for screen readers). */
function PageFocus() {
  const { pathname } = useLocation();
  useEffect(() => {
    const section = pathname.split('/')[1] || 'overview';
    document.title = `Vigil · ${section.charAt(0).toUpperCase()}${section.slice(1)}`;
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);
  return null;
}

function SignedInRoutes() {
  return (
    <>
      <PageFocus />
      <Suspense fallback={<Loading what="page" />}>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<OverviewPage />} />
            <Route path="live" element={<LivePage />} />
            <Route
              path="check"
              element={
                <RequireRole min="analyst">
                  <CheckPage />
                </RequireRole>
              }
            />
            <Route
              path="batches"
              element={
                <RequireRole min="analyst">
                  <BatchesPage />
                </RequireRole>
              }
            />
            <Route path="scans" element={<ScansPage />} />
            <Route path="scans/:id" element={<ScanDetailPage />} />
            <Route path="history" element={<HistoryPage />} />
            <Route path="models" element={<ModelsPage />} />
            <Route path="models/:id" element={<ModelDetailPage />} />
            <Route
              path="admin"
              element={
                <RequireRole min="admin">
                  <AdminPage />
                </RequireRole>
              }
            />
            <Route path="login" element={<Navigate to="/" replace />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </Suspense>
    </>
  );
}

function NotFound() {
  return (
    <div className="state state-empty">
      <strong>There is no page here.</strong>
      <div className="muted">Pick a page from the menu on the left.</div>
    </div>
  );
}

function Gate() {
  const { state } = useAuth();
  if (state.status === 'loading') return <Loading what="Vigil" />;
  if (state.status === 'signed-out') return <LoginPage reason={state.reason} />;
  return <SignedInRoutes />;
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Gate />
      </AuthProvider>
    </BrowserRouter>
  );
}

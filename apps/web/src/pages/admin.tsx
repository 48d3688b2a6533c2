import { useSearchParams } from 'react-router';
import { PageHeader } from '../components/layout';
import { AuditPanel } from './admin-audit';
import { ApiKeysPanel } from './admin-keys';
import { UsersPanel } from './admin-users';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'keys', label: 'API keys' },
  { id: 'audit', label: 'Audit log' },
] as const;
type Tab = (typeof TABS)[number]['id'];

export function AdminPage() {
  const [search, setSearch] = useSearchParams();
  const tab = (TABS.find((t) => t.id === search.get('tab'))?.id ?? 'users') as Tab;
  return (
    <>
      <PageHeader title="Admin" description="Who may use Vigil, the keys scripts use, and the audit trail." />
      <div className="tabs tabs-page" role="tablist" aria-label="Admin sections">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            className="tab"
            onClick={() => setSearch({ tab: t.id })}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'users' && <UsersPanel />}
        {tab === 'keys' && <ApiKeysPanel />}
        {tab === 'audit' && <AuditPanel />}
      </div>
    </>
  );
}

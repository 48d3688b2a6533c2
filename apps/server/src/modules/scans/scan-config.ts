import { parseAllowList, SsrfGuard } from '../../adapters/ssrf-guard.js';

/**
 * Deep-scan settings, read from the environment when the job handlers are built:
 * - VIGIL_SCAN_ALLOW_PRIVATE: CIDRs the SSRF guard lets through (local testing only; empty by default)
 * - VIGIL_SCAN_BROWSER=false: no screenshot (the scan says so)
 * - CHROMIUM_PATH: the Chromium to drive (default /usr/bin/chromium)
 * - VIGIL_SCAN_ALLOWLIST_FILE: extra popular domains, one per line (e.g. ../shared/datasets/benign-domains/…)
 */
export interface ScanSettings {
  guard: SsrfGuard;
  chromium: string | false | undefined;
  allowlistFile: string | null;
}

export function scanSettingsFrom(env: NodeJS.ProcessEnv): ScanSettings {
  const browser = env.VIGIL_SCAN_BROWSER?.toLowerCase();
  return {
    guard: new SsrfGuard({ allow: parseAllowList(env.VIGIL_SCAN_ALLOW_PRIVATE) }),
    chromium: browser === 'false' || browser === '0' ? false : env.CHROMIUM_PATH || undefined,
    allowlistFile: env.VIGIL_SCAN_ALLOWLIST_FILE || null,
  };
}

import { Resolver } from 'node:dns/promises';
import type { ScanDns } from '@vigil/contracts';

/** The DNS answers a deep scan reports for a host (issue #5). Missing record types are empty lists. */
export type DnsAnswers = ScanDns;

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME']);

/** Queries A/AAAA/CNAME/MX/NS for a host name, each with a timeout; never throws. */
export async function resolveDnsAnswers(
  host: string,
  options: { timeoutMs?: number; servers?: string[] } = {},
): Promise<DnsAnswers> {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
  if (options.servers?.length) resolver.setServers(options.servers);
  const errors: Record<string, string> = {};
  const query = async <T>(type: string, fn: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await fn();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!NO_DATA.has(code)) errors[type] = code || (err as Error).message;
      return [];
    }
  };
  const [a, aaaa, cname, mx, ns] = await Promise.all([
    query('A', () => resolver.resolve4(host)),
    query('AAAA', () => resolver.resolve6(host)),
    query('CNAME', () => resolver.resolveCname(host)),
    query('MX', () => resolver.resolveMx(host)),
    query('NS', () => resolver.resolveNs(host)),
  ]);
  return { a, aaaa, cname, mx, ns, errors };
}

import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { createAuditService } from '../modules/audit/audit.service.js';
import { importIndicators } from '../modules/scans/reputation.js';
import { parseThreatFeed, THREAT_FORMATS, type ThreatFormat } from '../modules/scans/threat-feeds.js';
import { withStore } from './with-store.js';

function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/**
 * `vigil import-threats FILE --format urlhaus|phishtank|openphish|domains [--source NAME]`: loads a
 * blocklist into threat_indicators for the deep scan's reputation check (issue #5). Re-importing
 * a list updates last_seen; the same value from another source is kept as its own row.
 */
export function registerImportThreatsCommand(program: Command): void {
  program
    .command('import-threats')
    .description('Import a threat list (URLhaus CSV, PhishTank CSV/JSON, OpenPhish text, plain domains)')
    .argument('<file>', 'the list to import')
    .addOption(new Option('--format <format>', 'list format').choices(THREAT_FORMATS).makeOptionMandatory())
    .option('--source <name>', 'source name stored with each indicator (default: the format)')
    .action(async (file: string, opts: { format: ThreatFormat; source?: string }) => {
      const text = await readFile(file, 'utf8');
      const feed = parseThreatFeed(opts.format, text);
      const source = opts.source ?? opts.format;
      await withStore(async (store) => {
        const now = new Date();
        const written = await importIndicators(store.db, source, feed.indicators, now);
        await createAuditService(store.db).record({
          actor: cliActor(),
          action: 'threats.import',
          target: `threats:${source}`,
          outcome: 'success',
          ip: null,
          details: { file: basename(file), format: opts.format, indicators: written, skipped: feed.skipped },
        });
        process.stdout.write(
          `imported ${written} indicators from ${basename(file)} (${opts.format}, source ${source})` +
            (feed.skipped > 0 ? `; skipped ${feed.skipped} unreadable entries` : '') +
            '\n',
        );
      });
    });
}

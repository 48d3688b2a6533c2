import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../src/db/database.js';
import { importIndicators, ReputationService } from '../src/modules/scans/reputation.js';
import { parseThreatFeed } from '../src/modules/scans/threat-feeds.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

// Small inline fixtures in each feed's published layout.
const URLHAUS = `################################################################
# abuse.ch URLhaus Database Dump (CSV - recent URLs only)         #
################################################################
#
# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
"3412345","2026-11-01 10:00:05","http://malware-host.example/bins/x.sh","online","2026-11-01 10:00:05","malware_download","elf,mirai","https://urlhaus.abuse.ch/url/3412345/","anon"
"3412346","2026-11-02 11:00:00","https://drop.bad.example:8443/a.exe","offline","","malware_download","exe","https://urlhaus.abuse.ch/url/3412346/","anon"
`;
const PHISHTANK_CSV = `phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target
8123456,https://secure-login.phish.example/paypal/,http://www.phishtank.com/phish_detail.php?phish_id=8123456,2026-11-03T08:00:00+00:00,yes,2026-11-03T09:00:00+00:00,yes,PayPal
8123457,not a url,http://www.phishtank.com/phish_detail.php?phish_id=8123457,2026-11-03T08:00:00+00:00,yes,2026-11-03T09:00:00+00:00,yes,Other
`;
const PHISHTANK_JSON = JSON.stringify([
  {
    phish_id: 1,
    url: 'http://bank-verify.phish.example/login',
    submission_time: '2026-11-04T00:00:00+00:00',
  },
]);
const OPENPHISH = 'https://open.phish.example/signin\nhttp://another.example/wp-admin/x.php\n\n';
const DOMAINS = '# a plain list\nevil.example\n0.0.0.0 tracker.bad.example\n*.wild.example\nnot_a_domain\n';

describe('threat feed parsers', () => {
  it('reads URLhaus CSV past its comment header', () => {
    const feed = parseThreatFeed('urlhaus', URLHAUS);
    expect(feed.indicators.map((i) => i.value)).toEqual([
      'http://malware-host.example/bins/x.sh',
      'https://drop.bad.example:8443/a.exe',
    ]);
    expect(feed.indicators[0].firstSeen?.toISOString()).toBe('2026-11-01T10:00:05.000Z');
  });

  it('reads PhishTank CSV and JSON', () => {
    const csv = parseThreatFeed('phishtank', PHISHTANK_CSV);
    expect(csv.indicators.map((i) => i.value)).toEqual(['https://secure-login.phish.example/paypal/']);
    expect(csv.skipped).toBe(1);
    const json = parseThreatFeed('phishtank', PHISHTANK_JSON);
    expect(json.indicators).toEqual([
      {
        type: 'url',
        value: 'http://bank-verify.phish.example/login',
        firstSeen: new Date('2026-11-04T00:00:00Z'),
      },
    ]);
  });

  it('reads OpenPhish text and plain domain lists', () => {
    expect(parseThreatFeed('openphish', OPENPHISH).indicators).toHaveLength(2);
    const domains = parseThreatFeed('domains', DOMAINS);
    expect(domains.indicators.map((i) => i.value)).toEqual([
      'evil.example',
      'tracker.bad.example',
      'wild.example',
    ]);
    expect(domains.skipped).toBe(1);
  });

  it('rejects a PhishTank CSV without a url column', () => {
    expect(() => parseThreatFeed('phishtank', 'a,b\n1,2\n')).toThrow(/url/);
  });
});

describeEachEngine('threat indicators and reputation', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(engine);
  });
  afterEach(async () => {
    await store.close();
  });

  it('imports every format and matches URL, host and registrable domain', async () => {
    const now = new Date('2026-11-10T00:00:00Z');
    for (const [format, text] of [
      ['urlhaus', URLHAUS],
      ['phishtank', PHISHTANK_CSV],
      ['openphish', OPENPHISH],
      ['domains', DOMAINS],
    ] as const) {
      await importIndicators(store.db, format, parseThreatFeed(format, text).indicators, now);
    }
    const rep = new ReputationService(store.db);
    const exact = await rep.check('http://malware-host.example/bins/x.sh');
    expect(exact.blocklisted).toBe(true);
    expect(exact.matches).toEqual([
      { type: 'url', value: 'http://malware-host.example/bins/x.sh', source: 'urlhaus' },
    ]);
    // Registrable domain: any host under evil.example.
    const sub = await rep.check('https://login.accounts.evil.example/');
    expect(sub.matches).toEqual([{ type: 'domain', value: 'evil.example', source: 'domains' }]);
    // Host: a listed subdomain matches itself but not its parent.
    expect((await rep.check('http://tracker.bad.example/t')).blocklisted).toBe(true);
    expect((await rep.check('http://bad.example/')).blocklisted).toBe(false);
    // The URL's other paths are not the listed URL.
    expect((await rep.check('http://malware-host.example/other')).blocklisted).toBe(false);
    const google = await rep.check('https://www.google.com/search?q=x');
    expect(google).toMatchObject({ allowlisted: true, blocklisted: false, domain: 'google.com' });
  });

  it('re-importing keeps one row per (type, value, source) and moves last_seen', async () => {
    const feed = parseThreatFeed('domains', 'evil.example\nevil.example\n');
    await importIndicators(store.db, 'list-a', feed.indicators, new Date('2026-11-01T00:00:00Z'));
    await importIndicators(store.db, 'list-a', feed.indicators, new Date('2026-11-05T00:00:00Z'));
    await importIndicators(store.db, 'list-b', feed.indicators, new Date('2026-11-06T00:00:00Z'));
    const rows = await store.db.selectFrom('threat_indicators').selectAll().orderBy('source').execute();
    expect(
      rows.map((r) => [r.source, new Date(r.first_seen).toISOString(), new Date(r.last_seen).toISOString()]),
    ).toEqual([
      ['list-a', '2026-11-01T00:00:00.000Z', '2026-11-05T00:00:00.000Z'],
      ['list-b', '2026-11-06T00:00:00.000Z', '2026-11-06T00:00:00.000Z'],
    ]);
  });
});

// The built CLI, as a user runs it (npm test builds first).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

describe('vigil import-threats', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-threats-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports each format into the store', async () => {
    const env = {
      ...process.env,
      VIGIL_DATA_DIR: join(dir, 'data'),
      VIGIL_DATABASE_URL: '',
      DATABASE_URL: '',
    };
    const files = { urlhaus: URLHAUS, phishtank: PHISHTANK_JSON, openphish: OPENPHISH, domains: DOMAINS };
    for (const [format, text] of Object.entries(files)) {
      const file = join(dir, `${format}.txt`);
      await writeFile(file, text);
      const { stdout } = await run(process.execPath, [CLI, 'import-threats', file, '--format', format], {
        env,
      });
      expect(stdout).toMatch(
        new RegExp(`^imported \\d+ indicators from ${format}.txt \\(${format}, source ${format}\\)`),
      );
    }
    const bad = await run(
      process.execPath,
      [CLI, 'import-threats', join(dir, 'domains.txt'), '--format', 'nope'],
      {
        env,
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { stderr: string }).stderr).toMatch(
      /Allowed choices are urlhaus, phishtank, openphish, domains/,
    );
    let store: Store | undefined;
    try {
      store = await openStore({ dataDir: join(dir, 'data', 'db') });
      await migrateToLatest(store.db);
      const counts = await store.db
        .selectFrom('threat_indicators')
        .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('source')
        .orderBy('source')
        .execute();
      expect(counts.map((c) => [c.source, Number(c.n)])).toEqual([
        ['domains', 3],
        ['openphish', 2],
        ['phishtank', 1],
        ['urlhaus', 2],
      ]);
    } finally {
      await store?.close();
    }
  }, 60_000);
});

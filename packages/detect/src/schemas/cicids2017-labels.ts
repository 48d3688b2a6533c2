import { BINARY_CLASS_NAMES, type LabelMapping } from './flow-schema.js';

/**
 * CIC-IDS-2017 attack families: the `category` target of both CICIDS layouts.
 *
 * Families rather than the raw labels, because the layouts spell the same attack differently
 * ("PortScan" / "Portscan", "Bot" / "Botnet", "Web Attack � XSS" / "Web Attack - XSS") and some
 * published copies are already grouped ("DoS", "WebAttack", "BruteForce"); families give one class
 * list for all of them, so a model trained on one layout scores the other.
 * - "Infiltration - Portscan" (improved layout) is a port scan run from the infiltrated host: its flows
 *   are port-scan flows, which flow features cannot tell apart by who ran them, so it is `portscan`.
 * - "X - Attempted" (improved layout: the attack was launched but delivered nothing, e.g. a handshake
 *   with no payload) is folded into one `attempted` class for `category`, and counts as `attack` for
 *   `binary` because it is still attacker traffic a SOC wants to see. Keeping it apart from the family
 *   stops payload-less flows from blurring what e.g. `dos` looks like.
 */
export const CICIDS2017_CATEGORIES: readonly string[] = [
  'benign',
  'dos',
  'ddos',
  'portscan',
  'brute-force',
  'web-attack',
  'botnet',
  'infiltration',
  'heartbleed',
  'attempted',
];

// Keys are labels reduced to lower-case letters and digits, which also absorbs the en dash that the
// original CSVs carry in "Web Attack – Brute Force" and that decodes as U+FFFD from their cp1252 bytes.
const FAMILY_BY_KEY: Readonly<Record<string, string>> = {
  benign: 'benign',
  dos: 'dos',
  doshulk: 'dos',
  dosgoldeneye: 'dos',
  dosslowloris: 'dos',
  dosslowhttptest: 'dos',
  ddos: 'ddos',
  portscan: 'portscan',
  infiltrationportscan: 'portscan',
  bruteforce: 'brute-force',
  ftppatator: 'brute-force',
  sshpatator: 'brute-force',
  webattack: 'web-attack',
  webattackbruteforce: 'web-attack',
  webattackxss: 'web-attack',
  webattacksqlinjection: 'web-attack',
  bot: 'botnet',
  botnet: 'botnet',
  infiltration: 'infiltration',
  heartbleed: 'heartbleed',
};

/** The raw CICIDS labels accepted, as a reader would write them (for error messages). */
const EXPECTED_LABELS: readonly string[] = [
  'BENIGN',
  'DoS Hulk',
  'DoS GoldenEye',
  'DoS slowloris',
  'DoS Slowhttptest',
  'DDoS',
  'PortScan',
  'Infiltration - Portscan',
  'FTP-Patator',
  'SSH-Patator',
  'Web Attack - Brute Force',
  'Web Attack - XSS',
  'Web Attack - Sql Injection',
  'Bot',
  'Botnet',
  'Infiltration',
  'Heartbleed',
  '<any of these> - Attempted',
  'DoS',
  'WebAttack',
  'BruteForce',
];

/** Reduces a CICIDS label to its lookup key: letters and digits only, lower case. */
function labelKey(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** The family of a raw CICIDS label, 'attempted' for "X - Attempted", undefined when unknown. */
export function cicids2017Family(raw: string): string | undefined {
  const key = labelKey(raw);
  if (key.endsWith('attempted')) {
    return FAMILY_BY_KEY[key.slice(0, -'attempted'.length)] !== undefined ? 'attempted' : undefined;
  }
  return FAMILY_BY_KEY[key];
}

/** Binary and category mappings for a CICIDS label column (spelled `Label` in both layouts). */
export function cicids2017LabelMappings(column: string): { binary: LabelMapping; category: LabelMapping } {
  return {
    binary: {
      column,
      classNames: BINARY_CLASS_NAMES,
      benignClass: 'benign',
      expected: EXPECTED_LABELS,
      classify(raw) {
        const family = cicids2017Family(raw);
        return family === undefined ? undefined : family === 'benign' ? 'benign' : 'attack';
      },
    },
    category: {
      column,
      classNames: CICIDS2017_CATEGORIES,
      benignClass: 'benign',
      expected: EXPECTED_LABELS,
      classify: cicids2017Family,
    },
  };
}

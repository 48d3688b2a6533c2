import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * The deep scan's SSRF guard (issue #5): a target is fetched only when every address its host
 * resolves to is a public unicast address. The scanner then connects to the vetted address itself
 * (see pinned-http-client.ts), so a second, different DNS answer (rebinding) is never used.
 */

/** Why a target was refused; `reason` is a stable code, the message says it in words. */
export class SsrfError extends Error {
  override readonly name = 'SsrfError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (dns.lookup by default; tests pass their own). */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

/** Address classes refused by default, each with its ranges. The first match names the reason. */
const REFUSED: ReadonlyArray<readonly [reason: string, cidrs: readonly string[]]> = [
  ['cloud-metadata', ['169.254.169.254/32', '169.254.170.2/32', '100.100.100.200/32', 'fd00:ec2::254/128']],
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['cgnat', ['100.64.0.0/10']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['broadcast', ['255.255.255.255/32']],
  [
    'reserved',
    [
      '240.0.0.0/4',
      '192.0.0.0/24',
      '192.0.2.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '2001:db8::/32',
      '100::/64',
      'fec0::/10',
    ],
  ],
];

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/');
    const family = isIP(net);
    if (family === 0 || bits === undefined || !/^\d{1,3}$/.test(bits))
      throw new Error(`not a CIDR: "${cidr}"`);
    const prefix = Number(bits);
    if (prefix > (family === 4 ? 32 : 128)) throw new Error(`not a CIDR: "${cidr}"`);
    list.addSubnet(net, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

const REFUSED_LISTS = REFUSED.map(([reason, cidrs]) => [reason, blockListOf(cidrs)] as const);

/** The 8 hextets of an IPv6 address (valid per net.isIP), or null. */
function hextets(ip: string): number[] | null {
  let text = ip.toLowerCase().split('%')[0];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const parse = (s: string) => (s ? s.split(':').map((h) => Number.parseInt(h, 16)) : []);
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const left = parse(halves[0]);
  if (halves.length === 1) return left.length === 8 ? left : null;
  const right = parse(halves[1]);
  const zeros = 8 - left.length - right.length;
  if (zeros < 0) return null;
  return [...left, ...new Array<number>(zeros).fill(0), ...right];
}

/** The IPv4 address an IPv6 address embeds (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64), or null. */
export function embeddedIpv4(ip: string): string | null {
  const h = hextets(ip);
  if (!h) return null;
  const v4 = () => `${h[6] >> 8}.${h[6] & 255}.${h[7] >> 8}.${h[7] & 255}`;
  const zeroTo = (n: number) => h.slice(0, n).every((x) => x === 0);
  if (zeroTo(5) && h[5] === 0xffff) return v4(); // ::ffff:a.b.c.d (mapped)
  if (zeroTo(4) && h[4] === 0xffff && h[5] === 0) return v4(); // ::ffff:0:a.b.c.d (translated)
  if (zeroTo(6) && (h[6] !== 0 || h[7] > 1)) return v4(); // ::a.b.c.d (compatible, deprecated)
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0)) return v4(); // NAT64
  return null;
}

/** Parses CIDRs such as "127.0.0.1/32,::1/128" (a bare address is one host). */
export function parseAllowList(text: string | undefined): BlockList | null {
  const cidrs = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s.includes('/') ? s : `${s}/${isIP(s) === 6 ? 128 : 32}`));
  return cidrs.length > 0 ? blockListOf(cidrs) : null;
}

export interface SsrfGuardOptions {
  /** Addresses allowed even though refused by default: for local testing only. */
  allow?: BlockList | null;
  resolve?: HostResolver;
}

export interface VettedTarget {
  url: URL;
  /** The host as parsed by the WHATWG URL parser (IPv4 in any encoding is normalised to dotted). */
  host: string;
  /** True when the host was an IP literal (in any encoding). */
  ipHost: boolean;
  addresses: ResolvedAddress[];
  /** The address to connect to: the first vetted one. */
  pinned: ResolvedAddress;
}

const defaultResolve: HostResolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export class SsrfGuard {
  private readonly allow: BlockList | null;
  private readonly resolve: HostResolver;

  constructor(options: SsrfGuardOptions = {}) {
    this.allow = options.allow ?? null;
    this.resolve = options.resolve ?? defaultResolve;
  }

  /** The refusal reason of an address, or null when it may be contacted. */
  refusal(address: string): string | null {
    const family = isIP(address);
    if (family === 0) return 'not-an-address';
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allow?.check(address, type)) return null;
    if (family === 6) {
      const v4 = embeddedIpv4(address);
      if (v4) {
        if (this.allow?.check(v4, 'ipv4')) return null;
        const inner = this.refusal(v4);
        return inner ? `ipv4-in-ipv6:${inner}` : null;
      }
    }
    for (const [reason, list] of REFUSED_LISTS) if (list.check(address, type)) return reason;
    return null;
  }

  /** Throws SsrfError unless the address may be contacted. */
  checkAddress(address: string, host: string): void {
    const reason = this.refusal(address);
    if (reason) {
      throw new SsrfError(
        reason,
        `refused: ${host === address ? address : `${host} resolves to ${address}`}, a ${reason} address`,
      );
    }
  }

  /**
   * Parses the URL (http/https only), resolves its host once and vets every address. Throws
   * SsrfError with the reason when the URL or any address is refused.
   */
  async vet(raw: string | URL): Promise<VettedTarget> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new SsrfError('bad-url', `refused: not a URL: ${String(raw).slice(0, 200)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SsrfError('scheme', `refused: only http and https are scanned, not ${url.protocol}`);
    }
    if (url.username || url.password) {
      throw new SsrfError('credentials', 'refused: URLs with credentials are not scanned');
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host)) {
      this.checkAddress(host, host);
      const family = isIP(host) === 6 ? 6 : 4;
      return {
        url,
        host,
        ipHost: true,
        addresses: [{ address: host, family }],
        pinned: { address: host, family },
      };
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (err) {
      throw new SsrfError('dns', `cannot resolve ${host}: ${(err as Error).message}`);
    }
    if (addresses.length === 0) throw new SsrfError('dns', `cannot resolve ${host}: no addresses`);
    // Every answer is vetted: a name with one public and one private address is refused outright.
    for (const a of addresses) this.checkAddress(a.address, host);
    return { url, host, ipHost: false, addresses, pinned: addresses[0] };
  }
}

import type { ScanPasswordForm } from '@vigil/contracts';
import { analyseUrl } from '@vigil/detect';

/** A form asking for a password, as the deep scan reads it from a page's HTML (issue #5). */
export type PasswordForm = ScanPasswordForm;

export interface PageFacts {
  title: string | null;
  passwordForms: PasswordForm[];
  metaRefresh: string | null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decode(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decode(m[1] ?? m[2] ?? m[3] ?? '') : null;
}

/** The site a URL belongs to: registrable domain, or the host for IPs and bare names. */
export function siteOf(url: string): string {
  const { details } = analyseUrl(url);
  return details.domain ?? details.host;
}

export function extractPageFacts(html: string, pageUrl: string): PageFacts {
  const text = html.length > 2_000_000 ? html.slice(0, 2_000_000) : html;
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text);
  const refresh = /<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*>/i.exec(text);
  const pageSite = siteOf(pageUrl);
  const passwordForms: PasswordForm[] = [];
  const formRe = /<form\b([^>]*)>([\s\S]*?)(?:<\/form>|$)/gi;
  for (let m = formRe.exec(text); m; m = formRe.exec(text)) {
    if (!/<input\b[^>]*\btype\s*=\s*["']?password/i.test(m[2])) continue;
    const rawAction = attr(m[1], 'action')?.trim() || pageUrl;
    let action: string;
    try {
      action = new URL(rawAction, pageUrl).href;
    } catch {
      action = rawAction;
    }
    const isHttp = /^https?:/i.test(action);
    passwordForms.push({
      action,
      method: (attr(m[1], 'method') ?? 'get').toLowerCase(),
      crossDomain: isHttp ? siteOf(action) !== pageSite : !action.startsWith('javascript:'),
      insecure: action.toLowerCase().startsWith('http:'),
    });
  }
  return {
    title: title ? decode(title[1]).replace(/\s+/g, ' ').trim() || null : null,
    passwordForms,
    metaRefresh: refresh ? attr(refresh[0], 'content') : null,
  };
}

// The local web chat: the default channel, needing no token. Each browser is one resident,
// known by an id and a secret the server issued (see identity.ts). Replies are pulled from
// the outbox and acknowledged by id, so a reply lost on a bad connection is fetched again.
// The send path does one write: the engine's group commit (acknowledgements ride along).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import { parseEnv, onOff } from '../../config.js';
import { translate } from '../../content/load.js';
import { DEFAULT_RETRY_DELAYS_MS, EngineBusyError } from '../../core/engine.js';
import type { FeatureFactory } from '../../core/feature.js';
import { declaredBodyLimit, header, readJson } from '../../core/http-body.js';
import { securedJson, securedJsonText } from '../../core/http-fast.js';
import type { Input, Lang, Reply } from '../../core/types.js';
import { isTransientDbError, retryTransient } from '../../store/db.js';
import { CLIENT_HEADER, SECRET_HEADER, WebIdentity } from './identity.js';
import { WebLimits, clientIp } from './limits.js';

const page = fs.readFileSync(new URL('./page.html', import.meta.url), 'utf8');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The page's inline scripts are allowed by their hash; nothing else runs (CSP). */
function scriptHashes(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
}

const Ack = z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).max(200).default([]);
const CHAT_BODY_MAX = 64 * 1024;
const SendBody = z.object({
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  text: z.string().max(10_000).optional(),
  choice: z.string().max(64).optional(),
  ack: Ack,
  lang: z.string().max(16).optional(),
});

export const WebChatConfig = z.object({
  WEB_CHAT: onOff.default(true),
  WEB_CHAT_CLIENT_RATE: z.coerce.number({ message: 'expected messages per minute' }).int().min(1).max(10_000, 'expected 1–10000 messages per minute').default(30),
  WEB_CHAT_IP_RATE: z.coerce.number({ message: 'expected requests per minute' }).int().min(1).max(1_000_000, 'expected 1–1000000 requests per minute').default(1200),
  WEB_CHAT_SESSION_RATE: z.coerce.number({ message: 'expected new chats per hour' }).int().min(1).max(1_000_000, 'expected 1–1000000 new chats per hour').default(60),
});

export const webChatFeature: FeatureFactory = (ctx) => {
  const env = parseEnv(WebChatConfig, ctx.env);
  if (!env.WEB_CHAT) return { name: 'web' };
  const { http, engine, store, clock, log } = ctx;
  const trustProxy = ctx.config.TRUST_PROXY;
  const identity = new WebIdentity(ctx.db, clock);
  const web = identity.store;
  const limits = new WebLimits({ perClientPerMinute: env.WEB_CHAT_CLIENT_RATE, perIpPerMinute: env.WEB_CHAT_IP_RATE, sessionsPerIpPerHour: env.WEB_CHAT_SESSION_RATE });
  const langOf = (hint: string | undefined): Lang => (hint && /^en\b/i.test(hint) ? 'en' : 'id');
  const say = (lang: Lang, key: string) => translate(ctx.content.texts, lang, key);

  // The page's inbox: `{ messages: [{ id, ...reply }], lang }`, the conversation's language so the
  // page's own words follow `bahasa` (after a message the engine says it; no second read).
  // Each stored payload is a reply's JSON object already: it is spliced in as it is, not
  // parsed and written again (a payload's own "id", if one ever had it, comes later and wins,
  // as it did in `{ id, ...JSON.parse(payload) }`).
  const inbox = (residentId: number | undefined, lang?: Lang): string => {
    if (residentId === undefined) return '{"messages":[]}';
    const messages = web.inbox(residentId, clock.now()).map(({ id, payload }) =>
      payload.startsWith('{') && payload.endsWith('}')
        ? payload.length === 2 ? `{"id":${id}}` : `{"id":${id},${payload.slice(1)}`
        : JSON.stringify({ id, ...(JSON.parse(payload) as Reply) }),
    );
    const known = lang ?? store.getResident(residentId)?.lang;
    return `{"messages":[${messages.join(',')}]${known === undefined ? '' : `,"lang":${JSON.stringify(known)}`}}`;
  };

  // The header names the office (flows/office.yaml); the page needs no second request for it.
  // Inline scripts are allowed by their hash, computed on the page as served (again if the office changes).
  const served = (office: string) => {
    const html = page.replaceAll('{{office}}', escapeHtml(office));
    const csp = secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...scriptHashes(html)],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      xFrameOptions: 'DENY',
    });
    return { office, html, csp };
  };
  let current = served(ctx.content.office.name);
  const pageNow = () => (current.office === ctx.content.office.name ? current : (current = served(ctx.content.office.name)));
  http.get('/', (c, next) => pageNow().csp(c, next), (c) => c.html(pageNow().html));

  // Every chat request: per-IP limit, JSON only, same origin only, at most 64 KB.
  http.use('/api/chat/*', async (c, next) => {
    const wait = await limits.take('ip', clientIp(c, trustProxy));
    if (wait) return limited(c, wait, langOf(header(c, 'accept-language')));
    if (header(c, 'sec-fetch-site') === 'cross-site') return c.json({ error: 'cross-site requests are refused' }, 403);
    if (c.req.method === 'POST' && !/^application\/json\b/i.test(header(c, 'content-type') ?? '')) {
      return c.json({ error: 'Content-Type must be application/json' }, 415);
    }
    return next();
  });
  http.use('/api/chat/*', declaredBodyLimit({ maxSize: CHAT_BODY_MAX, onError: (c) => c.json({ error: 'Message too large' }, 413) }));

  const limited = (c: Context, seconds: number, lang: Lang) => {
    ctx.metrics.rateLimited.inc({ scope: c.req.path });
    c.header('Retry-After', String(seconds));
    return c.json({ error: 'rate_limited', retryAfter: seconds, message: say(lang, 'ops.rate_limited') }, 429);
  };
  const busy = (c: Context, lang: Lang) => {
    c.header('Retry-After', '5');
    return c.json({ error: 'busy', retryAfter: 5, message: say(lang, 'ops.busy') }, 503);
  };
  const who = (c: Context) => identity.verify(header(c, CLIENT_HEADER), header(c, SECRET_HEADER));
  const unknownClient = (lang: Lang) => securedJson({ error: 'session', message: say(lang, 'ops.session') }, 401);

  // A new browser asks for its identity once, and keeps it.
  http.post('/api/chat/session', async (c) => {
    const wait = await limits.take('session', clientIp(c, trustProxy));
    if (wait) return limited(c, wait, 'id');
    try {
      // New browsers of one turn are written together. A short lock (the checkpointer cutting
      // the WAL, another process) is waited out off the event loop, as the engine waits for a
      // message; only a lock that outlasts every wait answers 503.
      const credentials = await retryTransient(() => identity.issueSoon(), ctx.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS, (err) =>
        ctx.metrics.dbBusy.inc({ reason: /FULL/.test(String((err as { code?: string }).code)) ? 'full' : 'busy' }),
      );
      return securedJson(credentials);
    } catch (err) {
      if (isTransientDbError(err)) return busy(c, 'id');
      throw err;
    }
  });

  http.post('/api/chat/send', async (c) => {
    const body = SendBody.safeParse(await readJson(c, CHAT_BODY_MAX));
    if (!body.success) return securedJson({ error: 'Bad request: ' + body.error.issues[0]!.message }, 400);
    const { messageId, text, choice, ack, lang } = body.data;
    const clientId = who(c);
    if (!clientId) return unknownClient(langOf(lang));
    const wait = await limits.take('client', clientId);
    if (wait) return limited(c, wait, langOf(lang));
    const input: Input = choice ? { type: 'choice', id: choice } : { type: 'text', text: text ?? '' };
    try {
      // Dedupe is keyed by client: another browser's "m1" is another message.
      const result = await engine.handle({ id: `${clientId}:${messageId}`, channel: 'web', address: clientId, input, langHint: lang, acked: ack });
      return securedJsonText(inbox(result.residentId, result.lang));
    } catch (err) {
      if (err instanceof EngineBusyError || isTransientDbError(err)) {
        log.warn({ reason: err instanceof EngineBusyError ? err.reason : 'busy' }, 'web chat: message not recorded yet; the page sends it again');
        return busy(c, langOf(lang));
      }
      throw err;
    }
  });

  http.get('/api/chat/messages', (c) => {
    const ack = Ack.safeParse((c.req.query('ack') ?? '').split(',').filter(Boolean).map(Number));
    if (!ack.success) return c.json({ error: 'Bad request: ack is a list of message ids' }, 400);
    const clientId = who(c);
    if (!clientId) return unknownClient(langOf(header(c, 'accept-language')));
    const resident = store.findResident('web', clientId);
    if (resident && ack.data.length) {
      try {
        store.ackShown(resident.id, 'web', ack.data, clock.now());
      } catch (err) {
        // Locked elsewhere: the rows stay pending and the page acknowledges them again next time.
        if (!isTransientDbError(err)) throw err;
      }
    }
    return securedJsonText(inbox(resident?.id));
  });

  return { name: 'web', health: () => ({ name: 'web', state: 'open', ok: true }) };
};

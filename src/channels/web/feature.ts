// The local web chat: the default channel, needing no token. Each browser is one resident
// (an id kept in localStorage). Replies are pulled from the outbox, acknowledged by id,
// so a reply lost on a bad connection is fetched again rather than lost.
import fs from 'node:fs';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { parseEnv, onOff } from '../../config.js';
import type { FeatureFactory } from '../../core/feature.js';
import type { Input, Reply } from '../../core/types.js';

const page = fs.readFileSync(new URL('./page.html', import.meta.url), 'utf8');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const ClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const SendBody = z.object({
  clientId: ClientId,
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  text: z.string().max(10_000).optional(),
  choice: z.string().max(64).optional(),
  ack: z.number().int().min(0).default(0),
  lang: z.string().max(16).optional(),
});

export const webChatFeature: FeatureFactory = (ctx) => {
  const { WEB_CHAT } = parseEnv(z.object({ WEB_CHAT: onOff.default(true) }), ctx.env);
  if (!WEB_CHAT) return { name: 'web' };
  const { http, engine, store, clock } = ctx;

  const inbox = (clientId: string, ack: number) =>
    store.pullFor('web', clientId, ack, clock.now()).map((row) => ({ id: row.id, ...(JSON.parse(row.payload) as Reply) }));

  // The header names the office (flows/office.yaml); the page needs no second request for it.
  http.get('/', (c) => c.html(page.replaceAll('{{office}}', escapeHtml(ctx.content.office.name))));
  // The conversation's language, so the page's own words (placeholder, "Kirim") follow `bahasa`.
  const langOf = (clientId: string) => store.findResident('web', clientId)?.lang;

  // A chat message is at most a few KB; anything bigger is refused before it is read.
  http.use('/api/chat/*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'Message too large' }, 413) }));

  http.post('/api/chat/send', async (c) => {
    const body = SendBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: 'Bad request: ' + body.error.issues[0]!.message }, 400);
    const { clientId, messageId, text, choice, ack, lang } = body.data;
    const input: Input = choice ? { type: 'choice', id: choice } : { type: 'text', text: text ?? '' };
    // What the page has shown counts as delivered before this message is read ("1" may answer it).
    inbox(clientId, ack);
    await engine.handle({ id: messageId, channel: 'web', address: clientId, input, langHint: lang });
    return c.json({ messages: inbox(clientId, ack), lang: langOf(clientId) });
  });

  http.get('/api/chat/messages', (c) => {
    const clientId = ClientId.safeParse(c.req.query('clientId'));
    const ack = Number(c.req.query('ack') ?? 0);
    if (!clientId.success || !Number.isInteger(ack) || ack < 0) return c.json({ error: 'Bad request' }, 400);
    return c.json({ messages: inbox(clientId.data, ack), lang: langOf(clientId.data) });
  });

  return { name: 'web' };
};

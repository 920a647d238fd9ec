// Officers' JSON API for cases (under /api/admin/handoff). Only petugas and admin see cases
// (the service refuses viewers); who acts comes from the officer's session or API token.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { HandoffError, type HandoffService, type Officer } from './service.js';
import { fetchCaseFile, type FileFetcher } from './files.js';
import type { ChannelName } from '../core/types.js';
import { officerOf as nameOf, roleOf } from '../officers/auth.js';

const Text = z.object({ text: z.string().min(1).max(4000) });
const To = z.object({ to: z.string().trim().min(1).max(80) });
const Close = z.object({ outcome: z.string().min(1).max(40) });
const Canned = z.object({ title: z.string().trim().min(1).max(80), text: z.string().trim().min(1).max(2000) });
const Deadline = z.object({ workingDays: z.number().int().min(1).max(60) });

/** The officer behind a request (session, personal API token, or the deprecated ADMIN_TOKEN). */
export function officerOf(c: Context): Officer {
  return { name: nameOf(c), role: roleOf(c) ?? '' };
}

/** A real calendar date ("2026-11-30", not "2026-02-31") or an ISO time with its offset ("2026-11-30T08:00:00+07:00", "…Z"). */
const DateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** The date asked for; anything else is an invalid date (the service answers 400 naming the field). */
const dateOf = (v: string): Date => {
  const parsed = DateOrTime.safeParse(v.trim());
  return parsed.success ? new Date(parsed.data) : new Date(NaN);
};

function fail(c: Context, err: unknown) {
  if (err instanceof HandoffError) return c.json({ error: err.message }, err.code);
  throw err;
}

async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S> | Response> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return c.json({ error: `${issue.path.join('.') || 'body'}: ${issue.message}` }, 400);
}

export function mountHandoffApi(admin: Hono, service: HandoffService, fetchers: FileFetcher[]): void {
  const run = async (c: Context, fn: (officer: Officer) => unknown | Promise<unknown>, status: 200 | 201 = 200) => {
    try {
      const result = await fn(officerOf(c));
      return c.json((result ?? { ok: true }) as object, status);
    } catch (err) {
      return fail(c, err);
    }
  };
  const id = (c: Context) => Number(c.req.param('id'));

  admin.get('/handoff/cases', (c) =>
    run(c, (o) => ({
      cases: service.list(o, {
        status: c.req.query('status') === 'closed' ? 'closed' : 'open',
        mine: c.req.query('mine') === '1',
        limit: Number(c.req.query('limit') ?? 50) || 50,
        offset: Number(c.req.query('offset') ?? 0) || 0,
      }),
    })),
  );
  admin.get('/handoff/counts', (c) => run(c, (o) => service.counts(o)));
  admin.get('/handoff/cases/:id', (c) => run(c, (o) => service.open(id(c), o)));
  admin.post('/handoff/cases/:id/assign', (c) => run(c, (o) => service.assign(id(c), o)));
  admin.post('/handoff/cases/:id/reassign', async (c) => {
    const b = await body(c, To);
    return b instanceof Response ? b : run(c, (o) => service.reassign(id(c), b.to, o));
  });
  admin.post('/handoff/next', (c) => run(c, (o) => service.next(o) ?? { case: null }));
  admin.post('/handoff/cases/:id/reply', async (c) => {
    const b = await body(c, Text);
    return b instanceof Response ? b : run(c, (o) => service.reply(id(c), b.text, o));
  });
  admin.post('/handoff/cases/:id/notes', async (c) => {
    const b = await body(c, Text);
    return b instanceof Response ? b : run(c, (o) => service.note(id(c), b.text, o));
  });
  admin.post('/handoff/cases/:id/close', async (c) => {
    const b = await body(c, Close);
    return b instanceof Response ? b : run(c, (o) => service.close(id(c), b.outcome, o));
  });
  admin.get('/handoff/cases/:id/files/:fileId', async (c) => {
    try {
      const file = service.file(id(c), Number(c.req.param('fileId')), officerOf(c));
      const got = await fetchCaseFile(fetchers, { ...file, channel: file.channel as ChannelName });
      if (got) {
        const inline = c.req.query('download') !== '1' && /^(image\/|application\/pdf)/.test(got.mime);
        return c.body(got.bytes as unknown as ArrayBuffer, 200, {
          'content-type': got.mime,
          'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${got.name.replace(/[^\w.-]+/g, '_')}"`,
          'cache-control': 'private, no-store',
        });
      }
      return c.json({ error: `The file could not be fetched from ${file.channel} (it may be too old, or the channel is not connected). Ask the resident to send it again.` }, 502);
    } catch (err) {
      return fail(c, err);
    }
  });
  admin.get('/handoff/canned', (c) => run(c, (o) => ({ canned: service.canned(o) })));
  admin.post('/handoff/canned', async (c) => {
    const b = await body(c, Canned);
    return b instanceof Response ? b : run(c, (o) => service.saveCanned(o, b), 201);
  });
  admin.put('/handoff/canned/:id', async (c) => {
    const b = await body(c, Canned);
    return b instanceof Response ? b : run(c, (o) => service.saveCanned(o, { ...b, id: id(c) }));
  });
  admin.delete('/handoff/canned/:id', (c) => run(c, (o) => service.deleteCanned(o, id(c))));
  admin.get('/handoff/deadlines', (c) => run(c, () => ({ deadlines: service.deadlines() })));
  admin.put('/handoff/deadlines/:topic', async (c) => {
    const b = await body(c, Deadline);
    return b instanceof Response ? b : run(c, (o) => (service.setDeadline(o, c.req.param('topic'), b.workingDays), { deadlines: service.deadlines() }));
  });
  admin.get('/handoff/satisfaction', (c) =>
    run(c, (o) => {
      // Dates are checked by the service (400 with the field named), never a 500.
      const to = c.req.query('to') ? dateOf(c.req.query('to')!) : new Date('9999-12-31T00:00:00.000Z');
      const from = c.req.query('from') ? dateOf(c.req.query('from')!) : new Date(0);
      return service.satisfactionFor(o, from, to);
    }),
  );
}

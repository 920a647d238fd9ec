// Officers' JSON API for applications, notifications and broadcasts (under /api/admin,
// behind ADMIN_TOKEN). Bodies are validated with zod; every change is audited by the service.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { officerOf } from '../officers/auth.js';
import { DELIVERIES, STATUSES } from './graph.js';
import { NewApplicationInput, type ApplicationsService } from './service.js';

// Only read with the deprecated shared ADMIN_TOKEN; an officer's token or session names the officer.
const Officer = z.string().trim().min(1).max(80).optional();
const MAX_CSV_BYTES = 5_000_000;

const CreateBody = NewApplicationInput.extend({ officer: Officer });
const StatusBody = z
  .object({
    status: z.enum(STATUSES),
    note: z.string().trim().max(1000).optional(),
    delivery: z.enum(DELIVERIES).optional(),
    officer: Officer,
    urgent: z.boolean().optional(),
  })
  .strict();
const BroadcastBody = z
  .object({
    text: z.union([z.string().trim().min(1).max(2000), z.object({ id: z.string().trim().min(1).max(2000), en: z.string().trim().min(1).max(2000) }).strict()]),
    officer: Officer,
    urgent: z.boolean().default(false),
  })
  .strict();
const ImportJson = z.object({ csv: z.string().min(1).max(MAX_CSV_BYTES), officer: Officer }).strict();
const IdempotencyKey = z.string().trim().min(1).max(200);

function badRequest(c: Context, error: z.ZodError) {
  const issue = error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return c.json({ error: `${where}${issue.message}` }, 400);
}

async function jsonBody(c: Context): Promise<unknown> {
  return c.req.json().catch(() => undefined);
}

function idempotencyKey(c: Context): string | undefined | false {
  const raw = c.req.header('idempotency-key');
  if (raw === undefined) return undefined;
  const parsed = IdempotencyKey.safeParse(raw);
  return parsed.success ? parsed.data : false;
}

export function mountApplicationsApi(admin: Hono, service: ApplicationsService): void {
  admin.post('/applications', async (c) => {
    const body = CreateBody.safeParse(await jsonBody(c));
    if (!body.success) return badRequest(c, body.error);
    const { officer, ...input } = body.data;
    const made = service.create(input, officerOf(c, officer));
    return made.ok ? c.json(made.value, 201) : c.json({ error: made.error }, made.code);
  });

  // CSV as the body (Content-Type text/csv, officer in ?officer=) or JSON { csv, officer }.
  admin.post('/applications/import', async (c) => {
    let csv: string;
    let officer: string | undefined;
    if ((c.req.header('content-type') ?? '').includes('json')) {
      const body = ImportJson.safeParse(await jsonBody(c));
      if (!body.success) return badRequest(c, body.error);
      ({ csv, officer } = body.data);
    } else {
      const who = Officer.safeParse(c.req.query('officer'));
      if (!who.success) return badRequest(c, who.error);
      officer = who.data;
      csv = await c.req.text();
      if (!csv.trim()) return c.json({ error: 'The CSV is empty.' }, 400);
      if (csv.length > MAX_CSV_BYTES) return c.json({ error: 'The CSV is too large (5 MB at most).' }, 413);
    }
    return c.json(service.importCsv(csv, officerOf(c, officer)));
  });

  admin.get('/applications', (c) => {
    const status = c.req.query('status');
    const parsedStatus = status === undefined ? undefined : z.enum(STATUSES).safeParse(status);
    if (parsedStatus && !parsedStatus.success) return c.json({ error: `status must be one of: ${STATUSES.join(', ')}` }, 400);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 500);
    const offset = Math.max(Number(c.req.query('offset') ?? 0) || 0, 0);
    return c.json(service.list(parsedStatus?.data, limit, offset));
  });

  admin.get('/applications/:trackingNo', (c) => {
    const app = service.lookupForOfficer(c.req.param('trackingNo'));
    return app ? c.json(app) : c.json({ error: 'No application with that tracking number.' }, 404);
  });

  admin.post('/applications/:trackingNo/status', async (c) => {
    const key = idempotencyKey(c);
    if (key === false) return c.json({ error: 'Idempotency-Key must be 1–200 characters.' }, 400);
    const body = StatusBody.safeParse(await jsonBody(c));
    if (!body.success) return badRequest(c, body.error);
    const changed = service.changeStatus(c.req.param('trackingNo'), { ...body.data, officer: officerOf(c, body.data.officer) }, key);
    return changed.ok ? c.json(changed.value as object) : c.json({ error: changed.error }, changed.code);
  });

  admin.get('/notifications/failed', (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1000);
    return c.json({ items: service.failedNotifications(limit) });
  });

  admin.post('/broadcasts', async (c) => {
    const key = idempotencyKey(c);
    if (key === false) return c.json({ error: 'Idempotency-Key must be 1–200 characters.' }, 400);
    const body = BroadcastBody.safeParse(await jsonBody(c));
    if (!body.success) return badRequest(c, body.error);
    const text = typeof body.data.text === 'string' ? { id: body.data.text, en: body.data.text } : body.data.text;
    return c.json(service.broadcast(text, officerOf(c, body.data.officer), body.data.urgent, key), 202);
  });

  admin.get('/broadcasts', (c) => c.json({ items: service.listBroadcasts(50) }));

  admin.get('/broadcasts/:id', (c) => {
    const id = Number(c.req.param('id'));
    const progress = Number.isInteger(id) ? service.broadcastProgress(id) : undefined;
    return progress ? c.json(progress) : c.json({ error: 'No such broadcast.' }, 404);
  });
}

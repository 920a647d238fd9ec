// Telegram and WhatsApp libraries are loaded only when their channel is switched on, and a
// channel loaded at start-up still serves its webhook and admin routes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lazyChannel } from '../src/core/lazy-feature.js';
import { features } from '../src/features.js';
import { makeTestApp, textOf, type TestApp } from './helpers.js';

// Any import of either library fails loudly: with the channels off nothing may import them.
vi.mock('@whiskeysockets/baileys', () => {
  throw new Error('Baileys was loaded');
});
vi.mock('grammy', () => {
  throw new Error('grammY was loaded');
});

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('channel libraries', () => {
  it('with Telegram and WhatsApp off, the bot starts and chats without loading grammY or Baileys', async () => {
    t = await makeTestApp({ features });
    await t.app.startFeatures();
    expect(textOf(await t.say('resident-lazy-1', 'halo'))).toMatch(/\S/);
    expect(t.app.features.map((f) => f.name)).toEqual(expect.arrayContaining(['telegram', 'whatsapp']));
  });

  it('with WhatsApp on, its library is loaded at start-up (and here it cannot be)', async () => {
    t = await makeTestApp({ features, env: { WHATSAPP: 'on' } });
    await expect(t.app.startFeatures()).rejects.toThrow(/Baileys was loaded|error when mocking a module/);
  });

  it('a channel loaded at start-up serves its admin and webhook routes; the other routes still answer', async () => {
    let loaded = 0;
    const channel = lazyChannel({
      name: 'demo',
      isOn: () => true,
      load: async () => {
        loaded++;
        return (ctx) => {
          ctx.admin!.get('/demo/state', (c) => c.json({ state: 'open' }));
          ctx.http.post('/demo/webhook', async (c) => c.json({ got: (await c.req.json()) as unknown }));
          return { name: 'demo' };
        };
      },
    });
    const token = 'a-long-admin-token-0123456789';
    t = await makeTestApp({ features: [channel, ...features], env: { ADMIN_TOKEN: token } });
    expect(loaded).toBe(0);
    await t.app.startFeatures();
    expect(loaded).toBe(1);
    const auth = { authorization: `Bearer ${token}` };
    const state = await t.ctx.http.request('/api/admin/demo/state', { headers: auth });
    expect(state.status).toBe(200);
    expect(await state.json()).toEqual({ state: 'open' });
    // Behind the admin token like every admin route.
    expect((await t.ctx.http.request('/api/admin/demo/state')).status).toBe(401);
    const hook = await t.ctx.http.request('/demo/webhook', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"update_id":1}' });
    expect(await hook.json()).toEqual({ got: { update_id: 1 } });
    // Routes registered after the channel's forwarding hop (the web chat) still answer.
    expect(textOf(await t.say('resident-lazy-2', 'halo'))).toMatch(/\S/);
    expect((await t.ctx.http.request('/api/admin/nothing-here', { headers: auth })).status).toBe(404);
  });
});

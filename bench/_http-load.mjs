// The load generator of `npm run bench -- http`, in its own process so it does not share the
// server's event loop. Closed loop: every connection is one resident at a time, sending its
// next message when the answer to the last one came. Prints one JSON line with the results.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const { port, connections, seconds, kind, secret, tag, chatBase } = opts;

/** One web-chat resident's 20 messages (the engine bench's script). */
const services = ['svc:ktp_el_baru', 'svc:kk_hilang_rusak', 'svc:akta_kelahiran', 'svc:kia_5_17'];
const webScript = (i) => [
  { text: 'halo' }, { text: '1' }, { choice: 'cat:ktp' }, { choice: services[i % 4] }, { choice: 'req:check' },
  { text: 'ya' }, { text: 'tidak' }, { text: 'belum tahu' }, { choice: 'req:full' }, { text: 'menu' },
  { text: 'syarat bikin ktp gmn' }, { choice: 'req:check' }, { text: 'bantuan' }, { text: 'ya' }, { text: 'batal' },
  { text: 'akte lahir' }, { text: 'bahasa' }, { choice: 'req:back' }, { text: 'asdfgh' }, { text: '0' },
];
/** One Telegram chat's 10 updates (the telegram bench's script). */
const tgScript = (i) => [
  { text: '/start' }, { choice: 'm:req' }, { choice: 'cat:ktp' }, { choice: services[i % 4] }, { choice: 'req:check' },
  { choice: 'ck:y' }, { choice: 'ck:n' }, { text: 'belum tahu' }, { choice: 'req:full' }, { text: 'menu' },
];

let residents = 0;
let updateId = 1;
const json = { 'content-type': 'application/json' };

let messagesOk = 0;
/** The first refused answers, printed so a failure has a reason beside it. */
const failures = [];
const failed = (path, status, body) => failures.length < 3 && failures.push(`${path} ${status} ${String(body).slice(0, 120)}`);

/**
 * One web-chat resident per pass: a session first (as the page does once), then the 20
 * messages with the identity headers, acknowledging what the last answer showed.
 */
function webRequests() {
  const session = {
    method: 'POST',
    path: '/api/chat/session',
    headers: json,
    setupRequest(req, ctx) {
      // A new resident on this connection (autocannon restarts the list here).
      ctx.n = residents++;
      ctx.ack = [];
      ctx.id = undefined;
      req.body = '{}';
      return req;
    },
    onResponse(status, body, ctx) {
      if (status !== 200) return failed('session', status, body);
      const { clientId, secret } = JSON.parse(body);
      ctx.id = { ...json, 'x-chat-client': clientId, 'x-chat-secret': secret };
    },
  };
  const sends = webScript(0).map((_, step) => ({
    method: 'POST',
    path: '/api/chat/send',
    headers: json,
    setupRequest(req, ctx) {
      const input = webScript(ctx.n)[step];
      req.headers = ctx.id ?? json;
      req.body = JSON.stringify({ messageId: `m${step}`, ack: ctx.ack, ...input });
      return req;
    },
    onResponse(status, body, ctx) {
      if (status !== 200) return failed(`send m${step}`, status, body);
      messagesOk++;
      const { messages } = JSON.parse(body);
      ctx.ack = messages.map((m) => m.id);
    },
  }));
  return [session, ...sends];
}

function tgRequests() {
  const headers = { ...json, 'x-telegram-bot-api-secret-token': secret };
  return tgScript(0).map((_, step) => ({
    method: 'POST',
    path: '/telegram/webhook',
    headers,
    setupRequest(req, ctx) {
      if (step === 0) ctx.chat = chatBase + residents++;
      const input = tgScript(ctx.chat)[step];
      const id = updateId++;
      const chat = { id: ctx.chat, type: 'private', first_name: 'Warga' };
      const from = { id: ctx.chat, is_bot: false, first_name: 'Warga', language_code: 'id' };
      const update = input.choice
        ? { update_id: id, callback_query: { id: `q${id}`, from, chat_instance: 'c', data: input.choice, message: { message_id: 1, date: 1, chat, text: '…' } } }
        : { update_id: id, message: { message_id: id, date: 1, chat, from, text: input.text } };
      req.body = JSON.stringify(update);
      return req;
    },
  }));
}

const cpu0 = process.cpuUsage();
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections,
  duration: seconds,
  pipelining: 1,
  timeout: 30,
  requests: kind === 'telegram' ? tgRequests() : webRequests(),
});
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    // Web chat: answered messages (the session requests are not messages); Telegram: updates.
    rate: (kind === 'telegram' ? result.requests.total : messagesOk) / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    residents,
    failures,
    // The generator's own CPU time (user + system) over the run, ms: it shares the cores with the server.
    cpuMs: (cpu.user + cpu.system) / 1000,
  }) + '\n',
);

// Small behaviours of the dashboard pages (everything works without it too, except charts).
document.addEventListener('DOMContentLoaded', () => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  // htmx requests carry the session's CSRF token.
  document.body.addEventListener('htmx:config:request', (e) => {
    if (e.detail?.ctx?.request?.headers) e.detail.ctx.request.headers['X-CSRF-Token'] = csrf;
  });
  document.body.addEventListener('htmx:configRequest', (e) => {
    if (e.detail?.headers) e.detail.headers['X-CSRF-Token'] = csrf;
  });
  for (const b of document.querySelectorAll('[data-print]')) b.addEventListener('click', () => window.print());
  // A form that needs a second thought asks first.
  for (const f of document.querySelectorAll('form[data-confirm]')) {
    f.addEventListener('submit', (e) => {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  }
  // A form sent once is not sent again by a second tap while the page is still loading (slow
  // network): its buttons are disabled and say so. The server also refuses the repeats (a
  // check-in, a status change, an answer to a resident) for browsers without JavaScript.
  document.addEventListener('submit', (e) => {
    const f = e.target;
    if (!(f instanceof HTMLFormElement) || (f.method || '').toLowerCase() !== 'post' || e.defaultPrevented) return;
    if (f.dataset.sent) {
      e.preventDefault();
      return;
    }
    f.dataset.sent = 'yes';
    // Disabled a moment later: the button pressed must still be sent with the form (name=action).
    setTimeout(() => {
      for (const b of f.querySelectorAll('button:not([type=button])')) {
        b.disabled = true;
        b.setAttribute('aria-busy', 'true');
      }
    }, 0);
  });
  // Back to a page from the browser's cache (the back button): its forms can be sent again.
  window.addEventListener('pageshow', (e) => {
    if (!e.persisted) return;
    for (const f of document.querySelectorAll('form[data-sent]')) {
      delete f.dataset.sent;
      for (const b of f.querySelectorAll('button[aria-busy]')) {
        b.disabled = false;
        b.removeAttribute('aria-busy');
      }
    }
  });
  // A date field's day written out ("Selasa, 1 Desember 2026") follows a newly picked date
  // (the page words the day it was sent, the same way: see dateField in layout.ts).
  const longDate = new Intl.DateTimeFormat(document.documentElement.lang === 'en' ? 'en-GB' : 'id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  for (const input of document.querySelectorAll('label.date-field input[type=date]')) {
    const read = input.parentElement.querySelector('[data-date-read]');
    const show = () => {
      const d = /^\d{4}-\d{2}-\d{2}$/.test(input.value) ? new Date(`${input.value}T00:00:00Z`) : undefined;
      read.textContent = d && !Number.isNaN(d.getTime()) ? longDate.format(d) : '';
    };
    input.addEventListener('input', show);
    input.addEventListener('change', show);
  }
  // Charts: <canvas data-chart='{"type":"line","data":…}'> (Chart.js, served by the app).
  if (window.Chart) {
    for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
      const config = JSON.parse(canvas.dataset.chart);
      config.options = { responsive: true, maintainAspectRatio: false, animation: false, ...(config.options ?? {}) };
      new window.Chart(canvas, config);
    }
  }
});

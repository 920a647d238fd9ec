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
  // Charts: <canvas data-chart='{"type":"line","data":…}'> (Chart.js, served by the app).
  if (window.Chart) {
    for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
      const config = JSON.parse(canvas.dataset.chart);
      config.options = { responsive: true, maintainAspectRatio: false, animation: false, ...(config.options ?? {}) };
      new window.Chart(canvas, config);
    }
  }
});

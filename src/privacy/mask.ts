// Personal data (UU 27/2022 PDP): NIK, KK numbers and phone numbers never reach a log in full.

/** 1803025504950001 → 1803**********01 */
export function maskNik(nik: string): string {
  const digits = nik.replace(/\D/g, '');
  if (digits.length < 8) return '*'.repeat(digits.length);
  return digits.slice(0, 4) + '*'.repeat(digits.length - 6) + digits.slice(-2);
}

/** 6281234567890 → 6281*******90; also works on WhatsApp JIDs and Telegram chat ids. */
export function maskPhone(value: string): string {
  const [user, domain] = value.split('@') as [string, string | undefined];
  const digits = user.replace(/\D/g, '');
  const masked = digits.length <= 6 ? '*'.repeat(digits.length) : digits.slice(0, 4) + '*'.repeat(digits.length - 6) + digits.slice(-2);
  return domain ? `${masked}@${domain}` : masked;
}

/** Dates and times (2026-02-01, 2026-02-01T10:00:00.000Z, 10:30:00) are not personal data: they stay readable. */
const DATE_OR_RUN = /(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d))|\+?\d[\d .-]{6,}\d/g;

/** Masks every run of 8+ digits (NIK, KK, phone numbers, spaced or dotted) inside free text. */
export function maskDigitsInText(text: string): string {
  return text.replace(DATE_OR_RUN, (run, date: string | undefined) => {
    if (date) return run;
    const digits = run.replace(/\D/g, '');
    return digits.length >= 8 ? maskNik(digits) : run;
  });
}

/** Masks a person's name for lists shown outside the office: "Siti Aminah" → "S*** A*****". */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0] + '*'.repeat(Math.max(0, w.length - 1)))
    .join(' ');
}

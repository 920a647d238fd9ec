// WhatsApp's variables, apart from the channel so that reading them (is WhatsApp on?) does not load Baileys.
import { z } from 'zod';
import { onOff } from '../../config.js';

const delayMs = z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(60_000, 'expected 0–60000 ms');

export const WhatsAppConfig = z
  .object({
    WHATSAPP: onOff.default(false),
    /** Link with an 8-character code typed on the phone instead of scanning the QR. */
    WHATSAPP_PAIRING_NUMBER: z
      .string()
      .transform((v) => v.replace(/[\s+()-]/g, ''))
      .pipe(z.string().regex(/^[1-9]\d{7,14}$/, 'expected the office number with country code, digits only, e.g. 6281234567890')),
    WHATSAPP_MIN_DELAY_MS: delayMs.default(1_000),
    WHATSAPP_MAX_DELAY_MS: delayMs.default(3_000),
    WHATSAPP_MAX_PARALLEL: z.coerce.number({ message: 'expected a number' }).int().min(1).max(20, 'expected 1–20').default(4),
    /** Messages sent while the bot was offline are answered up to this age; older ones are kept for officers. */
    WHATSAPP_ANSWER_OFFLINE_HOURS: z.coerce.number({ message: 'expected hours' }).min(0).max(168, 'expected 0–168 hours').default(24),
    /** Failed reconnects in a row before officers are alerted. */
    WHATSAPP_ALERT_AFTER_RECONNECTS: z.coerce.number({ message: 'expected a number' }).int().min(1).max(100, 'expected 1–100').default(5),
    /** How long a sent message may wait for WhatsApp's server to acknowledge it before it counts as not delivered. */
    WHATSAPP_ACK_TIMEOUT_SECONDS: z.coerce.number({ message: 'expected seconds' }).int().min(5).max(300, 'expected 5–300 seconds').default(30),
  })
  .partial({ WHATSAPP_PAIRING_NUMBER: true })
  .refine((c) => c.WHATSAPP_MIN_DELAY_MS <= c.WHATSAPP_MAX_DELAY_MS, {
    message: 'must not be below WHATSAPP_MIN_DELAY_MS',
    path: ['WHATSAPP_MAX_DELAY_MS'],
  });

/**
 * Domain errors: a stable `reason` (protocol/reasons.ts), a human message, and the `field` it is about. Each
 * transport maps them its own way (http/errors.ts); nobody parses the message.
 */
import { REASONS, type Reason } from '@zhibo/protocol';
import type { Check } from '@zhibo/core';

export class DomainError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly field?: string,
    /** extra fields of the answer on the console/admin API (e.g. the room's live_status) */
    readonly extra?: Record<string, unknown>,
    /** extra fields of the WeChat answer (e.g. `qrcode_url` with 300036) */
    readonly wx?: Record<string, unknown>,
  ) {
    super(message);
  }

  get errcode(): number {
    return REASONS[this.reason].errcode;
  }

  get status(): number {
    return REASONS[this.reason].status;
  }
}

/** Throw a failed core check as a DomainError. */
export function assertCheck(c: Check): void {
  if (!c.ok) throw new DomainError(c.reason, c.message, c.field);
}

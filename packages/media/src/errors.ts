/**
 * Typed errors. Anything a peer can cause is a MediaError subclass: the session catches it,
 * closes that one connection cleanly and reports it — it never reaches the process.
 */
export class MediaError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The peer broke the RTMP protocol (bad handshake, bad chunk header, bad AMF, …). */
export class RtmpProtocolError extends MediaError {
  constructor(message: string) {
    super(message, 'rtmp_protocol');
  }
}

/** The peer asked for more than we allow (message length, chunk size, chunk streams, buffered bytes). */
export class RtmpLimitError extends MediaError {
  constructor(message: string) {
    super(message, 'rtmp_limit');
  }
}

/** AMF0 value could not be decoded. */
export class Amf0Error extends RtmpProtocolError {}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

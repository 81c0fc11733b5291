/** Why a poster or share card could not be drawn. */
export type PosterRefusal =
  | 'invalid_input' // a name empty, a language unknown, a start time not a plausible unix time, a link not http(s)
  | 'time_zone' // not an IANA time zone this runtime knows
  | 'link_too_long' // the QR code would need modules too small to scan at the poster's size
  | 'cover' // the cover bytes are not an acceptable image (cause: the ImageError)
  | 'avatar'; // the avatar bytes are not an acceptable image (cause: the ImageError)

export class PosterError extends Error {
  override readonly name = 'PosterError';
  constructor(
    readonly reason: PosterRefusal,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why an image was refused. Each reason comes with a human message on the error. */
export type ImageRefusal =
  | 'empty' // no bytes at all
  | 'too_many_bytes' // the input is larger than limits.maxBytes
  | 'unsupported_format' // not PNG, JPEG, GIF or WebP by its bytes (SVG, HTML, TIFF, ZIP, text…), or not allowed here
  | 'truncated' // the data ends before the image does
  | 'corrupt' // the decoder found broken data
  | 'too_many_pixels' // width × height (× frames) above limits.maxPixels: a decompression bomb or just too big
  | 'too_large' // width or height above limits.maxWidth / maxHeight
  | 'animated'; // more than one frame where limits.allowAnimated is false, or more than limits.maxFrames

/** A refused image: `reason` for code, `message` for people. The input bytes are never changed. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly reason: ImageRefusal,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

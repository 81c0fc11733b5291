import { type Errcode, errmsgOf } from '@zhibo/protocol';

/** A failure answered as a WeChat `{errcode, errmsg}` body. `detail` says exactly what was wrong. */
export class WxFail extends Error {
  constructor(
    readonly errcode: Errcode,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }
  toBody(): { errcode: number; errmsg: string } {
    const base = errmsgOf(this.errcode);
    return { errcode: this.errcode, errmsg: this.detail && this.detail !== base ? `${base}: ${this.detail}` : base };
  }
}

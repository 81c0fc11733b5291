/**
 * A product's explanation clip (讲解视频, issue 15) on the merchant's goods page: the stretch of the live's replay where
 * the anchor explained it, cut after the live. `explanation(client, roomId, goodsId)` reads it from the plugin API;
 * `<zhibo-explanation room-id="ID" goods-id="ID">` shows it as a player (nothing at all when there is no clip), so a
 * goods page opened from the room (room_id is in its query) can play what the anchor said about the product.
 *
 * Attributes: `room-id`, `goods-id` (required; `room-id` defaults to the page's `?room_id=`), `label` (the heading,
 * default 讲解视频). Events: `zhibo-explanation` (detail the PluginExplanationResponse, or null when there is none).
 */
import { PluginRoutes, type PluginExplanationResponse } from '@zhibo/protocol';
import type { SdkClient } from './client.js';
import { isPluginError } from './errors.js';
import { shadowStyle } from './shadow-style.js';

/** The clip of a product of a room's replay, or null when there is none (yet). Other failures reject. */
export async function explanation(client: SdkClient, roomId: number, goodsId: number): Promise<PluginExplanationResponse | null> {
  try {
    return await client.get<PluginExplanationResponse>(
      PluginRoutes.explanation,
      { room_id: roomId, goods_id: goodsId },
      { identity: false },
    );
  } catch (e) {
    if (isPluginError(e) && ['no_explanation', 'explanation_pending', 'explanation_gone'].includes(e.errcode)) return null;
    throw e;
  }
}

const STYLE = `:host{display:block}
.box{border-radius:12px;overflow:hidden;background:#111;color:#fff;font:14px/1.4 -apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei",sans-serif}
.head{padding:8px 12px;font-weight:600}
video{display:block;width:100%;max-height:60vh;background:#000}`;

const positive = (v: string | null | undefined): number | undefined => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export function defineExplanation(clientOf: () => SdkClient, name = 'zhibo-explanation'): void {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;
  customElements.define(
    name,
    class extends HTMLElement {
      static get observedAttributes() {
        return ['room-id', 'goods-id'];
      }
      private seq = 0;

      connectedCallback() {
        // not awaited: a custom element callback; load() turns a failed request into a hidden element (it never rejects)
        void this.load();
      }

      attributeChangedCallback() {
        if (this.isConnected) void this.load(); // not awaited: as above
      }

      private async load(): Promise<void> {
        const seq = ++this.seq;
        const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
        const roomId = positive(this.getAttribute('room-id')) ?? positive(new URLSearchParams(location.search).get('room_id'));
        const goodsId = positive(this.getAttribute('goods-id'));
        let clip: PluginExplanationResponse | null = null;
        if (roomId && goodsId) clip = await explanation(clientOf(), roomId, goodsId).catch(() => null);
        if (seq !== this.seq) return;
        root.replaceChildren();
        this.hidden = !clip;
        if (clip && /^https?:\/\//.test(clip.url)) {
          const video = document.createElement('video');
          video.controls = true;
          video.playsInline = true;
          video.preload = 'metadata';
          video.src = clip.url;
          video.setAttribute('part', 'video');
          const head = document.createElement('div');
          head.className = 'head';
          head.textContent = this.getAttribute('label') ?? '讲解视频 · Explanation';
          const box = document.createElement('div');
          box.className = 'box';
          box.append(head, video);
          root.append(...shadowStyle(root, STYLE), box);
        }
        this.dispatchEvent(new CustomEvent('zhibo-explanation', { detail: clip, bubbles: true }));
      }
    },
  );
}

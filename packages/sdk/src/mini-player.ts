/**
 * The floating mini-player of a goods page opened from a live room (issue 12 §5, like Taobao and WeChat): the live,
 * muted, small in a corner; a tap goes back to the room (history when possible), ⧉ puts it in Picture-in-Picture
 * where the browser can. Shown only while the room is live; the player libraries load from the zhibo server on demand.
 */
import { LiveStatus, WebRoutes, type PluginRoomResponse } from '@zhibo/protocol';
import type { SdkClient } from './client.js';
import { LivePlayer, type HlsModule, type MpegtsModule } from './player.js';

export interface MiniPlayer {
  el: HTMLElement;
  close(): void;
}

const vendor = <T>(server: string, name: string): Promise<T> =>
  import(/* @vite-ignore */ `${server}${WebRoutes.build}vendor/${name}.js`).then(
    (m: { default: T & { default?: T } }) => (m.default.default ?? m.default) as T,
  );

/** A mini-player for the room, or undefined when it is not live (or cannot be read). */
export async function miniPlayer(
  client: SdkClient,
  roomId: number,
  onTap: () => void,
  doc: Document = document,
): Promise<MiniPlayer | undefined> {
  let room: PluginRoomResponse;
  try {
    room = await client.get<PluginRoomResponse>(WebRoutes.room, { room_id: roomId }, { identity: false });
  } catch {
    return undefined;
  }
  if (room.liveStatus !== LiveStatus.Live) return undefined;
  const box = doc.createElement('div');
  box.setAttribute('part', 'mini');
  box.className = 'mini';
  box.setAttribute('role', 'button');
  box.setAttribute('aria-label', room.name);
  const video = doc.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.setAttribute('playsinline', '');
  const close = doc.createElement('button');
  close.type = 'button';
  close.className = 'x';
  close.textContent = '×';
  close.setAttribute('aria-label', 'close');
  box.append(video, close);
  const player = new LivePlayer({
    video,
    media: room.media,
    loadMpegts: () => vendor<MpegtsModule>(client.server, 'mpegts'),
    loadHls: () => vendor<HlsModule>(client.server, 'hls'),
  });
  const stop = () => {
    player.stop();
    box.remove();
  };
  close.addEventListener('click', (e) => {
    e.stopPropagation();
    stop();
  });
  if (doc.pictureInPictureEnabled) {
    const pip = doc.createElement('button');
    pip.type = 'button';
    pip.className = 'pip';
    pip.textContent = '⧉';
    pip.setAttribute('aria-label', 'Picture in picture');
    pip.addEventListener('click', (e) => {
      e.stopPropagation();
      // a click handler: a refused Picture-in-Picture (not allowed, no video yet) leaves the mini-player as it is
      void video.requestPictureInPicture().catch(() => undefined);
    });
    box.append(pip);
  }
  box.addEventListener('click', () => {
    stop();
    onTap();
  });
  player.start();
  return { el: box, close: stop };
}

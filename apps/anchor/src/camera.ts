/**
 * The phone's camera and microphone: front/back, quality presets (size and bitrate) in the room's orientation,
 * microphone mute, and the screen wake lock while live.
 */
export type Facing = 'user' | 'environment';

export const QUALITIES = {
  '720p': { long: 1280, short: 720, bitrate: 2_500_000, label: '720p · 2.5 Mbps' },
  '540p': { long: 960, short: 540, bitrate: 1_500_000, label: '540p · 1.5 Mbps' },
  '360p': { long: 640, short: 360, bitrate: 800_000, label: '360p · 0.8 Mbps' },
} as const;
export type Quality = keyof typeof QUALITIES;

export class CameraError extends Error {}

export class Camera {
  stream: MediaStream | null = null;
  facing: Facing = 'user';
  quality: Quality = '720p';
  muted = false;

  /** portrait: the room's screenType is 0 (竖屏) */
  constructor(private readonly portrait: boolean) {}

  private videoConstraints(): MediaTrackConstraints {
    const q = QUALITIES[this.quality];
    const [width, height] = this.portrait ? [q.short, q.long] : [q.long, q.short];
    return { facingMode: this.facing, width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30, max: 30 } };
  }

  async open(): Promise<MediaStream> {
    if (!navigator.mediaDevices?.getUserMedia)
      throw new CameraError('这个浏览器不能使用摄像头（需要 HTTPS）· Camera access needs HTTPS and a current browser');
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: this.videoConstraints(),
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (e) {
      const name = (e as DOMException).name;
      throw new CameraError(
        name === 'NotAllowedError'
          ? '请允许使用摄像头和麦克风 · Allow the camera and microphone for this page (browser settings), then reload'
          : name === 'NotFoundError'
            ? '没有找到摄像头 · No camera or microphone found'
            : `摄像头打不开 · The camera could not be opened (${name})`,
      );
    }
    this.applyMute();
    return this.stream;
  }

  get video(): MediaStreamTrack | undefined {
    return this.stream?.getVideoTracks()[0];
  }

  /** The other camera; the new track is returned (the publisher swaps it in) and the old one stopped. */
  async flip(): Promise<MediaStreamTrack> {
    const next: Facing = this.facing === 'user' ? 'environment' : 'user';
    const old = this.video;
    old?.stop(); // phones can not open both cameras at once
    this.facing = next;
    let track: MediaStreamTrack;
    try {
      track = (await navigator.mediaDevices.getUserMedia({ video: this.videoConstraints() })).getVideoTracks()[0]!;
    } catch {
      this.facing = next === 'user' ? 'environment' : 'user';
      track = (await navigator.mediaDevices.getUserMedia({ video: this.videoConstraints() })).getVideoTracks()[0]!;
    }
    if (old) this.stream!.removeTrack(old);
    this.stream!.addTrack(track);
    return track;
  }

  async setQuality(q: Quality): Promise<void> {
    this.quality = q;
    await this.video?.applyConstraints(this.videoConstraints()).catch(() => undefined);
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.applyMute();
  }

  private applyMute(): void {
    for (const t of this.stream?.getAudioTracks() ?? []) t.enabled = !this.muted;
  }

  close(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
  }
}

/** Keeps the screen on while live; taken again when the page becomes visible (the browser drops it when hidden). */
export class WakeLock {
  private lock: WakeLockSentinel | null = null;
  private wanted = false;
  /** A visibilitychange handler; take() never rejects (a refused lock is just not held). */
  private readonly visible = () => document.visibilityState === 'visible' && this.wanted && void this.take();

  async hold(): Promise<void> {
    this.wanted = true;
    document.addEventListener('visibilitychange', this.visible);
    await this.take();
  }

  async release(): Promise<void> {
    this.wanted = false;
    document.removeEventListener('visibilitychange', this.visible);
    const l = this.lock;
    this.lock = null;
    await l?.release().catch(() => undefined);
  }

  get held(): boolean {
    return this.lock !== null;
  }

  private async take(): Promise<void> {
    if (!('wakeLock' in navigator) || this.lock) return;
    try {
      const lock = await navigator.wakeLock.request('screen');
      lock.addEventListener('release', () => this.lock === lock && (this.lock = null));
      this.lock = lock;
    } catch {
      this.lock = null; // not allowed (battery saver, not visible): the page still works
    }
  }
}

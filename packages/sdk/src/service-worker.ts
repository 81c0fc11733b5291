/**
 * The service worker that shows go-live reminders delivered by Web Push (issue 6). Bundled to
 * /build/zhibo-sw.js and served at /zhibo-sw.js; a page registers it from its own origin
 * (`<zhibo-subscribe sw-url="…">`). A click opens (or focuses) the room page.
 */
import type { ReminderPushPayload } from '@zhibo/protocol';

// The SDK compiles with the DOM library; the few service-worker types used here are declared locally.
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown; text(): string } | null;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification & { data: unknown; close(): void };
}
interface WindowClientLike {
  url: string;
  focus(): Promise<unknown>;
}
interface SwScope {
  registration: { showNotification(title: string, options: NotificationOptions & { data?: unknown; renotify?: boolean }): Promise<void> };
  clients: {
    matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'push', fn: (e: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', fn: (e: NotificationEvent) => void): void;
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
}

const sw = self as unknown as SwScope;

function payloadOf(e: PushEvent): ReminderPushPayload | undefined {
  try {
    const p = e.data?.json() as ReminderPushPayload | undefined;
    return p && typeof p.title === 'string' && typeof p.url === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}

sw.addEventListener('install', (e) => e.waitUntil(sw.skipWaiting()));
sw.addEventListener('activate', (e) => e.waitUntil(sw.clients.claim()));

sw.addEventListener('push', (e) => {
  const p = payloadOf(e);
  if (!p) return;
  // tag = idempotency key: a repeated delivery replaces the notification instead of adding one.
  e.waitUntil(sw.registration.showNotification(p.title, { body: p.body, tag: p.idempotency_key, data: { url: p.url } }));
});

sw.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const url = (e.notification.data as { url?: string } | null)?.url;
  if (!url) return;
  e.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((list) => {
      const open = list.find((c) => c.url === url);
      return open ? open.focus() : sw.clients.openWindow(url);
    }),
  );
});

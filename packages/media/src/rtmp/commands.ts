/**
 * NetConnection / NetStream commands a publisher sends: connect, releaseStream, FCPublish,
 * createStream, publish, FCUnpublish, deleteStream (plus harmless extras). play is refused:
 * playback is HTTP-FLV / WS-FLV / HLS only.
 */
import type { Logger } from '../log.js';
import { RtmpProtocolError, errorMessage } from '../errors.js';
import { decodeAmf0, type Amf0Object, type Amf0Value } from './amf0.js';
import { commandMessage, controlMessages, USER_CONTROL } from './chunk-writer.js';
import type { PublishHandler, RtmpSession } from './session.js';

export interface CommandContext {
  session: RtmpSession;
  logger: Logger;
  handler: PublishHandler;
  windowAckSize: number;
  outChunkSize: number;
  app: string;
  tcUrl: string;
  appQuery: Record<string, string>;
  nextStreamId: number;
}

function isObject(v: Amf0Value): v is Amf0Object {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** "12?key=abc" → ["12", { key: "abc" }]. */
export function splitQuery(s: string): [string, Record<string, string>] {
  const i = s.indexOf('?');
  if (i < 0) return [s, {}];
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(s.slice(i + 1))) query[k] = v;
  return [s.slice(0, i), query];
}

export function handleCommand(ctx: CommandContext, payload: Buffer, msgStreamId: number): void {
  const values = decodeAmf0(payload);
  const [name, txn] = values;
  if (typeof name !== 'string') throw new RtmpProtocolError('command without a name');
  const t = typeof txn === 'number' ? txn : 0;
  const s = ctx.session;
  switch (name) {
    case 'connect':
      return connect(ctx, t, values[2]);
    case 'releaseStream':
    case 'FCPublish': {
      const stream = typeof values[3] === 'string' ? values[3] : '';
      if (name === 'FCPublish') s.send(commandMessage(0, 'onFCPublish', 0, null, { code: 'NetStream.Publish.Start', description: stream }));
      s.send(commandMessage(0, '_result', t, null, undefined));
      return;
    }
    case 'createStream':
      requireConnected(ctx, name);
      s.send(commandMessage(0, '_result', t, null, ctx.nextStreamId++));
      return;
    case 'publish':
      return publish(ctx, values, msgStreamId);
    case 'FCUnpublish':
    case 'deleteStream':
    case 'closeStream':
      if (s.publishing) s.stopPublishing('deleteStream');
      return;
    case 'play':
    case 'play2':
      s.reject(msgStreamId, 'NetStream.Play.Failed', 'RTMP playback is not offered; use HTTP-FLV, WS-FLV or HLS');
      return;
    case 'getStreamLength':
    case '_checkbw':
    case 'ping':
    case 'receiveAudio':
    case 'receiveVideo':
      return;
    default:
      ctx.logger.debug?.(`rtmp ${s.remoteAddress}: ignoring command ${name}`);
  }
}

function requireConnected(ctx: CommandContext, what: string): void {
  if (!ctx.app) throw new RtmpProtocolError(`${what} before connect`);
}

function connect(ctx: CommandContext, txn: number, obj: Amf0Value | undefined): void {
  if (ctx.app) throw new RtmpProtocolError('connect sent twice');
  if (obj === undefined || !isObject(obj)) throw new RtmpProtocolError('connect without a command object');
  const app = typeof obj.app === 'string' ? obj.app : '';
  const [appName, appQuery] = splitQuery(app.replace(/^\/+|\/+$/g, ''));
  if (!appName) throw new RtmpProtocolError('connect without an app');
  ctx.app = appName;
  ctx.appQuery = appQuery;
  ctx.tcUrl = typeof obj.tcUrl === 'string' ? obj.tcUrl : '';
  const s = ctx.session;
  s.markConnected();
  s.send(controlMessages.windowAckSize(ctx.windowAckSize));
  s.send(controlMessages.setPeerBandwidth(ctx.windowAckSize, 2));
  s.setOutChunkSize(ctx.outChunkSize);
  const objectEncoding = typeof obj.objectEncoding === 'number' ? obj.objectEncoding : 0;
  s.send(
    commandMessage(
      0,
      '_result',
      txn,
      { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
      { level: 'status', code: 'NetConnection.Connect.Success', description: 'Connection succeeded.', objectEncoding },
    ),
  );
}

function publish(ctx: CommandContext, values: Amf0Value[], msgStreamId: number): void {
  const s = ctx.session;
  requireConnected(ctx, 'publish');
  if (s.state !== 'open') throw new RtmpProtocolError(`publish while ${s.state}`);
  const raw = values[3];
  const [streamName, query] = splitQuery(typeof raw === 'string' ? raw : '');
  if (!streamName) {
    ctx.logger.info(`rtmp ${s.remoteAddress}: publish refused: empty stream name`);
    s.reject(msgStreamId, 'NetStream.Publish.BadName', 'empty stream name');
    return;
  }
  s.state = 'authorizing';
  const req = {
    app: ctx.app,
    streamName,
    query: { ...ctx.appQuery, ...query },
    remoteAddress: s.socket.remoteAddress ?? '',
    tcUrl: ctx.tcUrl,
  };
  ctx.handler.publish(s, req).then(
    (r) => {
      if (s.closed) {
        if (r.ok) r.target.onEnd('socket_closed', 'connection closed during authorisation');
        return;
      }
      if (!r.ok) {
        s.reject(msgStreamId, r.code, r.reason);
        return;
      }
      s.startPublishing(r.target, msgStreamId);
      s.send(controlMessages.userControl(USER_CONTROL.StreamBegin, msgStreamId));
      s.send(
        commandMessage(msgStreamId, 'onStatus', 0, null, {
          level: 'status',
          code: 'NetStream.Publish.Start',
          description: `${streamName} is now published.`,
          details: streamName,
        }),
      );
    },
    (e: unknown) => {
      ctx.logger.error(`rtmp ${s.remoteAddress}: publish handler failed: ${errorMessage(e)}`);
      if (!s.closed) s.reject(msgStreamId, 'NetStream.Publish.BadName', 'authorisation failed');
    },
  );
}

/** OpenAPI descriptions of the goods module's routes (http/route-docs.ts). */
import { arr, flag, int, num, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const goodsInfo = obj({
  coverImgUrl: str('media_id'), name: str('1–14 characters (a CJK character counts 2)'), priceType: int('1 one price, 2 range, 3 discount', { enum: [1, 2, 3] }),
  price: { type: ['number', 'string'], description: 'yuan' }, price2: { type: ['number', 'string'], description: 'yuan (range end or discounted price)' },
  url: str('the mini program page of the product'), thirdPartyAppid: str(), goodsKey: str(),
}, ['coverImgUrl', 'name', 'priceType', 'price', 'url']);
const GOODS_ID = int('goods id', { minimum: 1 });

export const ROUTE_DOCS: RouteDocs = {
  'POST /wxaapi/broadcast/goods/add': { summary: 'Add goods to the library (approved at once)', body: obj({ goodsInfo }, ['goodsInfo']), response: obj({ goodsId: GOODS_ID, auditId: int() }) },
  'POST /wxaapi/broadcast/goods/delete': { summary: 'Delete goods from the library', body: obj({ goodsId: GOODS_ID }, ['goodsId']), response: obj({}) },
  'GET /wxaapi/broadcast/goods/getapproved': {
    summary: 'List the library', query: { offset: int(undefined, { minimum: 0 }), limit: int(undefined, { minimum: 1, maximum: 100 }), status: int('audit status 0..3') },
    response: obj({
      goods: arr(obj({ goodsId: GOODS_ID, coverImgUrl: str(), name: str(), priceType: int(), price: num('yuan'), price2: num('yuan'), url: str(), thirdPartyTag: int(), thirdPartyAppid: str() })),
      total: int(),
    }),
  },
  'POST /wxaapi/broadcast/room/addgoods': { summary: "Put goods on a room's shelf", body: obj({ roomId: ROOM_ID, ids: arr(GOODS_ID) }, ['roomId', 'ids']), response: obj({}) },
  'POST /wxaapi/broadcast/goods/onsale': { summary: 'Put goods on or off sale in a room', body: obj({ roomId: ROOM_ID, goodsId: GOODS_ID, onSale: flag() }, ['roomId', 'goodsId', 'onSale']), response: obj({}) },
  'POST /wxaapi/broadcast/goods/deleteInRoom': { summary: "Take goods off a room's shelf", body: obj({ roomId: ROOM_ID, goodsId: GOODS_ID }, ['roomId', 'goodsId']), response: obj({}) },
  'POST /wxaapi/broadcast/goods/sort': {
    summary: "Order a room's shelf", body: obj({ roomId: ROOM_ID, goods: arr(obj({ goodsId: { type: ['integer', 'string'] } }, ['goodsId'])) }, ['roomId', 'goods']), response: obj({}),
  },
  'POST /api/plugin/v1/goods-tap': { summary: 'The room page reports a tap on a product (sendBeacon; rate-limited)', response: obj({ errcode: str(undefined, { const: 'ok' }), errmsg: str() }) },
};

/** OpenAPI descriptions of the goods module's routes (http/route-docs.ts). */
import { arr, flag, int, num, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const goodsFields = {
  coverImgUrl: str('media_id'),
  name: str('1–14 characters (a CJK character counts 2)'),
  priceType: int('1 one price, 2 range, 3 discount', { enum: [1, 2, 3] }),
  price: { type: ['number', 'string'], description: 'yuan' },
  price2: { type: ['number', 'string'], description: 'yuan (range end or discounted price)' },
  url: str('the mini program page of the product'),
  thirdPartyAppid: str(),
  goodsKey: {
    type: ['array', 'string'],
    items: str(),
    description: 'the url query names that identify the product (one string is taken as one)',
  },
};
const goodsInfo = obj(goodsFields, ['coverImgUrl', 'name', 'priceType', 'price', 'url']);
const GOODS_ID = int('goods id', { minimum: 1 });

export const ROUTE_DOCS: RouteDocs = {
  'POST /wxaapi/broadcast/goods/add': {
    summary:
      'Add goods to the library: submitted for review (approved at once unless the app setting goodsReview is on; 500 submissions a day)',
    body: obj({ goodsInfo }, ['goodsInfo']),
    response: obj({ goodsId: GOODS_ID, auditId: int() }),
  },
  'POST /wxaapi/broadcast/goods/delete': {
    summary: 'Delete goods from the library',
    body: obj({ goodsId: GOODS_ID }, ['goodsId']),
    response: obj({}),
  },
  'GET /wxaapi/broadcast/goods/getapproved': {
    summary: 'List the library',
    query: {
      offset: int(undefined, { minimum: 0 }),
      limit: int(undefined, { minimum: 1, maximum: 100 }),
      status: int('audit status 0..3'),
    },
    response: obj({
      goods: arr(
        obj({
          goodsId: GOODS_ID,
          coverImgUrl: str(),
          name: str(),
          priceType: int(),
          price: num('yuan'),
          price2: num('yuan'),
          url: str(),
          thirdPartyTag: int(),
          thirdPartyAppid: str(),
        }),
      ),
      total: int(),
    }),
  },
  'POST /wxaapi/broadcast/room/addgoods': {
    summary: "Put goods on a room's shelf",
    body: obj({ roomId: ROOM_ID, ids: arr(GOODS_ID) }, ['roomId', 'ids']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/goods/onsale': {
    summary: 'Put goods on or off sale in a room',
    body: obj({ roomId: ROOM_ID, goodsId: GOODS_ID, onSale: flag() }, ['roomId', 'goodsId', 'onSale']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/goods/deleteInRoom': {
    summary: "Take goods off a room's shelf",
    body: obj({ roomId: ROOM_ID, goodsId: GOODS_ID }, ['roomId', 'goodsId']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/goods/sort': {
    summary: "Order a room's shelf",
    body: obj({ roomId: ROOM_ID, goods: arr(obj({ goodsId: { type: ['integer', 'string'] } }, ['goodsId'])) }, ['roomId', 'goods']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/goods/resetaudit': {
    summary: 'Withdraw the review in progress (audit status back to 0)',
    body: obj({ auditId: int('the auditId goods/add or goods/audit answered'), goodsId: GOODS_ID }, ['auditId', 'goodsId']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/goods/audit': {
    summary: 'Submit goods for review again (after a withdrawal or a rejection; shares the 500/day quota with goods/add)',
    body: obj({ goodsId: GOODS_ID }, ['goodsId']),
    response: obj({ auditId: int() }, ['auditId']),
  },
  'POST /wxaapi/broadcast/goods/update': {
    summary: 'Change goods: unreviewed or rejected goods every field, approved goods only priceType/price/price2, goods in review nothing',
    body: obj({ goodsInfo: obj({ goodsId: GOODS_ID, ...goodsFields }, ['goodsId'], 'goodsId and only the fields to change') }, [
      'goodsInfo',
    ]),
    response: obj({}),
  },
  'POST /wxa/business/getgoodswarehouse': {
    summary: 'Up to 20 goods of the app with their review status (unknown ids are left out)',
    body: obj({ goods_ids: arr(GOODS_ID) }, ['goods_ids']),
    response: obj({
      goods: arr(
        obj({
          goods_id: GOODS_ID,
          cover_img_url: str(),
          name: str(),
          price_type: int(),
          price: num('yuan'),
          price2: num('yuan'),
          url: str(),
          audit_status: int('0 unreviewed, 1 in review, 2 approved, 3 rejected', { enum: [0, 1, 2, 3] }),
          third_party_tag: int('0 made in the console, 2 by the API'),
          thirdPartyAppid: str(),
          goodsKey: arr(str()),
        }),
      ),
      total: int(),
    }),
  },
  'POST /wxaapi/broadcast/goods/setkey': {
    summary: "Set the app's pendant global key: the goods url query names that identify a product",
    body: obj({ goodsKey: arr(str()) }, ['goodsKey']),
    response: obj({}),
  },
  'GET /wxaapi/broadcast/goods/getkey': {
    summary: "The app's pendant global key",
    response: obj({ vendorGoodsKey: arr(str()) }, ['vendorGoodsKey']),
  },
  'POST /api/plugin/v1/goods-tap': {
    summary: 'The room page reports a tap on a product (sendBeacon; rate-limited)',
    response: obj({ errcode: str(undefined, { const: 'ok' }), errmsg: str() }),
  },
};

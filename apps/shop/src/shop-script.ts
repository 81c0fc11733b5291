/**
 * The shop's own browser script (served as /shop.js, no inline script): the room list follows status pushes from
 * zhibo's site channel (the SDK's `zhibo:status` event) within a second, instead of waiting for the server's
 * 3-minute room-list cache. Plain ES2017 text so it needs no bundling.
 */
export const SHOP_SCRIPT = `(function () {
  var LIVE = [101, 105, 106], ENDED = [103, 104, 107];
  var LABEL = { 101: '直播中 Live', 105: '暂停中 Paused', 106: '信号中断 Reconnecting' };
  function grid(id, heading) {
    var g = document.getElementById(id);
    if (g) return g;
    var h = Array.prototype.find.call(document.querySelectorAll('h2'), function (x) { return x.dataset.section === id; });
    g = document.createElement('div');
    g.className = 'grid';
    g.id = id;
    var empty = h && h.nextElementSibling && h.nextElementSibling.classList.contains('empty') ? h.nextElementSibling : null;
    if (empty) empty.replaceWith(g); else if (h) h.after(g); else document.querySelector('main').append(g);
    return g;
  }
  document.addEventListener('zhibo:status', function (e) {
    var d = e.detail || {};
    var card = document.querySelector('article.room[data-room-id="' + Number(d.roomId) + '"]');
    if (!card) { if (LIVE.indexOf(d.liveStatus) >= 0) location.reload(); return; }
    card.dataset.status = String(d.liveStatus);
    var pill = card.querySelector('.pill');
    var btn = card.querySelector('a.btn');
    if (LIVE.indexOf(d.liveStatus) >= 0) {
      pill.textContent = LABEL[d.liveStatus];
      pill.classList.remove('up');
      if (btn) btn.textContent = '进入直播间 Watch live';
      var live = grid('live');
      if (card.parentElement !== live) live.prepend(card);
    } else if (ENDED.indexOf(d.liveStatus) >= 0) {
      card.remove();
    }
  });
})();
`;

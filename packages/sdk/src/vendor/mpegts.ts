/** Bundled on its own (build/vendor/mpegts.js) and loaded only by browsers that play HTTP-FLV / WS-FLV through MSE. */
export { default } from 'mpegts.js';

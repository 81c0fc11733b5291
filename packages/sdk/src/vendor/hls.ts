/** Bundled on its own (build/vendor/hls.js) and loaded only when HLS through MSE is needed (hls.js light: no subtitles/EME). */
export { default } from 'hls.js/light';

// hls.js ships no types for its "light" entry; it is the same API without subtitles, alt audio and EME.
declare module 'hls.js/light' {
  export { default } from 'hls.js';
}

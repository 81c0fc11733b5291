// esbuild bundles CSS imported from TypeScript into build/room.css.
declare module '*.css';

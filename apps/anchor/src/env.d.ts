// esbuild bundles CSS imported from TypeScript into build/anchor.css.
declare module '*.css';

// sql.js ships this build (WebAssembly inlined as base64) without typings of its own.
declare module 'sql.js/dist/sql-wasm-inline.js' {
  import type initSqlJs from 'sql.js';
  export default initSqlJs;
}

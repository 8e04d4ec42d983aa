// Files Bun imports as text (SQL migrations) or as embedded file paths (wasm, web assets).
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.wasm" {
  const path: string;
  export default path;
}
declare module "*.data" {
  const path: string;
  export default path;
}
declare module "*.html" {
  const bundle: import("bun").HTMLBundle;
  export default bundle;
}

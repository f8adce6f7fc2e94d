declare module 'tensorlane:wasm-base64' {
  const base64: string;
  export default base64;
}
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}

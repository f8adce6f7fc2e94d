// gzip detection and decompression with the platform's DecompressionStream (Node >= 18, Deno,
// browsers and workerd all have it), so the package needs no zlib of its own.
import { ValueError } from '../core/errors.js';

/** True if `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses a gzip stream (all members). `who` names the caller and the file in errors;
 * a corrupt or truncated stream throws a ValueError saying so.
 */
export async function gunzip(bytes: Uint8Array, who: string): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new ValueError(`${who}: this runtime has no DecompressionStream; pass the files already decompressed`);
  }
  try {
    const input = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
    const output = input.pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(output).arrayBuffer());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValueError(`${who}: the gzip data (${bytes.length} bytes) is corrupt or truncated: ${reason}`);
  }
}

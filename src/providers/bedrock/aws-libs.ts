/**
 * The AWS libraries Bedrock needs — SigV4 signing and event-stream framing — are loaded on the
 * first Bedrock request instead of at startup: together they keep ~10 MB resident, which a
 * gateway that never talks to Bedrock should not pay.
 *
 * Every Bedrock request is authorized (which awaits `loadAwsLibs()`) before it is sent, so by the
 * time a response stream is decoded the libraries are there and `loadedAwsLibs()` is synchronous.
 */
import type { Sha256 } from '@aws-crypto/sha256-js';
import type { EventStreamCodec } from '@smithy/eventstream-codec';
import type { SignatureV4 } from '@smithy/signature-v4';
import type { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export interface AwsLibs {
  SignatureV4: typeof SignatureV4;
  Sha256: typeof Sha256;
  EventStreamCodec: typeof EventStreamCodec;
  toUtf8: typeof toUtf8;
  fromUtf8: typeof fromUtf8;
}

let libs: AwsLibs | undefined;
let loading: Promise<AwsLibs> | undefined;

export function loadAwsLibs(): Promise<AwsLibs> {
  loading ??= Promise.all([
    import('@smithy/signature-v4'),
    import('@aws-crypto/sha256-js'),
    import('@smithy/eventstream-codec'),
    import('@smithy/util-utf8'),
  ]).then(([signature, sha256, codec, utf8]) => {
    libs = {
      SignatureV4: signature.SignatureV4,
      Sha256: sha256.Sha256,
      EventStreamCodec: codec.EventStreamCodec,
      toUtf8: utf8.toUtf8,
      fromUtf8: utf8.fromUtf8,
    };
    return libs;
  });
  return loading;
}

/** The libraries, once `loadAwsLibs()` has resolved; a programming error before that. */
export function loadedAwsLibs(): AwsLibs {
  if (!libs) throw new Error('Bedrock: AWS libraries used before loadAwsLibs() resolved');
  return libs;
}

// Test fixture for chop/tests/interop/alipay.rs: drives the official Alipay
// Node SDK (npm alipay-sdk, pinned in scripts/setup-interop, installed under
// .tools/npm). Reads one JSON request on stdin, prints one JSON answer.
'use strict';
const path = require('node:path');
const sdkDir = path.resolve(process.argv[2], 'node_modules', 'alipay-sdk');
const { AlipaySdk } = require(sdkDir);
// `sign`, `signatureV3` and the cert helpers are not in the package's exports map.
const util = require(path.join(sdkDir, 'dist', 'commonjs', 'util.js'));
const certutil = require(path.join(sdkDir, 'dist', 'commonjs', 'antcertutil.js'));

const req = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const sdk = new AlipaySdk({
  appId: req.app_id || '2021000000000000',
  privateKey: req.private_key_b64,
  keyType: 'PKCS8',
  alipayPublicKey: req.alipay_public_key_b64,
  signType: 'RSA2',
});
const out = {};
switch (req.op) {
  case 'sign_request':
    // OpenAPI v2 request signing: returns every signed parameter and `sign`.
    out.params = util.sign(req.method, req.params, sdk.config);
    break;
  case 'check_notify':
    out.valid = sdk.checkNotifySign(req.post_data);
    break;
  case 'check_response':
    try {
      sdk.checkResponseSign(req.raw, req.response_key, req.sign, 'interop');
      out.valid = true;
    } catch (e) {
      out.valid = false;
      out.error = String(e.message);
    }
    break;
  case 'sign_string':
    // RSA-SHA256 of an arbitrary string with the SDK's own signer.
    out.sign = util.signatureV3(req.content, sdk.config.privateKey);
    break;
  case 'cert_sn':
    out.sn = certutil.getSN(req.cert_pem, !!req.is_root);
    break;
  default:
    throw new Error('unknown op ' + req.op);
}
process.stdout.write(JSON.stringify(out));

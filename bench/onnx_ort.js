// onnx_ort.js DIR: DIR/model.onnx in ONNX Runtime for Node.js on DIR/input.npy (all rows, then 3:
// the batch dimension is dynamic), against CariLab's DIR/embedding.npy (see onnx-runtimes.sh).
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

// A float32 .npy (format 1.0 or 2.0, C order) as { shape, data }.
function loadNpy(file) {
  const b = fs.readFileSync(file);
  const major = b[6];
  const headerLength = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = b.slice(start, start + headerLength).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(`${file}: not float32: ${header}`);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').map((s) => s.trim())
    .filter((s) => s).map(Number);
  const at = b.byteOffset + start + headerLength;
  return { shape, data: new Float32Array(b.buffer.slice(at, b.byteOffset + b.length)) };
}

(async () => {
  const dir = process.argv[2];
  const x = loadNpy(path.join(dir, 'input.npy'));
  const ref = loadNpy(path.join(dir, 'embedding.npy'));
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
  const version = require('onnxruntime-node/package.json').version;
  for (const rows of [x.shape[0], 3]) {
    const per = x.data.length / x.shape[0];
    const input = new ort.Tensor('float32', x.data.slice(0, rows * per), [rows, ...x.shape.slice(1)]);
    const out = (await session.run({ input })).embedding;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < out.data.length; i++) {
      diff = Math.max(diff, Math.abs(out.data[i] - ref.data[i]));
      scale = Math.max(scale, Math.abs(ref.data[i]));
    }
    console.log(`${path.basename(dir)}: onnxruntime-node ${version}, ${rows} rows: relative error `
      + `${(diff / scale).toExponential(2)}`);
  }
})().catch((e) => { console.error(e); process.exit(1); });

// The fixture ONNX graphs rebuilt in TensorFlow.js ops from the same initializers
// (bench/lib/onnx-reader.mjs), the way tfjs-layers would run them: Gemm and Conv as
// tf.fused.matMul / tf.fused.conv2d with bias, and a following Relu fused in;
// convolutions in NHWC (tfjs' layout) with filters transposed once at build time.
// Supports the ops the fixtures use (Flatten, Gemm, Relu, Conv, MaxPool) with the
// attributes they use; anything else throws naming the node.

function attrInts(node, name, dflt) {
  const a = node.attributes[name];
  return a && a.ints.length ? a.ints : dflt;
}
function attrInt(node, name, dflt) {
  const a = node.attributes[name];
  return a && a.i !== undefined ? a.i : dflt;
}
function attrFloat(node, name, dflt) {
  const a = node.attributes[name];
  return a && a.f !== undefined ? a.f : dflt;
}

function unsupported(node, why) {
  return new Error(`tfjs model: ${node.opType} ${node.name || node.outputs[0]}: ${why}`);
}

/** Pads [top, left, bottom, right] (ONNX order x1_begin, x2_begin, x1_end, x2_end) as a tfjs pad argument. */
function tfPad(node) {
  const [t, l, b, r] = attrInts(node, 'pads', [0, 0, 0, 0]);
  if (node.attributes.auto_pad && node.attributes.auto_pad.s !== 'NOTSET') throw unsupported(node, 'auto_pad');
  return t === 0 && l === 0 && b === 0 && r === 0 ? 'valid' : [[0, 0], [t, b], [l, r], [0, 0]];
}

/**
 * graph: readOnnxGraph() output. Returns { forward(x: tf.Tensor4D NCHW) -> tf.Tensor, weights: tf.Tensor[] }.
 * Call forward inside tf.tidy.
 */
export function buildTfjsModel(tf, graph) {
  const weights = [];
  const keep = (t) => { weights.push(t); return t; };
  const init = (name) => graph.initializers.get(name);
  const consumers = new Map();
  for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);

  const steps = [];  // (env) => void, env: Map name -> { t, nhwc }
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const next = nodes[i + 1];
    const fuseRelu = (node.opType === 'Gemm' || node.opType === 'Conv') && next?.opType === 'Relu' &&
      next.inputs[0] === node.outputs[0] && consumers.get(node.outputs[0]) === 1;
    const out = fuseRelu ? next.outputs[0] : node.outputs[0];
    const activation = fuseRelu ? 'relu' : 'linear';
    if (fuseRelu) i++;

    switch (node.opType) {
      case 'Flatten': {
        if (attrInt(node, 'axis', 1) !== 1) throw unsupported(node, 'axis other than 1');
        steps.push((env) => {
          const v = env.get(node.inputs[0]);
          // An NHWC activation is flattened in ONNX's NCHW order (the same order when C = 1).
          const t = v.nhwc && v.t.shape[3] !== 1 ? tf.transpose(v.t, [0, 3, 1, 2]) : v.t;
          env.set(out, { t: tf.reshape(t, [t.shape[0], -1]) });
        });
        break;
      }
      case 'Gemm': {
        const w = init(node.inputs[1]);
        const c = node.inputs[2] ? init(node.inputs[2]) : undefined;
        if (!w || (node.inputs[2] && !c)) throw unsupported(node, 'B and C must be initializers');
        if (attrInt(node, 'transA', 0) !== 0 || attrFloat(node, 'alpha', 1) !== 1 || attrFloat(node, 'beta', 1) !== 1) {
          throw unsupported(node, 'transA, alpha or beta');
        }
        if (c && c.dims.length !== 1) throw unsupported(node, 'C must be 1-D');
        // tfjs dense layers keep the kernel as [in, out].
        const b = tf.tensor2d(w.data, w.dims);
        const kernel = keep(attrInt(node, 'transB', 0) ? tf.transpose(b) : tf.clone(b));
        b.dispose();
        const bias = c ? keep(tf.tensor1d(c.data)) : undefined;
        steps.push((env) => {
          const x = env.get(node.inputs[0]);
          if (x.nhwc) throw unsupported(node, 'input must be 2-D');
          env.set(out, { t: tf.fused.matMul({ a: x.t, b: kernel, bias, activation }) });
        });
        break;
      }
      case 'Conv': {
        const w = init(node.inputs[1]);
        const c = node.inputs[2] ? init(node.inputs[2]) : undefined;
        if (!w || w.dims.length !== 4 || (node.inputs[2] && !c)) throw unsupported(node, '2-D conv with initializer weights');
        if (attrInt(node, 'group', 1) !== 1) throw unsupported(node, 'group != 1');
        const strides = attrInts(node, 'strides', [1, 1]);
        const dilations = attrInts(node, 'dilations', [1, 1]);
        const pad = tfPad(node);
        // ONNX [out, in, kh, kw] -> tfjs [kh, kw, in, out].
        const oihw = tf.tensor4d(w.data, w.dims);
        const filter = keep(tf.transpose(oihw, [2, 3, 1, 0]));
        oihw.dispose();
        const bias = c ? keep(tf.tensor1d(c.data)) : undefined;
        steps.push((env) => {
          const x = env.get(node.inputs[0]);
          if (!x.nhwc) throw unsupported(node, 'input must be 4-D');
          env.set(out, { t: tf.fused.conv2d({ x: x.t, filter, strides, pad, dilations, bias, activation }), nhwc: true });
        });
        break;
      }
      case 'Relu':
        steps.push((env) => {
          const x = env.get(node.inputs[0]);
          env.set(out, { t: tf.relu(x.t), nhwc: x.nhwc });
        });
        break;
      case 'MaxPool': {
        if (attrInt(node, 'ceil_mode', 0) !== 0) throw unsupported(node, 'ceil_mode');
        if (attrInts(node, 'dilations', [1, 1]).some((d) => d !== 1)) throw unsupported(node, 'dilations');
        const kernel = attrInts(node, 'kernel_shape', null);
        const strides = attrInts(node, 'strides', [1, 1]);
        const pad = tfPad(node);
        steps.push((env) => {
          const x = env.get(node.inputs[0]);
          if (!x.nhwc) throw unsupported(node, 'input must be 4-D');
          env.set(out, { t: tf.maxPool(x.t, kernel, strides, pad), nhwc: true });
        });
        break;
      }
      default:
        throw unsupported(node, 'op not supported by the tfjs benchmark model');
    }
  }
  const [inputName] = graph.inputs;
  const [outputName] = graph.outputs;
  return {
    weights,
    /** x: NCHW float32 tensor; returns the graph output. */
    forward(x) {
      const c = x.shape[1];
      // NCHW -> NHWC (a reshape when there is one channel).
      const nhwc = c === 1 ? tf.reshape(x, [x.shape[0], x.shape[2], x.shape[3], 1]) : tf.transpose(x, [0, 2, 3, 1]);
      const env = new Map([[inputName, { t: nhwc, nhwc: true }]]);
      for (const step of steps) step(env);
      const y = env.get(outputName);
      if (!y) throw new Error(`tfjs model: output ${outputName} was not computed`);
      return y.t;
    },
    dispose() { for (const t of weights) t.dispose(); },
  };
}

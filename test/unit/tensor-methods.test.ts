// Method parity: every exported function that takes a tensor first and has a PyTorch Tensor
// method is also a method here (x.select(1, c) as well as select(x, 1, c)). The list below names
// each exported function that is deliberately not a method, with the reason; a new exported op
// fails this test until it gets a method or a line here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';

const NOT_METHODS: Record<string, string> = {
  // Creation and random numbers: they make tensors, they do not take one.
  tensor: 'creation', fromArray: 'creation', zeros: 'creation', ones: 'creation', full: 'creation', eye: 'creation',
  arange: 'creation', linspace: 'creation', zerosLike: 'creation', onesLike: 'creation', fullLike: 'creation',
  rand: 'random', randn: 'random', randint: 'random', randperm: 'random', bernoulli: 'random', normal: 'random',
  uniform: 'random', manualSeed: 'random',
  // Several tensors in (PyTorch has torch.cat / torch.stack, not methods).
  cat: 'several tensors', stack: 'several tensors', broadcastShapes: 'shapes, not tensors',
  // Functional layers and losses (torch.nn.functional, not Tensor methods).
  linear: 'functional', conv1d: 'functional', conv2d: 'functional', convTranspose2d: 'functional', maxPool1d: 'functional',
  maxPool2d: 'functional', maxPool1dWithIndices: 'functional', maxPool2dWithIndices: 'functional', avgPool1d: 'functional', avgPool2d: 'functional', adaptiveAvgPool2d: 'functional',
  batchNorm: 'functional', layerNorm: 'functional', groupNorm: 'functional', rmsNorm: 'functional', dropout: 'functional',
  upsampleNearest2d: 'functional', unfold: 'functional (im2col; PyTorch\'s Tensor.unfold is a different op)', fold: 'functional',
  scaledDotProductAttention: 'functional', attentionWithWeights: 'functional', causalMask: 'functional', applyRotary: 'functional',
  mseLoss: 'loss', l1Loss: 'loss', huberLoss: 'loss', smoothL1Loss: 'loss', crossEntropy: 'loss', nllLoss: 'loss',
  binaryCrossEntropy: 'loss', binaryCrossEntropyWithLogits: 'loss',
  tripletMarginLoss: 'loss', cosineEmbeddingLoss: 'loss', pairwiseDistance: 'functional (two tensors)', gaussianKl: 'loss',
  reparameterize: 'random (a sample from N(mu, sigma^2))',
  rfft: 'signal processing (torch.fft.rfft is a function)', stft: 'signal processing', melSpectrogram: 'signal processing', melFilterBank: 'signal processing',
  hannWindow: 'creation', hzToMel: 'numbers, not tensors', melToHz: 'numbers, not tensors',
  // Aliases of methods under their PyTorch method names.
  cast: 'x.to(dtype)', variance: 'x.var()', assign: 'in-place copy, x[...] = y in PyTorch', sliceUpdate: 'x[...] = y in PyTorch',
  assertFloatTensor: 'a check, not an op',
  // Autograd, memory and backends.
  detectAnomaly: 'autograd', setDetectAnomaly: 'autograd', isAnomalyEnabled: 'autograd',
  grad: 'autograd', gradients: 'autograd', valueAndGrad: 'autograd', noGrad: 'autograd', enableGrad: 'autograd', isGradEnabled: 'autograd',
  scope: 'memory', keep: 'memory', unkeep: 'memory', isKept: 'memory', memory: 'memory',
  getBackend: 'backend', setBackend: 'backend', listBackends: 'backend', registerBackend: 'backend', initWasm: 'backend', startBackend: 'backend', closeBackend: 'backend',
  getNumThreads: 'backend', setNumThreads: 'backend', startThreads: 'backend', threadStatus: 'backend',
  // Training, metrics and the doctor.
  fit: 'training', evaluate: 'training', fitAsync: 'training', evaluateAsync: 'training', predict: 'training', lrFind: 'training', trainInWorker: 'training', xyBatches: 'training',
  readRunLogs: 'dashboard run logs',
  clipGradNorm: 'parameters', clipGradNormOnDevice: 'parameters', clipGradValue: 'parameters', diagnoseData: 'doctor', fitGbt: 'doctor', formatFinding: 'doctor',
  accuracy: 'metric', precision: 'metric', recall: 'metric', f1: 'metric', confusionMatrix: 'metric', rocAuc: 'metric', equalErrorRate: 'metric',
  mae: 'metric', rmse: 'metric', r2: 'metric', topKAccuracy: 'metric', sampleToken: 'generation',
  editDistance: 'metric', errorRate: 'metric', beamSearch: 'generation',
  // Data, files and models.
  readCsv: 'data', parseCsv: 'data', toTensor: 'data', column: 'data', selectColumns: 'data', dropMissing: 'data', oneHotEncode: 'data',
  randomSplit: 'data', stratifiedSplit: 'data', timeSplit: 'data', windowedTimeSplit: 'data', kFold: 'data', slidingWindows: 'data',
  classBalancedWeights: 'data', defaultCollate: 'data', randomShift: 'augmentation', asciiText: 'text',
  loadMnist: 'dataset', loadIris: 'dataset', loadPenguins: 'dataset', loadCo2: 'dataset', loadSeattleWeather: 'dataset',
  loadCmudict: 'dataset', loadFirstNames: 'dataset',
  loadSotu: 'dataset', loadSpamAssassin: 'dataset', loadMnistIdx: 'dataset', readIdx: 'file', parseIdx: 'file',
  decodeImage: 'image', loadImage: 'image', readImage: 'image', imageFormat: 'image', encodePng: 'image', imageGrid: 'image',
  decodeWav: 'audio', readWav: 'audio', loadWav: 'audio',
  save: 'file', saveAsync: 'file', load: 'file', loadCheckpoint: 'file', loadWeights: 'file', loadOptimizerState: 'file',
  serializeCheckpoint: 'model bytes', parseCheckpoint: 'model bytes', architectureSize: 'model config',
  saveTrainingCheckpoint: 'file', loadTrainingCheckpoint: 'file', serializeTrainingCheckpoint: 'training state bytes', parseTrainingCheckpoint: 'training state bytes',
  listPretrained: 'pretrained models (by name)', loadPretrained: 'pretrained models (by name)', loadPretrainedAsync: 'pretrained models (by name)',
  exportOnnx: 'ONNX export', toOnnxBytes: 'ONNX export', onnxSupportedModules: 'ONNX export',
  freeze: 'modules (transfer learning)', unfreeze: 'modules (transfer learning)', replaceModule: 'modules (transfer learning)',
  loadSafetensors: 'file', loadSafetensorsSync: 'file', parseSafetensors: 'file', saveSafetensors: 'file',
  saveSafetensorsSync: 'file', serializeSafetensors: 'file', serializeSafetensorsAsync: 'file', writeFileAtomic: 'file', writeFileAtomicSync: 'file',
  registerModule: 'modules', moduleFromConfig: 'modules',
  // Explaining a model (Captum's attribution methods take a model, not a tensor).
  saliency: 'explain', inputXGradient: 'explain', smoothGrad: 'explain', integratedGradients: 'explain', gradCam: 'explain',
  attentionMaps: 'explain', exactShapley: 'explain', kernelShap: 'explain', permutationImportance: 'explain',
  heatmapPng: 'picture', heatmapText: 'picture', barChartSvg: 'picture', interpolate: 'functional (F.interpolate)',
};

const isClass = (f: unknown): boolean => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

test('every exported function is a Tensor method, or listed with the reason it is not', () => {
  const exported = Object.entries(ax).filter(([, v]) => typeof v === 'function' && !isClass(v)).map(([k]) => k);
  const proto = ax.Tensor.prototype as unknown as Record<string, unknown>;
  const missing = exported.filter((k) => !(k in proto) && !(k in NOT_METHODS));
  assert.deepEqual(missing, [], `exported functions without a Tensor method: ${missing.join(', ')} — add the method in src/tensor/tensor.ts or a line in NOT_METHODS`);
  const stale = Object.keys(NOT_METHODS).filter((k) => !exported.includes(k));
  assert.deepEqual(stale, [], `NOT_METHODS names functions that are not exported: ${stale.join(', ')}`);
  const both = Object.keys(NOT_METHODS).filter((k) => k in proto);
  assert.deepEqual(both, [], `listed as not methods but they are: ${both.join(', ')}`);
});

test('the methods give what the functions give', () => {
  const x = ax.tensor([[1, -2, 3], [4, 5, -6]]);
  assert.deepEqual(x.select(1, 2).toArray(), ax.select(x, 1, 2).toArray());
  assert.deepEqual(x.maskedFill(x.lt(0), 0).toArray(), [[1, 0, 3], [4, 5, 0]]);
  assert.deepEqual(ax.fromArray([0, 2], [2], 'int32').oneHot(3).toArray(), [[1, 0, 0], [0, 0, 1]]);
  assert.deepEqual(x.broadcastTo(2, 2, 3).shape, [2, 2, 3]);
  assert.deepEqual(ax.tensor([1, 2]).outer(ax.tensor([3, 4])).toArray(), [[3, 4], [6, 8]]);
  assert.equal(ax.tensor([1, 2]).dot(ax.tensor([3, 4])).item(), 11);
  assert.deepEqual(x.leakyRelu(0.5).toArray(), [[1, -1, 3], [4, 5, -3]]);
  assert.deepEqual(ax.tensor([2, 4]).reciprocal().toArray(), [0.5, 0.25]);
  const idx = ax.fromArray([0, 0], [2], 'int32');
  assert.deepEqual(ax.zeros([2, 2]).indexAdd(0, idx, ax.ones([2, 2])).toArray(), [[2, 2], [0, 0]]);
});

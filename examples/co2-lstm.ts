// Forecasting next month's CO2 at Mauna Loa with an LSTM: vega-datasets
// co2-concentration.csv, time-ordered split (last 20% of months for test, the 10% before for
// validation). The series climbs ~1.5 ppm a year, so an LSTM fed raw levels would have to
// extrapolate beyond anything seen in training; instead it reads the last 24 monthly *changes*
// (standardized with training statistics only) and predicts the next change, which is added to the
// last known value. Baseline: the seasonal-naive forecast (the value 12 months earlier).
import { LSTM, Linear, Module, Adam, fit, loadCo2, manualSeed, noGrad, windowedTimeSplit, type Tensor } from '../src/index.js';
import { fitReport, type ExampleOptions, type ExampleResult } from './example.js';

const WINDOW = 24; // two seasonal cycles of monthly changes
const HIDDEN = 32;

/** LSTM over the window of changes → last hidden state → the next change. */
class Forecaster extends Module {
  lstm = new LSTM(1, HIDDEN, { batchFirst: true });
  head = new Linear(HIDDEN, 1);
  forward(x: Tensor): Tensor {
    const [, [hN]] = this.lstm.forward(x); // (N, 24, 1) -> hN (1, N, 32)
    return this.head.forward(hN.squeeze(0)); // (N, 32) -> (N, 1)
  }
}

export async function run({ epochs = 60, seed = 0, verbose = true, doctor = true, dashboard, lr = 3e-3 }: ExampleOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const { co2 } = await loadCo2(); // (741) ppm, monthly
  const level = Array.from(co2.data());
  const change = level.slice(1).map((v, i) => v - level[i]!); // change[j] = level[j+1] − level[j]
  const s = windowedTimeSplit(change, { window: WINDOW, testFraction: 0.2, valFraction: 0.1 }); // x (M, 24, 1), y (M, 1)
  const model = new Forecaster();
  const history = fit(model, {
    data: { x: s.train.x, y: s.train.y },
    validation: { x: s.val.x, y: s.val.y },
    epochs,
    batchSize: 32,
    optimizer: new Adam(model.parameters(), { lr }),
    loss: 'mse',
    clipGradNorm: 1, // recurrent nets explode now and then; clipping is the default in our RNN recipes
    seed,
    verbose,
    doctor,
    dashboard,
  });
  model.eval();
  const pred = noGrad(() => s.unscale(model.forward(s.test.x))).data(); // (M, 1) predicted changes in ppm
  let mae = 0, naive = 0, persistence = 0;
  s.test.targetIndex.forEach((j, m) => {
    const truth = level[j + 1]!; // the month being forecast
    mae += Math.abs(level[j]! + pred[m]! - truth);
    naive += Math.abs(level[j + 1 - 12]! - truth);
    persistence += Math.abs(level[j]! - truth);
  });
  const n = s.test.targetIndex.length;
  return fitReport('co2-lstm', { testMae: mae / n, seasonalNaiveMae: naive / n, persistenceMae: persistence / n, testMonths: n, trainLoss: history.epochs.at(-1)?.loss ?? NaN }, history, t0, `one-month-ahead test MAE ${(mae / n).toFixed(3)} ppm vs seasonal-naive ${(naive / n).toFixed(3)} ppm over the last ${n} months`);
}

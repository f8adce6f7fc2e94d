// The page's main thread: the controls, the live curves, the drawing canvas and the class bars.
// Everything numeric happens in train-worker.js.
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const params = new URLSearchParams(location.search);
/** A positive integer from the query, else `fallback`. */
function count(name, fallback) {
  const value = Number(params.get(name) ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
const config = { samples: count('samples', 10000), epochs: count('epochs', 3), batchSize: count('batch', 64) };
const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });

// State the tests read: batches trained, curve redraws, predictions asked for and shown (ids).
const state = { batches: 0, redraws: 0, asked: 0, answered: 0, done: false, error: undefined };
window.__page = state;

// ---- live curves: running training loss and accuracy per batch, validation per epoch ----
const points = []; // { x: epochs as a fraction, loss, accuracy }
const validation = []; // { x, loss, accuracy }
function drawCurves() {
  const canvas = $('curves');
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  const panels = [
    { key: 'loss', title: 'loss', top: 0, max: Math.max(0.5, ...points.map((p) => p.loss), ...validation.map((p) => p.loss)), min: 0 },
    { key: 'accuracy', title: 'accuracy', top: 150, max: 1, min: 0 },
  ];
  const left = 44;
  const width = canvas.width - left - 10;
  const xMax = Math.max(config.epochs, 1);
  g.font = '11px sans-serif';
  for (const panel of panels) {
    const y0 = panel.top + 130;
    const scaleY = (v) => y0 - ((v - panel.min) / (panel.max - panel.min)) * 110;
    const scaleX = (x) => left + (x / xMax) * width;
    g.strokeStyle = '#ccc';
    g.strokeRect(left, panel.top + 20, width, 110);
    g.fillStyle = '#333';
    g.fillText(panel.title, left, panel.top + 14);
    g.fillText(panel.max.toFixed(2), 2, panel.top + 26);
    g.fillText(panel.min.toFixed(2), 2, y0);
    for (let e = 1; e <= xMax; e++) g.fillText(`epoch ${e}`, scaleX(e) - 40, y0 + 14);
    g.strokeStyle = '#3b7dd8';
    g.lineWidth = 1.5;
    g.beginPath();
    points.forEach((p, i) => (i === 0 ? g.moveTo : g.lineTo).call(g, scaleX(p.x), scaleY(p[panel.key])));
    g.stroke();
    g.fillStyle = '#d8563b';
    for (const p of validation) g.fillRect(scaleX(p.x) - 3, scaleY(p[panel.key]) - 3, 6, 6);
  }
  g.fillStyle = '#3b7dd8';
  g.fillText('training (running mean in the epoch)', left + width - 330, 14);
  g.fillStyle = '#d8563b';
  g.fillText('validation', left + width - 60, 14);
  state.redraws++;
}

// ---- drawing: white strokes on black, like Fashion-MNIST's light garments on a dark ground ----
const draw = $('draw');
const pen = draw.getContext('2d');
function clearCanvas() {
  pen.fillStyle = '#000';
  pen.fillRect(0, 0, draw.width, draw.height);
  $('prediction').textContent = '';
  $('truth').textContent = '';
}
clearCanvas();
let last;
const at = (event) => {
  const r = draw.getBoundingClientRect();
  return [((event.clientX - r.left) * draw.width) / r.width, ((event.clientY - r.top) * draw.height) / r.height];
};
draw.addEventListener('pointerdown', (event) => {
  last = at(event);
  $('truth').textContent = '';
  draw.setPointerCapture(event.pointerId);
});
draw.addEventListener('pointermove', (event) => {
  if (!last) return;
  const next = at(event);
  pen.strokeStyle = '#fff';
  pen.lineWidth = 24;
  pen.lineCap = 'round';
  pen.beginPath();
  pen.moveTo(...last);
  pen.lineTo(...next);
  pen.stroke();
  last = next;
});
draw.addEventListener('pointerup', () => {
  last = undefined;
  classify();
});

/** The drawing as 784 values in [0, 1]: scaled down to 28x28, the red channel of each pixel. */
function pixels() {
  const small = document.createElement('canvas');
  small.width = 28;
  small.height = 28;
  const g = small.getContext('2d');
  g.imageSmoothingQuality = 'high';
  g.drawImage(draw, 0, 0, 28, 28);
  const rgba = g.getImageData(0, 0, 28, 28).data;
  return Float32Array.from({ length: 784 }, (_, i) => rgba[i * 4] / 255);
}

function classify() {
  $('prediction').textContent = state.done || state.batches === 0 ? 'classifying...' : 'classifying after this epoch...';
  worker.postMessage({ type: 'predict', id: ++state.asked, pixels: pixels() });
}

function showPrediction(probabilities) {
  const best = probabilities.indexOf(Math.max(...probabilities));
  $('prediction').textContent = `${CLASSES[best]} (${(probabilities[best] * 100).toFixed(1)} %)${state.batches === 0 ? ', untrained model' : ''}`;
  $('bars').innerHTML = '';
  probabilities.forEach((p, i) => {
    const row = document.createElement('div');
    if (i === best) row.className = 'best';
    row.innerHTML = `<span class="name"></span><span class="bar" style="width:${Math.max(1, p * 160)}px"></span><span>${(p * 100).toFixed(1)} %</span>`;
    row.firstChild.textContent = CLASSES[i];
    $('bars').append(row);
  });
}

/** Paints a test image (784 values in [0, 1]) onto the drawing canvas, 10x. */
function paint(values) {
  const image = pen.createImageData(28, 28);
  values.forEach((v, i) => image.data.set([v * 255, v * 255, v * 255, 255], i * 4));
  const small = document.createElement('canvas');
  small.width = 28;
  small.height = 28;
  small.getContext('2d').putImageData(image, 0, 0);
  pen.imageSmoothingEnabled = false;
  pen.drawImage(small, 0, 0, draw.width, draw.height);
}

let nextSample = 0;
$('clear').onclick = clearCanvas;
$('sample').onclick = () => worker.postMessage({ type: 'sample', index: nextSample++ });
$('train').onclick = () => {
  $('train').disabled = true;
  points.length = 0;
  validation.length = 0;
  state.done = false;
  worker.postMessage({ type: 'train', ...config });
};

worker.onmessage = ({ data: m }) => {
  if (m.type === 'status') $('status').textContent = m.text;
  else if (m.type === 'batch') {
    state.batches++;
    points.push({ x: m.epoch + (m.batch + 1) / m.steps, loss: m.loss, accuracy: m.accuracy });
    $('progress').textContent = `epoch ${m.epoch + 1}/${config.epochs}, batch ${m.batch + 1}/${m.steps}: loss ${m.loss.toFixed(3)}, accuracy ${(m.accuracy * 100).toFixed(1)} %`;
    drawCurves();
  } else if (m.type === 'epoch') {
    validation.push({ x: m.epoch + 1, loss: m.logs.val_loss, accuracy: m.logs.val_accuracy });
    drawCurves();
  } else if (m.type === 'done') {
    state.done = true;
    $('train').disabled = false;
    $('status').textContent = `trained in ${m.seconds.toFixed(1)} s: test accuracy ${(m.accuracy * 100).toFixed(2)} % on the 2,000 test images`;
  } else if (m.type === 'prediction') {
    if (m.id === state.asked) showPrediction(m.probabilities);
    state.answered = m.id;
  } else if (m.type === 'sample') {
    paint(m.pixels);
    $('truth').textContent = `test image ${m.index}, labelled ${CLASSES[m.label]}`;
    classify();
  } else if (m.type === 'error') {
    state.error = m.message;
    $('status').textContent = `error: ${m.message}`;
    $('train').disabled = false;
  }
};
worker.onerror = (event) => {
  state.error = event.message;
  $('status').textContent = `worker error: ${event.message}`;
};

drawCurves();
if (params.get('autostart') === '1') $('train').click();

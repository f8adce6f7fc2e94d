# workerd config for examples/edge/worker.js. Module names are what the imports resolve against:
# `tensorlane` is the package's worker entry, which imports `tensorlane.wasm` beside it, and
# `model.tlnm` is the embedded model (a data module: the worker imports it as an ArrayBuffer).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "model.tlnm", data = embed "model.tlnm"),
    (name = "tensorlane", esModule = embed "../../dist/tensorlane.worker.js"),
    (name = "tensorlane.wasm", wasm = embed "../../dist/tensorlane.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);

# workerd config of the checks worker (run-all.mjs overrides the socket with a free port).
# `tensorlane` is the package's worker entry, which imports `tensorlane.wasm` as a wasm module.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8788", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "checks.mjs", esModule = embed "checks.mjs"),
    (name = "tensorlane", esModule = embed "../../dist/tensorlane.worker.js"),
    (name = "tensorlane.wasm", wasm = embed "../../dist/tensorlane.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);

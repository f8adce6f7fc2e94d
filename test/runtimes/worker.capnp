# workerd config of the checks worker (run-all.mjs overrides the socket with a free port).
# `tensorlane` is the package's worker entry, which imports `tensorlane.wasm` as a wasm module.
# Module names are the repository paths, so that checks.mjs's relative import of the examples'
# CNN resolves as it does everywhere else (workerd resolves even the bare 'tensorlane' against
# the importing module's folder, hence test/runtimes/tensorlane).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8788", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "test/runtimes/worker.mjs", esModule = embed "worker.mjs"),
    (name = "test/runtimes/checks.mjs", esModule = embed "checks.mjs"),
    (name = "examples/shared/fashion-cnn.mjs", esModule = embed "../../examples/shared/fashion-cnn.mjs"),
    (name = "test/runtimes/tensorlane", esModule = embed "../../dist/tensorlane.worker.js"),
    (name = "test/runtimes/tensorlane.wasm", wasm = embed "../../dist/tensorlane.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);

# PyTorch 1.13 (Debian python3-torch) training the anchor CNN of bench/anchor-cnn.ts: conv32-pool-
# conv64-pool-dense128-dense10, 3x3 'same' convs, batch 64, Adam, cross-entropy on logits, NCHW.
# Prints images/s (wall clock, best of rounds and the median) for the thread count given.
# Run: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch-anchor-train.py THREADS [ROUNDS]
import sys, time, statistics
import torch, torch.nn as nn

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(threads)
torch.manual_seed(1)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x, y = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))
steps = 10

def step():
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()

for _ in range(3):
    step()
rates = []
for _ in range(rounds):
    t = time.perf_counter()
    for _ in range(steps):
        step()
    rates.append(64 * steps / (time.perf_counter() - t))
print(f'torch {torch.__version__}, {torch.get_num_threads()} thread(s): best {max(rates):.0f} images/s, median {statistics.median(rates):.0f}')

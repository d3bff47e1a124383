import queue
import threading

q = queue.Queue()
q.put(1)
q.put(2)
print(q.qsize(), q.get(), q.get(), q.empty())
try:
    q.get_nowait()
except queue.Empty as e:
    print("empty", repr(e))
try:
    q.get(block=False)
except queue.Empty:
    print("empty again")
lq = queue.LifoQueue()
lq.put(1)
lq.put(2)
print(lq.get(), lq.get())
pq = queue.PriorityQueue()
for item in [(5, "e"), (1, "a"), (3, "c"), (2, "b")]:
    pq.put(item)
print([pq.get() for _ in range(4)])
bq = queue.Queue(maxsize=1)
bq.put(1)
try:
    bq.put(2, block=False)
except queue.Full:
    print("full", bq.full(), bq.qsize())
sq = queue.SimpleQueue()
sq.put("x")
print(sq.get(), sq.empty())

jobs = queue.Queue()
results = []
lock = threading.Lock()


def worker(n):
    while True:
        item = jobs.get()
        if item is None:
            jobs.task_done()
            break
        with lock:
            results.append((n, item * item))
        jobs.task_done()


threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
for t in threads:
    t.start()
for i in range(6):
    jobs.put(i)
for _ in threads:
    jobs.put(None)
jobs.join()
for t in threads:
    t.join()
print(sorted(r for _, r in results), jobs.unfinished_tasks)
try:
    jobs.task_done()
except ValueError as e:
    print(e)

pipe = queue.Queue(maxsize=2)


def producer():
    for i in range(5):
        pipe.put(i)
    pipe.put(None)


threading.Thread(target=producer).start()
got = []
while (item := pipe.get()) is not None:
    got.append(item)
print("consumed", got)

timed = queue.Queue()
try:
    timed.get(timeout=0.1)
except queue.Empty as e:
    print("empty after timeout", repr(e))
full = queue.Queue(maxsize=1)
full.put(0)
try:
    full.put(1, timeout=0.05)
except queue.Full:
    print("still full after timeout")

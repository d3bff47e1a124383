import threading
import time

lock = threading.Lock()
counter = 0

def work(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1

threads = [threading.Thread(target=work, args=(1000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter", counter, [t.name for t in threads])

cond = threading.Condition()
items = []

def consumer():
    with cond:
        while not items:
            cond.wait()
        print("consumed", items.pop())

c = threading.Thread(target=consumer)
c.start()
time.sleep(0.05)
with cond:
    items.append("job")
    cond.notify()
c.join()
ev = threading.Event()
print(ev.is_set(), ev.wait(0.01))
ev.set()
print(ev.is_set(), ev.wait())
r = threading.RLock()
with r:
    with r:
        print("reentrant ok")
print(threading.current_thread().name, threading.main_thread().name, threading.active_count())
def slow():
    time.sleep(0.1)
t = threading.Thread(target=slow, daemon=True)
t.start()
print(t.daemon, t.is_alive())
t.join(0.01)
print(t.is_alive())
t.join()
print(t.is_alive())

import random

random.seed(42)
print(random.random(), random.randint(1, 1000), random.choice(["Hello", "Welcome", "Hi there", "Greetings"]))
deck = list(range(1, 11))
random.shuffle(deck)
print(deck, round(random.random(), 6))
print(random.sample(range(100), 5), random.sample(range(10000), 30)[:5], random.uniform(1, 2), random.getrandbits(70))
print(random.randrange(10), random.randrange(0, 100, 7), random.randrange(10, 0, -3), random.choices("abc", k=5))
print(random.choices([1, 2, 3], weights=[10, 1, 1], k=6), random.randbytes(5))
print(random.gauss(0, 1), random.normalvariate(5, 2), random.expovariate(1.5), random.triangular(0, 10))
for seed in [0, 1, -5, 2 ** 100, "hello", b"hi", bytearray(b"x"), 3.5, True]:
    random.seed(seed)
    print(repr(seed), random.random(), random.randint(0, 10 ** 12))
r = random.Random(7)
state = r.getstate()
a = [r.random() for _ in range(3)]
r.setstate(state)
print(a == [r.random() for _ in range(3)], random.Random(7).random() == random.Random(7).random())
for call in [lambda: random.choice([]), lambda: random.randrange(0), lambda: random.randrange(5, 5),
             lambda: random.randint(3, 1), lambda: random.sample([1, 2], 3), lambda: random.getrandbits(-1),
             lambda: random.randrange(1, 10, 0)]:
    try:
        call()
    except (ValueError, IndexError) as e:
        print(type(e).__name__, e)
random.seed()
x = random.random()
print(0.0 <= x < 1.0)

class Animal:
    kind = "animal"
    count = 0

    def __init__(self, name):
        self.name = name
        Animal.count += 1

    def speak(self):
        return f"{self.name} makes a sound"

    def __repr__(self):
        return f"Animal({self.name!r})"


class Dog(Animal):
    kind = "dog"

    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed

    def speak(self):
        return super().speak() + " (woof)"

    def __str__(self):
        return f"{self.name} the {self.breed}"


d = Dog("Rex", "lab")
a = Animal("Cat")
print(d.speak(), a.speak(), sep=" | ")
print(d, repr(d), [d, a], Animal.count, d.kind, a.kind)
print(isinstance(d, Animal), issubclass(Dog, Animal), type(d).__name__, Dog.__mro__[1].__name__)


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

    def __add__(self, other):
        return Point(self.x + other.x, self.y + other.y)

    def __lt__(self, other):
        return (self.x, self.y) < (other.x, other.y)

    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)

    def __len__(self):
        return 2

    def __iter__(self):
        yield self.x
        yield self.y

    @property
    def norm1(self):
        return abs(self.x) + abs(self.y)

    @staticmethod
    def origin():
        return Point(0, 0)

    @classmethod
    def from_pair(cls, pair):
        return cls(*pair)


p = Point(1, 2) + Point(3, 4)
print(p, p == Point(4, 6), p != Point(0, 0), len(p), list(p), p.norm1)
print(Point.origin(), Point.from_pair((5, 6)), sorted([Point(2, 1), Point(1, 5)]))
x, y = p
print(x, y)


class Stack:
    def __init__(self):
        self._items = []

    def push(self, v):
        self._items.append(v)
        return self

    def __bool__(self):
        return bool(self._items)

    def __getitem__(self, i):
        return self._items[i]

    def __contains__(self, v):
        return v in self._items


s = Stack().push(1).push(2)
print(bool(s), bool(Stack()), s[0], 2 in s, 3 in s)
print(hasattr(s, "push"), getattr(s, "missing", "default"))
setattr(s, "extra", 5)
print(s.extra, vars(Point(1, 1)))


class MyError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


try:
    raise MyError(42, "bad thing")
except MyError as e:
    print("caught", e.code, e, repr(e), e.args)
print(Animal.speak(d))

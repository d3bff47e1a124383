class Flag(int):
    def __bool__(self):
        return False
print(bool(Flag(5)), "yes" if Flag(3) else "no", not Flag(1), Flag(2) + 1)
class Approx(int):
    def __eq__(self, o):
        return abs(int(self) - o) <= 1
    __hash__ = int.__hash__
print(Approx(5) == 6, Approx(5) in [6], [7, 6].index(Approx(5)), Approx(5) != 9, Approx(5) == Approx(5))
class Rev(int):
    def __lt__(self, o):
        return int(self) > o
print(Rev(3) < 1, sorted([Rev(1), Rev(3), Rev(2)]), max(Rev(1), Rev(5)))

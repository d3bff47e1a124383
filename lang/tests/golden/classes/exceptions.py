def risky(v):
    if v == 0:
        raise ValueError("zero!")
    return 10 / v

for v in [2, 0]:
    try:
        r = risky(v)
    except ValueError as e:
        print("ValueError:", e)
    except (TypeError, KeyError):
        print("other")
    else:
        print("ok", r)
    finally:
        print("cleanup", v)

try:
    {}["missing"]
except KeyError as e:
    print("KeyError", e, repr(e))
try:
    [][1]
except IndexError as e:
    print(type(e).__name__, e)
try:
    int("abc")
except ValueError as e:
    print(e)
try:
    "a" + 1
except TypeError as e:
    print(e)
try:
    undefined_name
except NameError as e:
    print(e)
try:
    None.attr
except AttributeError as e:
    print(e)
try:
    raise ConnectionRefusedError(111, "Connection refused")
except OSError as e:
    print(e, e.errno, e.strerror, isinstance(e, ConnectionError))
try:
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise RuntimeError("wrapped") from e
except RuntimeError as e:
    print(e, type(e.__cause__).__name__)
def f():
    try:
        return "from try"
    finally:
        print("finally before return")
print(f())
for i in range(3):
    try:
        if i == 1:
            continue
        print("body", i)
    finally:
        print("fin", i)
try:
    raise TimeoutError("timed out")
except OSError as e:
    print(type(e).__name__, e)
e = Exception("a", 1)
print(e, repr(e), str(Exception()), repr(ValueError()))
class Ctx:
    def __enter__(self):
        print("enter")
        return self
    def __exit__(self, t, v, tb):
        print("exit", t.__name__ if t else None, v)
        return True
with Ctx() as c:
    raise KeyError("suppressed")
print("after with")

import hashlib, base64, binascii, zlib
print(hashlib.md5(b"abc").hexdigest(), hashlib.sha1(b"abc").hexdigest())
h = hashlib.sha256(); h.update(b"a"); h.update(b"bc"); print(h.hexdigest(), h.digest_size, h.name)
print(hashlib.new("sha512", b"x").hexdigest()[:16], hashlib.md5(b"x" * 1000).hexdigest())
try:
    hashlib.md5("text")
except TypeError as e:
    print(e)
print(base64.b64encode(b"hello world"), base64.b64decode(b"aGVsbG8gd29ybGQ="), base64.b64decode("YWJjZA==YWI="), base64.urlsafe_b64encode(b"\xff\xfe\xfd"))
print(binascii.hexlify(b"\x01\xff"), binascii.unhexlify("01ff"), binascii.crc32(b"hello"), zlib.crc32(b"hello"), zlib.adler32(b"hello"), base64.b16encode(b"\xab"))
for bad in ["abc", "a"]:
    try:
        base64.b64decode(bad)
    except binascii.Error as e:
        print(type(e).__name__, e)
import logging
logging.warning("plain %s", "warning")
logging.info("hidden")
log = logging.getLogger("net")
log.warning("named logger without config")
logging.basicConfig(level=logging.DEBUG, format="%(levelname)s [%(name)s] %(message)s", force=True)
log.debug("debug %d", 5)
log.info("info")
logging.getLogger("net.sub").error("child %r", [1])
try:
    1 / 0
except ZeroDivisionError:
    log.exception("boom")
print(logging.getLevelName(20), logging.getLevelName("ERROR"), log.getEffectiveLevel(), repr(log))
from typing import List, Dict, Optional, Tuple, Any, Callable
def f(x: List[int], y: Optional[Dict[str, int]] = None) -> Tuple[int, ...]:
    return (len(x),)
print(f([1, 2]), List[int], Optional[str])
import itertools, functools
print(list(itertools.islice(itertools.count(5), 3)), list(itertools.chain([1], (2, 3))), list(itertools.product("ab", repeat=2)))
print(list(itertools.permutations([1, 2, 3], 2)), list(itertools.combinations("abcd", 2)), [(k, list(g)) for k, g in itertools.groupby("aabbbc")])
print(list(itertools.zip_longest([1, 2], "abc", fillvalue="-")), list(itertools.accumulate([1, 2, 3])), list(itertools.repeat(7, 3)))
print(functools.reduce(lambda a, b: a * b, [1, 2, 3, 4]), functools.partial(int, base=2)("101"))
@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(60))
def deco(fn):
    @functools.wraps(fn)
    def inner(*a):
        return fn(*a)
    return inner
@deco
def named():
    "doc"
print(named.__name__)
print(sorted([3, 1, 2], key=functools.cmp_to_key(lambda a, b: b - a)))
import signal, copy
print(callable(signal.default_int_handler), signal.SIGTERM)
a = [[1, 2], {"k": [3]}]
b = copy.deepcopy(a); b[0].append(9); c = copy.copy(a); c.append(0)
print(a, b, c)

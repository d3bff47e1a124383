import struct, json, datetime, random, collections, queue
s = struct.Struct("!I")
print(type(s).__name__, type(s))
print(json.dumps({"b": [], "a": {}}, indent=4), json.dumps([1e-7, 1e22, 123456789.0, -1.5e-10, 2**63]))
print(json.dumps({"x": [1, {"y": []}]}, indent=2, separators=(",", ": ")))
try:
    json.dumps({1: 1, "a": 2}, sort_keys=True)
except TypeError as e:
    print(e)
print(json.loads('{"a": {"b": [1, 2, {"c": null}]}}')["a"]["b"][2])
print(struct.pack("!?", None), struct.pack("3x"), struct.unpack("!3x"  , b"abc"))
print(datetime.datetime(2024, 1, 1) - datetime.timedelta(seconds=1), datetime.date(2024, 1, 31) + datetime.timedelta(days=1))
print(str(datetime.timedelta(days=-3, hours=5)), datetime.timedelta(days=1, seconds=-1))
print(collections.Counter(["a", "b", "a"]).most_common(1), list(collections.deque(range(5), 3)))
print(random.Random(5).choice(range(100)), random.Random("x").randint(1, 6))

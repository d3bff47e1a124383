import json

obj = {"name": "socklab", "ports": [80, 443], "ratio": 0.1, "big": 10 ** 20, "ok": True, "none": None,
       "nested": {"é": "ünïcode\n\t\"q\"", "empty": [], "e": {}}, "f": 1e16, "neg": -0.0, "t": (1, 2)}
print(json.dumps(obj))
print(json.dumps(obj, indent=2, sort_keys=True))
print(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
print(json.dumps([1, [2, [3]]], indent="\t"))
print(json.dumps({1: "a", 2.5: "b", True: "c", None: "d"}), json.dumps("\U0001f600"), json.dumps(float("inf")))
print(json.dumps({"b": 1, "a": 2}, sort_keys=True, indent=0))
print(json.dumps(object(), default=lambda o: "custom"))
line = json.dumps({"op": "add", "args": [1, 2]}) + "\n"
print(repr(line), json.loads(line))
print(json.loads('{"a": [1, 2.5, null, true, false, "x\\u00e9\\n"], "b": -1e3, "c": 12345678901234567890}'))
print(json.loads(b'[1, "two"]'), json.loads("  3  "), json.loads('"\\ud83d\\ude00"'), json.loads("NaN"), json.loads("[-Infinity]"))
print(json.loads('{"a": 1, "a": 2}'), json.loads("[]"), json.loads("{}"), json.loads('"\\/"'))
for bad in ['', ' ', '{', '{"a"', '{"a":', '{"a":1', '{"a":1,', '{"a" 1}', '[1,', '[1 2]', '"abc', '"a\\x"',
            '"a\x01"', '"\\u12"', '01', '1.', '-', 'nul', '[1,]', '{"a":1,}', '{1:2}', '[] x', '\n\n [1,\n x]',
            '{"a":1 "b":2}', "'single'"]:
    try:
        json.loads(bad)
    except json.JSONDecodeError as e:
        print(repr(bad), "->", e, "|", e.msg, e.pos, e.lineno, e.colno, isinstance(e, ValueError))
for bad in [{(1, 2): 3}, object(), float("nan")]:
    try:
        json.dumps(bad, allow_nan=False)
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
try:
    json.loads(5)
except TypeError as e:
    print(e)
circular = []
circular.append(circular)
try:
    json.dumps(circular)
except ValueError as e:
    print(e)
with open("data.json", "w") as f:
    json.dump({"saved": [1, 2, 3]}, f)
with open("data.json") as f:
    print(json.load(f))

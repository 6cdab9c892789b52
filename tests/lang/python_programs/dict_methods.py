d = {"a": 1, "b": 2}
d["c"] = 3
print(d, d.get("a"), d.get("z"), d.get("z", 0), "a" in d, 1 in d)
print(list(d.keys()), list(d.values()), list(d.items()))
print(d.setdefault("a", 100), d.setdefault("e", 5), d)
d.update({"a": 10, "f": 6})
d.update(g=7)
print(d)
print(d.pop("f"), d.pop("zz", "gone"), d)
print(d.popitem(), d)
counts = {}
for ch in "abracadabra":
    counts[ch] = counts.get(ch, 0) + 1
print(counts, max(counts, key=counts.get))
print(dict.fromkeys("xyz", 0), dict([("k", 1), ("j", 2)]), dict(a=1, b=2))
keys = d.keys()
d["new"] = 1
print(len(keys), "new" in keys, sorted(d))
print({"x": 1} == {"x": 1.0}, list(reversed(d)), d.copy() is d)
try:
    print(d["nope"])
except KeyError as e:
    print("missing key", e)
d.clear()
print(d, len(d), bool(d))

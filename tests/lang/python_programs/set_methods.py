a = {1, 2, 3, 4}
b = {3, 4, 5}
print(a | b, a & b, a - b, b - a, a ^ b)
print(a.union(b, [9]), a.intersection([2, 3, 10]), a.difference(b), a.symmetric_difference(b))
print({1, 2} <= a, {1, 2} < a, a >= {1}, a.issubset(range(10)), a.issuperset([1, 2]), a.isdisjoint({7}))
s = set()
s.add(3)
s.add(3)
s.add(1)
s.update([5, 6], (7,))
print(s, len(s))
s.discard(100)
s.discard(5)
s.remove(6)
print(s)
try:
    s.remove(42)
except KeyError as e:
    print("remove missing:", e)
c = a.copy()
c -= {1}
c |= {10}
c &= {2, 3, 10, 11}
print(c, a)
print(sorted(set("mississippi")), len(set([1, 1, 2, 2, 3])))
fs = frozenset([3, 1, 2])
print(fs, fs | {4}, frozenset() == set(), fs.union([0]), type(fs | {4}) is frozenset)
print({fs: "frozen key"}[frozenset({1, 2, 3})], hash(fs) == hash(frozenset([1, 2, 3])))
print(set(range(5)) - set(range(0, 5, 2)), {x for x in range(4)} == set(range(4)))

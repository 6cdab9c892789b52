colors = frozenset(["red", "green", "blue"])
print(sorted(colors), len(colors), "red" in colors, "pink" in colors)
warm = frozenset(["red", "orange"])
print(sorted(colors & warm), sorted(colors | warm), sorted(colors - warm))
groups = {frozenset({1, 2}): "pair", frozenset({3}): "single"}
print(groups[frozenset([2, 1])], frozenset({3}) in groups)
print(frozenset([1, 2]) == {1, 2}, frozenset() == frozenset([]), frozenset({1}) < frozenset({1, 2}))
print(frozenset(range(4)), repr(frozenset()), type(frozenset([1]) | {2}) is frozenset)
head = slice(3)
tail = slice(-3, None)
every_other = slice(None, None, 2)
data = list(range(10))
word = "abcdefghij"
for s in (head, tail, every_other):
    print(data[s], word[s])
print(head, tail, slice(1, 5, 2), slice(1, 5, 2) == slice(1, 5, 2))
print(slice(2, 8).indices(5), slice(None, None, -1).indices(4))
data[slice(0, 2)] = ["x", "y"]
print(data)

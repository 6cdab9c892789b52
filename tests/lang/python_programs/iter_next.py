it = iter([10, 20])
print(next(it), next(it), next(it, "done"), next(it, None))
try:
    next(it)
except StopIteration as e:
    print("exhausted:", isinstance(e, StopIteration))
letters = iter("ab")
print(list(letters), list(letters))
d = {"x": 1, "y": 2}
keys = iter(d)
print(next(keys), next(keys), next(keys, "end"))
items = iter(d.items())
print(next(items))
numbers = iter(range(5))
first = next(numbers)
print(first, list(numbers))
pairs = zip(iter([1, 2, 3]), iter("ab"))
print(next(pairs), list(pairs))
it2 = iter([1, 2, 3, 4, 5, 6])
print(list(zip(it2, it2)))
e = enumerate(["a", "b"])
print(next(e), next(e), next(e, (None, None)))
chunks = iter([3, 1, 4, 1, 5])
total = 0
for n in chunks:
    if n == 4:
        break
    total += n
print(total, list(chunks), iter(it) is it)

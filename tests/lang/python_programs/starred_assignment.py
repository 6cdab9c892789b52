first, *rest = [1, 2, 3, 4]
print(first, rest)
*init, last = "hello"
print(init, last)
head, *middle, tail = range(6)
print(head, middle, tail)
a, *b = [1]
print(a, b)
(x, y), z = (1, 2), 3
print(x, y, z)
[p, [q, *r]] = [10, [20, 30, 40]]
print(p, q, r)
a, b = 1, 2
a, b = b, a
print(a, b)
for key, (lo, *others) in {"k": (1, 2, 3), "m": (4,)}.items():
    print(key, lo, others)
i = j = k = 0
print(i, j, k)
m, n = "ab"
print(m, n)
try:
    u, v = [1, 2, 3]
except ValueError as e:
    print("unpack:", e)

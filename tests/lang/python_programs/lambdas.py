square = lambda x: x * x
add = lambda a, b=10: a + b
print(square(7), add(1), add(1, 2))
print((lambda *a, **k: (a, sorted(k.items())))(1, 2, z=3, y=4))
pairs = [(3, "c"), (1, "a"), (2, "b")]
print(sorted(pairs, key=lambda p: p[1], reverse=True))
print(list(map(lambda x: x ** 2, range(6))))
print(list(filter(lambda s: s.isupper(), ["A", "b", "C", "dd", "EE"])))
ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
print([ops[o](6, 3) for o in "+-*"])
curry = lambda a: lambda b: lambda c: a * 100 + b * 10 + c
print(curry(1)(2)(3))
print(callable(square), callable(3), (lambda: None)() is None)
fact = lambda n: 1 if n <= 1 else n * fact(n - 1)
print(fact(10))

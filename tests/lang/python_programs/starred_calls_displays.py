def show(a, b, c=0, *more, **opts):
    return f"a={a} b={b} c={c} more={more} opts={sorted(opts.items())}"

args = [1, 2]
kw = {"c": 3, "d": 4}
print(show(*args))
print(show(*args, **kw))
print(show(*args, 3, *[4, 5], e=6, **{"f": 7}))
print(show(**{"a": "A", "b": "B"}))
xs = [1, 2]
ys = (3, 4)
print([*xs, *ys, 5])
print((*xs, *ys))
print({*xs, *ys, 1})
print([*"abc", *range(2)])
d1 = {"a": 1, "b": 2}
d2 = {"b": 20, "c": 30}
print({**d1, **d2})
print({**d2, **d1, "z": 0})
print(d1 | d2, d2 | d1)
print(*xs, *ys, sep="-")
print(max(*xs, *ys), min(*[7, 3, 9]))

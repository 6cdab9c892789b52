def total(*nums):
    return sum(nums)

def describe(*args, **kwargs):
    keys = sorted(kwargs)
    return f"{len(args)} args {args}; kwargs " + ", ".join(f"{k}={kwargs[k]!r}" for k in keys)

print(total())
print(total(1, 2, 3))
print(describe(1, "two", x=3, a=[4]))
print(describe())

def mixed(a, b=2, *rest, scale=1, **opts):
    return (a + b + sum(rest)) * scale, opts

print(mixed(1))
print(mixed(1, 2, 3, 4, scale=10, mode="fast"))
print(type(describe(1)) is str, type(mixed(0)[1]) is dict)

def forward(*args, **kwargs):
    return mixed(*args, **kwargs)

print(forward(5, scale=2), forward(*[1, 1, 1], **{"scale": 3, "tag": "t"}))

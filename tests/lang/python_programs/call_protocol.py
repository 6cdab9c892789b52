class Multiplier:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def __call__(self, value, *extra):
        self.calls += 1
        return value * self.factor + sum(extra)

triple = Multiplier(3)
print(triple(5), triple(2, 1, 1), triple.calls)
print(list(map(triple, [1, 2, 3])), triple.calls)
print(callable(triple), callable(Multiplier), callable(triple.factor), callable(print))
print(sorted([3, 1, 2], key=Multiplier(-1)))

def apply(f, *args):
    return f(*args)

print(apply(triple, 10), apply(len, "abc"), apply(Multiplier, 2).factor)
ctor = type(triple)
print(ctor(7)(1), type(ctor(7)) is Multiplier)

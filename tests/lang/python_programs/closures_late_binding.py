funcs = [lambda: i for i in range(3)]
print([f() for f in funcs])
bound = [lambda i=i: i for i in range(3)]
print([f() for f in bound])

def make_adders(n):
    adders = []
    for k in range(n):
        def add(x, k=k):
            return x + k
        adders.append(add)
    return adders
print([add(10) for add in make_adders(4)])

def outer():
    x = "outer"
    def middle():
        def inner():
            return x.upper()
        return inner()
    return middle()
print(outer())

def compose(*fs):
    def run(x):
        for f in reversed(fs):
            x = f(x)
        return x
    return run
print(compose(lambda v: v * 2, lambda v: v + 1)(5))

class Memo:
    def __init__(self, func):
        self.func = func
        self.cache = {}
        self.hits = 0

    def __call__(self, *args):
        if args in self.cache:
            self.hits += 1
        else:
            self.cache[args] = self.func(*args)
        return self.cache[args]

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def paths(r, c):
    if r == 0 or c == 0:
        return 1
    return paths(r - 1, c) + paths(r, c - 1)

fib, paths = Memo(fib), Memo(paths)
print(fib(80), fib.hits, len(fib.cache))
print(paths(10, 10), paths(16, 16), len(paths.cache))
print(fib(10), fib.hits, isinstance(fib, Memo), callable(fib))
